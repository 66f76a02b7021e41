import Foundation
import TensorGraph
import TensorGraphTestSupport

extension KernelCheckTable {
  /// The unary math ops, each on every edge value of
  /// `KernelCheckTable.mathEdges` in both dtypes, against Foundation's
  /// libm in double precision (rounded once to the dtype).
  static let unaryMath: [(op: String, build: @Sendable (Graph, Output) throws -> Output, reference: @Sendable (Double) -> Double)] = [
    ("Floor", { try $0.floor($1) }, { Foundation.floor($0) }),
    ("Ceil", { try $0.ceil($1) }, { Foundation.ceil($0) }),
    ("Rint", { try $0.rint($1) }, { Foundation.rint($0) }),
    ("Sin", { try $0.sin($1) }, { Foundation.sin($0) }),
    ("Cos", { try $0.cos($1) }, { Foundation.cos($0) }),
    ("Log1p", { try $0.log1p($1) }, { Foundation.log1p($0) }),
    ("Expm1", { try $0.expm1($1) }, { Foundation.expm1($0) }),
    ("Erf", { try $0.erf($1) }, { Foundation.erf($0) }),
    ("Round", { try $0.round($1) }, { Foundation.rint($0) }),
    ("Tan", { try $0.tan($1) }, { Foundation.tan($0) }),
    ("Asin", { try $0.asin($1) }, { Foundation.asin($0) }),
    ("Acos", { try $0.acos($1) }, { Foundation.acos($0) }),
    ("Atan", { try $0.atan($1) }, { Foundation.atan($0) }),
    ("Sinh", { try $0.sinh($1) }, { Foundation.sinh($0) }),
    ("Cosh", { try $0.cosh($1) }, { Foundation.cosh($0) }),
    ("Asinh", { try $0.asinh($1) }, { Foundation.asinh($0) }),
    ("Acosh", { try $0.acosh($1) }, { Foundation.acosh($0) }),
    ("Atanh", { try $0.atanh($1) }, { Foundation.atanh($0) }),
    ("Erfc", { try $0.erfc($1) }, { Foundation.erfc($0) }),
    ("Lgamma", { try $0.lgamma($1) }, { Foundation.lgamma($0) }),
  ]

  /// Both zeros, halves (Rint's ties to even), both sides of -1 (Log1p's
  /// pole), huge and tiny magnitudes, ±Inf and NaN.
  static let mathEdges: [Double] = [
    -.infinity, -1e30, -100, -2.5, -1.5, -1, -0.999, -0.5, -1e-30, -0.0, 0, 1e-30, 0.5, 0.999, 1, 1.5, 2.5, 3.7, 100,
    1e30, .infinity, .nan,
  ]

  /// Digamma has no libm reference: values from closed forms. With γ the
  /// Euler–Mascheroni constant, ψ(1) = −γ, ψ(n + 1) = ψ(n) + 1/n,
  /// ψ(½) = −γ − 2 ln 2, ψ(⅓) = −γ − π/(2√3) − (3/2) ln 3,
  /// ψ(⅔) = −γ + π/(2√3) − (3/2) ln 3, and below 0 the recurrence run
  /// backwards (ψ(x − 1) = ψ(x) − 1/(x − 1)). NaN at the poles and -Inf.
  static let digammaCases: [(x: Double, psi: Double)] = {
    let gamma = 0.57721566490153286061, half = -gamma - 2 * Foundation.log(2.0)
    let third = -gamma - Double.pi / (2 * 3.0.squareRoot()) - 1.5 * Foundation.log(3.0)
    let twoThirds = -gamma + Double.pi / (2 * 3.0.squareRoot()) - 1.5 * Foundation.log(3.0)
    // ψ(-100.5) = ψ(101.5) (π·cot(101.5π) = 0) = ψ(½) + Σₖ₌₁¹⁰¹ 2/(2k − 1).
    let farHalf = half + (1...101).reduce(0.0) { $0 + 2 / Double(2 * $1 - 1) }
    return [
      (1, -gamma), (2, 1 - gamma), (5, -gamma + 1 + 1.0 / 2 + 1.0 / 3 + 1.0 / 4), (0.5, half), (1.5, half + 2),
      (-0.5, half + 2), (-1.5, half + 2 + 2.0 / 3), (1.0 / 3, third), (-2.0 / 3, third + 1.5), (2.0 / 3, twoThirds),
      (-1.0 / 3, twoThirds + 3), (-100.5, farHalf), (0, .nan), (-0.0, .nan), (-1, .nan), (-1e30, .nan),
      (.infinity, .infinity), (-.infinity, .nan), (.nan, .nan),
    ]
  }()

