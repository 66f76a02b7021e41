// Kernels of the elementwise gradient ops (ReluGrad, SigmoidGrad, SqrtGrad,
// …): a function of two operands of the same shape — an upstream gradient
// and a forward input or output — with no broadcasting, as TensorFlow's.
// Same scheme as ElementwiseKernels.swift: a caseless enum's static `apply`
// gives a complete kernel, specialized per dtype.

// MARK: - Scalar function protocols

/// The gradient of a unary function on floating-point scalars, from two
/// same-shaped operands (`SigmoidGrad(y, dy)`, `SoftplusGrad(gradients,
/// features)`, …).
public protocol FloatGradientFunction: SendableMetatype {
  static func apply<T: TensorFloatScalar>(_ a: T, _ b: T) -> T
}

/// The gradient of a unary function on every numeric scalar, `uint8`
/// included (`ReluGrad`, `Relu6Grad`).
public protocol NumericGradientFunction: SendableMetatype {
  static func apply<T: TensorNumericScalar>(_ a: T, _ b: T) -> T
}

// MARK: - Loop

/// Runs a same-shape binary op: in place into whichever input dies here,
/// split across threads when large. Shapes that differ throw (the shape
/// function merges them, so only unknown dimensions can get here).
@inlinable
func runSameShape<M: StaticBinaryMap>(_ ctx: KernelContext, _: M.Type) throws where M.Result == M.Input {
  typealias T = M.Input
  var a = ctx.consumeInput(0), b = ctx.consumeInput(1)
  guard a.shape == b.shape else {
    let names = ctx.node.def.inputs.map(\.name)
    throw ctx.error(
      .shapeMismatch,
      "'\(names[0])' and '\(names[1])' must have the same shape, but have shapes \(a.shape) and \(b.shape)")
  }
  let out = ctx.reusing(&a, dtype: T.dtype, shape: a.shape) ?? ctx.reusing(&b, dtype: T.dtype, shape: a.shape)
    ?? ctx.allocateOutput(0, dtype: T.dtype, shape: a.shape)
  let pa = a.unsafePointer(as: T.self), pb = b.unsafePointer(as: T.self)
  let po = out.unsafeMutablePointer(as: T.self)
  ctx.forEachChunk(count: a.scalarCount, grain: elementwiseGrain) { r in
    zipLoop(M.self, pa + r.lowerBound, pb + r.lowerBound, po + r.lowerBound, r.count)
  }
  withExtendedLifetime((a, b)) { ctx.setOutput(0, out) }
}

@usableFromInline enum FloatGradientMap<F: FloatGradientFunction, T: TensorFloatScalar>: StaticBinaryMap {
  @inlinable @inline(__always) static func call(_ a: T, _ b: T) -> T { F.apply(a, b) }
}

@usableFromInline enum NumericGradientMap<F: NumericGradientFunction, T: TensorNumericScalar>: StaticBinaryMap {
  @inlinable @inline(__always) static func call(_ a: T, _ b: T) -> T { F.apply(a, b) }
}

// MARK: - Kernel factories

extension FloatGradientFunction {
  /// The kernel for the node's dtype (`float32`, `float64`).
  public static func kernel(_ b: KernelBuildContext) throws -> KernelFunction {
    func make<T: TensorFloatScalar>(_: T.Type) -> KernelFunction {
      { ctx in try runSameShape(ctx, FloatGradientMap<Self, T>.self) }
    }
    switch b.inputs[0].dtype {
    case .float32: return make(Float.self)
    case .float64: return make(Double.self)
    default: throw b.unsupported()
    }
  }
}

extension NumericGradientFunction {
  /// The kernel for the node's dtype (every numeric dtype).
  public static func kernel(_ b: KernelBuildContext) throws -> KernelFunction {
    func make<T: TensorNumericScalar>(_: T.Type) -> KernelFunction {
      { ctx in try runSameShape(ctx, NumericGradientMap<Self, T>.self) }
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
