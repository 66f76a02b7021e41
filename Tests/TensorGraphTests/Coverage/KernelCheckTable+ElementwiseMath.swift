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
    unaryMath.flatMap { c in
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
