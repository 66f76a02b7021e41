// DepthwiseConv2dNative and its backprops as direct loops (no channel mixing,
// so no GEMM): per output pixel, the window's input rows times the filter
// taps, vectorized along the contiguous channels (NHWC). Forward rows and
// backprop-input images are independent, so any split gives the same bits;
// the filter gradient adds per-chunk partial sums in chunk order, with
// chunks sized from the shape alone.

/// Output pixels per forward chunk: at least this many multiply-adds each.
private let depthwiseChunkWork = 1 << 15

/// `o[c·M + m] += x[c] · f[c·M + m]` over one pixel's channels.
@inline(__always)
private func multiplyAdd<T: TensorFloatScalar>(
  _ o: UnsafeMutablePointer<T>, _ x: UnsafePointer<T>, _ f: UnsafePointer<T>, channels: Int, multiplier: Int
) {
  if multiplier == 1 {
    for c in 0..<channels { o[c] += x[c] * f[c] }
    return
  }
  for c in 0..<channels {
    let v = x[c], base = c * multiplier
    for m in 0..<multiplier { o[base + m] += v * f[base + m] }
  }
}

/// Calls `body(kh, kw, inputPixel)` for each tap of output pixel `r`'s
/// window that lies inside the input (input pixel index over the batch).
@inline(__always)
private func forEachTap(_ g: WindowGeometry, pixel r: Int, _ body: (Int, Int, Int) -> Void) {
  let (n, oh, ow) = outputPixel(r, g)
  let ih0 = oh * g.strideH - g.padTop, iw0 = ow * g.strideW - g.padLeft
  for kh in 0..<g.windowH {
    let ih = ih0 + kh * g.dilationH
    if ih < 0 || ih >= g.inH { continue }
    for kw in 0..<g.windowW {
      let iw = iw0 + kw * g.dilationW
      if iw < 0 || iw >= g.inW { continue }
      body(kh, kw, (n * g.inH + ih) * g.inW + iw)
    }
  }
}

func depthwiseForward<T: TensorFloatScalar>(
  _ ctx: KernelContext, _ g: WindowGeometry, multiplier: Int, input x: UnsafePointer<T>,
  filter w: UnsafePointer<T>, output y: UnsafeMutablePointer<T>
) {
  let c = g.channels, cm = c * multiplier, taps = g.windowH * g.windowW
  let work = Swift.max(1, cm * taps)
  forEachRange(ctx, count: g.outputPixels, grain: Swift.max(1, depthwiseChunkWork / work)) { rows in
    for r in rows {
      let o = y + r * cm
      o.initialize(repeating: 0, count: cm)
      forEachTap(g, pixel: r) { kh, kw, p in
        multiplyAdd(o, x + p * c, w + (kh * g.windowW + kw) * cm, channels: c, multiplier: multiplier)
      }
    }
  }
}

func depthwiseBackpropInput<T: TensorFloatScalar>(
  _ ctx: KernelContext, _ g: WindowGeometry, multiplier: Int, filter w: UnsafePointer<T>,
  outBackprop dy: UnsafePointer<T>, output dx: UnsafeMutablePointer<T>
) {
  let c = g.channels, cm = c * multiplier, pixels = g.outH * g.outW, image = g.inH * g.inW * c
  let work = Swift.max(1, pixels * cm * g.windowH * g.windowW)
  // Whole images per chunk: the scatter of one image stays in that image.
  forEachRange(ctx, count: g.batch, grain: Swift.max(1, depthwiseChunkWork / work)) { images in
    (dx + images.lowerBound * image).initialize(repeating: 0, count: images.count * image)
    for r in (images.lowerBound * pixels)..<(images.upperBound * pixels) {
      let d = dy + r * cm
      forEachTap(g, pixel: r) { kh, kw, p in
        let o = dx + p * c, f = w + (kh * g.windowW + kw) * cm
        if multiplier == 1 {
          for ch in 0..<c { o[ch] += d[ch] * f[ch] }
        } else {
          for ch in 0..<c {
            var s: T = 0
            for m in 0..<multiplier { s += d[ch * multiplier + m] * f[ch * multiplier + m] }
            o[ch] += s
          }
        }
      }
    }
  }
}

