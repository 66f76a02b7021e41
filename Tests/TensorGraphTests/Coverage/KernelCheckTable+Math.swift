import Foundation
import Testing
import TensorGraph
import TensorGraphTestSupport

// Elementwise, matrix and reduction rows, derived from the op families'
// case tables.

extension KernelCheckTable {
  // MARK: - Unary elementwise and activations

  static let unaryCases = UnaryOpTests.floatCases + ActivationTests.floatCases

  static let unary: [KernelCheck] = {
    var rows: [KernelCheck] = []
    for c in unaryCases {
      for dtype in [DType.float32, .float64] {
        var rng = TestRandom(seed: UInt64(c.op.utf8.count * 13 + dtype.byteSize))
        let x = stored(rng.uniform(12, in: c.domain), dtype)
        rows.append(row(c.op, "\(dtype)", [tensor(x, [3, 4], dtype)],
          .values(dtype, [3, 4], x.map(c.reference), tolerance: MathFixtures.tolerance(dtype))) { g, v in try c.build(g, v[0]) })
      }
    }
    for c in UnaryOpTests.integerCases {
      let x: [Double] = [-9, -3, -1, 0, 1, 2, 7, 12]
      rows.append(row(c.op, "int32", [tensor(x, [8], .int32)], .values(.int32, [8], x.map(c.reference))) { g, v in
        try c.build(g, v[0])
      })
    }
    // IEEE special values, written out: NaN, ∞, −∞, 0, −1.
    let specials: [(String, [Double])] = [
      ("Neg", [.nan, -.infinity, .infinity, 0, 1]), ("Abs", [.nan, .infinity, .infinity, 0, 1]),
      ("Square", [.nan, .infinity, .infinity, 0, 1]), ("Exp", [.nan, .infinity, 0, 1, Foundation.exp(-1.0)]),
      ("Log", [.nan, .infinity, .nan, -.infinity, .nan]), ("Sqrt", [.nan, .infinity, .nan, 0, .nan]),
      ("Rsqrt", [.nan, 0, .nan, .infinity, .nan]), ("Reciprocal", [.nan, 0, 0, .infinity, -1]),
      ("Tanh", [.nan, 1, -1, 0, -Foundation.tanh(1)]), ("Sigmoid", [.nan, 1, 0, 0.5, 1 / (1 + Foundation.exp(1))]),
    ]
    let cases = Dictionary(uniqueKeysWithValues: unaryCases.map { ($0.op, $0) })
    for (op, expected) in specials {
      let c = cases[op]!
      for dtype in [DType.float32, .float64] {
        rows.append(row(op, "\(dtype) NaN ∞ −∞ 0 −1", [tensor([.nan, .infinity, -.infinity, 0, -1], [5], dtype)],
          .values(dtype, [5], expected, tolerance: MathFixtures.tolerance(dtype))) { g, v in try c.build(g, v[0]) })
      }
    }
    return rows
  }()

  // MARK: - Binary elementwise

  static let binaryShapes: [([Int], [Int])] = [([2, 3], [2, 3]), ([2, 3], [3]), ([4, 1, 3], [1, 5, 1]), ([], [2, 2])]

  static let binary: [KernelCheck] = {
    var rows: [KernelCheck] = []
    for (k, (op, build, f)) in BinaryOpTests.ops.enumerated() {
      for (i, (sa, sb)) in binaryShapes.enumerated() {
        for dtype in [DType.float32, .float64] {
          // Positive operands keep Pow real and RealDiv finite.
          var rng = TestRandom(seed: UInt64(k * 100 + i))
          let a = stored(rng.uniform(sa.reduce(1, *), in: 0.5...2), dtype), b = stored(rng.uniform(sb.reduce(1, *), in: 0.5...2), dtype)
          let (values, shape) = referenceBroadcast(a, sa, b, sb, f)
          rows.append(row(op, "\(dtype) \(sa) \(sb)", [tensor(a, sa, dtype), tensor(b, sb, dtype)],
            .values(dtype, shape, values, tolerance: MathFixtures.tolerance(dtype))) { g, v in try build(g, v[0], v[1]) })
        }
      }
      if op != "RealDiv" && op != "Pow" {
        let a: [Double] = [-7, 0, 3, 12, -2, 5], b: [Double] = [2, -3, 3]
        let (values, shape) = referenceBroadcast(a, [2, 3], b, [3], f)
        rows.append(row(op, "int32", [tensor(a, [2, 3], .int32), tensor(b, [3], .int32)], .values(.int32, shape, values)) { g, v in
          try build(g, v[0], v[1])
        })
      }
      if ["AddV2", "Sub", "Mul", "RealDiv", "SquaredDifference"].contains(op) {
        // IEEE arithmetic: the Double closure's results are the float ones.
        let a: [Double] = [1, .infinity, .nan, 0, -.infinity, 5], b: [Double] = [.infinity, .infinity, 1, 0, 2, -0.0]
        rows.append(row(op, "NaN and ∞", [tensor(a, [6], .float32), tensor(b, [6], .float32)],
          .values(.float32, [6], zip(a, b).map(f))) { g, v in try build(g, v[0], v[1]) })
      }
    }
    return rows
  }()