  /// The rows of the `elementwiseMath` op family (`StandardOps.elementwiseMathOps`).
  static var elementwiseMath: [KernelCheck] {
    divisionsAndMore + unaryMath.flatMap { c in
      [DType.float32, .float64].map { dtype in
        let x = stored(mathEdges, dtype)
        // sin and cos of 1e30 depend on the argument reduction's accuracy:
        // both libms reduce exactly, so the tolerance stays tight.
        let want = stored(x.map(c.reference), dtype)
        return row(c.op, "\(dtype) edges", [tensor(mathEdges, [mathEdges.count], dtype)],
          .values(dtype, [mathEdges.count], want, tolerance: dtype == .float32 ? 1e-6 : 1e-14)) { g, v in try c.build(g, v[0]) }
      }
    } + [DType.float32, .float64].map { dtype in
      // float32 stores ⅓, ⅔ and -100.5's neighbours inexactly: the closed
      // forms hold at the exact points, so the float32 tolerance covers
      // ψ′(x)·(rounding of x) as well.
      let x = digammaCases.map(\.x), n = x.count
      return row("Digamma", "\(dtype) closed forms", [tensor(x, [n], dtype)],
        .values(dtype, [n], stored(digammaCases.map(\.psi), dtype), tolerance: dtype == .float32 ? 1e-6 : 1e-14)) { g, v in
        try g.digamma(v[0])
      }
    }
  }
}

// MARK: - Divisions, Atan2, the float classes, ClipByValue, L2Loss, BiasAddV1, Polygamma

extension KernelCheckTable {
  /// The binary float ops against Foundation's libm in double precision,
  /// on operands of both signs, zeros and infinities.
  static let binaryMath: [(op: String, build: @Sendable (Graph, Output, Output) throws -> Output, reference: @Sendable (Double, Double) -> Double)] = [
    ("FloorDiv", { try $0.floorDiv($1, $2) }, { Foundation.floor($0 / $1) }),
    ("TruncateDiv", { try $0.truncateDiv($1, $2) }, { Foundation.trunc($0 / $1) }),
    // x − ⌊x/y⌋·y where that is exact (small integers and halves), the
    // divisor's infinity and zero as TensorFlow's (FloorMod(-5, ∞) = ∞).
    ("FloorMod", { try $0.floorMod($1, $2) }, { x, y in
      if y == 0 || x.isInfinite || x.isNaN || y.isNaN { return .nan }
      if y.isInfinite { return x == 0 || (x < 0) == (y < 0) ? x : y }
      return x - Foundation.floor(x / y) * y
    }),
    ("Atan2", { try $0.atan2($1, $2) }, { Foundation.atan2($0, $1) }),
    ("DivNoNan", { try $0.divideNoNan($1, $2) }, { $1 == 0 ? 0 : $0 / $1 }),
    ("Xlogy", { try $0.xlogy($1, $2) }, { $0 == 0 ? 0 : $0 * Foundation.log($1) }),
    ("Xdivy", { try $0.xdivy($1, $2) }, { $0 == 0 ? 0 : $0 / $1 }),
  ]

  static let binaryMathX: [Double] = [-7, -2.5, -1, -0.0, 0, 0.5, 3, 7.5, .infinity, -.infinity, .nan]
  static let binaryMathY: [Double] = [-2, -0.5, 0, 1.5, 4, .infinity]

