import RealModule

// Float-only binary math beside RealDiv: Atan2 and the divisions and
// logarithms that are safe at zero (DivNoNan, Xlogy, Xdivy), float32 and
// float64 as TensorFlow's CPU kernels, with broadcasting. Each section: the
// scalar function, the op definition with TensorFlow's gradient
// (math_grad.py), the builder named after TensorFlow's Python function.

// MARK: - Atan2

/// The angle of the point `(x, y)`: `atan(y / x)` in the right quadrant,
/// C's `atan2` (`atan2(±0, -0) == ±π`, NaN in either gives NaN).
public enum Atan2Function: BinaryFloatFunction {
  @inlinable public static func apply<T: TensorFloatScalar>(_ y: T, _ x: T) -> T { T.atan2(y: y, x: x) }
}

extension StandardOps {
  static let atan2Op = OpDef(
    "Atan2", inputs: ["y: T", "x: T"], outputs: ["z: T"], attrs: ["T: {float32, float64}"],
    flags: [.elementwise, .cheap], summary: "Returns atan(y / x) elementwise in the quadrant of (x, y), with broadcasting.",
    shape: ShapeRules.broadcastBinary, kernel: Atan2Function.kernel,
    gradient: .function { c in
      // d atan2(y, x) = (x·dy - y·dx) / (x² + y²) (TensorFlow's _Atan2Grad)
      let g = c.graph, y = c.input(0), x = c.input(1)
      let scaled = try g.divide(c.grad, try g.add(try g.square(y), try g.square(x)))
      return [
        try c.unbroadcast(try g.multiply(x, scaled), to: y, other: x),
        try c.unbroadcast(try g.multiply(try g.negate(y), scaled), to: x, other: y),
      ]
    },
    cost: elementwiseCost(flopsPerElement: transcendentalFlops))
}

extension Graph {
  /// `atan(y / x)` elementwise in the quadrant of `(x, y)`, with
  /// broadcasting (`Atan2`; TensorFlow's `tf.math.atan2`). Note the order:
  /// `y` first.
  public func atan2(_ y: Output, _ x: Output, name: String? = nil, file: String = #fileID, line: Int = #line) throws
    -> Output
  {
    try build("Atan2", [y, x], name: name, file: file, line: line)
  }
}

// MARK: - DivNoNan

/// `x / y`, but 0 wherever `y == 0` (±0), whatever `x` is (NaN and ±Inf
/// included).
public enum DivNoNanFunction: BinaryFloatFunction {
  @inlinable public static func apply<T: TensorFloatScalar>(_ a: T, _ b: T) -> T { b == 0 ? 0 : a / b }
}

extension StandardOps {
  static let divNoNan = binaryOp(
    "DivNoNan", types: "{float32, float64}",
    summary: "Returns x / y elementwise, and 0 where y is 0, with broadcasting.", kernel: DivNoNanFunction.kernel,
    gradient: .function { c in
      // dx = dz ⊘ y, dy = dz·((-x ⊘ y) ⊘ y), ⊘ being DivNoNan (TensorFlow's
      // _DivNoNanGrad): both 0 where y == 0.
      let g = c.graph, x = c.input(0), y = c.input(1)
      let gy = try g.multiply(c.grad, try g.divideNoNan(try g.divideNoNan(try g.negate(x), y), y))
      return [
        try c.unbroadcast(try g.divideNoNan(c.grad, y), to: x, other: y), try c.unbroadcast(gy, to: y, other: x),
      ]
    })
}

extension Graph {
  /// `x / y` elementwise with broadcasting, 0 where `y` is 0 (`DivNoNan`;
  /// TensorFlow's `tf.math.divide_no_nan`).
  public func divideNoNan(_ x: Output, _ y: Output, name: String? = nil, file: String = #fileID, line: Int = #line)
    throws -> Output
  {
    try build("DivNoNan", [x, y], name: name, file: file, line: line)
  }
}

// MARK: - Xlogy, Xdivy

/// `x·log(y)`, but 0 wherever `x == 0`, whatever `y` is (NaN, 0 and
/// negatives included).
public enum XlogyFunction: BinaryFloatFunction {
  @inlinable public static func apply<T: TensorFloatScalar>(_ a: T, _ b: T) -> T { a == 0 ? 0 : a * T.log(b) }
}

/// `x / y`, but 0 wherever `x == 0`, whatever `y` is.
public enum XdivyFunction: BinaryFloatFunction {
  @inlinable public static func apply<T: TensorFloatScalar>(_ a: T, _ b: T) -> T { a == 0 ? 0 : a / b }
}

extension StandardOps {
  static let xlogy = binaryOp(
    "Xlogy", types: "{float32, float64}",
    summary: "Returns x·log(y) elementwise, and 0 where x is 0, with broadcasting.", kernel: XlogyFunction.kernel,
    gradient: .function { c in
      // dx = xlogy(x ≠ 0, y)·dz, dy = xdivy(x, y)·dz (TensorFlow's
      // _XLogyGrad): no gradient flows where x == 0.
      let g = c.graph, x = c.input(0), y = c.input(1)
      let nonzero = try g.cast(try g.notEqual(x, try g.zerosLike(x)), to: x.dtype)
      return [
        try c.unbroadcast(try g.multiply(try g.xlogy(nonzero, y), c.grad), to: x, other: y),
        try c.unbroadcast(try g.multiply(try g.xdivy(x, y), c.grad), to: y, other: x),
      ]
    })
  static let xdivy = binaryOp(
    "Xdivy", types: "{float32, float64}",
    summary: "Returns x / y elementwise, and 0 where x is 0, with broadcasting.", kernel: XdivyFunction.kernel,
    gradient: .function { c in
      // dx = xdivy(x ≠ 0, y)·dz, dy = xdivy(-x, y²)·dz (TensorFlow's
      // _XDivyGrad)
      let g = c.graph, x = c.input(0), y = c.input(1)
      let nonzero = try g.cast(try g.notEqual(x, try g.zerosLike(x)), to: x.dtype)
      return [
        try c.unbroadcast(try g.multiply(try g.xdivy(nonzero, y), c.grad), to: x, other: y),
        try c.unbroadcast(try g.multiply(try g.xdivy(try g.negate(x), try g.square(y)), c.grad), to: y, other: x),
      ]
    })
}

extension Graph {
  /// `x·log(y)` elementwise with broadcasting, 0 where `x` is 0 (`Xlogy`;
  /// TensorFlow's `tf.math.xlogy`).
  public func xlogy(_ x: Output, _ y: Output, name: String? = nil, file: String = #fileID, line: Int = #line) throws
    -> Output
  {
    try build("Xlogy", [x, y], name: name, file: file, line: line)
  }

  /// `x / y` elementwise with broadcasting, 0 where `x` is 0 (`Xdivy`;
  /// TensorFlow's `tf.math.xdivy`).
  public func xdivy(_ x: Output, _ y: Output, name: String? = nil, file: String = #fileID, line: Int = #line) throws
    -> Output
  {
    try build("Xdivy", [x, y], name: name, file: file, line: line)
  }
}
