import RealModule

// The first of TensorFlow's remaining elementwise math: rounding (Floor,
// Ceil, Rint), Sin and Cos, Log1p, Expm1 and Erf, float32 and float64 as
// TensorFlow's CPU kernels. Each section: the scalar function, the op
// definition with TensorFlow's gradient (math_grad.py), the builder named
// after TensorFlow's Python function.

// MARK: - Floor, Ceil, Rint

/// The largest integer not above `x`; ±0, ±Inf and NaN pass through.
public enum FloorFunction: UnaryFloatFunction {
  @inlinable public static func apply<T: TensorFloatScalar>(_ x: T) -> T { x.rounded(.down) }
}

/// The smallest integer not below `x`; ±0, ±Inf and NaN pass through.
public enum CeilFunction: UnaryFloatFunction {
  @inlinable public static func apply<T: TensorFloatScalar>(_ x: T) -> T { x.rounded(.up) }
}

/// The integer nearest `x`, halves to even (`rint`: 0.5 → 0, 1.5 → 2,
/// -2.5 → -2).
public enum RintFunction: UnaryFloatFunction {
  @inlinable public static func apply<T: TensorFloatScalar>(_ x: T) -> T { x.rounded(.toNearestOrEven) }
}

extension StandardOps {
  // TensorFlow's _FloorGrad, _CeilGrad and _RintGrad return None: the
  // functions are piecewise constant and stop the gradient.
  static let floorOp = unaryOp(
    "Floor", types: "{float32, float64}", summary: "Returns the largest integer not greater than x, elementwise.",
    kernel: FloorFunction.kernel, gradient: .notDifferentiable)
  static let ceilOp = unaryOp(
    "Ceil", types: "{float32, float64}", summary: "Returns the smallest integer not less than x, elementwise.",
    kernel: CeilFunction.kernel, gradient: .notDifferentiable)
  static let rint = unaryOp(
    "Rint", types: "{float32, float64}", summary: "Returns the integer closest to x elementwise, halves to even.",
    kernel: RintFunction.kernel, gradient: .notDifferentiable)
}

extension Graph {
  /// `⌊x⌋` elementwise (`Floor`; TensorFlow's `tf.math.floor`).
  public func floor(_ x: Output, name: String? = nil, file: String = #fileID, line: Int = #line) throws -> Output {
    try build("Floor", [x], name: name, file: file, line: line)
  }

  /// `⌈x⌉` elementwise (`Ceil`; TensorFlow's `tf.math.ceil`).
  public func ceil(_ x: Output, name: String? = nil, file: String = #fileID, line: Int = #line) throws -> Output {
    try build("Ceil", [x], name: name, file: file, line: line)
  }

  /// The nearest integer elementwise, halves to even (`Rint`; TensorFlow's
  /// `tf.math.rint`).
  public func rint(_ x: Output, name: String? = nil, file: String = #fileID, line: Int = #line) throws -> Output {
    try build("Rint", [x], name: name, file: file, line: line)
  }
}

// MARK: - Sin, Cos

/// `sin(x)`; NaN for ±Inf.
public enum SinFunction: UnaryFloatFunction {
  @inlinable public static func apply<T: TensorFloatScalar>(_ x: T) -> T { T.sin(x) }
}

/// `cos(x)`; NaN for ±Inf.
public enum CosFunction: UnaryFloatFunction {
  @inlinable public static func apply<T: TensorFloatScalar>(_ x: T) -> T { T.cos(x) }
}

extension StandardOps {
  static let sinOp = unaryOp(
    "Sin", types: "{float32, float64}", flags: [], summary: "Computes sine elementwise.", kernel: SinFunction.kernel,
    gradient: .function { c in
      // d sin x = cos x·dx
      [try c.graph.multiply(c.grad, try c.graph.cos(c.input(0)))]
    },
    cost: elementwiseCost(flopsPerElement: transcendentalFlops))
  static let cosOp = unaryOp(
    "Cos", types: "{float32, float64}", flags: [], summary: "Computes cosine elementwise.", kernel: CosFunction.kernel,
    gradient: .function { c in
      // d cos x = −sin x·dx (TensorFlow's _CosGrad: -grad * sin(x))
      let g = c.graph
      return [try g.negate(try g.multiply(c.grad, try g.sin(c.input(0))))]
    },
    cost: elementwiseCost(flopsPerElement: transcendentalFlops))
}

