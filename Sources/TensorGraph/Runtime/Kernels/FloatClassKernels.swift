// Kernels of the floating-point classification ops (IsNan, IsInf,
// IsFinite): a float → bool predicate per element, through the unary loop
// of ElementwiseKernels.swift.

/// A predicate on floating-point scalars (`IsNan`, `IsInf`, `IsFinite`).
public protocol FloatClassFunction: SendableMetatype {
  static func apply<T: TensorFloatScalar>(_ x: T) -> Bool
}

@usableFromInline enum FloatClassMap<F: FloatClassFunction, T: TensorFloatScalar>: StaticScalarMap {
  @inlinable @inline(__always) static func call(_ x: T) -> Bool { F.apply(x) }
}

extension FloatClassFunction {
  /// The kernel for the node's dtype (`float32`, `float64`); the output is
  /// `bool`.
  public static func kernel(_ b: KernelBuildContext) throws -> KernelFunction {
    func make<T: TensorFloatScalar>(_: T.Type) -> KernelFunction {
      { ctx in runUnary(ctx, FloatClassMap<Self, T>.self) }
    }
    switch b.inputs[0].dtype {
    case .float32: return make(Float.self)
    case .float64: return make(Double.self)
    default: throw b.unsupported()
    }
  }
}
