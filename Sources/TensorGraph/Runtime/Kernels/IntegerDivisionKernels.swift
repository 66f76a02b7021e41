// Kernels of the division family that accepts integers (FloorDiv,
// FloorMod, TruncateDiv): one scalar function per dtype kind, both run
// through the broadcasting loops of ElementwiseKernels.swift. An integer
// divisor of zero is found by one scan of the divisor before the loop, so
// the loop itself stays branch-free and a zero throws instead of trapping.

/// A division-like function with a floating-point rule and an integer rule
/// (`FloorDiv`, `FloorMod`, `TruncateDiv`).
public protocol DivisionFunction: SendableMetatype {
  /// The floating-point result (IEEE: a zero divisor gives ±Inf or NaN).
  static func apply<T: TensorFloatScalar>(_ a: T, _ b: T) -> T
  /// The integer result, wrapping on overflow (`min / -1 == min`). Never
  /// called with `b == 0` by the kernels; it must not trap even then.
  static func applyInteger<T: FixedWidthInteger & SignedInteger>(_ a: T, _ b: T) -> T
}

@usableFromInline enum DivisionFloatMap<F: DivisionFunction, T: TensorFloatScalar>: StaticBinaryMap {
  @inlinable @inline(__always) static func call(_ a: T, _ b: T) -> T { F.apply(a, b) }
}

@usableFromInline enum DivisionIntegerMap<F: DivisionFunction, T: TensorSignedScalar & FixedWidthInteger & SignedInteger>:
  StaticBinaryMap
{
  @inlinable @inline(__always) static func call(_ a: T, _ b: T) -> T { F.applyInteger(a, b) }
}

/// `a / b` truncated toward zero, wrapping `min / -1` to `min`; 0 for `b
/// == 0` (the kernels reject that first).
@inlinable @inline(__always)
func wrappingTruncatedQuotient<T: FixedWidthInteger & SignedInteger>(_ a: T, _ b: T) -> T {
  b == 0 ? 0 : a.dividedReportingOverflow(by: b).partialValue
}

/// The remainder of ``wrappingTruncatedQuotient(_:_:)``, with the sign of
/// `a` (`min % -1 == 0`).
@inlinable @inline(__always)
func wrappingTruncatedRemainder<T: FixedWidthInteger & SignedInteger>(_ a: T, _ b: T) -> T {
  b == 0 ? 0 : a.remainderReportingOverflow(dividingBy: b).partialValue
}

extension DivisionFunction {
  /// The kernel for the node's dtype (`float32`, `float64`, `int32`,
  /// `int64`). Integer kernels throw "Integer division by zero" (as
  /// TensorFlow's) when the divisor holds a zero and the output is not
  /// empty.
  public static func kernel(_ b: KernelBuildContext) throws -> KernelFunction {
    let p = staticBroadcastPattern(b)
    func float<T: TensorFloatScalar>(_: T.Type) -> KernelFunction {
      { ctx in try runBinary(ctx, p, DivisionFloatMap<Self, T>.self) }
    }
    func integer<T: TensorSignedScalar & FixedWidthInteger & SignedInteger>(_: T.Type) -> KernelFunction {
      { ctx in
        try rejectZeroDivisor(ctx, T.self)
        try runBinary(ctx, p, DivisionIntegerMap<Self, T>.self)
      }
    }
    switch b.inputs[0].dtype {
    case .float32: return float(Float.self)
    case .float64: return float(Double.self)
    case .int32: return integer(Int32.self)
    case .int64: return integer(Int64.self)
    default: throw b.unsupported()
    }
  }
}

/// Throws when input 1 (the divisor) holds a 0 and input 0 is not empty.
/// A function of its own, so that its references to the inputs end before
/// ``runBinary`` takes them over (and may write in place).
func rejectZeroDivisor<T: FixedWidthInteger & TensorScalar>(_ ctx: KernelContext, _: T.Type) throws {
  let x = ctx.input(0), y = ctx.input(1)
  if x.scalarCount > 0 && containsZero(y.unsafePointer(as: T.self), y.scalarCount) {
    throw ctx.error(
      .invalidArgument, "Integer division by zero: the divisor 'y' (shape \(y.shape)) holds a 0 (x has shape \(x.shape))")
  }
}

/// Whether any of the `n` integers at `p` is 0 (a branch-free OR of
/// comparisons per block, so the scan vectorizes).
@inlinable
func containsZero<T: FixedWidthInteger>(_ p: UnsafePointer<T>, _ n: Int) -> Bool {
  var i = 0
  while i < n {
    let end = min(n, i + 1024)
    var zeros: UInt32 = 0
    for j in i..<end { zeros |= p[j] == 0 ? 1 : 0 }
    if zeros != 0 { return true }
    i = end
  }
  return false
}