extension Graph {
  /// `sin(x)` elementwise (`Sin`; TensorFlow's `tf.math.sin`).
  public func sin(_ x: Output, name: String? = nil, file: String = #fileID, line: Int = #line) throws -> Output {
    try build("Sin", [x], name: name, file: file, line: line)
  }

  /// `cos(x)` elementwise (`Cos`; TensorFlow's `tf.math.cos`).
  public func cos(_ x: Output, name: String? = nil, file: String = #fileID, line: Int = #line) throws -> Output {
    try build("Cos", [x], name: name, file: file, line: line)
  }
}

// MARK: - Log1p, Expm1

/// `log(1 + x)`, accurate for tiny `x`; -Inf at -1, NaN below.
public enum Log1pFunction: UnaryFloatFunction {
  @inlinable public static func apply<T: TensorFloatScalar>(_ x: T) -> T { T.log(onePlus: x) }
}

/// `eˣ − 1`, accurate for tiny `x`; -1 at -Inf.
public enum Expm1Function: UnaryFloatFunction {
  @inlinable public static func apply<T: TensorFloatScalar>(_ x: T) -> T { T.expMinusOne(x) }
}

extension StandardOps {
  static let log1p = unaryOp(
    "Log1p", types: "{float32, float64}", flags: [], summary: "Computes log(1 + x) elementwise.",
    kernel: Log1pFunction.kernel,
    gradient: .function { c in
      // d log(1 + x) = dx / (1 + x) (TensorFlow's _Log1pGrad: grad * reciprocal(1 + x))
      let g = c.graph, x = c.input(0)
      return [try g.multiply(c.grad, try g.reciprocal(try g.add(try g.constant(1, dtype: x.dtype), x)))]
    },
    cost: elementwiseCost(flopsPerElement: transcendentalFlops))
  static let expm1 = unaryOp(
    "Expm1", types: "{float32, float64}", flags: [], summary: "Computes exp(x) - 1 elementwise.",
    kernel: Expm1Function.kernel,
    gradient: .function { c in
      // d (eˣ − 1) = eˣ·dx (TensorFlow's _Expm1Grad: grad * exp(x))
      [try c.graph.multiply(c.grad, try c.graph.exp(c.input(0)))]
    },
    cost: elementwiseCost(flopsPerElement: transcendentalFlops))
}

extension Graph {
  /// `log(1 + x)` elementwise (`Log1p`; TensorFlow's `tf.math.log1p`).
  public func log1p(_ x: Output, name: String? = nil, file: String = #fileID, line: Int = #line) throws -> Output {
    try build("Log1p", [x], name: name, file: file, line: line)
  }

  /// `eˣ − 1` elementwise (`Expm1`; TensorFlow's `tf.math.expm1`).
  public func expm1(_ x: Output, name: String? = nil, file: String = #fileID, line: Int = #line) throws -> Output {
    try build("Expm1", [x], name: name, file: file, line: line)
  }
}

// MARK: - Erf

/// The error function `2/√π ∫₀ˣ e^(−t²) dt`; ±1 at ±Inf.
public enum ErfFunction: UnaryFloatFunction {
  @inlinable public static func apply<T: TensorFloatScalar>(_ x: T) -> T { T.erf(x) }
}

extension StandardOps {
  static let erfOp = unaryOp(
    "Erf", types: "{float32, float64}", flags: [], summary: "Computes the Gauss error function of x elementwise.",
    kernel: ErfFunction.kernel,
    gradient: .function { c in
      // d erf x = 2/√π·e^(−x²)·dx (TensorFlow's _ErfGrad)
      let g = c.graph, x = c.input(0)
      let scale = try g.constant(2 / Double.pi.squareRoot(), dtype: x.dtype)
      return [try g.multiply(c.grad, try g.multiply(scale, try g.exp(try g.negate(try g.square(x)))))]
    },
    cost: elementwiseCost(flopsPerElement: transcendentalFlops))
}

extension Graph {
  /// The Gauss error function elementwise (`Erf`; TensorFlow's
  /// `tf.math.erf`).
  public func erf(_ x: Output, name: String? = nil, file: String = #fileID, line: Int = #line) throws -> Output {
    try build("Erf", [x], name: name, file: file, line: line)
  }
}
