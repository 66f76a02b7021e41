import Testing
import TensorGraph
import TensorGraphTestSupport

/// `lower_einsum`: Einsum becomes Sum/Transpose/Reshape/BatchMatMulV2 with
/// the same values (the differential check feeds every placeholder), and
/// diagonals or unknown shapes stay Einsum.
@Suite struct LowerEinsumTests {
  static let lowered: [(String, [[Int]])] = [
    ("ij,jk->ik", [[3, 4], [4, 5]]), ("bij,bjk->bki", [[2, 3, 4], [2, 4, 5]]),
    ("bhqd,bhkd->bhqk", [[2, 2, 3, 4], [2, 2, 5, 4]]), ("btd,df->btf", [[2, 3, 4], [4, 6]]),
    ("...ij,...jk->...ik", [[5, 2, 3], [1, 3, 4]]), ("...ij,jk->...ik", [[2, 5, 2, 3], [3, 4]]),
    ("ijl,jkm->ik", [[2, 3, 2], [3, 4, 3]]), ("i,j->ij", [[3], [4]]), ("i,i->", [[5], [5]]),
    ("ijk->kij", [[2, 3, 4]]), ("ij->", [[3, 4]]), ("ij,kj->ikj", [[2, 3], [4, 3]]),
  ]

  @Test(arguments: lowered.indices)
  func lowersToBatchMatMulWithTheSameValues(_ k: Int) throws {
    let (equation, shapes) = Self.lowered[k]
    let g = Graph()
    let xs = try shapes.enumerated().map { i, s in try g.placeholder(.float64, shape: s.map { $0 }, name: "x\(i)") }
    let y = try g.einsum(equation, xs, name: "y")
    let result = try expectPass(LowerEinsumPass(), on: g, keep: KeepSet(fetches: [y]), fires: true,
      check: DifferentialCheck(tolerance: 1e-12))
    #expect(result.graph.count(of: "Einsum") == 0, "\(equation)")
    #expect(result.graph.count(of: "BatchMatMulV2") == (shapes.count == 2 ? 1 : 0), "\(equation)")
    #expect(result.graph.node(named: "y") != nil)
  }

  @Test func leavesDiagonalsAndUnknownShapesAlone() throws {
    let g = Graph()
    let m = try g.placeholder(.float64, shape: [3, 3], name: "m")
    let u = try g.placeholder(.float64, shape: [nil, 3], name: "u")
    let d = try g.einsum("ii->i", [m])
    let e = try g.einsum("ij,jk->iik", [m, m])
    let f = try g.einsum("ij,jk->ik", [u, m])
    _ = try expectPass(LowerEinsumPass(), on: g, keep: KeepSet(fetches: [d, e, f]), fires: false)
  }

  @Test func theDefaultPipelineLowersEinsum() throws {
    let g = Graph()
    let x = try g.placeholder(.float32, shape: [4, 8], name: "x")
    let w = try g.constant(Tensor.f32((0..<24).map { Double($0) * 0.25 }, [8, 3]))
    let y = try g.einsum("ij,jk->ik", [x, w], name: "y")
    let result = try PassManager.default.run(g, keep: KeepSet(fetches: [y]))
    #expect(result.graph.count(of: "Einsum") == 0)
  }
}
