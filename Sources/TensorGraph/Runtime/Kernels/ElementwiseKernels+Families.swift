// Function families beyond those of ElementwiseKernels.swift, for ops whose
// dtype sets those do not cover: `uint8` activations and equality on every
// dtype including `bool`. Same scheme: a caseless enum's static `apply`
// gives a complete kernel, specialized per dtype.

// MARK: - Scalar function protocols

/// A unary function on every numeric scalar, `uint8` included (`Relu`,
/// `Relu6`).
public protocol UnaryNumericFunction: SendableMetatype {
  static func apply<T: TensorNumericScalar>(_ x: T) -> T
}

/// An equality test on scalars of any dtype, `bool` included (`Equal`,
/// `NotEqual`).
public protocol EqualityFunction: SendableMetatype {
  static func apply<T: TensorScalar>(_ a: T, _ b: T) -> Bool
  /// The scalar result when the shapes do not broadcast and the node's
  /// `incompatible_shape_error` is false (TensorFlow: `Equal` gives false,
  /// `NotEqual` true).
  static var incompatibleShapesResult: Bool { get }
}

// MARK: - Kernel factories

extension UnaryNumericFunction {
  /// The kernel for the node's dtype (every numeric dtype).
  public static func kernel(_ b: KernelBuildContext) throws -> KernelFunction {
    func make<T: TensorNumericScalar>(_: T.Type) -> KernelFunction {
      { ctx in runUnary(ctx, NumericMap<Self, T>.self) }
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

extension EqualityFunction {
  /// The kernel for the node's dtype (every dtype). Reads the node's
  /// `incompatible_shape_error` attribute.
  public static func kernel(_ b: KernelBuildContext) throws -> KernelFunction {
    let p = staticBroadcastPattern(b)
    let strict = b.bool("incompatible_shape_error")
    func make<T: TensorScalar>(_: T.Type) -> KernelFunction {
      { ctx in
        if !strict && broadcastShapes(ctx.input(0).shape, ctx.input(1).shape) == nil {
          let out = ctx.allocateOutput(0, dtype: .bool, shape: [])
          out.unsafeMutablePointer(as: Bool.self).initialize(to: incompatibleShapesResult)
          ctx.setOutput(0, out)
          return
        }
        try runBinary(ctx, p, EqualityMap<Self, T>.self)
      }
    }
    switch b.inputs[0].dtype {
    case .float32: return make(Float.self)
    case .float64: return make(Double.self)
    case .int32: return make(Int32.self)
    case .int64: return make(Int64.self)
    case .uint8: return make(UInt8.self)
    case .bool: return make(Bool.self)
    }
  }
}

@usableFromInline enum EqualityMap<F: EqualityFunction, T: TensorScalar>: StaticBinaryMap {
  @inlinable @inline(__always) static func call(_ a: T, _ b: T) -> Bool { F.apply(a, b) }
}

// MARK: - Costs

extension StandardOps {
  /// A cost of `flops` per output element, with every input and output
  /// byte moved once: for elementwise ops whose scalar function is more than
  /// one instruction (transcendentals count about 20).
  static func elementwiseCost(flopsPerElement flops: Double) -> CostFunction {
    { c in
      let elements = c.outputs.reduce(0) { $0 + $1.shape.reduce(1, *) }
      return Cost(flops: flops * Double(elements), bytes: Double(c.inputBytes + c.outputBytes))
    }
  }
}
