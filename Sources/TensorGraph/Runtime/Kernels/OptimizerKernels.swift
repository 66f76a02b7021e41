// Fused optimizer updates: one pass over the variable and its slots, in
// place, split across threads for large variables (chunking depends only on
// the size, so results never depend on the thread count). Float32 loops run
// in CTensorKernels, compiled per ISA level (AVX-512 runs Adam 3× faster
// than the baseline SSE2 loop Swift compiles); they compute what the
// generic Swift loops here compute, bit for bit, and float64 runs those.

import CTensorKernels

/// Elements per chunk of an optimizer update.
private let optimizerGrain = 16384

/// The current values of the variables behind `refs`, checked initialized
/// and of `shape`.
private func slotValues(_ ctx: KernelContext, _ refs: [Int], shape: [Int]) throws -> [Tensor] {
  try refs.map { i in
    let v = ctx.variable(i)
    guard let value = v.value else {
      throw ctx.error(.uninitializedVariable, "attempting to use uninitialized variable '\(v.name)'; run its initializer first")
    }
    guard value.shape == shape else {
      throw ctx.error(.shapeMismatch, "variable '\(v.name)' has shape \(value.shape) but the gradient has shape \(shape)")
    }
    return value
  }
}

/// Input `i` as a scalar of `T`.
@inline(__always)
private func scalarInput<T: TensorFloatScalar>(_ ctx: KernelContext, _ i: Int, _: T.Type) throws -> T {
  let t = ctx.input(i)
  guard t.scalarCount == 1 else {
    throw ctx.error(.shapeMismatch, "hyperparameter input \(i) must be a scalar but has shape \(t.shape)")
  }
  return t.unsafePointer(as: T.self)[0]
}

/// `p` as a float pointer, for the float32 paths of generic kernels
/// (`T` is `Float` there; the cast is free).
@inline(__always)
private func f32<T>(_ p: UnsafeMutablePointer<T>) -> UnsafeMutablePointer<Float> {
  UnsafeMutableRawPointer(p).assumingMemoryBound(to: Float.self)
}

@inline(__always)
private func f32<T>(_ p: UnsafePointer<T>) -> UnsafePointer<Float> {
  UnsafeRawPointer(p).assumingMemoryBound(to: Float.self)
}

/// Dispatches a float kernel body on the node's dtype (holding the
/// variable's update lock when `use_locking` is set).
private func floatKernel(
  _ b: KernelBuildContext, _ make: (DType) -> KernelFunction?
) throws -> KernelFunction {
  guard let k = make(b.inputs[b.inputs.count - 1].dtype) else { throw b.unsupported() }
  return lockingWhenAsked(b, k)
}

let applyGradientDescentKernel: KernelFactory = { b in
  func make<T: TensorFloatScalar>(_: T.Type) -> KernelFunction {
    { ctx in
      let delta = ctx.input(2)
      let w = try slotValues(ctx, [0], shape: delta.shape)[0]
      let alpha = try scalarInput(ctx, 1, T.self)
      let pw = w.unsafeMutablePointer(as: T.self), pd = delta.unsafePointer(as: T.self)
      ctx.forEachChunk(count: w.scalarCount, grain: optimizerGrain) { r in
        if T.self == Float.self {
          tg_apply_gradient_descent_f32(
            ISALevel.current.cLevel, f32(pw + r.lowerBound), f32(pd + r.lowerBound), r.count, Float(alpha))
          return
        }
        for i in r { pw[i] -= alpha * pd[i] }
      }
      ctx.setOutput(0, w)
    }
  }
  return try floatKernel(b) { $0 == .float32 ? make(Float.self) : $0 == .float64 ? make(Double.self) : nil }
}

let applyMomentumKernel: KernelFactory = { b in
  let nesterov = b.bool("use_nesterov")
  func make<T: TensorFloatScalar>(_: T.Type) -> KernelFunction {
    { ctx in
      let grad = ctx.input(3)
      let slots = try slotValues(ctx, [0, 1], shape: grad.shape)
      let lr = try scalarInput(ctx, 2, T.self), momentum = try scalarInput(ctx, 4, T.self)
      let pw = slots[0].unsafeMutablePointer(as: T.self), pa = slots[1].unsafeMutablePointer(as: T.self)
      let pg = grad.unsafePointer(as: T.self)
      ctx.forEachChunk(count: grad.scalarCount, grain: optimizerGrain) { r in
        if T.self == Float.self {
          tg_apply_momentum_f32(
            ISALevel.current.cLevel, f32(pw + r.lowerBound), f32(pa + r.lowerBound), f32(pg + r.lowerBound), r.count, Float(lr),
            Float(momentum), nesterov ? 1 : 0)
          return
        }
        if nesterov {
          for i in r {
            let a = pa[i] * momentum + pg[i]
            pa[i] = a
            pw[i] -= (pg[i] + a * momentum) * lr
          }
        } else {
          for i in r {
            let a = pa[i] * momentum + pg[i]
            pa[i] = a
            pw[i] -= lr * a
          }
        }
      }
      ctx.setOutput(0, slots[0])
    }
  }
  return try floatKernel(b) { $0 == .float32 ? make(Float.self) : $0 == .float64 ? make(Double.self) : nil }
}

