import Testing
import TensorGraph
import TensorGraphTestSupport

/// One simplification case: a graph built on `x` (float32 [?, 3]) and `m`
/// (float32 [3, 4]), whether the pass must change it, and the op that must
/// be gone afterwards (or, for rewrites that keep the node, the attribute
/// that changes).
struct ArithmeticCase: Sendable, CustomTestStringConvertible {
  var name: String
  var fires: Bool
  var gone: String?
  var build: @Sendable (Graph, Output, Output) throws -> Output
  var testDescription: String { name }
}

@Suite struct ArithmeticOptimizerTests {
  static func c(_ g: Graph, _ v: Double, _ shape: [Int] = []) throws -> Output {
    try g.constant(Tensor.f32(Array(repeating: v, count: shape.reduce(1, *)), shape))
  }

  static let cases: [ArithmeticCase] = [
    .init(name: "x·1", fires: true, gone: "Mul") { g, x, _ in try g.multiply(x, try c(g, 1)) },
    .init(name: "1·x with ones [1, 3]", fires: true, gone: "Mul") { g, x, _ in try g.multiply(try c(g, 1, [1, 3]), x) },
    .init(name: "x+0", fires: true, gone: "AddV2") { g, x, _ in try g.add(x, try c(g, 0, [3])) },
    .init(name: "0+x", fires: true, gone: "AddV2") { g, x, _ in try g.add(try c(g, 0), x) },
    .init(name: "x−0", fires: true, gone: "Sub") { g, x, _ in try g.subtract(x, try c(g, 0)) },
    .init(name: "x/1", fires: true, gone: "RealDiv") { g, x, _ in try g.divide(x, try c(g, 1)) },
    .init(name: "Neg(Neg(x))", fires: true, gone: "Neg") { g, x, _ in try g.negate(try g.negate(x)) },
    .init(name: "Identity", fires: true, gone: "Identity") { g, x, _ in try g.exp(try g.identity(x)) },
    .init(name: "AddN of one input", fires: true, gone: "AddN") { g, x, _ in try g.exp(try g.addN([x])) },
    .init(name: "Cast to the same type", fires: true, gone: "Cast") { g, x, _ in try g.exp(try g.cast(x, to: .float32)) },
    .init(name: "Transpose∘Transpose = identity", fires: true, gone: "Transpose") { g, x, _ in
      try g.exp(try g.transpose(try g.transpose(x)))
    },
    .init(name: "Transpose by the identity", fires: true, gone: "Transpose") { g, x, _ in
      try g.exp(try g.transpose(x, perm: [0, 1]))
    },
    .init(name: "Reshape∘Reshape", fires: true, gone: nil) { g, x, _ in
      try g.exp(try g.reshape(try g.reshape(x, [-1]), [-1, 3]))
    },
    .init(name: "Reshape to its own shape", fires: true, gone: "Reshape") { g, _, m in
      try g.exp(try g.reshape(m, [3, 4]))
    },
    .init(name: "MatMul(Transpose(a), b)", fires: true, gone: "Transpose") { g, _, m in
      try g.matMul(try g.transpose(m), m)
    },
    .init(name: "MatMul(a, Transpose(b))", fires: true, gone: "Transpose") { g, _, m in
      try g.matMul(m, try g.transpose(m))
    },
    .init(name: "x·2", fires: false, gone: nil) { g, x, _ in try g.multiply(x, try c(g, 2)) },
    .init(name: "0−x", fires: false, gone: nil) { g, x, _ in try g.subtract(try c(g, 0), x) },
    .init(name: "x·ones that broadcast x to [2, ?, 3]", fires: false, gone: nil) { g, x, _ in
      try g.multiply(x, try c(g, 1, [2, 1, 3]))
    },
    .init(name: "x+zeros [2, 3] (x's batch unknown)", fires: false, gone: nil) { g, x, _ in
      try g.add(x, try c(g, 0, [2, 3]))
    },
    .init(name: "Cast to another type", fires: false, gone: nil) { g, x, _ in try g.cast(x, to: .float64) },
    .init(name: "one Neg", fires: false, gone: nil) { g, x, _ in try g.negate(x) },
  ]

  @Test(arguments: cases)
  func simplification(_ row: ArithmeticCase) throws {
    let g = Graph()
    let x = try g.placeholder(.float32, shape: [nil, 3], name: "x")
    let m = try g.placeholder(.float32, shape: [3, 4], name: "m")
    let y = try g.identity(try row.build(g, x, m), name: "y")
    let before = g.count(of: row.gone ?? "")
    let result = try expectPass(
      [ArithmeticOptimizerPass(), PruningPass()], on: g, keep: KeepSet(fetches: [y]), fires: row.fires,
      check: DifferentialCheck(unknownDimension: 2))
    if let gone = row.gone, row.fires {
      #expect(result.graph.count(of: gone) < before, "\(gone) should have gone")
    }
    #expect(result.graph.node(named: "y")?.op == "Identity", "the kept output keeps its node")
  }

  @Test func transposesComposeIntoOne() throws {
    let g = Graph()
    let x = try g.placeholder(.float32, shape: [2, 3, 4], name: "x")
    let y = try g.transpose(try g.transpose(x, perm: [1, 2, 0]), perm: [1, 2, 0], name: "y")
    let result = try expectPass([ArithmeticOptimizerPass(), PruningPass()], on: g, keep: KeepSet(fetches: [y]), fires: true)
    #expect(result.graph.count(of: "Transpose") == 1)
    #expect(result.graph.node(named: "y")?.outputs[0].shape == [4, 2, 3])
  }

  @Test func variableReadsAreReplacedByTheVariable() throws {
    let g = Graph()
    let x = try g.placeholder(.float32, shape: [nil, 2], name: "x")
    let w = try g.variable(Tensor.f32([1, 2, 3, 4], [2, 2]), name: "w")
    let loss = try g.sum(try g.square(try g.matMul(x, w.value)), name: "loss")
    let train = try GradientDescentOptimizer(learningRate: 0.1).minimize(loss)
    let keep = KeepSet(fetches: [loss], targets: [train])
    let result = try expectPass(
      [ArithmeticOptimizerPass(), PruningPass()], on: g, keep: keep, fires: true, check: DifferentialCheck(steps: 4))
    #expect(result.graph.node(named: "w/read") == nil)
    let matMul = try result.graph.requireNode(named: "MatMul")
    #expect(result.graph.node(at: matMul.inputs[1].node).name == "w")
  }

  @Test func readersInheritTheControlInputsOfARemovedIdentity() throws {
    let g = Graph()
    let x = try g.placeholder(.float32, shape: [2], name: "x")
    let side = try g.exp(x, name: "side")
    let gated = try g.withControlDependencies([side.node]) { try g.identity(x, name: "gated") }
    let y = try g.negate(gated, name: "y")
    let result = try expectPass(ArithmeticOptimizerPass(), on: g, keep: KeepSet(fetches: [y, side]), fires: true)
    let node = try result.graph.requireNode(named: "y")
    #expect(node.controlInputs.map { result.graph.node(at: $0).name } == ["side"])
    #expect(result.graph.node(named: "gated") == nil)
  }
}
