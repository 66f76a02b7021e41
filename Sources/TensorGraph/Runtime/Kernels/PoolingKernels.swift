// Pooling kernels (NHWC): per output pixel, a pass over the window's input
// pixels with the channels — contiguous — innermost, so every inner loop
// vectorizes. Forward ops and MaxPoolGradGrad compute each output pixel on
// its own (split anywhere); the scattering gradients (MaxPoolGrad,
// AvgPoolGrad) split by whole images, so chunks never write the same
// element and results do not depend on the thread count.

/// Least element operations per chunk.
private let poolingChunkWork = 1 << 15

/// Splits output pixels (or images, for scatters) into chunks of at least
/// `poolingChunkWork`.
@inline(__always)
private func poolingGrain(_ workPerItem: Int) -> Int { Swift.max(1, poolingChunkWork / Swift.max(workPerItem, 1)) }

/// The window of output pixel `r`: its image, and the input rows and
/// columns it covers (clipped to the input).
@inline(__always)
private func windowBounds(_ g: WindowGeometry, pixel r: Int) -> (n: Int, rows: Range<Int>, cols: Range<Int>) {
  let (n, oh, ow) = outputPixel(r, g)
  let h0 = oh * g.strideH - g.padTop, w0 = ow * g.strideW - g.padLeft
  return (
    n, Swift.max(h0, 0)..<Swift.min(h0 + g.windowH, g.inH), Swift.max(w0, 0)..<Swift.min(w0 + g.windowW, g.inW)
  )
}

/// The window of output pixel `r` as element offsets: fills `offsets`
/// (windowH · windowW entries) with the element index, channel 0, of each
/// input pixel of the clipped window in row-major order (tap 0, 1, …), and
/// returns how many there are and the window's width.
@inline(__always)
private func windowTaps(_ g: WindowGeometry, pixel r: Int, offsets: UnsafeMutablePointer<Int>) -> (
  count: Int, width: Int
) {
  let c = g.channels
  let (n, rows, cols) = windowBounds(g, pixel: r)
  var count = 0
  for ih in rows {
    for iw in cols {
      offsets[count] = ((n * g.inH + ih) * g.inW + iw) * c
      count += 1
    }
  }
  return (count, cols.count)
}

/// The tap (index into the window's `offsets`) of the first maximum of
/// channels `ch ..< ch + 8` over a window whose tap 0 starts at `first`
/// (float32), −1 where the window holds only NaNs: TensorFlow's
/// first-maximum rule, with compare-and-blend instead of a branch per
/// element. Strictly greater values replace the best, starting from −∞;
/// lanes whose maximum is −∞ itself (no tap beat the start) are settled one
/// by one afterwards.
@inline(__always)
private func windowArgMax8(
  _ first: UnsafePointer<Float>, offsets: UnsafePointer<Int>, channel ch: Int, taps: Int, width: Int,
  rowStride: Int, channels c: Int
) -> SIMD8<Float> {
  let f = UnsafeRawPointer(first + ch)
  var best = SIMD8<Float>(repeating: -.infinity), tap = SIMD8<Float>(repeating: -1)
  var t: Float = 0, row = 0, col = 0
  for _ in 0..<taps {
    let v = f.loadUnaligned(fromByteOffset: (row * rowStride + col * c) * 4, as: SIMD8<Float>.self)
    let take = v .> best
    best.replace(with: v, where: take)
    tap.replace(with: t, where: take)
    t += 1
    col += 1
    if col == width {
      col = 0
      row += 1
    }
  }
  if any(tap .< 0) {
    for lane in 0..<8 where tap[lane] < 0 {
      tap[lane] = Float(windowArgMax(first - offsets[0], offsets: offsets, taps: taps, channel: ch + lane))
    }
  }
  return tap
}

/// The tap of the first maximum of channel `ch` (the scalar form of
/// ``windowArgMax8(_:offsets:channel:taps:width:rowStride:channels:)``), or −1.
@inline(__always)
private func windowArgMax<T: TensorFloatScalar>(
  _ x: UnsafePointer<T>, offsets: UnsafePointer<Int>, taps: Int, channel ch: Int
) -> Int {
  var best = -T.infinity, tap = -1
  for t in 0..<taps {
    let v = x[offsets[t] + ch]
    if v > best || (tap < 0 && v == best) {
      best = v
      tap = t
    }
  }
  return tap
}