  /// ψ⁽ⁿ⁾ at closed forms, with ζ(3) Apéry's constant: ψ⁽¹⁾(1) = π²/6,
  /// ψ⁽¹⁾(½) = π²/2, ψ⁽²⁾(1) = −2ζ(3), ψ⁽²⁾(½) = −14ζ(3), ψ⁽³⁾(1) = π⁴/15,
  /// ψ⁽³⁾(½) = π⁴, the recurrence ψ⁽ⁿ⁾(x + 1) = ψ⁽ⁿ⁾(x) + (−1)ⁿ n!/xⁿ⁺¹ both
  /// ways, order 0 as Digamma, the poles (+Inf for odd orders, NaN for
  /// even ones) and the NaN orders.
  static let polygammaCases: [(n: Double, x: Double, value: Double)] = {
    let zeta3 = 1.2020569031595942854, pi2 = Double.pi * Double.pi
    return [
      (1, 1, pi2 / 6), (1, 0.5, pi2 / 2), (1, 2, pi2 / 6 - 1), (1, 3, pi2 / 6 - 1 - 0.25), (1, -0.5, pi2 / 2 + 4),
      (1, 1.5, pi2 / 2 - 4), (2, 1, -2 * zeta3), (2, 0.5, -14 * zeta3), (2, 2, -2 * zeta3 + 2),
      (2, -0.5, -14 * zeta3 - 2 / -0.125), (3, 1, pi2 * pi2 / 15), (3, 0.5, pi2 * pi2), (3, 2, pi2 * pi2 / 15 - 6),
      (0, 1, -0.57721566490153286061), (1, 0, .infinity), (1, -3, .infinity), (3, -0.0, .infinity),
      (2, 0, .nan), (2, -1, .nan), (1, -.infinity, .infinity), (0.5, 1, .nan), (-1, 1, .nan), (.nan, 1, .nan),
      (1, .nan, .nan), (1, .infinity, 0),
    ]
  }()