func depthwiseBackpropFilter<T: TensorFloatScalar>(
  _ ctx: KernelContext, _ g: WindowGeometry, multiplier: Int, input x: UnsafePointer<T>,
  outBackprop dy: UnsafePointer<T>, output dw: UnsafeMutablePointer<T>
) {
  let c = g.channels, cm = c * multiplier, length = g.windowH * g.windowW * cm
  guard length > 0 else { return }
  let chunks = RowChunks(
    rows: g.outputPixels, rowBytes: 0, rowFlops: 2 * cm * g.windowH * g.windowW)
  // Partial sums of dw[kh, kw, c·M + m] = Σ x[pixel, c] · dy[pixel, c·M + m]
  // over the output pixels `rows`.
  func body(_ rows: Range<Int>, into p: UnsafeMutablePointer<T>) {
    p.initialize(repeating: 0, count: length)
    for r in rows {
      let d = dy + r * cm
      forEachTap(g, pixel: r) { kh, kw, q in
        let t = p + (kh * g.windowW + kw) * cm, xi = x + q * c
        if multiplier == 1 {
          for ch in 0..<c { t[ch] += xi[ch] * d[ch] }
          return
        }
        for ch in 0..<c {
          let v = xi[ch], base = ch * multiplier
          for m in 0..<multiplier { t[base + m] += v * d[base + m] }
        }
      }
    }
  }
  if chunks.count <= 1 {
    body(0..<g.outputPixels, into: dw)
    return
  }
  ctx.withTemporary(T.self, count: chunks.count * length) { partial in
    ctx.parallelFor(chunks: chunks.count) { chunk in body(chunks.range(chunk), into: partial + chunk * length) }
    addPartials(ctx, UnsafePointer(partial), count: chunks.count, length: length, into: dw)
  }
}

// MARK: - Kernels

let depthwiseConv2dNativeKernel: KernelFactory = { b in
  let attrs = try nhwcWindowAttributes(b)
  func make<T: TensorFloatScalar>(_: T.Type) -> KernelFunction {
    { ctx in
      let x = ctx.input(0), f = ctx.input(1)
      let g = try rethrowingWithNode(ctx) {
        try ConvolutionShapes.geometry(input: x.shape, filter: f.shape, attrs: attrs, depthwise: true)
      }
      let out = ctx.allocateOutput(0, dtype: T.dtype, shape: g.outputShape(channels: f.shape[2] * f.shape[3]))
      depthwiseForward(
        ctx, g, multiplier: f.shape[3], input: x.unsafePointer(as: T.self), filter: f.unsafePointer(as: T.self),
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

let depthwiseConv2dNativeBackpropInputKernel: KernelFactory = { b in
  let attrs = try nhwcWindowAttributes(b)
  func make<T: TensorFloatScalar>(_: T.Type) -> KernelFunction {
    { ctx in
      let f = ctx.input(1), dy = ctx.input(2)
      let (sizes, g) = try rethrowingWithNode(ctx) {
        let sizes = try ConvolutionShapes.sizes(ctx.input(0), label: "input_sizes")
        return (sizes, try ConvolutionShapes.geometry(input: sizes, filter: f.shape, attrs: attrs, depthwise: true))
      }
      try checkOutBackprop(
        ctx, dy, expected: g.outputShape(channels: f.shape[2] * f.shape[3]), input: sizes, filter: f.shape)
      let out = ctx.allocateOutput(0, dtype: T.dtype, shape: sizes)
      depthwiseBackpropInput(
        ctx, g, multiplier: f.shape[3], filter: f.unsafePointer(as: T.self), outBackprop: dy.unsafePointer(as: T.self),
        output: out.unsafeMutablePointer(as: T.self))
      ctx.setOutput(0, out)
    }
  }
  switch b.inputs[1].dtype {
  case .float32: return make(Float.self)
  case .float64: return make(Double.self)
  default: throw b.unsupported()
  }
}

let depthwiseConv2dNativeBackpropFilterKernel: KernelFactory = { b in
  let attrs = try nhwcWindowAttributes(b)
  func make<T: TensorFloatScalar>(_: T.Type) -> KernelFunction {
    { ctx in
      let x = ctx.input(0), dy = ctx.input(2)
      let (sizes, g) = try rethrowingWithNode(ctx) {
        let sizes = try ConvolutionShapes.sizes(ctx.input(1), label: "filter_sizes")
        return (sizes, try ConvolutionShapes.geometry(input: x.shape, filter: sizes, attrs: attrs, depthwise: true))
      }
      try checkOutBackprop(
        ctx, dy, expected: g.outputShape(channels: sizes[2] * sizes[3]), input: x.shape, filter: sizes)
      let out = ctx.allocateOutput(0, dtype: T.dtype, shape: sizes)
      depthwiseBackpropFilter(
        ctx, g, multiplier: sizes[3], input: x.unsafePointer(as: T.self), outBackprop: dy.unsafePointer(as: T.self),
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
