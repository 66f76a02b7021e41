import RealModule

// Selu and Softsign with their gradient ops, and gelu composed of
// registered ops as TensorFlow 2.21's tf.nn.gelu writes it. Formulas are
// TensorFlow's kernels' (relu_op_functor.h, softsign_op.h): Selu computes
// exp(x) − 1, not expm1, so it is 0 (not x·1.758…) for |x| below half an
// ulp of 1, and +0 where TensorFlow gives it; Softsign is x / (|x| + 1),
// NaN at ±inf as TensorFlow's.

// MARK: - Selu

/// TensorFlow's Selu constants: the scale λ and λ·α.
@usableFromInline let seluScale = 1.0507009873554804934193349852946
@usableFromInline let seluScaleAlpha = 1.7580993408473768599402175208123

/// `λα·(eˣ − 1)` below 0, `λ·x` elsewhere (−0 gives −0).
public enum SeluFunction: UnaryFloatFunction {
  @inlinable public static func apply<T: TensorFloatScalar>(_ x: T) -> T {
    x < 0 ? T(seluScaleAlpha) * (T.exp(x) - 1) : T(seluScale) * x
  }
}

/// `gradients · (outputs + λα)` where `outputs < 0` (there `selu'(x) =
/// λα·eˣ = selu(x) + λα`), `gradients · λ` elsewhere.
public enum SeluGradFunction: FloatGradientFunction {
  @inlinable public static func apply<T: TensorFloatScalar>(_ gradients: T, _ outputs: T) -> T {
    outputs < 0 ? gradients * (outputs + T(seluScaleAlpha)) : gradients * T(seluScale)
  }
}

extension StandardOps {
  static let selu = unaryOp(
    "Selu", input: "features", output: "activations", types: "{float32, float64}", flags: [],
    summary: "Returns scale * alpha * (exp(features) - 1) if negative, scale * features otherwise (scale 1.0507…, alpha 1.6733…).",
    kernel: SeluFunction.kernel,
    gradient: .function { c in
      // d selu(x) = λα·eˣ·dx = (y + λα)·dx below 0, λ·dx above: SeluGrad on
      // the output (TensorFlow's _SeluGrad)
      [try c.graph.seluGrad(c.grad, c.output(0))]
    },
    cost: elementwiseCost(flopsPerElement: transcendentalFlops))

  static let seluGrad = elementwiseGradientOp(
    "SeluGrad", inputs: ("gradients", "outputs"), output: "backprops",
    summary: "Returns gradients * (outputs + scale * alpha) where outputs < 0, gradients * scale elsewhere: the gradient of Selu.",
    kernel: SeluGradFunction.kernel,
    gradient: .function { c in
      // z = g·(y + λα) where y < 0, g·λ elsewhere: ∂z/∂g is SeluGrad again,
      // ∂z/∂y = g where y < 0, 0 elsewhere (TensorFlow's _SeluGradGrad).
      let g = c.graph, gradients = c.input(0), y = c.input(1)
      let zero = try g.constant(0, dtype: y.dtype)
      return [
        try g.seluGrad(c.grad, y),
        try g.selectV2(try g.less(y, zero), try g.multiply(c.grad, gradients), zero),
      ]
    },
    cost: elementwiseCost(flopsPerElement: 3))
}

// MARK: - Softsign

/// `x / (|x| + 1)`; NaN at ±inf (inf/inf), as TensorFlow's kernel.
public enum SoftsignFunction: UnaryFloatFunction {
  @inlinable public static func apply<T: TensorFloatScalar>(_ x: T) -> T { x / (x.magnitude + 1) }
}

/// `gradients / (|features| + 1)²`.
public enum SoftsignGradFunction: FloatGradientFunction {
  @inlinable public static func apply<T: TensorFloatScalar>(_ gradients: T, _ features: T) -> T {
    let d = features.magnitude + 1
    return gradients / (d * d)
  }
}

extension StandardOps {
  static let softsign = unaryOp(
    "Softsign", input: "features", output: "activations", types: "{float32, float64}", flags: [],
    summary: "Returns features / (abs(features) + 1) elementwise.", kernel: SoftsignFunction.kernel,
    gradient: .function { c in
      // d (x / (|x| + 1)) = dx / (|x| + 1)²: SoftsignGrad on the input
      // (TensorFlow's _SoftsignGrad)
      [try c.graph.softsignGrad(c.grad, c.input(0))]
    },
    cost: elementwiseCost(flopsPerElement: 3))

