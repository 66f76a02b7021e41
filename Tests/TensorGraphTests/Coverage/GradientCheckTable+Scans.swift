import TensorGraph
import TensorGraphTestSupport

extension GradientCheckTable {
  /// The rows of the `scans` op family (`StandardOps`' family of the same
  /// name): Cumsum and Cumprod in every mode (Cumprod away from 0, where
  /// TensorFlow's div_no_nan formula is not the derivative), TopKV2 away
  /// from ties with both index types. ArgMin, All, Any and InTopKV2 are not
  /// differentiable.
  static var scans: [GradientCheck] {
    var rng = TestRandom(seed: 90)
    let x = Tensor.f64(rng.uniform(24, in: -2...2), [2, 3, 4])
    let signs = rng.uniform(24, in: -1...1).map { $0 < 0 ? -1.0 : 1.0 }
    let px = Tensor.f64(zip(rng.uniform(24, in: 0.5...1.5), signs).map { $0 * $1 }, [2, 3, 4])
    var rows: [GradientCheck] = []
    for exclusive in [false, true] {
      for reverse in [false, true] {
        for axis in [0, 2, -2] {
          let mode = "exclusive \(exclusive) reverse \(reverse) axis \(axis)"
          rows.append(GradientCheck(op: "Cumsum", label: mode, inputs: [x]) { g, v, _ in
            try g.square(try g.cumsum(v[0], axis: axis, exclusive: exclusive, reverse: reverse))
          })
          rows.append(GradientCheck(op: "Cumprod", label: mode, inputs: [px]) { g, v, _ in
            try g.square(try g.cumprod(v[0], axis: axis, exclusive: exclusive, reverse: reverse))
          })
        }
      }
    }
    // Distinct values (a permutation of a grid, spaced far beyond the
    // finite-difference step), so no tie moves under perturbation.
    let distinct = Tensor.f64((0..<30).map { Double(($0 * 7) % 30) * 0.25 - 3 }, [2, 3, 5])
    for (k, indexType) in [(1, DType.int32), (3, .int64), (5, .int32)] {
      rows.append(GradientCheck(op: "TopKV2", label: "k=\(k) \(indexType)", inputs: [distinct]) { g, v, _ in
        try g.square(try g.topK(v[0], k: k, indexType: indexType).values)
      })
    }
    return rows
  }
}
