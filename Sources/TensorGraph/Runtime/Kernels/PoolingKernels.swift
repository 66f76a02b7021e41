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

/// Calls `body(channel, element)` with, for each channel, the element index
/// (in an input-shaped tensor) of the first maximum of output pixel `r`'s window
/// in row-major order (TensorFlow's tie rule; windows of only NaNs have
/// none). For float32, eight channels at a time with SIMD compare-and-blend
/// (no data-dependent branch per element); the rest one by one.
@inline(__always)
private func windowArgMax<T: TensorFloatScalar>(
  _ g: WindowGeometry, _ x: UnsafePointer<T>, pixel r: Int, offsets: UnsafeMutablePointer<Int>,
  _ body: (_ channel: Int, _ element: Int) -> Void
) {
  let c = g.channels
  let (n, rows, cols) = windowBounds(g, pixel: r)
  let start = ((n * g.inH + rows.lowerBound) * g.inW + cols.lowerBound) * c
  let base = x + start
  // The element index of window tap t (numbered row-major over the clipped
  // window), channel 0; `offsets` holds windowH · windowW entries.
  var count = 0
  for ih in 0..<rows.count {
    for iw in 0..<cols.count {
      offsets[count] = start + (ih * g.inW + iw) * c
      count += 1
    }
  }
  var ch = 0
  if T.self == Float.self {
    let f = UnsafeRawPointer(base)
    while ch + 8 <= c {
      var best = SIMD8<Float>(repeating: -.infinity), tap = SIMD8<Float>(repeating: -1)
      var t: Float = 0
      for ih in 0..<rows.count {
        for iw in 0..<cols.count {
          let v = f.loadUnaligned(fromByteOffset: ((ih * g.inW + iw) * c + ch) * 4, as: SIMD8<Float>.self)
          // Strictly greater, or equal to the initial −∞ before any tap.
          let take = (v .> best) .| ((tap .== -1) .& (v .== best))
          best.replace(with: v, where: take)
          tap.replace(with: t, where: take)
          t += 1
        }
      }
      for lane in 0..<8 where tap[lane] >= 0 { body(ch + lane, offsets[Int(tap[lane])] + ch + lane) }
      ch += 8
    }
  }
  while ch < c {
    var best = -T.infinity, tap = -1, t = 0
    for ih in 0..<rows.count {
      for iw in 0..<cols.count {
        let v = base[(ih * g.inW + iw) * c + ch]
        if v > best || (tap < 0 && v == best) {
          best = v
          tap = t
        }
        t += 1
      }
    }
    if tap >= 0 { body(ch, offsets[tap] + ch) }
    ch += 1
  }
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
  let c = g.channels
  forEachImageChunk(ctx, g, zeroing: dx) { pixels in
    let offsets = UnsafeMutablePointer<Int>.allocate(capacity: Swift.max(g.windowH * g.windowW, 1))
    defer { offsets.deallocate() }
    for r in pixels {
      let d = dy + r * c
      windowArgMax(g, x, pixel: r, offsets: offsets) { ch, e in dx[e] += d[ch] }
    }
  }
}

func maxPoolGradGradForward<T: TensorFloatScalar>(
  _ ctx: KernelContext, _ g: WindowGeometry, input x: UnsafePointer<T>, grad dz: UnsafePointer<T>,
  output y: UnsafeMutablePointer<T>
) {
  let c = g.channels
  forEachRange(ctx, count: g.outputPixels, grain: poolingGrain(c * g.windowH * g.windowW)) { pixels in
    let offsets = UnsafeMutablePointer<Int>.allocate(capacity: Swift.max(g.windowH * g.windowW, 1))
    defer { offsets.deallocate() }
    for r in pixels {
      let o = y + r * c
      o.initialize(repeating: 0, count: c)
      windowArgMax(g, x, pixel: r, offsets: offsets) { ch, e in o[ch] = dz[e] }
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
