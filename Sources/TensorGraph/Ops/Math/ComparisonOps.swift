// Comparisons and logical ops: bool outputs with numpy/TensorFlow
// broadcasting; none is differentiable. Each section: the scalar function,
// the op definition, the builder method.

extension StandardOps {
  /// The common shape of a comparison's definition: `x, y: T → z: bool`.
  static func comparisonOp(
    _ name: String, types: String = "{float32, float64, int32, int64, uint8}", extraAttrs: [String] = [],
    flags: OpFlags = [], summary: String, shape: @escaping ShapeFunction = ShapeRules.broadcastBinary,
    kernel: @escaping KernelFactory, file: String = #filePath
  ) -> OpDef {
    OpDef(
      name, inputs: ["x: T", "y: T"], outputs: ["z: bool"], attrs: ["T: \(types)"] + extraAttrs,
      flags: flags.union([.elementwise, .cheap]), summary: summary, shape: shape, kernel: kernel,
      gradient: .notDifferentiable, file: file)
  }

  /// `Equal` and `NotEqual`: any dtype, and with `incompatible_shape_error`
  /// false, shapes that do not broadcast give a scalar (so an unknown shape
  /// at build time) instead of an error.
  static func equalityOp(_ name: String, summary: String, kernel: @escaping KernelFactory) -> OpDef {
    comparisonOp(
      name, types: "type", extraAttrs: ["incompatible_shape_error: bool = true"], flags: .commutative,
      summary: summary,
      shape: { c in
        if let s = PartialShape.broadcast(c.shape(0), c.shape(1)) { return [s] }
        guard c.bool("incompatible_shape_error") else { return [.unknown] }
        throw c.error("incompatible shapes for broadcasting: \(c.shape(0)) and \(c.shape(1))")
      },
      kernel: kernel)
  }
}

// MARK: - Equal

/// `x == y` (IEEE: `NaN != NaN`, `-0.0 == 0.0`).
public enum EqualFunction: EqualityFunction {
  @inlinable public static func apply<T: TensorScalar>(_ a: T, _ b: T) -> Bool { a == b }
  public static var incompatibleShapesResult: Bool { false }
}

extension StandardOps {
  static let equal = equalityOp(
    "Equal", summary: "Returns x == y elementwise, with broadcasting.", kernel: EqualFunction.kernel)
}

extension Graph {
  /// `x == y` elementwise with broadcasting (`Equal`), for every dtype.
  /// With `incompatibleShapeError: false`, operands whose shapes do not
  /// broadcast compare unequal (a scalar `false`) instead of throwing.
  public func equal(
    _ x: Output, _ y: Output, incompatibleShapeError: Bool = true, name: String? = nil, file: String = #fileID,
    line: Int = #line
  ) throws -> Output {
    try build(
      "Equal", [x, y], attrs: ["incompatible_shape_error": .bool(incompatibleShapeError)], name: name, file: file,
      line: line)
  }
}

// MARK: - NotEqual

/// `x != y` (`NaN != NaN` is true).
public enum NotEqualFunction: EqualityFunction {
  @inlinable public static func apply<T: TensorScalar>(_ a: T, _ b: T) -> Bool { a != b }
  public static var incompatibleShapesResult: Bool { true }
}

extension StandardOps {
  static let notEqual = equalityOp(
    "NotEqual", summary: "Returns x != y elementwise, with broadcasting.", kernel: NotEqualFunction.kernel)
}

extension Graph {
  /// `x != y` elementwise with broadcasting (`NotEqual`), for every dtype.
  /// With `incompatibleShapeError: false`, operands whose shapes do not
  /// broadcast give a scalar `true` instead of throwing.
  public func notEqual(
    _ x: Output, _ y: Output, incompatibleShapeError: Bool = true, name: String? = nil, file: String = #fileID,
    line: Int = #line
  ) throws -> Output {
    try build(
      "NotEqual", [x, y], attrs: ["incompatible_shape_error": .bool(incompatibleShapeError)], name: name,
      file: file, line: line)
  }
}

// MARK: - Less

/// `x < y` (false when either is NaN).
public enum LessFunction: ComparisonFunction {
  @inlinable public static func apply<T: TensorNumericScalar>(_ a: T, _ b: T) -> Bool { a < b }
}

extension StandardOps {
  static let less = comparisonOp(
    "Less", summary: "Returns x < y elementwise, with broadcasting.", kernel: LessFunction.kernel)
}

