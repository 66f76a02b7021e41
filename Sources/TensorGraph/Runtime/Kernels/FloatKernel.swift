// Kernels written once, generic over float32 and float64, and specialized
// per dtype at lowering: the body is a generic method of a value type
// (Swift closures cannot be generic), and one switch picks the dtype.

/// A kernel body generic over the floating-point dtypes; see
/// ``specialized(_:dtypeOf:)``.
protocol FloatKernel: Sendable {
  /// Runs one step for dtype `T`.
  func run<T: GEMMScalar & TensorFloatScalar>(_ ctx: KernelContext, _: T.Type) throws
}

extension FloatKernel {
  /// The kernel for the dtype of input `i` (float32 or float64; others are
  /// unsupported), specialized on it.
  func specialized(_ b: KernelBuildContext, dtypeOf i: Int = 0) throws -> KernelFunction {
    switch b.inputs[i].dtype {
    case .float32: return { ctx in try self.run(ctx, Float.self) }
    case .float64: return { ctx in try self.run(ctx, Double.self) }
    default: throw b.unsupported()
    }
  }
}