let applyAdamKernel: KernelFactory = { b in
  let nesterov = b.bool("use_nesterov")
  func make<T: TensorFloatScalar>(_: T.Type) -> KernelFunction {
    { ctx in
      let grad = ctx.input(9)
      let slots = try slotValues(ctx, [0, 1, 2], shape: grad.shape)
      let b1p = try scalarInput(ctx, 3, T.self), b2p = try scalarInput(ctx, 4, T.self)
      let lr = try scalarInput(ctx, 5, T.self), b1 = try scalarInput(ctx, 6, T.self)
      let b2 = try scalarInput(ctx, 7, T.self), eps = try scalarInput(ctx, 8, T.self)
      // TensorFlow folds the bias corrections into the step size.
      let alpha = lr * ieeeSquareRoot(1 - b2p) / (1 - b1p)
      let pw = slots[0].unsafeMutablePointer(as: T.self), pm = slots[1].unsafeMutablePointer(as: T.self)
      let pv = slots[2].unsafeMutablePointer(as: T.self), pg = grad.unsafePointer(as: T.self)
      let c1 = 1 - b1, c2 = 1 - b2
      ctx.forEachChunk(count: grad.scalarCount, grain: optimizerGrain) { r in
        if T.self == Float.self {
          tg_apply_adam_f32(
            ISALevel.current.cLevel, f32(pw + r.lowerBound), f32(pm + r.lowerBound), f32(pv + r.lowerBound), f32(pg + r.lowerBound),
            r.count, Float(alpha), Float(c1), Float(c2), Float(eps), Float(b1), nesterov ? 1 : 0)
          return
        }
        if nesterov {
          for i in r {
            let g = pg[i]
            let m = pm[i] + (g - pm[i]) * c1
            let v = pv[i] + (g * g - pv[i]) * c2
            pm[i] = m
            pv[i] = v
            pw[i] -= alpha * (m * b1 + c1 * g) / (v.magnitude.squareRoot() + eps)
          }
        } else {
          for i in r {
            let g = pg[i]
            let m = pm[i] + (g - pm[i]) * c1
            let v = pv[i] + (g * g - pv[i]) * c2
            pm[i] = m
            pv[i] = v
            pw[i] -= alpha * m / (v.magnitude.squareRoot() + eps)
          }
        }
      }
      ctx.setOutput(0, slots[0])
    }
  }
  return try floatKernel(b) { $0 == .float32 ? make(Float.self) : $0 == .float64 ? make(Double.self) : nil }
}

let applyRMSPropKernel: KernelFactory = { b in
  func make<T: TensorFloatScalar>(_: T.Type) -> KernelFunction {
    { ctx in
      let grad = ctx.input(7)
      let slots = try slotValues(ctx, [0, 1, 2], shape: grad.shape)
      let lr = try scalarInput(ctx, 3, T.self), rho = try scalarInput(ctx, 4, T.self)
      let momentum = try scalarInput(ctx, 5, T.self), eps = try scalarInput(ctx, 6, T.self)
      let pw = slots[0].unsafeMutablePointer(as: T.self), pms = slots[1].unsafeMutablePointer(as: T.self)
      let pmom = slots[2].unsafeMutablePointer(as: T.self), pg = grad.unsafePointer(as: T.self)
      ctx.forEachChunk(count: grad.scalarCount, grain: optimizerGrain) { r in
        if T.self == Float.self {
          tg_apply_rmsprop_f32(
            ISALevel.current.cLevel, f32(pw + r.lowerBound), f32(pms + r.lowerBound), f32(pmom + r.lowerBound), f32(pg + r.lowerBound),
            r.count, Float(lr), Float(rho), Float(momentum), Float(eps))
          return
        }
        for i in r {
          let g = pg[i]
          let ms = pms[i] + (g * g - pms[i]) * (1 - rho)
          pms[i] = ms
          let mom = pmom[i] * momentum + lr * g / (ms + eps).magnitude.squareRoot()
          pmom[i] = mom
          pw[i] -= mom
        }
      }
      ctx.setOutput(0, slots[0])
    }
  }
  return try floatKernel(b) { $0 == .float32 ? make(Float.self) : $0 == .float64 ? make(Double.self) : nil }
}