  static var divisionsAndMore: [KernelCheck] {
    var rows: [KernelCheck] = []
    for c in binaryMath {
      for dtype in [DType.float32, .float64] {
        let (values, shape) = referenceBroadcast(binaryMathX, [binaryMathX.count, 1], binaryMathY, [binaryMathY.count], c.reference)
        rows.append(row(c.op, "\(dtype) signs, zeros and ∞", [
          tensor(binaryMathX, [binaryMathX.count, 1], dtype), tensor(binaryMathY, [binaryMathY.count], dtype),
        ], .values(dtype, shape, stored(values, dtype), tolerance: dtype == .float32 ? 1e-6 : 1e-14)) { g, v in
          try c.build(g, v[0], v[1])
        })
      }
    }
    // Integers against exact rational references: ⌊a/b⌋, trunc(a/b) and
    // a − ⌊a/b⌋·b in double precision (exact for these magnitudes).
    let a: [Double] = [7, -7, 7, -7, 0, 13, -13, 1], b: [Double] = [2, 2, -2, -2, 5, -4, 4, 3]
    let integerOps: [(String, @Sendable (Graph, Output, Output) throws -> Output, (Double, Double) -> Double)] = [
      ("FloorDiv", { try $0.floorDiv($1, $2) }, { Foundation.floor($0 / $1) }),
      ("TruncateDiv", { try $0.truncateDiv($1, $2) }, { Foundation.trunc($0 / $1) }),
      ("FloorMod", { try $0.floorMod($1, $2) }, { $0 - Foundation.floor($0 / $1) * $1 }),
    ]
    for (op, build, reference) in integerOps {
      for dtype in [DType.int32, .int64] {
        rows.append(row(op, "\(dtype) signs", [tensor(a, [8], dtype), tensor(b, [8], dtype)],
          .values(dtype, [8], zip(a, b).map(reference))) { g, v in try build(g, v[0], v[1]) })
      }
    }
    // The float classes: bool outputs.
    let classes: [(String, @Sendable (Graph, Output) throws -> Output, (Double) -> Bool)] = [
      ("IsNan", { try $0.isNan($1) }, { $0.isNaN }), ("IsInf", { try $0.isInf($1) }, { $0.isInfinite }),
      ("IsFinite", { try $0.isFinite($1) }, { $0.isFinite }),
    ]
    for (op, build, reference) in classes {
      for dtype in [DType.float32, .float64] {
        rows.append(row(op, "\(dtype) edges", [tensor(mathEdges, [mathEdges.count], dtype)],
          .values(.bool, [mathEdges.count], mathEdges.map { reference($0) ? 1 : 0 })) { g, v in try build(g, v[0]) })
      }
    }
    // ClipByValue: scalar bounds, bounds of t's shape, every dtype.
    let t: [Double] = [-3, -1, 0, 0.5, 2, 7], lo: [Double] = [0, -2, 1, 0, 0, 5], hi: [Double] = [1, 0, 2, 0.25, 9, 6]
    for dtype in [DType.float32, .float64, .int32, .int64] {
      let values = dtype.isFloatingPoint ? t : t.map { $0.rounded(.towardZero) }
      rows.append(row("ClipByValue", "\(dtype) scalar bounds", [tensor(values, [2, 3], dtype), tensor([-1], [], dtype), tensor([2], [], dtype)],
        .values(dtype, [2, 3], values.map { Swift.max(Swift.min($0, 2), -1) })) { g, v in
        try g.clipByValue(v[0], clipValueMin: v[1], clipValueMax: v[2])
      })
    }
    rows.append(row("ClipByValue", "float64 bounds of t's shape", [tensor(t, [2, 3], .float64), tensor(lo, [2, 3], .float64), tensor(hi, [2, 3], .float64)],
      .values(.float64, [2, 3], (0..<6).map { Swift.max(Swift.min(t[$0], hi[$0]), lo[$0]) })) { g, v in
      try g.clipByValue(v[0], clipValueMin: v[1], clipValueMax: v[2])
    })
    rows.append(row("ClipByValue", "uint8", [tensor([0, 3, 200, 255], [4], .uint8), tensor([2], [], .uint8), tensor([100], [], .uint8)],
      .values(.uint8, [4], [2, 3, 100, 100])) { g, v in try g.clipByValue(v[0], clipValueMin: v[1], clipValueMax: v[2]) })
    // L2Loss: Σ t² / 2 by a loop here.
    for dtype in [DType.float32, .float64] {
      var rng = TestRandom(seed: 77)
      let x = stored(rng.uniform(24, in: -3...3), dtype)
      rows.append(row("L2Loss", "\(dtype) [2, 3, 4]", [tensor(x, [2, 3, 4], dtype)],
        .values(dtype, [], [x.reduce(0) { $0 + $1 * $1 } / 2], tolerance: tolerance(dtype))) { g, v in try g.l2Loss(v[0]) })
    }
    rows.append(row("L2Loss", "empty", [tensor([], [0, 2], .float64)], .values(.float64, [], [0])) { g, v in try g.l2Loss(v[0]) })
    // BiasAddV1: the nested loop over rows and the last dimension.
    for dtype in [DType.float32, .float64, .int32, .int64, .uint8] {
      let value: [Double] = (0..<12).map { Double($0 * 3 % 7) }, bias: [Double] = [1, 0, 5]
      rows.append(row("BiasAddV1", "\(dtype) [2, 2, 3]", [tensor(value, [2, 2, 3], dtype), tensor(bias, [3], dtype)],
        .values(dtype, [2, 2, 3], (0..<12).map { value[$0] + bias[$0 % 3] })) { g, v in try g.biasAddV1(v[0], v[1]) })
    }
    // Polygamma at its closed forms.
    for dtype in [DType.float32, .float64] {
      let c = polygammaCases, n = c.count
      rows.append(row("Polygamma", "\(dtype) closed forms", [tensor(c.map(\.n), [n], dtype), tensor(c.map(\.x), [n], dtype)],
        .values(dtype, [n], stored(c.map(\.value), dtype), tolerance: dtype == .float32 ? 1e-6 : 1e-13)) { g, v in
        try g.polygamma(v[0], v[1])
      })
    }
    return rows
  }
}
