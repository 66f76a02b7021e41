import TensorGraph
import TensorGraphTestSupport

extension KernelCheckTable {
  /// The rows of the `linalg` op family (`StandardOps.linalgOps`): Einsum
  /// against ``EinsumReference``, a loop over every assignment of every
  /// label.
  static var linalg: [KernelCheck] {
    let cases: [(String, [[Int]])] = [
      ("ij,jk->ik", [[3, 4], [4, 5]]), ("bij,bjk->bik", [[2, 3, 4], [2, 4, 2]]), ("ji,kj->ik", [[4, 3], [2, 4]]),
      ("bhqd,bhkd->bhqk", [[2, 2, 3, 4], [2, 2, 2, 4]]), ("i,j->ij", [[3], [4]]), ("i,i->", [[6], [6]]),
      ("ijl,jkm->ik", [[2, 3, 2], [3, 2, 3]]), ("ijk->kij", [[2, 3, 4]]), ("ij->", [[3, 4]]), ("ii->i", [[3, 3]]),
      ("bii->b", [[2, 3, 3]]), ("ii,ij->j", [[3, 3], [3, 2]]), ("ij,jk->iik", [[2, 3], [3, 2]]),
      ("ij,jk->kji", [[2, 3], [3, 2]]),
    ]
    var rows: [KernelCheck] = []
    for (k, (equation, shapes)) in cases.enumerated() {
      var values: [[Double]] = []
      for (i, s) in shapes.enumerated() {
        let n: Int = s.reduce(1, *)
        values.append((0..<n).map { (j: Int) -> Double in Double(((j + 3 * i + k) * 7) % 11) - 5 })
      }
      let (want, shape) = EinsumReference.einsum(equation, zip(values, shapes).map { ($0, $1) })
      for dtype in [DType.float64, .float32, .int32] {
        rows.append(row("Einsum", "\(equation) \(dtype)", zip(values, shapes).map { tensor($0, $1, dtype) },
          .values(dtype, shape, want, tolerance: dtype == .float32 ? 1e-5 : 0)) { g, v in try g.einsum(equation, v) })
      }
    }
    return rows
  }
}

/// Einsum written from its definition: for every assignment of a value to
/// every label, the product of the operands' elements those values index
/// is added to the output element they index. (Explicit equations without
/// an ellipsis.)
enum EinsumReference {
  static func einsum(_ equation: String, _ operands: [([Double], [Int])]) -> (values: [Double], shape: [Int]) {
    let sides = equation.components(separatedBy: "->")
    let terms = sides[0].components(separatedBy: ",").map(Array.init)
    let output = Array(sides[1])
    var size: [Character: Int] = [:]
    for (term, (_, shape)) in zip(terms, operands) {
      for (label, d) in zip(term, shape) { size[label] = d }
    }
    let labels = Array(size.keys).sorted()
    let outShape = output.map { size[$0]! }
    var out = [Double](repeating: 0, count: outShape.reduce(1, *))
    func flat(_ term: [Character], _ shape: [Int], _ value: [Character: Int]) -> Int {
      zip(term, shape).reduce(0) { $0 * $1.1 + value[$1.0]! }
    }
    var value = Dictionary(uniqueKeysWithValues: labels.map { ($0, 0) })
    let total = labels.reduce(1) { $0 * size[$1]! }
    for n in 0..<total {
      var rest = n
      for l in labels.reversed() {
        value[l] = rest % size[l]!
        rest /= size[l]!
      }
      var p = 1.0
      for (term, (x, shape)) in zip(terms, operands) { p *= x[flat(term, shape, value)] }
      out[flat(output, outShape, value)] += p
    }
    return (out, outShape)
  }
}