/// The eight floats at `p`.
@inline(__always)
private func load8(_ p: UnsafePointer<Float>) -> SIMD8<Float> {
  UnsafeRawPointer(p).loadUnaligned(as: SIMD8<Float>.self)
}

/// Stores eight floats at `p`.
@inline(__always)
private func store8(_ v: SIMD8<Float>, _ p: UnsafeMutablePointer<Float>) {
  UnsafeMutableRawPointer(p).storeBytes(of: v, as: SIMD8<Float>.self)
}

func maxPoolForward<T: TensorFloatScalar>(
  _ ctx: KernelContext, _ g: WindowGeometry, input x: UnsafePointer<T>, output y: UnsafeMutablePointer<T>
) {
  let c = g.channels
  forEachRange(ctx, count: g.outputPixels, grain: poolingGrain(c * g.windowH * g.windowW)) { pixels in
    for r in pixels {
      let (n, rows, cols) = windowBounds(g, pixel: r)
      let o = y + r * c
      o.initialize(repeating: -.infinity, count: c)
      for ih in rows {
        for iw in cols {
          let v = x + ((n * g.inH + ih) * g.inW + iw) * c
          for ch in 0..<c { o[ch] = v[ch] > o[ch] ? v[ch] : o[ch] }
        }
      }
    }
  }
}

func avgPoolForward<T: TensorFloatScalar>(
  _ ctx: KernelContext, _ g: WindowGeometry, input x: UnsafePointer<T>, output y: UnsafeMutablePointer<T>
) {
  let c = g.channels
  forEachRange(ctx, count: g.outputPixels, grain: poolingGrain(c * g.windowH * g.windowW)) { pixels in
    for r in pixels {
      let (n, rows, cols) = windowBounds(g, pixel: r)
      let o = y + r * c
      o.initialize(repeating: 0, count: c)
      for ih in rows {
        for iw in cols {
          let v = x + ((n * g.inH + ih) * g.inW + iw) * c
          for ch in 0..<c { o[ch] += v[ch] }
        }
      }
      let count = T(rows.count * cols.count)
      for ch in 0..<c { o[ch] /= count }
    }
  }
}

/// Runs `body` on chunks of whole images, each chunk's part of `dx`
/// (input-shaped) zeroed first.
@inline(__always)
private func forEachImageChunk<T: TensorFloatScalar>(
  _ ctx: KernelContext, _ g: WindowGeometry, zeroing dx: UnsafeMutablePointer<T>, _ body: (Range<Int>) -> Void
) {
  let image = g.inH * g.inW * g.channels, pixels = g.outH * g.outW
  forEachRange(ctx, count: g.batch, grain: poolingGrain(pixels * g.channels * g.windowH * g.windowW)) { images in
    (dx + images.lowerBound * image).initialize(repeating: 0, count: images.count * image)
    body((images.lowerBound * pixels)..<(images.upperBound * pixels))
  }
}

func maxPoolBackward<T: TensorFloatScalar>(
  _ ctx: KernelContext, _ g: WindowGeometry, input x: UnsafePointer<T>, grad dy: UnsafePointer<T>,
  output dx: UnsafeMutablePointer<T>
) {
  let c = g.channels, vectorChannels = T.self == Float.self ? c / 8 * 8 : 0
  forEachImageChunk(ctx, g, zeroing: dx) { pixels in
    withUnsafeTemporaryAllocation(of: Int.self, capacity: Swift.max(g.windowH * g.windowW, 1)) { buffer in
      let offsets = buffer.baseAddress!
      for r in pixels {
        let d = dy + r * c
        let (taps, width) = windowTaps(g, pixel: r, offsets: offsets)
        guard taps > 0 else { continue }
        // Eight channels at a time: each tap adds the gradient where it
        // holds the maximum, zero elsewhere (no per-lane scatter).
        if vectorChannels > 0 {
          let xf = UnsafeRawPointer(x).assumingMemoryBound(to: Float.self)
          let df = UnsafeRawPointer(d).assumingMemoryBound(to: Float.self)
          let out = UnsafeMutableRawPointer(dx).assumingMemoryBound(to: Float.self)
          for ch in stride(from: 0, to: vectorChannels, by: 8) {
            let tap = windowArgMax8(
              xf + offsets[0], offsets: offsets, channel: ch, taps: taps, width: width, rowStride: g.inW * c, channels: c)
            let grad = load8(df + ch)
            for t in 0..<taps {
              let o = out + offsets[t] + ch
              store8(load8(o) + grad.replacing(with: 0, where: tap .!= Float(t)), o)
            }
          }
        }
        for ch in vectorChannels..<c {
          let t = windowArgMax(x, offsets: offsets, taps: taps, channel: ch)
          if t >= 0 { dx[offsets[t] + ch] += d[ch] }
        }
      }
    }
  }
}

