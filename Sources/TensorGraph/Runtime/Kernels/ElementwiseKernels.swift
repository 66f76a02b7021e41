// Elementwise kernels, generic over an op's scalar function and specialized
// per dtype at compile time: the function is a static method of a caseless
// enum, so each (function, dtype) pair compiles to its own tight loop with
// no per-element dynamic dispatch.

// MARK: - Scalar function protocols

/// A binary function on signed numeric scalars (`AddV2`, `Mul`, …).
public protocol BinaryArithmeticFunction: SendableMetatype {
  static func apply<T: TensorSignedScalar>(_ a: T, _ b: T) -> T
}

/// A binary function on floating-point scalars (`RealDiv`, `Pow`).
public protocol BinaryFloatFunction: SendableMetatype {
  static func apply<T: TensorFloatScalar>(_ a: T, _ b: T) -> T
}

/// A comparison of numeric scalars (`Less`, `Equal`, …).
public protocol ComparisonFunction: SendableMetatype {
  static func apply<T: TensorNumericScalar>(_ a: T, _ b: T) -> Bool
}

/// A unary function on signed numeric scalars (`Neg`, `Abs`, `Relu`, …).
public protocol UnaryArithmeticFunction: SendableMetatype {
  static func apply<T: TensorSignedScalar>(_ x: T) -> T
}

/// A unary function on floating-point scalars (`Exp`, `Tanh`, …).
public protocol UnaryFloatFunction: SendableMetatype {
  static func apply<T: TensorFloatScalar>(_ x: T) -> T
}

// MARK: - Loops

/// Elements per chunk when an elementwise loop is split across threads:
/// large enough that the split's fixed cost (about a microsecond) is small
/// next to the loop.
@usableFromInline let elementwiseGrain = 32768

/// Runs a broadcasting binary op: fast paths for equal shapes and a scalar
/// operand (split across threads when large, in place into a dying input
/// when possible), the collapsed-pattern loop otherwise.
@inlinable
func runBinary<M: StaticBinaryMap>(_ ctx: KernelContext, _ staticPattern: BroadcastPattern?, _: M.Type) throws {
  typealias A = M.Input
  typealias R = M.Result
  var a = ctx.consumeInput(0), b = ctx.consumeInput(1)
  let pa = a.unsafePointer(as: A.self), pb = b.unsafePointer(as: A.self)
  let out: Tensor
  if a.shape == b.shape || (b.scalarCount == 1 && b.rank <= a.rank) {
    out = ctx.reusing(&a, dtype: R.dtype, shape: a.shape)
      ?? (a.shape == b.shape ? ctx.reusing(&b, dtype: R.dtype, shape: a.shape) : nil)
      ?? ctx.allocateOutput(0, dtype: R.dtype, shape: a.shape)
    let po = out.unsafeMutablePointer(as: R.self)
    if a.shape == b.shape {
      ctx.forEachChunk(count: a.scalarCount, grain: elementwiseGrain) { r in
        zipLoop(M.self, pa + r.lowerBound, pb + r.lowerBound, po + r.lowerBound, r.count)
      }
    } else {
      let y = pb[0]
      ctx.forEachChunk(count: a.scalarCount, grain: elementwiseGrain) { r in
        zipLoop(M.self, pa + r.lowerBound, y, po + r.lowerBound, r.count)
      }
    }
  } else if a.scalarCount == 1 && a.rank <= b.rank {
    out = ctx.reusing(&b, dtype: R.dtype, shape: b.shape) ?? ctx.allocateOutput(0, dtype: R.dtype, shape: b.shape)
    let po = out.unsafeMutablePointer(as: R.self)
    let x = pa[0]
    ctx.forEachChunk(count: b.scalarCount, grain: elementwiseGrain) { r in
      zipLoop(M.self, x, pb + r.lowerBound, po + r.lowerBound, r.count)
    }
  } else {
    let pattern: BroadcastPattern
    if let staticPattern {
      pattern = staticPattern
    } else if let p = BroadcastPattern(a.shape, b.shape) {
      pattern = p
    } else {
      throw ctx.error(.shapeMismatch, "incompatible shapes for broadcasting: \(a.shape) and \(b.shape)")
    }
    out = ctx.allocateOutput(0, dtype: R.dtype, shape: pattern.outputShape)
    broadcastApply(pattern, pa, pb, out.unsafeMutablePointer(as: R.self)) { M.call($0, $1) }
  }
  withExtendedLifetime((a, b)) { ctx.setOutput(0, out) }
}

