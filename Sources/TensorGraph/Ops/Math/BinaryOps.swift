import RealModule

// Binary elementwise ops with numpy/TensorFlow broadcasting. Each section:
// the scalar function, the op definition, the builder method.

extension StandardOps {
  /// The common shape of a binary elementwise op's definition.
  static func binaryOp(
    _ name: String, types: String = "{float32, float64, int32, int64}", output: String = "T",
    flags: OpFlags = [], summary: String, kernel: @escaping KernelFactory, gradient: GradientRule = .undefined,
    file: String = #filePath
  ) -> OpDef {
    OpDef(
      name, inputs: ["x: T", "y: T"], outputs: ["z: \(output)"], attrs: ["T: \(types)"],
      flags: flags.union([.elementwise, .cheap]), summary: summary,
      shape: ShapeRules.broadcastBinary, kernel: kernel, gradient: gradient, file: file)
  }
}

// MARK: - AddV2

/// `x + y` (wrapping on integer overflow, as TensorFlow).
public enum AddFunction: BinaryArithmeticFunction {
  @inlinable public static func apply<T: TensorSignedScalar>(_ a: T, _ b: T) -> T { T.wrappedAdd(a, b) }
}

extension StandardOps {
  static let addV2 = binaryOp(
    "AddV2", flags: .commutative, summary: "Returns x + y elementwise, with broadcasting.",
    kernel: AddFunction.kernel,
    gradient: .function { c in
      // d(x + y) = dx + dy
      [try c.unbroadcast(c.grad, to: c.input(0), other: c.input(1)), try c.unbroadcast(c.grad, to: c.input(1), other: c.input(0))]
    })
}

