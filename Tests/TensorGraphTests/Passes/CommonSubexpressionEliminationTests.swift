import Testing
import TensorGraph
import TensorGraphTestSupport

@Suite struct CommonSubexpressionEliminationTests {
  @Test func mergesEqualNodesAndCascades() throws {
    let g = Graph()
    let x = try g.placeholder(.float32, shape: [nil, 3], name: "x")
    let a = try g.multiply(x, try g.constant(2.0, name: "two"))
    let b = try g.multiply(x, try g.constant(2.0, name: "two_again"))
    let y = try g.add(try g.exp(a), try g.exp(b), name: "y")
    let result = try expectPass(CommonSubexpressionEliminationPass(), on: g, keep: KeepSet(fetches: [y]), fires: true)
    #expect(result.graph.count(of: "Const") == 1 && result.graph.count(of: "Mul") == 1)
    #expect(result.graph.count(of: "Exp") == 1)
  }

  @Test func sortsTheInputsOfCommutativeOps() throws {
    let g = Graph()
    let x = try g.placeholder(.float32, shape: [4], name: "x")
    let z = try g.placeholder(.float32, shape: [4], name: "z")
    let y = try g.multiply(try g.add(x, z), try g.add(z, x), name: "y")
    let result = try expectPass(CommonSubexpressionEliminationPass(), on: g, keep: KeepSet(fetches: [y]), fires: true)
    #expect(result.graph.count(of: "AddV2") == 1)
  }

  static let distinct: [(String, @Sendable (Graph, Output, Output) throws -> (Output, Output))] = [
    ("a non-commutative op with swapped inputs", { g, x, z in (try g.subtract(x, z), try g.subtract(z, x)) }),
    ("stateful random ops", { g, _, _ in
      let shape = try g.constant(Tensor([Int32(4)]))
      return (try g.randomUniform(shape: shape, seed: 3), try g.randomUniform(shape: shape, seed: 3))
    }),
    ("different attributes", { g, x, _ in
      let m = try g.reshape(x, [2, 2])
      return (try g.matMul(m, m), try g.matMul(m, m, transposeA: true))
    }),
    ("different control inputs", { g, x, z in
      let side = try g.exp(z)
      return (try g.negate(x), try g.withControlDependencies([side.node]) { try g.negate(x) })
    }),
    ("constants that differ only in sign of zero", { g, _, _ in
      (try g.constant(Tensor.f32([0], [1])), try g.constant(Tensor.f32([-0.0], [1])))
    }),
  ]

  @Test(arguments: 0..<distinct.count)
  func keepsDistinctNodes(_ row: Int) throws {
    let g = Graph()
    let x = try g.placeholder(.float32, shape: [4], name: "x")
    let z = try g.placeholder(.float32, shape: [4], name: "z")
    let (a, b) = try Self.distinct[row].1(g, x, z)
    _ = try expectPass(
      CommonSubexpressionEliminationPass(), on: g, keep: KeepSet(fetches: [a, b]), fires: false)
  }

  @Test func keepsADuplicateWhoseNameMustStay() throws {
    let g = Graph()
    let x = try g.placeholder(.float32, shape: [4], name: "x")
    let a = try g.exp(x, name: "a")
    let b = try g.exp(x, name: "b")
    let y = try g.add(a, try g.exp(x, name: "c"), name: "y")
    let result = try expectPass(
      CommonSubexpressionEliminationPass(), on: g, keep: KeepSet(fetches: [y, b]), fires: true)
    #expect(result.graph.node(named: "b") != nil && result.graph.node(named: "c") == nil)
    #expect(result.graph.node(named: "a") != nil)
  }
}
