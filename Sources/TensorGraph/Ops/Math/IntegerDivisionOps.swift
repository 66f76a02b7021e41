// The divisions that accept integers: FloorDiv, FloorMod and TruncateDiv,
// float32, float64, int32 and int64 as TensorFlow's CPU kernels, with
// broadcasting. Integer results wrap (`min / -1 == min`) and an integer
// divisor of 0 throws "Integer division by zero" at run time (TensorFlow:
// InvalidArgument for FloorDiv and FloorMod, Internal for TruncateDiv).
// Each section: the scalar function, the op definition with TensorFlow's
// gradient (math_grad.py), the builder named after TensorFlow's Python
// function. Kernels: Runtime/Kernels/IntegerDivisionKernels.swift.

// MARK: - FloorDiv

/// `⌊x / y⌋`: floats as `floor(x / y)` (so `x / ±0` is ±Inf or NaN);
/// integers rounded toward -∞ (`-7 // 2 == -4`).
public enum FloorDivFunction: DivisionFunction {
  @inlinable public static func apply<T: TensorFloatScalar>(_ a: T, _ b: T) -> T { (a / b).rounded(.down) }
  @inlinable public static func applyInteger<T: FixedWidthInteger & SignedInteger>(_ a: T, _ b: T) -> T {
    let q = wrappingTruncatedQuotient(a, b), r = wrappingTruncatedRemainder(a, b)
    // The truncated quotient is one too high when the remainder and the
    // divisor have opposite signs.
    return r != 0 && (r < 0) != (b < 0) ? q &- 1 : q
  }
}

extension StandardOps {
  static let floorDiv = binaryOp(
    "FloorDiv", summary: "Returns ⌊x / y⌋ elementwise (rounded toward -∞), with broadcasting.",
    kernel: FloorDivFunction.kernel,
    // TensorFlow's _FloorDivGrad returns None for both inputs.
    gradient: .notDifferentiable)
}

extension Graph {
  /// `⌊x / y⌋` elementwise with broadcasting (`FloorDiv`; TensorFlow's
  /// `tf.math.floordiv`). An integer division by zero throws when run.
  public func floorDiv(_ x: Output, _ y: Output, name: String? = nil, file: String = #fileID, line: Int = #line)
    throws -> Output
  {
    try build("FloorDiv", [x, y], name: name, file: file, line: line)
  }
}

// MARK: - FloorMod

/// `x - ⌊x / y⌋·y`, with the sign of the divisor: floats as C's `fmod`
/// moved into the divisor's sign (`-5 mod ∞ == ∞`, `x mod 0` is NaN, as
/// TensorFlow's), integers exactly (`-7 mod 2 == 1`).
public enum FloorModFunction: DivisionFunction {
  @inlinable public static func apply<T: TensorFloatScalar>(_ a: T, _ b: T) -> T {
    let r = a.truncatingRemainder(dividingBy: b)
    return r != 0 && (b < 0) != (r < 0) ? r + b : r
  }
  @inlinable public static func applyInteger<T: FixedWidthInteger & SignedInteger>(_ a: T, _ b: T) -> T {
    let r = wrappingTruncatedRemainder(a, b)
    return r != 0 && (r < 0) != (b < 0) ? r &+ b : r
  }
}

extension StandardOps {
  static let floorMod = binaryOp(
    "FloorMod", summary: "Returns x mod y elementwise with the sign of y (x - ⌊x / y⌋·y), with broadcasting.",
    kernel: FloorModFunction.kernel,
    gradient: .function { c in
      // x mod y = x - ⌊x/y⌋·y: dx = dz, dy = -⌊x/y⌋·dz (TensorFlow's
      // _FloorModGrad)
      let g = c.graph, x = c.input(0), y = c.input(1)
      let gy = try g.multiply(c.grad, try g.negate(try g.floorDiv(x, y)))
      return [try c.unbroadcast(c.grad, to: x, other: y), try c.unbroadcast(gy, to: y, other: x)]
    })
}

extension Graph {
  /// `x mod y` elementwise with the sign of `y`, with broadcasting
  /// (`FloorMod`; TensorFlow's `tf.math.floormod`). An integer division by
  /// zero throws when run.
  public func floorMod(_ x: Output, _ y: Output, name: String? = nil, file: String = #fileID, line: Int = #line)
    throws -> Output
  {
    try build("FloorMod", [x, y], name: name, file: file, line: line)
  }
}

// MARK: - TruncateDiv

/// `x / y` rounded toward zero (C's integer division: `-7 / 2 == -3`);
/// floats as `trunc(x / y)`.
public enum TruncateDivFunction: DivisionFunction {
  @inlinable public static func apply<T: TensorFloatScalar>(_ a: T, _ b: T) -> T { (a / b).rounded(.towardZero) }
  @inlinable public static func applyInteger<T: FixedWidthInteger & SignedInteger>(_ a: T, _ b: T) -> T {
    wrappingTruncatedQuotient(a, b)
  }
}

extension StandardOps {
  static let truncateDiv = binaryOp(
    "TruncateDiv", summary: "Returns x / y elementwise rounded toward zero, with broadcasting.",
    kernel: TruncateDivFunction.kernel,
    // TensorFlow's _TruncateDivGrad returns None for both inputs.
    gradient: .notDifferentiable)
}

extension Graph {
  /// `x / y` rounded toward zero elementwise with broadcasting
  /// (`TruncateDiv`; TensorFlow's `tf.truncatediv`). An integer division
  /// by zero throws when run.
  public func truncateDiv(_ x: Output, _ y: Output, name: String? = nil, file: String = #fileID, line: Int = #line)
    throws -> Output
  {
    try build("TruncateDiv", [x, y], name: name, file: file, line: line)
  }
}
