import Testing
import TensorGraph
import TensorGraphTestSupport

@Suite struct ConstantFoldingTests {
  @Test func foldsConstantSubexpressionsInPlace() throws {
    let g = Graph()
    let x = try g.placeholder(.float32, shape: [nil, 2], name: "x")
    let s = try g.multiply(try g.constant(2.0), try g.constant(3.0), name: "s")
    let t = try g.add(s, try g.constant(Tensor.f32([1, -1], [2])), name: "t")
    let y = try g.multiply(x, t, name: "y")
    let result = try expectPass(ConstantFoldingPass(), on: g, keep: KeepSet(fetches: [y]), fires: true)
    let folded = try #require(result.graph.node(named: "t"))
    #expect(folded.op == "Const")
    expectClose(folded.tensor("value"), [7, 5], shape: [2])
    #expect(result.graph.node(named: "y")?.op == "Mul")
  }

  @Test func foldsShapesThatAreKnownStatically() throws {
    let g = Graph()
    let x = try g.placeholder(.float32, shape: [8, 4], name: "x")
    let n = try g.shape(of: x, name: "n")
    let wide = try g.shape(of: x, outType: .int64, name: "wide")
    let same = try g.reshape(x, shape: n, name: "same")
    let partial = try g.shape(of: try g.placeholder(.float32, shape: [nil, 4], name: "p"), name: "partial")
    let keep = KeepSet(fetches: [n, wide, same, partial])
    let result = try expectPass(ConstantFoldingPass(), on: g, keep: keep, fires: true)
    #expect(try result.graph.requireNode(named: "n").tensor("value") == Tensor([Int32(8), 4]))
    #expect(try result.graph.requireNode(named: "wide").tensor("value") == Tensor([Int64(8), 4]))
    #expect(result.graph.node(named: "partial")?.op == "Shape", "an unknown dimension stops folding")
  }

  @Test func foldsIntegerShapeArithmeticAndCasts() throws {
    let g = Graph()
    let x = try g.placeholder(.float32, shape: [6, 5], name: "x")
    let count = try g.prod(try g.shape(of: x), axes: [0], name: "count")
    let scale = try g.cast(count, to: .float32, name: "scale")
    let y = try g.divide(try g.sum(x, axes: [0, 1]), scale, name: "y")
    let result = try expectPass(ConstantFoldingPass(), on: g, keep: KeepSet(fetches: [y]), fires: true)
    expectClose(try result.graph.requireNode(named: "scale").tensor("value"), [30], shape: [])
  }

  @Test func foldsEveryOutputOfAMultiOutputNode() throws {
    let g = Graph()
    let x = try g.placeholder(.float32, shape: [2], name: "x")
    let parts = try g.unstack(try g.constant(Tensor.f32([1, 2, 3, 4], [2, 2])), axis: 0)
    let y = try g.add(try g.multiply(x, parts[0]), parts[1], name: "y")
    let result = try expectPass([ConstantFoldingPass(), PruningPass()], on: g, keep: KeepSet(fetches: [y]), fires: true)
    #expect(result.graph.count(of: "Unpack") == 0)
    #expect(result.graph.nodes.filter { $0.name.contains("-folded-") }.count == 2)
  }

  @Test func keepsControlInputsOfWhatItFolds() throws {
    let g = Graph()
    let x = try g.placeholder(.float32, shape: [2], name: "x")
    let side = try g.exp(x, name: "side")
    let c = try g.withControlDependencies([side.node]) { try g.negate(try g.constant(Tensor.f32([1, 2], [2])), name: "c") }
    let y = try g.add(x, c, name: "y")
    let result = try expectPass(ConstantFoldingPass(), on: g, keep: KeepSet(fetches: [y]), fires: true)
    let folded = try result.graph.requireNode(named: "c")
    #expect(folded.op == "Const" && folded.controlInputs.map { result.graph.node(at: $0).name } == ["side"])
  }

  /// Rows: what must not fold, and why.
  static let unfoldable: [(String, @Sendable (Graph) throws -> Output)] = [
    ("stateful random op", { g in try g.randomUniform(shape: [3], seed: 5, name: "y") }),
    ("placeholder input", { g in try g.exp(try g.placeholder(.float32, shape: [3], name: "x"), name: "y") }),
    ("large fill (would store the tensor)", { g in try g.fill(dims: [512, 512], value: try g.constant(1.0), name: "y") }),
    ("variable read", { g in try g.exp(try g.variable(Tensor.f32([1, 2], [2]), name: "v").value, name: "y") }),
  ]

  @Test(arguments: 0..<unfoldable.count)
  func leavesAlone(_ row: Int) throws {
    let g = Graph()
    let y = try Self.unfoldable[row].1(g)
    let result = try expectPass(ConstantFoldingPass(), on: g, keep: KeepSet(fetches: [y]), fires: false)
    #expect(result.graph.node(named: y.node.name)?.op == y.node.op, "\(Self.unfoldable[row].0)")
  }

  @Test func neverFoldsThroughAFedConstant() throws {
    let g = Graph()
    let rate = try g.constant(0.5, name: "rate")
    let y = try g.multiply(rate, try g.constant(4.0), name: "y")
    let keep = KeepSet(fetches: [y], feeds: [rate])
    _ = try expectPass(
      ConstantFoldingPass(), on: g, keep: keep, fires: false,
      check: DifferentialCheck(feedOverrides: ["rate": Tensor(Float(3))]))
  }
}

