// _FusedMatMul: one GEMM into the output, then one pass adding the bias
// and applying the activation in place, row block by row block while the
// rows are still in cache — instead of BiasAdd allocating a second
// [m, n] buffer and the activation making a third pass.

/// An activation applied by `_FusedMatMul`: a caseless enum whose static
/// `apply` the kernel is specialized on.
protocol FusedActivation {
  static func apply<T: TensorFloatScalar>(_ x: T) -> T
}

enum NoActivation: FusedActivation {
  @inline(__always) static func apply<T: TensorFloatScalar>(_ x: T) -> T { x }
}

enum FusedRelu: FusedActivation {
  @inline(__always) static func apply<T: TensorFloatScalar>(_ x: T) -> T { ReluFunction.apply(x) }
}

enum FusedRelu6: FusedActivation {
  @inline(__always) static func apply<T: TensorFloatScalar>(_ x: T) -> T { Relu6Function.apply(x) }
}

enum FusedElu: FusedActivation {
  @inline(__always) static func apply<T: TensorFloatScalar>(_ x: T) -> T { EluFunction.apply(x) }
}

enum FusedTanh: FusedActivation {
  @inline(__always) static func apply<T: TensorFloatScalar>(_ x: T) -> T { TanhFunction.apply(x) }
}

enum FusedSigmoid: FusedActivation {
  @inline(__always) static func apply<T: TensorFloatScalar>(_ x: T) -> T { SigmoidFunction.apply(x) }
}

let fusedMatMulKernel: KernelFactory = { b in
  let ta = b.bool("transpose_a"), tb = b.bool("transpose_b")
  func make<T: GEMMScalar & TensorFloatScalar, A: FusedActivation>(_: T.Type, _: A.Type) -> KernelFunction {
    { ctx in
      let x = ctx.input(0), y = ctx.input(1), bias = ctx.input(2)
      let (m, k) = ta ? (x.shape[1], x.shape[0]) : (x.shape[0], x.shape[1])
      let (k2, n) = tb ? (y.shape[1], y.shape[0]) : (y.shape[0], y.shape[1])
      guard k == k2 else {
        throw ctx.error(.shapeMismatch, "inner dimensions differ: \(x.shape) × \(y.shape)")
      }
      guard bias.shape == [n] else {
        throw ctx.error(.shapeMismatch, "the bias has shape \(bias.shape) but the product has \(n) columns")
      }
      let out = ctx.allocateOutput(0, dtype: T.dtype, shape: [m, n])
      let po = out.unsafeMutablePointer(as: T.self), pb = bias.unsafePointer(as: T.self)
      gemm(
        transA: ta, transB: tb, m: m, n: n, k: k, a: x.unsafePointer(as: T.self), b: y.unsafePointer(as: T.self), c: po)
      if n > 0 {
        ctx.forEachChunk(count: m, grain: Swift.max(1, elementwiseGrain / n)) { rows in
          for r in rows {
            let row = po + r * n
            for j in 0..<n { row[j] = A.apply(row[j] + pb[j]) }
          }
        }
      }
      ctx.setOutput(0, out)
    }
  }
  func make<T: GEMMScalar & TensorFloatScalar>(_ t: T.Type) throws -> KernelFunction {
    switch b.strings("fused_ops").dropFirst().first {
    case nil: return make(t, NoActivation.self)
    case "Relu": return make(t, FusedRelu.self)
    case "Relu6": return make(t, FusedRelu6.self)
    case "Elu": return make(t, FusedElu.self)
    case "Tanh": return make(t, FusedTanh.self)
    case "Sigmoid": return make(t, FusedSigmoid.self)
    case let other?: throw b.unsupported("no fused activation \(other)")
    }
  }
  switch b.inputs[0].dtype {
  case .float32: return try make(Float.self)
  case .float64: return try make(Double.self)
  default: throw b.unsupported()
  }
}
