// ClipByValue's kernel: `max(min(t, hi), lo)` with each bound a scalar or
// exactly t's shape, in the order and with the NaN rules of TensorFlow's
// (Eigen's cwiseMin then cwiseMax): a NaN in t passes through, a NaN bound
// leaves its side unclipped, and lo > hi gives lo.

/// `min(t, hi)` then `max(·, lo)` as Eigen's `mini`/`maxi`: the bound wins
/// only when the comparison is true, so NaNs fall to the other operand.
@inlinable @inline(__always)
func clipValue<T: TensorNumericScalar>(_ t: T, _ lo: T, _ hi: T) -> T {
  let m = hi < t ? hi : t
  return m < lo ? lo : m
}

let clipByValueKernel: KernelFactory = { b in
  func make<T: TensorNumericScalar>(_: T.Type) -> KernelFunction {
    { ctx in
      var t = ctx.consumeInput(0)
      let lo = ctx.input(1), hi = ctx.input(2)
      guard lo.rank == 0 || lo.shape == t.shape, hi.rank == 0 || hi.shape == t.shape else {
        throw ctx.error(
          .invalidArgument,
          "clip_value_min and clip_value_max must be scalars or have the shape of t \(t.shape), but have shapes \(lo.shape) and \(hi.shape)"
        )
      }
      let out = ctx.allocateOutput(0, dtype: T.dtype, shape: t.shape, reusing: &t)
      let pt = t.unsafePointer(as: T.self), pl = lo.unsafePointer(as: T.self), ph = hi.unsafePointer(as: T.self)
      let po = out.unsafeMutablePointer(as: T.self)
      // Scalar bounds are the common case: hoisted, the loop vectorizes.
      let loStep = lo.rank == 0 ? 0 : 1, hiStep = hi.rank == 0 ? 0 : 1
      ctx.forEachChunk(count: t.scalarCount, grain: elementwiseGrain) { r in
        if loStep == 0 && hiStep == 0 {
          let l = pl[0], h = ph[0]
          for i in r { po[i] = clipValue(pt[i], l, h) }
        } else {
          for i in r { po[i] = clipValue(pt[i], pl[i * loStep], ph[i * hiStep]) }
        }
      }
      withExtendedLifetime((t, lo, hi)) { ctx.setOutput(0, out) }
    }
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
