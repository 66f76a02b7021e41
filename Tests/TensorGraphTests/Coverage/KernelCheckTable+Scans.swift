import TensorGraph
import TensorGraphTestSupport

extension KernelCheckTable {
  /// The rows of the `scans` op family (`StandardOps`' family of the same
  /// name), against the nested loops of ``ScanReference``.
  static var scans: [KernelCheck] {
    scanRows + topKRows + argMinRows + logicalRows + inTopKRows
  }

  /// Cumsum and Cumprod in every mode on every axis of [2, 3, 4], in each
  /// dtype (integers small enough that products stay exact).
  static var scanRows: [KernelCheck] {
    let shape = [2, 3, 4]
    var rng = TestRandom(seed: 80)
    let floats = rng.uniform(24, in: -2...2).map { ($0 * 8).rounded() / 8 }
    let ints = (0..<24).map { Double(($0 * 7) % 5 - 2) }
    var rows: [KernelCheck] = []
    for (op, product) in [("Cumsum", false), ("Cumprod", true)] {
      for exclusive in [false, true] {
        for reverse in [false, true] {
          for axis in [0, 1, 2, -1] {
            for dtype in [DType.float32, .float64, .int32, .int64] {
              let x = dtype.isFloatingPoint ? floats : ints
              let want = ScanReference.scan(x, shape, axis: axis, exclusive: exclusive, reverse: reverse, product: product)
              rows.append(row(
                op, "exclusive \(exclusive) reverse \(reverse) axis \(axis) \(dtype)", [tensor(x, shape, dtype)],
                .values(dtype, shape, stored(want, dtype), tolerance: dtype == .float32 ? 1e-6 : 1e-13)
              ) { g, v in
                product
                  ? try g.cumprod(v[0], axis: axis, exclusive: exclusive, reverse: reverse)
                  : try g.cumsum(v[0], axis: axis, exclusive: exclusive, reverse: reverse)
              })
            }
          }
        }
      }
      // A long scan split into parallel column chunks (outer = 1).
      let long = (0..<(64 * 600)).map { Double($0 % 7) - 3 }
      let want = ScanReference.scan(long, [64, 600], axis: 0, exclusive: false, reverse: true, product: false)
      if !product {
        rows.append(row(op, "[64, 600] axis 0 reversed", [tensor(long, [64, 600], .int64)], .values(.int64, [64, 600], want)) {
          g, v in try g.cumsum(v[0], axis: 0, reverse: true)
        })
      }
    }
    return rows
  }

  /// TopKV2 on rows with ties, a NaN and a long row (the heap path).
  static var topKRows: [KernelCheck] {
    let ties: [Double] = [2, 1, 2, 1, 2, 0, -0.0, 0, 5, 5, -.infinity, .nan, .infinity, 1, .infinity, -1, 3, 3]
    var rng = TestRandom(seed: 81)
    let long = rng.uniform(3 * 200, in: -4...4).map { ($0 * 2).rounded() / 2 }
    let cases: [(String, [Double], [Int], Int, DType, DType)] = [
      ("ties k=1", ties, [3, 6], 1, .float64, .int32), ("ties k=3", ties, [3, 6], 3, .float32, .int32),
      ("ties k=6 int64 indices", ties, [3, 6], 6, .float64, .int64),
      ("long rows k=7", long, [3, 200], 7, .float64, .int32), ("long rows k=200", long, [3, 200], 200, .float32, .int64),
      ("int32 k=2", [3, 1, 3, 7, 1, 0, 0, -2, 0, 9], [2, 5], 2, .int32, .int32),
      ("int64 rank 3 k=2", (0..<12).map { Double($0 % 5) }, [2, 2, 3], 2, .int64, .int64),
    ]
    return cases.map { label, x, shape, k, dtype, indexType in
      let xs = stored(x, dtype).map { dtype.isFloatingPoint ? $0 : ($0.isNaN ? 0 : $0) }
      let (values, indices) = ScanReference.topK(xs, shape, k: k)
      let outShape = Array(shape.dropLast()) + [k]
      return KernelCheck(op: "TopKV2", label: label) { g in
        let top = try g.topK(try g.constant(tensor(xs, shape, dtype)), k: k, indexType: indexType)
        return KernelProgram([top.values, top.indices], [.values(dtype, outShape, values), .values(indexType, outShape, indices)])
      }
    }
  }