extension Graph {
  /// `x + y` elementwise with broadcasting (`AddV2`).
  public func add(_ x: Output, _ y: Output, name: String? = nil, file: String = #fileID, line: Int = #line) throws
    -> Output
  {
    try build("AddV2", [x, y], name: name, file: file, line: line)
  }
}

// MARK: - Sub

/// `x - y`.
public enum SubFunction: BinaryArithmeticFunction {
  @inlinable public static func apply<T: TensorSignedScalar>(_ a: T, _ b: T) -> T { T.wrappedSub(a, b) }
}

extension StandardOps {
  static let sub = binaryOp(
    "Sub", summary: "Returns x - y elementwise, with broadcasting.", kernel: SubFunction.kernel,
    gradient: .function { c in
      // d(x - y) = dx - dy
      [
        try c.unbroadcast(c.grad, to: c.input(0), other: c.input(1)),
        try c.unbroadcast(try c.graph.negate(c.grad), to: c.input(1), other: c.input(0)),
      ]
    })
}

extension Graph {
  /// `x - y` elementwise with broadcasting (`Sub`).
  public func subtract(_ x: Output, _ y: Output, name: String? = nil, file: String = #fileID, line: Int = #line)
    throws -> Output
  {
    try build("Sub", [x, y], name: name, file: file, line: line)
  }
}

// MARK: - Mul

/// `x * y`.
public enum MulFunction: BinaryArithmeticFunction {
  @inlinable public static func apply<T: TensorSignedScalar>(_ a: T, _ b: T) -> T { T.wrappedMul(a, b) }
}

extension StandardOps {
  static let mul = binaryOp(
    "Mul", flags: .commutative, summary: "Returns x * y elementwise, with broadcasting.",
    kernel: MulFunction.kernel,
    gradient: .function { c in
      // d(x·y) = y·dx + x·dy
      let g = c.graph
      return [
        try c.unbroadcast(try g.multiply(c.grad, c.input(1)), to: c.input(0), other: c.input(1)),
        try c.unbroadcast(try g.multiply(c.input(0), c.grad), to: c.input(1), other: c.input(0)),
      ]
    })
}

extension Graph {
  /// `x * y` elementwise with broadcasting (`Mul`).
  public func multiply(_ x: Output, _ y: Output, name: String? = nil, file: String = #fileID, line: Int = #line)
    throws -> Output
  {
    try build("Mul", [x, y], name: name, file: file, line: line)
  }
}

// MARK: - RealDiv

/// `x / y` (IEEE division: `x / 0` is ±inf or NaN).
public enum RealDivFunction: BinaryFloatFunction {
  @inlinable public static func apply<T: TensorFloatScalar>(_ a: T, _ b: T) -> T { a / b }
}

extension StandardOps {
  static let realDiv = binaryOp(
    "RealDiv", types: "{float32, float64}", summary: "Returns x / y elementwise for floats, with broadcasting.",
    kernel: RealDivFunction.kernel,
    gradient: .function { c in
      // d(x/y) = dx/y - x/y² dy
      let g = c.graph, x = c.input(0), y = c.input(1)
      return [
        try c.unbroadcast(try g.divide(c.grad, y), to: x, other: y),
        try c.unbroadcast(try g.multiply(c.grad, try g.divide(try g.divide(try g.negate(x), y), y)), to: y, other: x),
      ]
    })
}

extension Graph {
  /// `x / y` elementwise with broadcasting (`RealDiv`).
  public func divide(_ x: Output, _ y: Output, name: String? = nil, file: String = #fileID, line: Int = #line)
    throws -> Output
  {
    try build("RealDiv", [x, y], name: name, file: file, line: line)
  }
}

// MARK: - Maximum

/// `max(x, y)`; NaN in either operand gives NaN, as TensorFlow's CPU kernel.
public enum MaximumFunction: BinaryArithmeticFunction {
  @inlinable public static func apply<T: TensorSignedScalar>(_ a: T, _ b: T) -> T {
    if a != a { return a }  // NaN propagates (never true for integers)
    if b != b { return b }
    return a > b ? a : b
  }
}

extension StandardOps {
  static let maximum = binaryOp(
    "Maximum", flags: .commutative, summary: "Returns max(x, y) elementwise, with broadcasting.",
    kernel: MaximumFunction.kernel,
    gradient: .function { c in try maximumMinimumGradient(c, xWins: { try c.graph.greaterEqual($0, $1) }) })
}

extension Graph {
  /// `max(x, y)` elementwise with broadcasting (`Maximum`).
  public func maximum(_ x: Output, _ y: Output, name: String? = nil, file: String = #fileID, line: Int = #line)
    throws -> Output
  {
    try build("Maximum", [x, y], name: name, file: file, line: line)
  }
}

// MARK: - Minimum

/// `min(x, y)`; NaN in either operand gives NaN.
public enum MinimumFunction: BinaryArithmeticFunction {
  @inlinable public static func apply<T: TensorSignedScalar>(_ a: T, _ b: T) -> T {
    if a != a { return a }
    if b != b { return b }
    return a < b ? a : b
  }
}

extension StandardOps {
  static let minimum = binaryOp(
    "Minimum", flags: .commutative, summary: "Returns min(x, y) elementwise, with broadcasting.",
    kernel: MinimumFunction.kernel,
    gradient: .function { c in try maximumMinimumGradient(c, xWins: { try c.graph.lessEqual($0, $1) }) })
}

extension Graph {
  /// `min(x, y)` elementwise with broadcasting (`Minimum`).
  public func minimum(_ x: Output, _ y: Output, name: String? = nil, file: String = #fileID, line: Int = #line)
    throws -> Output
  {
    try build("Minimum", [x, y], name: name, file: file, line: line)
  }
}

// MARK: - SquaredDifference

/// `(x - y)²`.
public enum SquaredDifferenceFunction: BinaryArithmeticFunction {
  @inlinable public static func apply<T: TensorSignedScalar>(_ a: T, _ b: T) -> T {
    let d = T.wrappedSub(a, b)
    return T.wrappedMul(d, d)
  }
}

extension StandardOps {
  static let squaredDifference = binaryOp(
    "SquaredDifference", flags: .commutative, summary: "Returns (x - y)² elementwise, with broadcasting.",
    kernel: SquaredDifferenceFunction.kernel,
    gradient: .function { c in
      // d(x - y)² = 2(x - y)(dx - dy)
      let g = c.graph, x = c.input(0), y = c.input(1)
      let two = try g.constant(2, dtype: x.dtype)
      let gx = try g.multiply(try g.multiply(two, c.grad), try g.subtract(x, y))
      return [try c.unbroadcast(gx, to: x, other: y), try c.unbroadcast(try g.negate(gx), to: y, other: x)]
    })
}

extension Graph {
  /// `(x - y)²` elementwise with broadcasting (`SquaredDifference`).
  public func squaredDifference(
    _ x: Output, _ y: Output, name: String? = nil, file: String = #fileID, line: Int = #line
  ) throws -> Output {
    try build("SquaredDifference", [x, y], name: name, file: file, line: line)
  }
}

// MARK: - Pow

/// `x ** y` (C's `pow`: `pow(x, 0) == 1`, negative `x` with a non-integer
/// `y` gives NaN).
public enum PowFunction: BinaryFloatFunction {
  @inlinable public static func apply<T: TensorFloatScalar>(_ a: T, _ b: T) -> T { T.cPow(a, b) }
}

extension StandardOps {
  static let powOp = binaryOp(
    "Pow", types: "{float32, float64}", summary: "Returns x ** y elementwise, with broadcasting.",
    kernel: PowFunction.kernel,
    gradient: .function { c in
      // d(x^y) = y·x^(y-1) dx + x^y·log(x) dy, with log(x) taken as 0 where
      // x ≤ 0 (TensorFlow's convention).
      let g = c.graph, x = c.input(0), y = c.input(1), z = c.output(0)
      let one = try g.constant(1, dtype: x.dtype)
      let gx = try g.multiply(c.grad, try g.multiply(y, try g.pow(x, try g.subtract(y, one))))
      let positive = try g.greater(x, try g.zerosLike(x))
      let logX = try g.selectV2(positive, try g.log(try g.selectV2(positive, x, try g.onesLike(x))), try g.zerosLike(x))
      let gy = try g.multiply(c.grad, try g.multiply(z, logX))
      return [try c.unbroadcast(gx, to: x, other: y), try c.unbroadcast(gy, to: y, other: x)]
    })
}

extension Graph {
  /// `x ** y` elementwise with broadcasting (`Pow`).
  public func pow(_ x: Output, _ y: Output, name: String? = nil, file: String = #fileID, line: Int = #line) throws
    -> Output
  {
    try build("Pow", [x, y], name: name, file: file, line: line)
  }
}

// MARK: - Gradient helpers

/// Maximum/Minimum: the gradient goes to x where `xWins(x, y)`, to y
/// elsewhere (ties go to x, as TensorFlow).
private func maximumMinimumGradient(
  _ c: GradientContext, xWins: (Output, Output) throws -> Output
) throws -> [Output?] {
  let g = c.graph, x = c.input(0), y = c.input(1)
  let mask = try xWins(x, y)
  let zeros = try g.zerosLike(c.grad)
  return [
    try c.unbroadcast(try g.selectV2(mask, c.grad, zeros), to: x, other: y),
    try c.unbroadcast(try g.selectV2(mask, zeros, c.grad), to: y, other: x),
  ]
}
