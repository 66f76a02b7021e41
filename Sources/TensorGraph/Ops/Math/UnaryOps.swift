import RealModule

// Unary elementwise math ops. Each section: the scalar function, the op
// definition, the builder method. Integer variants wrap as TensorFlow's
// (Neg and Abs of Int32.min give Int32.min) and never trap.
//
// Definitions named like a global math function take an `Op` suffix
// (`StandardOps.expOp`): a `static let exp` would shadow `exp(_:)` in every
// `extension StandardOps` closure.

extension StandardOps {
  /// The common shape of a unary elementwise op's definition: `x → y` of
  /// the same dtype and shape.
  static func unaryOp(
    _ name: String, input: String = "x", output: String = "y", types: String = "{float32, float64, int32, int64}",
    flags: OpFlags = .cheap, summary: String, kernel: @escaping KernelFactory, gradient: GradientRule = .undefined,
    cost: CostFunction? = nil, file: String = #filePath
  ) -> OpDef {
    OpDef(
      name, inputs: ["\(input): T"], outputs: ["\(output): T"], attrs: ["T: \(types)"],
      flags: flags.union(.elementwise), summary: summary, shape: ShapeRules.unchanged, kernel: kernel,
      gradient: gradient, cost: cost, file: file)
  }

  /// Flops charged per element for a libm transcendental (`exp`, `log`).
  static let transcendentalFlops: Double = 20
}

// MARK: - Neg

/// `-x`; integers wrap (`-Int32.min == Int32.min`).
public enum NegFunction: UnaryArithmeticFunction {
  // Multiplying by -1 is exact IEEE negation (the compiler emits a sign
  // flip) and wrapping negation for integers.
  @inlinable public static func apply<T: TensorSignedScalar>(_ x: T) -> T { T.wrappedMul(x, -1) }
}

extension StandardOps {
  static let neg = unaryOp(
    "Neg", summary: "Returns -x elementwise.", kernel: NegFunction.kernel,
    gradient: .function { c in
      // d(−x) = −dx
      [try c.graph.negate(c.grad)]
    })
}

extension Graph {
  /// `-x` elementwise (`Neg`; TensorFlow's `tf.math.negative`). Integers
  /// wrap: the negation of `Int32.min` is `Int32.min`.
  public func negate(_ x: Output, name: String? = nil, file: String = #fileID, line: Int = #line) throws -> Output {
    try build("Neg", [x], name: name, file: file, line: line)
  }
}

// MARK: - Abs

/// `|x|`; `|-0.0| == +0.0`, `|NaN|` is NaN, integers wrap
/// (`|Int32.min| == Int32.min`).
public enum AbsFunction: UnaryArithmeticFunction {
  @inlinable public static func apply<T: TensorSignedScalar>(_ x: T) -> T { x <= 0 ? T.wrappedSub(0, x) : x }
}

extension StandardOps {
  static let absOp = unaryOp(
    "Abs", summary: "Returns |x| elementwise.", kernel: AbsFunction.kernel,
    gradient: .function { c in
      // d|x| = sign(x)·dx (0 at x = 0, as TensorFlow)
      [try c.graph.multiply(c.grad, try c.graph.sign(c.input(0)))]
    })
}

extension Graph {
  /// `|x|` elementwise (`Abs`). Integers wrap: `|Int32.min|` is `Int32.min`.
  public func abs(_ x: Output, name: String? = nil, file: String = #fileID, line: Int = #line) throws -> Output {
    try build("Abs", [x], name: name, file: file, line: line)
  }
}

// MARK: - Square

/// `x * x`, wrapping for integers.
public enum SquareFunction: UnaryArithmeticFunction {
  @inlinable public static func apply<T: TensorSignedScalar>(_ x: T) -> T { T.wrappedMul(x, x) }
}

extension StandardOps {
  static let square = unaryOp(
    "Square", summary: "Returns x * x elementwise.", kernel: SquareFunction.kernel,
    gradient: .function { c in
      // d(x²) = 2x·dx
      let g = c.graph, x = c.input(0)
      return [try g.multiply(c.grad, try g.multiply(x, try g.constant(2, dtype: x.dtype)))]
    })
}

extension Graph {
  /// `x²` elementwise (`Square`), wrapping for integers.
  public func square(_ x: Output, name: String? = nil, file: String = #fileID, line: Int = #line) throws -> Output {
    try build("Square", [x], name: name, file: file, line: line)
  }
}

// MARK: - Sign

/// -1, 0 or 1 by the sign of `x`; zeros keep their sign and NaN stays NaN.
public enum SignFunction: UnaryArithmeticFunction {
  // Both zeros give +0, as TensorFlow's kernel; NaN stays NaN.
  @inlinable public static func apply<T: TensorSignedScalar>(_ x: T) -> T { x < 0 ? -1 : x > 0 ? 1 : x == 0 ? 0 : x }
}

extension StandardOps {
  static let sign = unaryOp(
    "Sign", summary: "Returns -1, 0 or 1 elementwise by the sign of x (NaN for NaN).", kernel: SignFunction.kernel,
    gradient: .function { c in
      // Piecewise constant: zero wherever defined (TensorFlow's _SignGrad
      // returns zeros rather than stopping the gradient).
      [try c.graph.zerosLike(c.input(0))]
    })
}

extension Graph {
  /// -1, 0 or 1 elementwise by the sign of `x` (`Sign`); NaN gives NaN.
  public func sign(_ x: Output, name: String? = nil, file: String = #fileID, line: Int = #line) throws -> Output {
    try build("Sign", [x], name: name, file: file, line: line)
  }
}

