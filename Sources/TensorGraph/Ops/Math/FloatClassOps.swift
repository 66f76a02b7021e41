// The floating-point classification ops: IsNan, IsInf and IsFinite, float32
// and float64 in, bool out, as TensorFlow's. None is differentiable
// (TensorFlow: ops.NotDifferentiable). Kernels:
// Runtime/Kernels/FloatClassKernels.swift.

/// `x` is NaN.
public enum IsNanFunction: FloatClassFunction {
  @inlinable public static func apply<T: TensorFloatScalar>(_ x: T) -> Bool { x.isNaN }
}

/// `x` is +Inf or -Inf.
public enum IsInfFunction: FloatClassFunction {
  @inlinable public static func apply<T: TensorFloatScalar>(_ x: T) -> Bool { x.isInfinite }
}

/// `x` is neither NaN nor ±Inf.
public enum IsFiniteFunction: FloatClassFunction {
  @inlinable public static func apply<T: TensorFloatScalar>(_ x: T) -> Bool { x.isFinite }
}

extension StandardOps {
  /// The common shape of the three definitions: `x: T` in, `y: bool` out,
  /// x's shape.
  static func floatClassOp(_ name: String, summary: String, kernel: @escaping KernelFactory, file: String = #filePath)
    -> OpDef
  {
    OpDef(
      name, inputs: ["x: T"], outputs: ["y: bool"], attrs: ["T: {float32, float64}"], flags: [.elementwise, .cheap],
      summary: summary, shape: ShapeRules.unchanged, kernel: kernel, gradient: .notDifferentiable, file: file)
  }

  static let isNan = floatClassOp("IsNan", summary: "Returns which elements of x are NaN.", kernel: IsNanFunction.kernel)
  static let isInf = floatClassOp(
    "IsInf", summary: "Returns which elements of x are +Inf or -Inf.", kernel: IsInfFunction.kernel)
  static let isFinite = floatClassOp(
    "IsFinite", summary: "Returns which elements of x are finite (neither NaN nor ±Inf).",
    kernel: IsFiniteFunction.kernel)
}

extension Graph {
  /// Whether each element of `x` is NaN, as a `bool` tensor (`IsNan`;
  /// TensorFlow's `tf.math.is_nan`).
  public func isNan(_ x: Output, name: String? = nil, file: String = #fileID, line: Int = #line) throws -> Output {
    try build("IsNan", [x], name: name, file: file, line: line)
  }

  /// Whether each element of `x` is ±Inf (`IsInf`; TensorFlow's
  /// `tf.math.is_inf`).
  public func isInf(_ x: Output, name: String? = nil, file: String = #fileID, line: Int = #line) throws -> Output {
    try build("IsInf", [x], name: name, file: file, line: line)
  }

  /// Whether each element of `x` is finite (`IsFinite`; TensorFlow's
  /// `tf.math.is_finite`).
  public func isFinite(_ x: Output, name: String? = nil, file: String = #fileID, line: Int = #line) throws -> Output {
    try build("IsFinite", [x], name: name, file: file, line: line)
  }
}