extension Graph {
  /// `x < y` elementwise with broadcasting (`Less`).
  public func less(_ x: Output, _ y: Output, name: String? = nil, file: String = #fileID, line: Int = #line) throws
    -> Output
  {
    try build("Less", [x, y], name: name, file: file, line: line)
  }
}

// MARK: - LessEqual

/// `x <= y`.
public enum LessEqualFunction: ComparisonFunction {
  @inlinable public static func apply<T: TensorNumericScalar>(_ a: T, _ b: T) -> Bool { a <= b }
}

extension StandardOps {
  static let lessEqual = comparisonOp(
    "LessEqual", summary: "Returns x <= y elementwise, with broadcasting.", kernel: LessEqualFunction.kernel)
}

extension Graph {
  /// `x <= y` elementwise with broadcasting (`LessEqual`).
  public func lessEqual(_ x: Output, _ y: Output, name: String? = nil, file: String = #fileID, line: Int = #line)
    throws -> Output
  {
    try build("LessEqual", [x, y], name: name, file: file, line: line)
  }
}

// MARK: - Greater

/// `x > y`.
public enum GreaterFunction: ComparisonFunction {
  @inlinable public static func apply<T: TensorNumericScalar>(_ a: T, _ b: T) -> Bool { a > b }
}

extension StandardOps {
  static let greater = comparisonOp(
    "Greater", summary: "Returns x > y elementwise, with broadcasting.", kernel: GreaterFunction.kernel)
}

extension Graph {
  /// `x > y` elementwise with broadcasting (`Greater`).
  public func greater(_ x: Output, _ y: Output, name: String? = nil, file: String = #fileID, line: Int = #line)
    throws -> Output
  {
    try build("Greater", [x, y], name: name, file: file, line: line)
  }
}

// MARK: - GreaterEqual

/// `x >= y`.
public enum GreaterEqualFunction: ComparisonFunction {
  @inlinable public static func apply<T: TensorNumericScalar>(_ a: T, _ b: T) -> Bool { a >= b }
}

extension StandardOps {
  static let greaterEqual = comparisonOp(
    "GreaterEqual", summary: "Returns x >= y elementwise, with broadcasting.", kernel: GreaterEqualFunction.kernel)
}

extension Graph {
  /// `x >= y` elementwise with broadcasting (`GreaterEqual`).
  public func greaterEqual(
    _ x: Output, _ y: Output, name: String? = nil, file: String = #fileID, line: Int = #line
  ) throws -> Output {
    try build("GreaterEqual", [x, y], name: name, file: file, line: line)
  }
}

// MARK: - LogicalNot

extension StandardOps {
  static let logicalNot = OpDef(
    "LogicalNot", inputs: ["x: bool"], outputs: ["y: bool"], flags: [.elementwise, .cheap],
    summary: "Returns the logical negation of x elementwise.", shape: ShapeRules.unchanged,
    kernel: { _ in { ctx in runUnary(ctx) { (x: Bool) -> Bool in !x } } },
    gradient: .notDifferentiable)
}

extension Graph {
  /// `!x` elementwise (`LogicalNot`).
  public func logicalNot(_ x: Output, name: String? = nil, file: String = #fileID, line: Int = #line) throws
    -> Output
  {
    try build("LogicalNot", [x], name: name, file: file, line: line)
  }
}

// MARK: - LogicalAnd / LogicalOr

/// A binary function on bools (`LogicalAnd`, `LogicalOr`).
public protocol BinaryLogicalFunction: SendableMetatype {
  static func apply(_ a: Bool, _ b: Bool) -> Bool
}

extension BinaryLogicalFunction {
  /// The kernel (bool inputs, with broadcasting).
  public static func kernel(_ b: KernelBuildContext) throws -> KernelFunction {
    let p = staticBroadcastPattern(b)
    return { ctx in try runBinary(ctx, p, LogicalMap<Self>.self) }
  }
}

@usableFromInline enum LogicalMap<F: BinaryLogicalFunction>: StaticBinaryMap {
  @inlinable @inline(__always) static func call(_ a: Bool, _ b: Bool) -> Bool { F.apply(a, b) }
}

/// `x && y`.
public enum LogicalAndFunction: BinaryLogicalFunction {
  @inlinable public static func apply(_ a: Bool, _ b: Bool) -> Bool { a && b }
}

/// `x || y`.
public enum LogicalOrFunction: BinaryLogicalFunction {
  @inlinable public static func apply(_ a: Bool, _ b: Bool) -> Bool { a || b }
}

extension StandardOps {
  /// A binary logical op on bools, with broadcasting.
  static func logicalOp(
    _ name: String, summary: String, kernel: @escaping KernelFactory, file: String = #filePath
  ) -> OpDef {
    OpDef(
      name, inputs: ["x: bool", "y: bool"], outputs: ["z: bool"], flags: [.elementwise, .cheap, .commutative],
      summary: summary, shape: ShapeRules.broadcastBinary, kernel: kernel, gradient: .notDifferentiable, file: file)
  }

  static let logicalAnd = logicalOp(
    "LogicalAnd", summary: "Returns x AND y elementwise, with broadcasting.", kernel: LogicalAndFunction.kernel)
  static let logicalOr = logicalOp(
    "LogicalOr", summary: "Returns x OR y elementwise, with broadcasting.", kernel: LogicalOrFunction.kernel)
}

extension Graph {
  /// `x && y` elementwise with broadcasting (`LogicalAnd`).
  public func logicalAnd(_ x: Output, _ y: Output, name: String? = nil, file: String = #fileID, line: Int = #line)
    throws -> Output
  {
    try build("LogicalAnd", [x, y], name: name, file: file, line: line)
  }

  /// `x || y` elementwise with broadcasting (`LogicalOr`).
  public func logicalOr(_ x: Output, _ y: Output, name: String? = nil, file: String = #fileID, line: Int = #line)
    throws -> Output
  {
    try build("LogicalOr", [x, y], name: name, file: file, line: line)
  }
}