/// A binary scalar function known by type (see ``StaticScalarMap``).
@usableFromInline protocol StaticBinaryMap {
  associatedtype Input: TensorScalar
  associatedtype Result: TensorScalar
  static func call(_ a: Input, _ b: Input) -> Result
}

@usableFromInline enum BinaryArithmeticMap<F: BinaryArithmeticFunction, T: TensorSignedScalar>: StaticBinaryMap {
  @inlinable @inline(__always) static func call(_ a: T, _ b: T) -> T { F.apply(a, b) }
}

@usableFromInline enum BinaryFloatMap<F: BinaryFloatFunction, T: TensorFloatScalar>: StaticBinaryMap {
  @inlinable @inline(__always) static func call(_ a: T, _ b: T) -> T { F.apply(a, b) }
}

@usableFromInline enum ComparisonMap<F: ComparisonFunction, T: TensorNumericScalar>: StaticBinaryMap {
  @inlinable @inline(__always) static func call(_ a: T, _ b: T) -> Bool { F.apply(a, b) }
}

/// `y[i] = f(a[i], b[i])`.
@inlinable
func zipLoop<M: StaticBinaryMap>(
  _: M.Type, _ a: UnsafePointer<M.Input>, _ b: UnsafePointer<M.Input>, _ y: UnsafeMutablePointer<M.Result>, _ n: Int
) {
  for i in 0..<n { y[i] = M.call(a[i], b[i]) }
}

/// `y[i] = f(a[i], b)`.
@inlinable
func zipLoop<M: StaticBinaryMap>(
  _: M.Type, _ a: UnsafePointer<M.Input>, _ b: M.Input, _ y: UnsafeMutablePointer<M.Result>, _ n: Int
) {
  for i in 0..<n { y[i] = M.call(a[i], b) }
}

/// `y[i] = f(a, b[i])`.
@inlinable
func zipLoop<M: StaticBinaryMap>(
  _: M.Type, _ a: M.Input, _ b: UnsafePointer<M.Input>, _ y: UnsafeMutablePointer<M.Result>, _ n: Int
) {
  for i in 0..<n { y[i] = M.call(a, b[i]) }
}

/// Runs a unary op, in place into its input when that dies here.
@inlinable @inline(__always)
func runUnary<A: TensorScalar, R: TensorScalar>(_ ctx: KernelContext, _ f: (A) -> R) {
  var x = ctx.consumeInput(0)
  let out = ctx.allocateOutput(0, dtype: R.dtype, shape: x.shape, reusing: &x)
  let px = x.unsafePointer(as: A.self), po = out.unsafeMutablePointer(as: R.self)
  ctx.forEachChunk(count: x.scalarCount, grain: elementwiseGrain) { r in
    for i in r { po[i] = f(px[i]) }
  }
  withExtendedLifetime(x) { ctx.setOutput(0, out) }
}

/// A scalar map known by type, not by closure value: loops calling
/// `call` are specialized per (function, dtype), where a loop calling a
/// captured closure makes one indirect call per element.
@usableFromInline protocol StaticScalarMap {
  associatedtype Input: TensorScalar
  associatedtype Result: TensorScalar
  static func call(_ x: Input) -> Result
}

@usableFromInline enum ArithmeticMap<F: UnaryArithmeticFunction, T: TensorSignedScalar>: StaticScalarMap {
  @inlinable @inline(__always) static func call(_ x: T) -> T { F.apply(x) }
}

@usableFromInline enum FloatMap<F: UnaryFloatFunction, T: TensorFloatScalar>: StaticScalarMap {
  @inlinable @inline(__always) static func call(_ x: T) -> T { F.apply(x) }
}

@usableFromInline enum NumericMap<F: UnaryNumericFunction, T: TensorNumericScalar>: StaticScalarMap {
  @inlinable @inline(__always) static func call(_ x: T) -> T { F.apply(x) }
}