// MARK: - Exp

/// `eˣ`.
public enum ExpFunction: UnaryFloatFunction {
  @inlinable public static func apply<T: TensorFloatScalar>(_ x: T) -> T { T.exp(x) }
}

extension StandardOps {
  static let expOp = unaryOp(
    "Exp", types: "{float32, float64}", flags: [], summary: "Returns e^x elementwise.", kernel: ExpFunction.kernel,
    gradient: .function { c in
      // d eˣ = eˣ·dx = y·dx: reuse the output
      [try c.graph.multiply(c.grad, c.output(0))]
    },
    cost: elementwiseCost(flopsPerElement: transcendentalFlops))
}

extension Graph {
  /// `eˣ` elementwise (`Exp`).
  public func exp(_ x: Output, name: String? = nil, file: String = #fileID, line: Int = #line) throws -> Output {
    try build("Exp", [x], name: name, file: file, line: line)
  }
}

// MARK: - Log

/// The natural logarithm: `log(0) == -inf`, negative `x` gives NaN.
public enum LogFunction: UnaryFloatFunction {
  @inlinable public static func apply<T: TensorFloatScalar>(_ x: T) -> T { T.log(x) }
}

extension StandardOps {
  static let logOp = unaryOp(
    "Log", types: "{float32, float64}", flags: [], summary: "Returns the natural logarithm of x elementwise.",
    kernel: LogFunction.kernel,
    gradient: .function { c in
      // d log x = dx/x, as grad·reciprocal(x) (TensorFlow's _LogGrad)
      [try c.graph.multiply(c.grad, try c.graph.reciprocal(c.input(0)))]
    },
    cost: elementwiseCost(flopsPerElement: transcendentalFlops))
}

extension Graph {
  /// The natural logarithm elementwise (`Log`); `log(0)` is `-inf`.
  public func log(_ x: Output, name: String? = nil, file: String = #fileID, line: Int = #line) throws -> Output {
    try build("Log", [x], name: name, file: file, line: line)
  }
}

// MARK: - Sqrt

/// `√x` (IEEE: `√-0 = -0`, NaN for negative `x`).
public enum SqrtFunction: UnaryFloatFunction {
  @inlinable public static func apply<T: TensorFloatScalar>(_ x: T) -> T { ieeeSquareRoot(x) }
}

extension StandardOps {
  static let sqrtOp = unaryOp(
    "Sqrt", types: "{float32, float64}", summary: "Returns the square root of x elementwise.",
    kernel: SqrtFunction.kernel,
    gradient: .function { c in
      // d√x = dx/(2√x) = 0.5·dx/y: SqrtGrad(y, dy) from the output
      [try c.graph.sqrtGrad(c.output(0), c.grad)]
    },
    cost: elementwiseCost(flopsPerElement: 4))
}

extension Graph {
  /// `√x` elementwise (`Sqrt`).
  public func sqrt(_ x: Output, name: String? = nil, file: String = #fileID, line: Int = #line) throws -> Output {
    try build("Sqrt", [x], name: name, file: file, line: line)
  }
}

// MARK: - Rsqrt

/// `1 / √x` (`+inf` at 0).
public enum RsqrtFunction: UnaryFloatFunction {
  @inlinable public static func apply<T: TensorFloatScalar>(_ x: T) -> T { 1 / ieeeSquareRoot(x) }
}

extension StandardOps {
  static let rsqrt = unaryOp(
    "Rsqrt", types: "{float32, float64}", summary: "Returns 1 / sqrt(x) elementwise.",
    kernel: RsqrtFunction.kernel,
    gradient: .function { c in
      // d x^(−1/2) = −0.5·x^(−3/2)·dx = −0.5·y³·dx: RsqrtGrad(y, dy)
      [try c.graph.rsqrtGrad(c.output(0), c.grad)]
    },
    cost: elementwiseCost(flopsPerElement: 5))
}

extension Graph {
  /// `1 / √x` elementwise (`Rsqrt`).
  public func rsqrt(_ x: Output, name: String? = nil, file: String = #fileID, line: Int = #line) throws -> Output {
    try build("Rsqrt", [x], name: name, file: file, line: line)
  }
}

// MARK: - Reciprocal

/// `1 / x` (IEEE: ±inf at ±0). TensorFlow also accepts integers (where the
/// result truncates and 1/0 is undefined); TensorGraph takes floats only.
public enum ReciprocalFunction: UnaryFloatFunction {
  @inlinable public static func apply<T: TensorFloatScalar>(_ x: T) -> T { 1 / x }
}

extension StandardOps {
  static let reciprocal = unaryOp(
    "Reciprocal", types: "{float32, float64}", summary: "Returns 1 / x elementwise.",
    kernel: ReciprocalFunction.kernel,
    gradient: .function { c in
      // d(1/x) = −dx/x² = −y²·dx: ReciprocalGrad(y, dy)
      [try c.graph.reciprocalGrad(c.output(0), c.grad)]
    },
    cost: elementwiseCost(flopsPerElement: 2))
}

extension Graph {
  /// `1 / x` elementwise (`Reciprocal`).
  public func reciprocal(_ x: Output, name: String? = nil, file: String = #fileID, line: Int = #line) throws
    -> Output
  {
    try build("Reciprocal", [x], name: name, file: file, line: line)
  }
}
