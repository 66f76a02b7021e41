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
  ]

  /// Both zeros, halves (Rint's ties to even), both sides of -1 (Log1p's
  /// pole), huge and tiny magnitudes, ±Inf and NaN.
  static let mathEdges: [Double] = [
    -.infinity, -1e30, -100, -2.5, -1.5, -1, -0.999, -0.5, -1e-30, -0.0, 0, 1e-30, 0.5, 1.5, 2.5, 3.7, 100, 1e30,
    .infinity, .nan,
  ]

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
    }
  }
}