func maxPoolGradGradForward<T: TensorFloatScalar>(
  _ ctx: KernelContext, _ g: WindowGeometry, input x: UnsafePointer<T>, grad dz: UnsafePointer<T>,
  output y: UnsafeMutablePointer<T>
) {
  let c = g.channels, vectorChannels = T.self == Float.self ? c / 8 * 8 : 0
  forEachRange(ctx, count: g.outputPixels, grain: poolingGrain(c * g.windowH * g.windowW)) { pixels in
    withUnsafeTemporaryAllocation(of: Int.self, capacity: Swift.max(g.windowH * g.windowW, 1)) { buffer in
      let offsets = buffer.baseAddress!
      for r in pixels {
        let o = y + r * c
        let (taps, width) = windowTaps(g, pixel: r, offsets: offsets)
        // Each output takes dz at its window's maximum: the sum over taps
        // of dz where the tap holds it, zero elsewhere.
        if vectorChannels > 0 {
          let xf = UnsafeRawPointer(x).assumingMemoryBound(to: Float.self)
          let zf = UnsafeRawPointer(dz).assumingMemoryBound(to: Float.self)
          let out = UnsafeMutableRawPointer(o).assumingMemoryBound(to: Float.self)
          for ch in stride(from: 0, to: vectorChannels, by: 8) {
            var v = SIMD8<Float>(repeating: 0)
            if taps > 0 {
              let tap = windowArgMax8(
                xf + offsets[0], offsets: offsets, channel: ch, taps: taps, width: width, rowStride: g.inW * c, channels: c)
              for t in 0..<taps { v.replace(with: load8(zf + offsets[t] + ch), where: tap .== Float(t)) }
            }
            store8(v, out + ch)
          }
        }
        for ch in vectorChannels..<c {
          let t = taps > 0 ? windowArgMax(x, offsets: offsets, taps: taps, channel: ch) : -1
          o[ch] = t >= 0 ? dz[offsets[t] + ch] : 0
        }
      }
    }
  }
}

func avgPoolBackward<T: TensorFloatScalar>(
  _ ctx: KernelContext, _ g: WindowGeometry, grad dy: UnsafePointer<T>, output dx: UnsafeMutablePointer<T>
) {
  let c = g.channels
  forEachImageChunk(ctx, g, zeroing: dx) { pixels in
    for r in pixels {
      let (n, rows, cols) = windowBounds(g, pixel: r)
      let d = dy + r * c, count = T(rows.count * cols.count)
      for ih in rows {
        for iw in cols {
          let o = dx + ((n * g.inH + ih) * g.inW + iw) * c
          for ch in 0..<c { o[ch] += d[ch] / count }
        }
      }
    }
  }
}

// MARK: - Kernels

/// The geometry of pooling `input` at run time, errors naming the node.
private func poolGeometry(_ ctx: KernelContext, _ input: [Int], _ attrs: WindowAttributes) throws -> WindowGeometry {
  try rethrowingWithNode(ctx) { try PoolingShapes.geometry(input: input, attrs: attrs) }
}

let maxPoolKernel: KernelFactory = { b in
  let attrs = try nhwcWindowAttributes(b)
  func make<T: TensorFloatScalar>(_: T.Type) -> KernelFunction {
    { ctx in
      let x = ctx.input(0)
      let g = try poolGeometry(ctx, x.shape, attrs)
      let out = ctx.allocateOutput(0, dtype: T.dtype, shape: g.outputShape(channels: g.channels))
      maxPoolForward(ctx, g, input: x.unsafePointer(as: T.self), output: out.unsafeMutablePointer(as: T.self))
      ctx.setOutput(0, out)
    }
  }
  switch b.inputs[0].dtype {
  case .float32: return make(Float.self)
  case .float64: return make(Double.self)
  default: throw b.unsupported()
  }
}

