import RealModule

// Elementwise activation functions with TensorFlow's argument names
// (`features → activations` for the nn ops, `x → y` for Sigmoid and Tanh)
// and numerics: Softplus and Sigmoid never overflow to inf or NaN.

// MARK: - Relu

/// `max(x, 0)`; NaN stays NaN.
public enum ReluFunction: UnaryNumericFunction {
  // `<= 0`, not `< 0`: -0 gives +0 and NaN stays NaN, as TensorFlow's kernel.
  @inlinable public static func apply<T: TensorNumericScalar>(_ x: T) -> T { x <= 0 ? 0 : x }
}

extension StandardOps {
  static let relu = unaryOp(
    "Relu", input: "features", output: "activations", types: "{float32, float64, int32, int64, uint8}",
    summary: "Returns max(features, 0) elementwise.", kernel: ReluFunction.kernel,
    gradient: .function { c in
      // d relu(x) = (x > 0)·dx, and x > 0 exactly where y > 0: ReluGrad on
      // the output (TensorFlow's _ReluGrad)
      [try c.graph.reluGrad(c.grad, c.output(0))]
    })
}

extension Graph {
  /// `max(x, 0)` elementwise (`Relu`).
  public func relu(_ features: Output, name: String? = nil, file: String = #fileID, line: Int = #line) throws
    -> Output
  {
    try build("Relu", [features], name: name, file: file, line: line)
  }
}

// MARK: - Relu6

/// `min(max(x, 0), 6)`; NaN stays NaN.
public enum Relu6Function: UnaryNumericFunction {
  // -0 gives +0 and NaN stays NaN, as TensorFlow's kernel.
  @inlinable public static func apply<T: TensorNumericScalar>(_ x: T) -> T { x <= 0 ? 0 : x > 6 ? 6 : x }
}

extension StandardOps {
  static let relu6 = unaryOp(
    "Relu6", input: "features", output: "activations", types: "{float32, float64, int32, int64, uint8}",
    summary: "Returns min(max(features, 0), 6) elementwise.", kernel: Relu6Function.kernel,
    gradient: .function { c in
      // d relu6(x) = (0 < x < 6)·dx, and 0 < x < 6 exactly where 0 < y < 6:
      // Relu6Grad on the output
      [try c.graph.relu6Grad(c.grad, c.output(0))]
    })
}

extension Graph {
  /// `min(max(x, 0), 6)` elementwise (`Relu6`).
  public func relu6(_ features: Output, name: String? = nil, file: String = #fileID, line: Int = #line) throws
    -> Output
  {
    try build("Relu6", [features], name: name, file: file, line: line)
  }
}

// MARK: - Elu

/// `x` for `x ≥ 0`, `eˣ - 1` below (accurate near 0).
public enum EluFunction: UnaryFloatFunction {
  @inlinable public static func apply<T: TensorFloatScalar>(_ x: T) -> T { x < 0 ? accurateExpMinusOne(x) : x }
}

extension StandardOps {
  static let elu = unaryOp(
    "Elu", input: "features", output: "activations", types: "{float32, float64}", flags: [],
    summary: "Returns features if positive, exp(features) - 1 otherwise, elementwise.", kernel: EluFunction.kernel,
    gradient: .function { c in
      // d elu(x) = eˣ·dx = (y + 1)·dx below 0, dx above: EluGrad on the output
      [try c.graph.eluGrad(c.grad, c.output(0))]
    },
    cost: elementwiseCost(flopsPerElement: transcendentalFlops))
}

extension Graph {
  /// The exponential linear unit elementwise (`Elu`): `x` for `x ≥ 0`,
  /// `eˣ - 1` below.
  public func elu(_ features: Output, name: String? = nil, file: String = #fileID, line: Int = #line) throws
    -> Output
  {
    try build("Elu", [features], name: name, file: file, line: line)
  }
}

// MARK: - Softplus

/// `log(1 + eˣ)` computed as TensorFlow does, without overflow: with
/// `t = log(ε) + 2` (about -13.9 for float32, -34.0 for float64), `x` when
/// `x > -t` (where `log1p(e^-x)` is below half an ulp of `x`), `eˣ` when
/// `x < t` (where `log1p(eˣ)` rounds to `eˣ`), `log1p(eˣ)` between.
public enum SoftplusFunction: UnaryFloatFunction {
  @inlinable public static func apply<T: TensorFloatScalar>(_ x: T) -> T {
    // log(ε) = -significandBitCount · ln 2: a compile-time constant per type.
    let threshold = -T(T.significandBitCount) * 0.693_147_180_559_945_3 + 2
    if x > -threshold { return x }
    if x < threshold { return T.exp(x) }
    return accurateLogOnePlus(T.exp(x))
  }
}

extension StandardOps {
  static let softplus = unaryOp(
    "Softplus", input: "features", output: "activations", types: "{float32, float64}", flags: [],
    summary: "Returns log(exp(features) + 1) elementwise, without overflow.", kernel: SoftplusFunction.kernel,
    gradient: .function { c in
      // d log(1 + eˣ) = dx/(1 + e⁻ˣ): SoftplusGrad on the input
      [try c.graph.softplusGrad(c.grad, c.input(0))]
    },
    cost: elementwiseCost(flopsPerElement: 2 * transcendentalFlops))
}

extension Graph {
  /// `log(1 + eˣ)` elementwise (`Softplus`), exact for large `|x|`:
  /// `softplus(100) == 100`.
  public func softplus(_ features: Output, name: String? = nil, file: String = #fileID, line: Int = #line) throws
    -> Output
  {
    try build("Softplus", [features], name: name, file: file, line: line)
  }
}

// MARK: - Sigmoid

/// `1 / (1 + e⁻ˣ)`, evaluated through `e = e^-|x|`, which never
/// overflows: `1 / (1 + e)` for `x ≥ 0`, `e / (1 + e)` below, so
/// `sigmoid(-100)` is a tiny positive number, not 0/0.
public enum SigmoidFunction: UnaryFloatFunction {
  @inlinable public static func apply<T: TensorFloatScalar>(_ x: T) -> T {
    let e = T.exp(-x.magnitude)
    let r = 1 / (1 + e)
    return x < 0 ? e * r : r
  }
}

extension StandardOps {
  static let sigmoid = unaryOp(
    "Sigmoid", types: "{float32, float64}", flags: [], summary: "Returns 1 / (1 + exp(-x)) elementwise.",
    kernel: SigmoidFunction.kernel,
    gradient: .function { c in
      // d σ(x) = σ(x)(1 − σ(x))·dx = y(1 − y)·dx: SigmoidGrad on the output
      [try c.graph.sigmoidGrad(c.output(0), c.grad)]
    },
    cost: elementwiseCost(flopsPerElement: transcendentalFlops + 3))
}

extension Graph {
  /// The logistic function `1 / (1 + e⁻ˣ)` elementwise (`Sigmoid`).
  public func sigmoid(_ x: Output, name: String? = nil, file: String = #fileID, line: Int = #line) throws -> Output {
    try build("Sigmoid", [x], name: name, file: file, line: line)
  }
}

// MARK: - Tanh

/// The hyperbolic tangent, through one exponential (see `tanhThroughExp`).
public enum TanhFunction: UnaryFloatFunction {
  @inlinable public static func apply<T: TensorFloatScalar>(_ x: T) -> T { tanhThroughExp(x) }
}

extension StandardOps {
  static let tanhOp = unaryOp(
    "Tanh", types: "{float32, float64}", flags: [], summary: "Returns the hyperbolic tangent of x elementwise.",
    kernel: TanhFunction.kernel,
    gradient: .function { c in
      // d tanh x = (1 − tanh²x)·dx = (1 − y²)·dx: TanhGrad on the output
      [try c.graph.tanhGrad(c.output(0), c.grad)]
    },
    cost: elementwiseCost(flopsPerElement: transcendentalFlops))
}

extension Graph {
  /// `tanh(x)` elementwise (`Tanh`).
  public func tanh(_ x: Output, name: String? = nil, file: String = #fileID, line: Int = #line) throws -> Output {
    try build("Tanh", [x], name: name, file: file, line: line)
  }
}