  // MARK: - Comparisons and logical

  static let comparisons: [KernelCheck] = ComparisonTests.cases.flatMap { c -> [KernelCheck] in
    // Ties are common among small integers.
    let a: [Double] = [0, 1, 2, 3, 2, 1], b: [Double] = [1, 1, 3]
    let (values, shape) = referenceBroadcast(a, [2, 3], b, [3]) { c.reference($0, $1) ? 1 : 0 }
    let nanA: [Double] = [.nan, 1, .infinity, -.infinity], nanB: [Double] = [.nan, .nan, .infinity, 0]
    return [DType.float32, .int32, .uint8].map { dtype in
      row(c.op, "\(dtype)", [tensor(a, [2, 3], dtype), tensor(b, [3], dtype)], .values(.bool, shape, values)) { g, v in
        try c.build(g, v[0], v[1])
      }
    } + [
      row(c.op, "NaN and ∞", [tensor(nanA, [4], .float64), tensor(nanB, [4], .float64)],
        .values(.bool, [4], zip(nanA, nanB).map { c.reference($0, $1) ? 1 : 0 })) { g, v in try c.build(g, v[0], v[1]) }
    ]
  }

  static let logical: [KernelCheck] = {
    let a: [Double] = [1, 1, 0, 0], b: [Double] = [1, 0]
    return [
      row("LogicalNot", "", [tensor([1, 0, 0, 1], [2, 2], .bool)], .values(.bool, [2, 2], [0, 1, 1, 0])) { g, v in
        try g.logicalNot(v[0])
      },
      row("LogicalAnd", "broadcast", [tensor(a, [2, 2], .bool), tensor(b, [2], .bool)], .values(.bool, [2, 2], [1, 0, 0, 0])) {
        g, v in try g.logicalAnd(v[0], v[1])
      },
      row("LogicalOr", "broadcast", [tensor(a, [2, 2], .bool), tensor(b, [2], .bool)], .values(.bool, [2, 2], [1, 1, 1, 0])) {
        g, v in try g.logicalOr(v[0], v[1])
      },
    ]
  }()

  // MARK: - Select and Cast

  static let selectAndCast: [KernelCheck] = {
    var rows = [
      row("Select", "same-shape condition", [tensor([1, 0, 0, 1, 1, 0], [2, 3], .bool), tensor([1, 2, 3, 4, 5, 6], [2, 3], .float32),
        tensor([-1, -2, -3, -4, -5, .nan], [2, 3], .float32)], .values(.float32, [2, 3], [1, -2, -3, 4, 5, .nan])) { g, v in
        try g.select(v[0], v[1], v[2])
      },
      // A vector condition picks whole rows.
      row("Select", "vector condition", [tensor([0, 1, 1], [3], .bool), tensor([1, 2, 3, 4, 5, 6], [3, 2], .int32),
        tensor([-1, -2, -3, -4, -5, -6], [3, 2], .int32)], .values(.int32, [3, 2], [-1, -2, 3, 4, 5, 6])) { g, v in
        try g.select(v[0], v[1], v[2])
      },
    ]
    for shapes in SelectTests.broadcastTriples {
      let counts = shapes.map { $0.reduce(1, *) }
      let cond = (0..<counts[0]).map { Double(($0 * 7 + 1) % 3 == 0 ? 1 : 0) }
      let t = (0..<counts[1]).map { Double($0 + 100) }, e = (0..<counts[2]).map { -Double($0) }
      let (shape, indices) = MathFixtures.broadcastIndices(shapes)
      let values = indices.map { i in cond[i[0]] != 0 ? t[i[1]] : e[i[2]] }
      rows.append(row("SelectV2", "\(shapes)", [tensor(cond, shapes[0], .bool), tensor(t, shapes[1], .float64), tensor(e, shapes[2], .float64)],
        .values(.float64, shape, values)) { g, v in try g.selectV2(v[0], v[1], v[2]) })
    }
    func double(_ v: CastTests.Value) -> Double {
      switch v {
      case .int(let i): return Double(i)
      case .float(let d): return d
      case .bool(let b): return b ? 1 : 0
      }
    }
    for source in DType.allCases {
      for destination in DType.allCases {
        let input = CastTests.sources(source)
        let expected = input.map { double(CastTests.convert($0, to: destination)) }
        rows.append(row("Cast", "\(source) → \(destination)", [CastTests.tensor(input, source)],
          .values(destination, [input.count], expected)) { g, v in try g.cast(v[0], to: destination) })
      }
    }
    return rows
  }()

  // MARK: - Matrix products