let avgPoolKernel: KernelFactory = { b in
  let attrs = try nhwcWindowAttributes(b)
  func make<T: TensorFloatScalar>(_: T.Type) -> KernelFunction {
    { ctx in
      let x = ctx.input(0)
      let g = try poolGeometry(ctx, x.shape, attrs)
      let out = ctx.allocateOutput(0, dtype: T.dtype, shape: g.outputShape(channels: g.channels))
      avgPoolForward(ctx, g, input: x.unsafePointer(as: T.self), output: out.unsafeMutablePointer(as: T.self))
      ctx.setOutput(0, out)
    }
  }
  switch b.inputs[0].dtype {
  case .float32: return make(Float.self)
  case .float64: return make(Double.self)
  default: throw b.unsupported()
  }
}

let maxPoolGradKernel: KernelFactory = { b in
  let attrs = try nhwcWindowAttributes(b)
  func make<T: TensorFloatScalar>(_: T.Type) -> KernelFunction {
    { ctx in
      let x = ctx.input(0), y = ctx.input(1), dy = ctx.input(2)
      let g = try poolGeometry(ctx, x.shape, attrs)
      try PoolingShapes.checkGradient(ctx, g, grad: y, label: "orig_output")
      try PoolingShapes.checkGradient(ctx, g, grad: dy)
      let out = ctx.allocateOutput(0, dtype: T.dtype, shape: x.shape)
      maxPoolBackward(
        ctx, g, input: x.unsafePointer(as: T.self), grad: dy.unsafePointer(as: T.self),
        output: out.unsafeMutablePointer(as: T.self))
      ctx.setOutput(0, out)
    }
  }
  switch b.inputs[0].dtype {
  case .float32: return make(Float.self)
  case .float64: return make(Double.self)
  default: throw b.unsupported()
  }
}

let maxPoolGradGradKernel: KernelFactory = { b in
  let attrs = try nhwcWindowAttributes(b)
  func make<T: TensorFloatScalar>(_: T.Type) -> KernelFunction {
    { ctx in
      let x = ctx.input(0), y = ctx.input(1), dz = ctx.input(2)
      let g = try poolGeometry(ctx, x.shape, attrs)
      try PoolingShapes.checkGradient(ctx, g, grad: y, label: "orig_output")
      guard dz.shape == x.shape else {
        throw ctx.error(.shapeMismatch, "'grad' has shape \(dz.shape) but must be shaped like 'orig_input', \(x.shape)")
      }
      let out = ctx.allocateOutput(0, dtype: T.dtype, shape: y.shape)
      maxPoolGradGradForward(
        ctx, g, input: x.unsafePointer(as: T.self), grad: dz.unsafePointer(as: T.self),
        output: out.unsafeMutablePointer(as: T.self))
      ctx.setOutput(0, out)
    }
  }
  switch b.inputs[0].dtype {
  case .float32: return make(Float.self)
  case .float64: return make(Double.self)
  default: throw b.unsupported()
  }
}

let avgPoolGradKernel: KernelFactory = { b in
  let attrs = try nhwcWindowAttributes(b)
  func make<T: TensorFloatScalar>(_: T.Type) -> KernelFunction {
    { ctx in
      let dy = ctx.input(1)
      let shape = try rethrowingWithNode(ctx) { try ConvolutionShapes.sizes(ctx.input(0), label: "orig_input_shape") }
      let g = try poolGeometry(ctx, shape, attrs)
      try PoolingShapes.checkGradient(ctx, g, grad: dy)
      let out = ctx.allocateOutput(0, dtype: T.dtype, shape: shape)
      avgPoolBackward(ctx, g, grad: dy.unsafePointer(as: T.self), output: out.unsafeMutablePointer(as: T.self))
      ctx.setOutput(0, out)
    }
  }
  switch b.inputs[1].dtype {
  case .float32: return make(Float.self)
  case .float64: return make(Double.self)
  default: throw b.unsupported()
  }
}
