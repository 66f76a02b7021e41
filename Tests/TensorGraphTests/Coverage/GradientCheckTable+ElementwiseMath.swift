import TensorGraph
import TensorGraphTestSupport

extension GradientCheckTable {
  /// The rows of the `elementwiseMath` op family (`StandardOps.elementwiseMathOps`):
  /// the differentiable unary math ops on values well inside their domains
  /// (Log1p's above -1, Acosh's above 1, Asin's, Acos's and Atanh's inside
  /// (-1, 1)). Floor, Ceil, Rint and Round stop the gradient, as
  /// TensorFlow's; Digamma's is exempt (`elementwiseMathExemptions`).
  static var elementwiseMath: [GradientCheck] {
    let ops: [(String, ClosedRange<Double>, @Sendable (Graph, Output) throws -> Output)] = [
      ("Sin", -4...4, { try $0.sin($1) }), ("Cos", -4...4, { try $0.cos($1) }),
      ("Log1p", -0.8...3, { try $0.log1p($1) }), ("Expm1", -3...3, { try $0.expm1($1) }),
      ("Erf", -2.5...2.5, { try $0.erf($1) }),
      ("Tan", -1.2...1.2, { try $0.tan($1) }), ("Asin", -0.9...0.9, { try $0.asin($1) }),
      ("Acos", -0.9...0.9, { try $0.acos($1) }), ("Atan", -3...3, { try $0.atan($1) }),
      ("Sinh", -3...3, { try $0.sinh($1) }), ("Cosh", -3...3, { try $0.cosh($1) }),
      ("Asinh", -3...3, { try $0.asinh($1) }), ("Acosh", 1.2...4, { try $0.acosh($1) }),
      ("Atanh", -0.9...0.9, { try $0.atanh($1) }), ("Erfc", -2.5...2.5, { try $0.erfc($1) }),
      ("Lgamma", 0.3...4, { try $0.lgamma($1) }),
    ]
    return ops.enumerated().map { i, op in
      var rng = TestRandom(seed: UInt64(40 + i))
      return GradientCheck(op: op.0, label: "[2, 3]", inputs: [Tensor.f64(rng.uniform(6, in: op.1), [2, 3])]) { g, x, _ in
        try op.2(g, x[0])
      }
    }
  }

  /// Digamma's gradient function throws: TensorFlow's is polygamma(1, x),
  /// and no Polygamma op is registered yet.
  static let elementwiseMathExemptions: [CoverageExemption] = [
    CoverageExemption(op: "Digamma", reason: "its gradient is Polygamma(1, x), not registered yet: asking for it throws")
  ]
}