  static let matrix: [KernelCheck] = {
    var rows: [KernelCheck] = []
    let (m, n, k) = (3, 5, 4)
    for (ta, tb) in [(false, false), (false, true), (true, false), (true, true)] {
      for dtype in [DType.float32, .float64] {
        var rng = TestRandom(seed: 11)
        let a = stored(rng.uniform(m * k), dtype), b = stored(rng.uniform(k * n), dtype)
        let c = MatMulTests.reference(a, b, m: m, n: n, k: k, ta: ta, tb: tb)
        rows.append(row("MatMul", "\(dtype) ta \(ta) tb \(tb)", [tensor(a, ta ? [k, m] : [m, k], dtype), tensor(b, tb ? [n, k] : [k, n], dtype)],
          .values(dtype, [m, n], c, tolerance: tolerance(dtype))) { g, v in try g.matMul(v[0], v[1], transposeA: ta, transposeB: tb) })
      }
      // Batch dimensions [2, 1] and [3] broadcast to [2, 3].
      var rng = TestRandom(seed: 12)
      let x = rng.uniform(2 * m * k), y = rng.uniform(3 * k * 2)
      var out: [Double] = []
      for b0 in 0..<2 {
        for b1 in 0..<3 {
          out += MatMulTests.reference(
            Array(x[(b0 * m * k)..<((b0 + 1) * m * k)]), Array(y[(b1 * k * 2)..<((b1 + 1) * k * 2)]), m: m, n: 2, k: k, ta: ta, tb: tb)
        }
      }
      rows.append(row("BatchMatMulV2", "adj_x \(ta) adj_y \(tb)",
        [tensor(x, ta ? [2, 1, k, m] : [2, 1, m, k], .float64), tensor(y, tb ? [3, 2, k] : [3, k, 2], .float64)],
        .values(.float64, [2, 3, m, 2], out, tolerance: 1e-12)) { g, v in try g.batchMatMul(v[0], v[1], adjX: ta, adjY: tb) })
    }
    return rows
  }()

  // MARK: - Sums and reductions

  static let reductions: [KernelCheck] = {
    var rows: [KernelCheck] = []
    let x = reductionInput([2, 3, 4], seed: 1).doubles()
    for op in reductionOps {
      for keepDims in [false, true] {
        for axes in ReductionGradientTests.axisCases {
          let (values, shape) = referenceReduce(x, [2, 3, 4], axes: axes ?? [0, 1, 2], keepDims: keepDims, op: op)
          rows.append(row(op, "axes \(axes.map { "\($0)" } ?? "all") keep_dims \(keepDims)", [tensor(x, [2, 3, 4], .float64)],
            .values(.float64, shape, values, tolerance: 1e-12)) { g, v in try g.reduction(op, v[0], axes, keepDims: keepDims) })
        }
      }
      // Integer Mean truncates toward zero.
      let ints: [Double] = [-7, 2, 5, 9, -1, -4]
      let (values, shape) = referenceReduce(ints, [2, 3], axes: [1], keepDims: false, op: op, integer: true)
      rows.append(row(op, "int32 axes [1]", [tensor(ints, [2, 3], .int32)], .values(.int32, shape, values)) { g, v in
        try g.reduction(op, v[0], [1])
      })
    }
    // Ties pick the first maximum; a NaN wins.
    let a: [Double] = [1, 3, 3, 0, 2, -1, .nan, 5, 4, 4, 4, 4]
    for axis in [0, 1, -1] {
      let (values, shape) = referenceArgMax(a, [3, 4], axis: axis < 0 ? axis + 2 : axis)
      rows.append(row("ArgMax", "axis \(axis)", [tensor(a, [3, 4], .float32)], .values(.int64, shape, values)) { g, v in
        try g.argMax(v[0], axis: axis)
      })
    }
    let p = [tensor([1, 2, 3, 4], [2, 2], .float64), tensor([0.5, -1, .nan, 8], [2, 2], .float64)]
    rows.append(row("AddN", "an input listed twice", p, .values(.float64, [2, 2], [2.5, 3, .nan, 16])) { g, v in
      try g.addN([v[0], v[1], v[0]])
    })
    rows.append(row("AddN", "int32 one input", [tensor([4, -5], [2], .int32)], .values(.int32, [2], [4, -5])) { g, v in
      try g.addN([v[0]])
    })
    return rows
  }()

  // MARK: - Gradient ops

  static let gradientOps: [KernelCheck] = GradientOpCase.all.flatMap { c in
    [DType.float32, .float64].map { dtype in
      let (a, b) = c.values(6, seed: UInt64(c.op.count))
      let (sa, sb) = (stored(a, dtype), stored(b, dtype))
      return row(c.op, "\(dtype)", [tensor(sa, [2, 3], dtype), tensor(sb, [2, 3], dtype)],
        .values(dtype, [2, 3], zip(sa, sb).map(c.reference), tolerance: MathFixtures.tolerance(dtype))) { g, v in
        g.output(try g.addNode(op: c.op, inputs: [v[0], v[1]]))
      }
    }
  }
}