  /// ArgMin on every axis with NaN, infinities and ties.
  static var argMinRows: [KernelCheck] {
    let x: [Double] = [1, .nan, 3, -2, -2, .nan, .infinity, .nan, .infinity, .nan, .nan, .nan, 0, -0.0, 5, 0, 7, 7,
                       -.infinity, 1, -.infinity, 2, .nan, 4]
    let shape = [2, 3, 4]
    var rows: [KernelCheck] = []
    for axis in [0, 1, 2, -1] {
      for dtype in [DType.float32, .float64] {
        let start = dtype == .float32 ? Double(Float.greatestFiniteMagnitude) : .greatestFiniteMagnitude
        let want = ScanReference.arg(x, shape, axis: axis, max: false, start: start)
        rows.append(row("ArgMin", "axis \(axis) \(dtype)", [tensor(x, shape, dtype)], .values(.int64, want.shape, want.values)) {
          g, v in try g.argMin(v[0], axis: axis)
        })
      }
    }
    let ints = (0..<24).map { Double(($0 * 5) % 7) }
    let want = ScanReference.arg(ints, shape, axis: 2, max: false, start: Double(Int32.max))
    rows.append(row("ArgMin", "int32 output_type int32", [tensor(ints, shape, .int32)], .values(.int32, want.shape, want.values)) {
      g, v in try g.argMin(v[0], axis: 2, outputType: .int32)
    })
    return rows
  }

  /// All and Any over every axis combination, with keep_dims.
  static var logicalRows: [KernelCheck] {
    let shape = [2, 3, 4]
    let x = (0..<24).map { ($0 * 7) % 5 != 0 }
    var rows: [KernelCheck] = []
    for (op, all) in [("All", true), ("Any", false)] {
      for axes in [[0], [1], [2], [0, 2], [-1], [], [0, 1, 2]] {
        for keepDims in [false, true] {
          let want = ScanReference.logical(x, shape, axes: axes, all: all, keepDims: keepDims)
          rows.append(row(op, "axes \(axes) keep_dims \(keepDims)", [tensor(x.map { $0 ? 1 : 0 }, shape, .bool)],
            .values(.bool, want.shape, want.values)) { g, v in
            all ? try g.reduceAll(v[0], axes: axes, keepDims: keepDims) : try g.reduceAny(v[0], axes: axes, keepDims: keepDims)
          })
        }
      }
      // A long all-true (all-false) row with one exception at the end.
      var long = [Bool](repeating: all, count: 300)
      long[299] = !all
      rows.append(row(op, "long row", [tensor(long.map { $0 ? 1 : 0 }, [1, 300], .bool)], .values(.bool, [1], [all ? 0 : 1])) { g, v in
        all ? try g.reduceAll(v[0], axes: [1]) : try g.reduceAny(v[0], axes: [1])
      })
    }
    return rows
  }

  /// InTopKV2 worked by hand: ties count as in, k ≤ 0 is never in, a
  /// non-finite prediction or an out-of-range target is out.
  static var inTopKRows: [KernelCheck] {
    let p: [Double] = [0.1, 0.5, 0.5, 0.2, 1, 2, 3, 4, 0.3, .nan, 0.1, 0.2, 1, 1, 1, 1]
    let cases: [(Int, [Int32], [Double])] = [
      (1, [2, 3, 0, 3], [1, 1, 0, 1]), (2, [0, 2, 0, 0], [0, 1, 0, 1]), (0, [1, 3, 0, 0], [0, 0, 0, 0]),
      (4, [0, 4, 2, -1], [1, 0, 0, 0]),
    ]
    return cases.map { k, targets, want in
      row("InTopKV2", "k=\(k) targets \(targets)", [tensor(p, [4, 4], .float32)], .values(.bool, [4], want)) { g, v in
        try g.inTopK(targets: try g.constant(Tensor(targets)), predictions: v[0], k: k)
      }
    }
  }
}
