import TensorGraph
import TensorGraphTestSupport

extension GradientCheckTable {
  /// The rows of the `linalg` op family (`StandardOps.linalgOps`): Einsum's
  /// gradient through products, sums over one operand's labels, broadcast
  /// ellipses and diagonals.
  static var linalg: [GradientCheck] {
    var rng = TestRandom(seed: 63)
    let cases: [(String, [[Int]])] = [
      ("ij,jk->ik", [[2, 3], [3, 4]]), ("bhqd,bhkd->bhqk", [[1, 2, 3, 2], [1, 2, 2, 2]]), ("ij,jk->i", [[2, 3], [3, 2]]),
      ("...ij,...jk->...ik", [[3, 2, 2], [1, 2, 3]]), ("...ij,jk->...ik", [[2, 2, 3], [3, 2]]), ("ii->i", [[3, 3]]),
      ("ij->", [[2, 3]]), ("ii,ij->j", [[3, 3], [3, 2]]), ("ij,jk->iik", [[2, 3], [3, 2]]),
    ]
    return cases.map { equation, shapes in
      GradientCheck(
        op: "Einsum", label: equation, inputs: shapes.map { Tensor.f64(rng.uniform($0.reduce(1, *), in: -2...2), $0) }
      ) { g, v, _ in try g.einsum(equation, v) }
    }
  }
}