  static let softsignGrad = elementwiseGradientOp(
    "SoftsignGrad", inputs: ("gradients", "features"), output: "backprops",
    summary: "Returns gradients / (abs(features) + 1)^2: the gradient of Softsign.",
    kernel: SoftsignGradFunction.kernel,
    gradient: .function { c in
      // z = g / d² with d = |x| + 1 (TensorFlow registers no gradient; this
      // one makes second order work): ∂z/∂g = 1/d² (SoftsignGrad again),
      // ∂z/∂x = −2·g·sign(x) / d³.
      let g = c.graph, gradients = c.input(0), x = c.input(1)
      let d = try g.add(try g.abs(x), try g.constant(1, dtype: x.dtype))
      let numerator = try g.multiply(
        try g.multiply(try g.multiply(c.grad, gradients), try g.sign(x)), try g.constant(-2, dtype: x.dtype))
      return [try g.softsignGrad(c.grad, x), try g.divide(numerator, try g.multiply(try g.square(d), d))]
    },
    cost: elementwiseCost(flopsPerElement: 4))
}

// MARK: - Builders

extension Graph {
  /// The scaled exponential linear unit (`Selu`, `tf.nn.selu`):
  /// `λα·(eˣ − 1)` below 0, `λ·x` elsewhere, λ ≈ 1.0507, α ≈ 1.6733.
  public func selu(_ features: Output, name: String? = nil, file: String = #fileID, line: Int = #line) throws
    -> Output
  {
    try build("Selu", [features], name: name, file: file, line: line)
  }

  /// `x / (|x| + 1)` elementwise (`Softsign`, `tf.nn.softsign`).
  public func softsign(_ features: Output, name: String? = nil, file: String = #fileID, line: Int = #line) throws
    -> Output
  {
    try build("Softsign", [features], name: name, file: file, line: line)
  }

  /// The Gaussian error linear unit (`tf.nn.gelu`), composed of registered
  /// ops exactly as TensorFlow 2.21 writes it: `0.5·x·erfc(−x·(1/√2))`, or
  /// with `approximate`, `0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³)))`
  /// (x³ by `Pow`). Float inputs only. As in TensorFlow, 1/√2 and 0.044715
  /// are float32 constants even for float64 inputs (its `math_ops.cast` of
  /// a Python float makes a float32 tensor first), while 0.5, 1 and √(2/π)
  /// take the input's dtype directly.
  public func gelu(
    _ features: Output, approximate: Bool = false, name: String? = nil, file: String = #fileID, line: Int = #line
  ) throws -> Output {
    let dtype = features.dtype
    guard dtype == .float32 || dtype == .float64 else {
      throw TensorGraphError(
        .invalidArgument, "gelu needs a float32 or float64 tensor, but \(features.name) is \(dtype)",
        node: name ?? "Gelu", op: "Gelu", site: SourceLocation(fileID: file, line: line))
    }
    return try withNameScope(name ?? "Gelu") {
      let c = { (v: Double) in try self.constant(v, dtype: dtype, file: file, line: line) }
      let half = try multiply(try c(0.5), features, file: file, line: line)
      if approximate {
        let cube = try pow(features, try c(3), file: file, line: line)
        let coefficient = try c(Double(Float(0.044715)))
        let inner = try add(features, try multiply(coefficient, cube, file: file, line: line), file: file, line: line)
        let t = try tanh(try multiply(try c(0.7978845608028654), inner, file: file, line: line), file: file, line: line)
        return try multiply(half, try add(try c(1), t, file: file, line: line), file: file, line: line)
      }
      let scale = try c(Double(Float(0.7071067811865476)))
      let scaled = try multiply(try negate(features, file: file, line: line), scale, file: file, line: line)
      return try multiply(half, try erfc(scaled, file: file, line: line), file: file, line: line)
    }
  }

  /// The gradient of Selu from its outputs (`SeluGrad`).
  func seluGrad(
    _ gradients: Output, _ outputs: Output, name: String? = nil, file: String = #fileID, line: Int = #line
  ) throws -> Output {
    try build("SeluGrad", [gradients, outputs], name: name, file: file, line: line)
  }

  /// `gradients / (|features| + 1)²` (`SoftsignGrad`).
  func softsignGrad(
    _ gradients: Output, _ features: Output, name: String? = nil, file: String = #fileID, line: Int = #line
  ) throws -> Output {
    try build("SoftsignGrad", [gradients, features], name: name, file: file, line: line)
  }
}