/// ``runUnary(_:_:)`` for a map known by type.
@inlinable
func runUnary<M: StaticScalarMap>(_ ctx: KernelContext, _: M.Type) {
  var x = ctx.consumeInput(0)
  let out = ctx.allocateOutput(0, dtype: M.Result.dtype, shape: x.shape, reusing: &x)
  let px = x.unsafePointer(as: M.Input.self), po = out.unsafeMutablePointer(as: M.Result.self)
  ctx.forEachChunk(count: x.scalarCount, grain: elementwiseGrain) { r in
    mapLoop(M.self, px + r.lowerBound, po + r.lowerBound, r.count)
  }
  withExtendedLifetime(x) { ctx.setOutput(0, out) }
}

@inlinable
func mapLoop<M: StaticScalarMap>(
  _: M.Type, _ x: UnsafePointer<M.Input>, _ y: UnsafeMutablePointer<M.Result>, _ n: Int
) {
  for i in 0..<n { y[i] = M.call(x[i]) }
}

/// The broadcast pattern when both input shapes are known at lowering and
/// differ (equal shapes and scalars take the fast paths).
func staticBroadcastPattern(_ b: KernelBuildContext) -> BroadcastPattern? {
  guard let x = b.inputs[0].shape.concrete, let y = b.inputs[1].shape.concrete, x != y else { return nil }
  return BroadcastPattern(x, y)
}

// MARK: - Kernel factories per function family

extension BinaryArithmeticFunction {
  /// The kernel for the node's dtype (`float32`, `float64`, `int32`, `int64`).
  public static func kernel(_ b: KernelBuildContext) throws -> KernelFunction {
    let p = staticBroadcastPattern(b)
    func make<T: TensorSignedScalar>(_: T.Type) -> KernelFunction {
      { ctx in try runBinary(ctx, p, BinaryArithmeticMap<Self, T>.self) }
    }
    switch b.inputs[0].dtype {
    case .float32: return make(Float.self)
    case .float64: return make(Double.self)
    case .int32: return make(Int32.self)
    case .int64: return make(Int64.self)
    default: throw b.unsupported()
    }
  }
}

extension BinaryFloatFunction {
  /// The kernel for the node's dtype (`float32`, `float64`).
  public static func kernel(_ b: KernelBuildContext) throws -> KernelFunction {
    let p = staticBroadcastPattern(b)
    func make<T: TensorFloatScalar>(_: T.Type) -> KernelFunction {
      { ctx in try runBinary(ctx, p, BinaryFloatMap<Self, T>.self) }
    }
    switch b.inputs[0].dtype {
    case .float32: return make(Float.self)
    case .float64: return make(Double.self)
    default: throw b.unsupported()
    }
  }
}

extension ComparisonFunction {
  /// The kernel for the node's dtype (every numeric dtype).
  public static func kernel(_ b: KernelBuildContext) throws -> KernelFunction {
    let p = staticBroadcastPattern(b)
    func make<T: TensorNumericScalar>(_: T.Type) -> KernelFunction {
      { ctx in try runBinary(ctx, p, ComparisonMap<Self, T>.self) }
    }
    switch b.inputs[0].dtype {
    case .float32: return make(Float.self)
    case .float64: return make(Double.self)
    case .int32: return make(Int32.self)
    case .int64: return make(Int64.self)
    case .uint8: return make(UInt8.self)
    case .bool: throw b.unsupported()
    }
  }
}

extension UnaryArithmeticFunction {
  /// The kernel for the node's dtype (`float32`, `float64`, `int32`, `int64`).
  public static func kernel(_ b: KernelBuildContext) throws -> KernelFunction {
    func make<T: TensorSignedScalar>(_: T.Type) -> KernelFunction {
      { ctx in runUnary(ctx, ArithmeticMap<Self, T>.self) }
    }
    switch b.inputs[0].dtype {
    case .float32: return make(Float.self)
    case .float64: return make(Double.self)
    case .int32: return make(Int32.self)
    case .int64: return make(Int64.self)
    default: throw b.unsupported()
    }
  }
}

extension UnaryFloatFunction {
  /// The kernel for the node's dtype (`float32`, `float64`).
  public static func kernel(_ b: KernelBuildContext) throws -> KernelFunction {
    func make<T: TensorFloatScalar>(_: T.Type) -> KernelFunction {
      { ctx in runUnary(ctx, FloatMap<Self, T>.self) }
    }
    switch b.inputs[0].dtype {
    case .float32: return make(Float.self)
    case .float64: return make(Double.self)
    default: throw b.unsupported()
    }
  }
}
