import TensorGraph
import TensorGraphTestSupport

extension GradientCheckTable {
  /// The rows of the `elementwiseMath` op family (`StandardOps.elementwiseMathOps`):
  /// the differentiable unary math ops on values well inside their domains
  /// (Log1p's above -1). Floor, Ceil and Rint stop the gradient, as
  /// TensorFlow's.
  static var elementwiseMath: [GradientCheck] {
    let ops: [(String, ClosedRange<Double>, @Sendable (Graph, Output) throws -> Output)] = [
      ("Sin", -4...4, { try $0.sin($1) }), ("Cos", -4...4, { try $0.cos($1) }),
      ("Log1p", -0.8...3, { try $0.log1p($1) }), ("Expm1", -3...3, { try $0.expm1($1) }),
      ("Erf", -2.5...2.5, { try $0.erf($1) }),
    ]
    return ops.enumerated().map { i, op in
      var rng = TestRandom(seed: UInt64(40 + i))
      return GradientCheck(op: op.0, label: "[2, 3]", inputs: [Tensor.f64(rng.uniform(6, in: op.1), [2, 3])]) { g, x, _ in
        try op.2(g, x[0])
      }
    }
  }
}
