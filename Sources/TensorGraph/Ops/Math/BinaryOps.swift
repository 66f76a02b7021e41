import RealModule

// Binary elementwise ops with numpy/TensorFlow broadcasting. Each section:
// the scalar function, the op definition, the builder method.

extension StandardOps {
  /// The common shape of a binary elementwise op's definition.
  static func binaryOp(
    _ name: String, types: String = "{float32, float64, int32, int64}", output: String = "T",
    flags: OpFlags = [], summary: String, kernel: @escaping KernelFactory, gradient: GradientRule = .undefined
  ) -> OpDef {
    OpDef(
      name, inputs: ["x: T", "y: T"], outputs: ["z: \(output)"], attrs: ["T: \(types)"],
      flags: flags.union([.elementwise, .cheap]), summary: summary,
      shape: ShapeRules.broadcastBinary, kernel: kernel, gradient: gradient)
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
    kernel: AddFunction.kernel)
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
    "Sub", summary: "Returns x - y elementwise, with broadcasting.", kernel: SubFunction.kernel)
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
    kernel: MulFunction.kernel)
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
    kernel: RealDivFunction.kernel)
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
    kernel: MaximumFunction.kernel)
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
    kernel: MinimumFunction.kernel)
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
    kernel: SquaredDifferenceFunction.kernel)
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
    kernel: PowFunction.kernel)
}

extension Graph {
  /// `x ** y` elementwise with broadcasting (`Pow`).
  public func pow(_ x: Output, _ y: Output, name: String? = nil, file: String = #fileID, line: Int = #line) throws
    -> Output
  {
    try build("Pow", [x, y], name: name, file: file, line: line)
  }
}
