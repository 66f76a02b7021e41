import RealModule

// TensorFlow's remaining trigonometric and hyperbolic functions: Tan, Asin,
// Acos, Atan, Sinh, Cosh, Asinh, Acosh, Atanh, float32 and float64 as
// TensorFlow's CPU kernels. Each section: the scalar functions, the op
// definitions with TensorFlow's gradients (math_grad.py), the builders named
// after TensorFlow's Python functions. Outside a function's domain the
// result is NaN (asin 2, acosh 0.5, atanh 2); at the edges of it ±Inf
// (atanh ±1).

// MARK: - Tan, Asin, Acos, Atan

/// `tan(x)`; NaN for ±Inf.
public enum TanFunction: UnaryFloatFunction {
  @inlinable public static func apply<T: TensorFloatScalar>(_ x: T) -> T { T.tan(x) }
}

/// `asin(x)` in [-π/2, π/2]; NaN outside [-1, 1].
public enum AsinFunction: UnaryFloatFunction {
  @inlinable public static func apply<T: TensorFloatScalar>(_ x: T) -> T { T.asin(x) }
}

/// `acos(x)` in [0, π]; NaN outside [-1, 1].
public enum AcosFunction: UnaryFloatFunction {
  @inlinable public static func apply<T: TensorFloatScalar>(_ x: T) -> T { T.acos(x) }
}

/// `atan(x)` in [-π/2, π/2]; ±π/2 at ±Inf.
public enum AtanFunction: UnaryFloatFunction {
  @inlinable public static func apply<T: TensorFloatScalar>(_ x: T) -> T { T.atan(x) }
}

extension StandardOps {
  static let tanOp = unaryOp(
    "Tan", types: "{float32, float64}", flags: [], summary: "Computes tan of x elementwise.",
    kernel: TanFunction.kernel,
    gradient: .function { c in
      // d tan x = sec²x·dx (TensorFlow's _TanGrad: square(reciprocal(cos x)) * grad)
      let g = c.graph
      return [try g.multiply(try g.square(try g.reciprocal(try g.cos(c.input(0)))), c.grad)]
    },
    cost: elementwiseCost(flopsPerElement: transcendentalFlops))
  static let asinOp = unaryOp(
    "Asin", types: "{float32, float64}", flags: [], summary: "Computes the arcsine of x elementwise.",
    kernel: AsinFunction.kernel,
    gradient: .function { c in
      // d asin x = dx/√(1 − x²) (TensorFlow's _AsinGrad)
      [try c.graph.multiply(c.grad, try inverseSquareRootOfOneMinusSquare(c))]
    },
    cost: elementwiseCost(flopsPerElement: transcendentalFlops))
  static let acosOp = unaryOp(
    "Acos", types: "{float32, float64}", flags: [], summary: "Computes the arccosine of x elementwise.",
    kernel: AcosFunction.kernel,
    gradient: .function { c in
      // d acos x = −dx/√(1 − x²) (TensorFlow's _AcosGrad: -grad * inv)
      [try c.graph.multiply(try c.graph.negate(c.grad), try inverseSquareRootOfOneMinusSquare(c))]
    },
    cost: elementwiseCost(flopsPerElement: transcendentalFlops))
  static let atanOp = unaryOp(
    "Atan", types: "{float32, float64}", flags: [], summary: "Computes the arctangent of x elementwise.",
    kernel: AtanFunction.kernel,
    gradient: .function { c in
      // d atan x = dx/(1 + x²) (TensorFlow's _AtanGrad)
      let g = c.graph, x = c.input(0)
      return [try g.multiply(c.grad, try g.reciprocal(try g.add(try g.constant(1, dtype: x.dtype), try g.square(x))))]
    },
    cost: elementwiseCost(flopsPerElement: transcendentalFlops))
}

/// `1/√(1 − x²)` of the op's input, as TensorFlow's _AsinGrad and _AcosGrad
/// build it.
private func inverseSquareRootOfOneMinusSquare(_ c: GradientContext) throws -> Output {
  let g = c.graph, x = c.input(0)
  return try g.reciprocal(try g.sqrt(try g.subtract(try g.constant(1, dtype: x.dtype), try g.square(x))))
}

extension Graph {
  /// `tan(x)` elementwise (`Tan`; TensorFlow's `tf.math.tan`).
  public func tan(_ x: Output, name: String? = nil, file: String = #fileID, line: Int = #line) throws -> Output {
    try build("Tan", [x], name: name, file: file, line: line)
  }

  /// `asin(x)` elementwise, NaN outside [-1, 1] (`Asin`; TensorFlow's
  /// `tf.math.asin`).
  public func asin(_ x: Output, name: String? = nil, file: String = #fileID, line: Int = #line) throws -> Output {
    try build("Asin", [x], name: name, file: file, line: line)
  }

  /// `acos(x)` elementwise, NaN outside [-1, 1] (`Acos`; TensorFlow's
  /// `tf.math.acos`).
  public func acos(_ x: Output, name: String? = nil, file: String = #fileID, line: Int = #line) throws -> Output {
    try build("Acos", [x], name: name, file: file, line: line)
  }

  /// `atan(x)` elementwise (`Atan`; TensorFlow's `tf.math.atan`).
  public func atan(_ x: Output, name: String? = nil, file: String = #fileID, line: Int = #line) throws -> Output {
    try build("Atan", [x], name: name, file: file, line: line)
  }
}

// MARK: - Sinh, Cosh

