// Round: to the nearest integer with halves to even, float32 and float64;
// for int32 and int64 the identity, as TensorFlow's tf.math.round.

/// The integer nearest `x`, halves to even (banker's rounding: 0.5 → 0,
/// 1.5 → 2, -2.5 → -2); ±0, ±Inf and NaN pass through.
public enum RoundFunction: UnaryFloatFunction {
  @inlinable public static func apply<T: TensorFloatScalar>(_ x: T) -> T { x.rounded(.toNearestOrEven) }
}

extension StandardOps {
  // TensorFlow's _RoundGrad returns None: rounding is piecewise constant.
  static let roundOp = unaryOp(
    "Round", types: "{float32, float64, int32, int64}",
    summary: "Rounds x elementwise to the nearest integer, halves to even; integers pass through.",
    kernel: roundKernel, gradient: .notDifferentiable)

  /// Floats round; an integer tensor is already rounded and passes through
  /// (`tf.math.round` returns integer inputs unchanged; TensorFlow 2.21's
  /// raw `Round` CPU kernel gives zeros for them, which we do not copy).
  static let roundKernel: KernelFactory = { b in
    switch b.inputs[0].dtype {
    case .int32, .int64: return { ctx in ctx.setOutput(0, ctx.input(0)) }
    default: return try RoundFunction.kernel(b)
    }
  }
}

extension Graph {
  /// The nearest integer elementwise, halves to even (`Round`;
  /// TensorFlow's `tf.math.round`): `round(2.5) == 2`, `round(-1.5) == -2`.
  /// Integer tensors pass through unchanged.
  public func round(_ x: Output, name: String? = nil, file: String = #fileID, line: Int = #line) throws -> Output {
    try build("Round", [x], name: name, file: file, line: line)
  }
}