/// `sinh(x)`; ±Inf beyond about ±89 (float32) or ±710 (float64).
public enum SinhFunction: UnaryFloatFunction {
  @inlinable public static func apply<T: TensorFloatScalar>(_ x: T) -> T { T.sinh(x) }
}

/// `cosh(x)`; +Inf beyond about ±89 (float32) or ±710 (float64).
public enum CoshFunction: UnaryFloatFunction {
  @inlinable public static func apply<T: TensorFloatScalar>(_ x: T) -> T { T.cosh(x) }
}

extension StandardOps {
  static let sinhOp = unaryOp(
    "Sinh", types: "{float32, float64}", flags: [], summary: "Computes the hyperbolic sine of x elementwise.",
    kernel: SinhFunction.kernel,
    gradient: .function { c in
      // d sinh x = cosh x·dx (TensorFlow's _SinhGrad)
      [try c.graph.multiply(c.grad, try c.graph.cosh(c.input(0)))]
    },
    cost: elementwiseCost(flopsPerElement: transcendentalFlops))
  static let coshOp = unaryOp(
    "Cosh", types: "{float32, float64}", flags: [], summary: "Computes the hyperbolic cosine of x elementwise.",
    kernel: CoshFunction.kernel,
    gradient: .function { c in
      // d cosh x = sinh x·dx (TensorFlow's _CoshGrad)
      [try c.graph.multiply(c.grad, try c.graph.sinh(c.input(0)))]
    },
    cost: elementwiseCost(flopsPerElement: transcendentalFlops))
}

extension Graph {
  /// `sinh(x)` elementwise (`Sinh`; TensorFlow's `tf.math.sinh`).
  public func sinh(_ x: Output, name: String? = nil, file: String = #fileID, line: Int = #line) throws -> Output {
    try build("Sinh", [x], name: name, file: file, line: line)
  }

  /// `cosh(x)` elementwise (`Cosh`; TensorFlow's `tf.math.cosh`).
  public func cosh(_ x: Output, name: String? = nil, file: String = #fileID, line: Int = #line) throws -> Output {
    try build("Cosh", [x], name: name, file: file, line: line)
  }
}

// MARK: - Asinh, Acosh, Atanh

/// `asinh(x)`; ±Inf at ±Inf.
public enum AsinhFunction: UnaryFloatFunction {
  @inlinable public static func apply<T: TensorFloatScalar>(_ x: T) -> T { T.asinh(x) }
}

/// `acosh(x)`; NaN below 1, 0 at 1.
public enum AcoshFunction: UnaryFloatFunction {
  @inlinable public static func apply<T: TensorFloatScalar>(_ x: T) -> T { T.acosh(x) }
}

/// `atanh(x)`; ±Inf at ±1, NaN beyond.
public enum AtanhFunction: UnaryFloatFunction {
  @inlinable public static func apply<T: TensorFloatScalar>(_ x: T) -> T { T.atanh(x) }
}

extension StandardOps {
  static let asinhOp = unaryOp(
    "Asinh", types: "{float32, float64}", flags: [], summary: "Computes the inverse hyperbolic sine of x elementwise.",
    kernel: AsinhFunction.kernel,
    gradient: .function { c in
      // d asinh x = dx/√(1 + x²) = dx/cosh y with y = asinh x (TensorFlow's
      // _AsinhGrad reuses the output)
      [try c.graph.divide(c.grad, try c.graph.cosh(c.output(0)))]
    },
    cost: elementwiseCost(flopsPerElement: transcendentalFlops))
  static let acoshOp = unaryOp(
    "Acosh", types: "{float32, float64}", flags: [],
    summary: "Computes the inverse hyperbolic cosine of x elementwise.", kernel: AcoshFunction.kernel,
    gradient: .function { c in
      // d acosh x = dx/√(x² − 1) = dx/sinh y with y = acosh x (TensorFlow's
      // _AcoshGrad)
      [try c.graph.divide(c.grad, try c.graph.sinh(c.output(0)))]
    },
    cost: elementwiseCost(flopsPerElement: transcendentalFlops))
  static let atanhOp = unaryOp(
    "Atanh", types: "{float32, float64}", flags: [],
    summary: "Computes the inverse hyperbolic tangent of x elementwise.", kernel: AtanhFunction.kernel,
    gradient: .function { c in
      // d atanh x = dx/(1 − x²) (TensorFlow's _AtanhGrad)
      let g = c.graph, x = c.input(0)
      return [try g.multiply(c.grad, try g.reciprocal(try g.subtract(try g.constant(1, dtype: x.dtype), try g.square(x))))]
    },
    cost: elementwiseCost(flopsPerElement: transcendentalFlops))
}

extension Graph {
  /// `asinh(x)` elementwise (`Asinh`; TensorFlow's `tf.math.asinh`).
  public func asinh(_ x: Output, name: String? = nil, file: String = #fileID, line: Int = #line) throws -> Output {
    try build("Asinh", [x], name: name, file: file, line: line)
  }

  /// `acosh(x)` elementwise, NaN below 1 (`Acosh`; TensorFlow's
  /// `tf.math.acosh`).
  public func acosh(_ x: Output, name: String? = nil, file: String = #fileID, line: Int = #line) throws -> Output {
    try build("Acosh", [x], name: name, file: file, line: line)
  }

  /// `atanh(x)` elementwise, ±Inf at ±1 and NaN beyond (`Atanh`;
  /// TensorFlow's `tf.math.atanh`).
  public func atanh(_ x: Output, name: String? = nil, file: String = #fileID, line: Int = #line) throws -> Output {
    try build("Atanh", [x], name: name, file: file, line: line)
  }
}
