// Conv2D, Conv2DBackpropInput and Conv2DBackpropFilter lowered to GEMM
// (NHWC, filter [kh, kw, c, oc] = a row-major [kh·kw·c, oc] matrix):
//
//   forward          y[pixels, oc]  = cols[pixels, kh·kw·c] · w
//   input gradient   dcols          = dy · wᵀ, scattered back by col2im
//   filter gradient  dw             = colsᵀ · dy
//
// where `cols` is the im2col matrix (one row per output pixel: the window's
// input values, zeros in the padding). Rows are processed in chunks sized
// from the shape alone (an L2-sized block of im2col rows, at least eight
// chunks for balance, enough work to be worth a thread), each chunk filling
// its own scratch block and running one single-threaded GEMM: the block is
// still in cache when the GEMM reads it, and results do not depend on the
// thread count. The filter gradient sums per-chunk partial products in chunk
// order. A pointwise convolution (1×1, stride 1, no padding) skips im2col:
// the input already is the matrix. Single-channel inputs use a planar
// im2col layout (Conv2DKernels+Im2Col.swift), read transposed by the GEMMs.

/// Bytes of im2col rows one chunk fills before its GEMM reads them.
let im2colBlockBytes = 1 << 18
/// Least flops worth a chunk of their own.
let convolutionChunkFlops = 1 << 19

/// A split of `rows` rows into equal chunks, sized from the shape alone.
struct RowChunks {
  let rows: Int
  let size: Int

  /// Chunks of at most `im2colBlockBytes` of `rowBytes`-byte rows, at
  /// least eight when that leaves each `convolutionChunkFlops`.
  init(rows: Int, rowBytes: Int, rowFlops: Int) {
    self.rows = rows
    let byCache = Swift.max(1, im2colBlockBytes / Swift.max(rowBytes, 1))
    let byBalance = (rows + 7) / 8
    let byWork = (convolutionChunkFlops + rowFlops - 1) / Swift.max(rowFlops, 1)
    size = Swift.max(1, Swift.min(Swift.max(Swift.min(byCache, byBalance), byWork), rows))
  }

  var count: Int { (rows + size - 1) / size }
  func range(_ c: Int) -> Range<Int> { (c * size)..<Swift.min(rows, (c + 1) * size) }
}

/// `ctx.forEachChunk(count:grain:_:)` for grains below 64: that one
/// sizes chunks as ⌈count / chunks⌉ with chunks = min(count / grain, 64),
/// which can leave the last chunks empty and trap on their inverted range
/// (count 1152, grain 20). Same split otherwise; empty chunks dropped.
@inline(__always)
func forEachRange(_ ctx: KernelContext, count: Int, grain: Int, _ body: (Range<Int>) -> Void) {
  let chunks = Swift.min(count / Swift.max(grain, 1), 64)
  if chunks < 2 || ctx.threadLimit < 2 {
    body(0..<count)
    return
  }
  let size = (count + chunks - 1) / chunks
  ctx.parallelFor(chunks: (count + size - 1) / size) { c in body((c * size)..<Swift.min(count, (c + 1) * size)) }
}

// MARK: - The three products

/// What a fused convolution applies to each block of product rows on their
/// way to the output, while they are in cache: `(product, out, rows)`
/// reads `rows` rows of the product and writes the same rows of the output.
typealias ConvolutionEpilogue<T> = (UnsafePointer<T>, UnsafeMutablePointer<T>, Int) -> Void

/// `y = conv(x, w)` for an NHWC `x` and a `[kh, kw, c, outChannels]` `w`;
/// with an `epilogue`, `y = epilogue(conv(x, w))` (`_FusedConv2D`).
func conv2DForward<T: GEMMScalar>(
  _ ctx: KernelContext, _ g: WindowGeometry, outChannels n: Int, input x: UnsafePointer<T>,
  filter w: UnsafePointer<T>, output y: UnsafeMutablePointer<T>, epilogue: ConvolutionEpilogue<T>? = nil
) {
  let m = g.outputPixels, k = g.windowH * g.windowW * g.channels
  guard m > 0, n > 0 else { return }
  let chunks = RowChunks(rows: m, rowBytes: k * MemoryLayout<T>.stride, rowFlops: 2 * k * n)
  let pointwise = g.isPointwise, planar = g.channels == 1
  ctx.parallelFor(chunks: chunks.count) { chunk in
    let r = chunks.range(chunk)
    func product(into c: UnsafeMutablePointer<T>) {
      if pointwise {
        gemm(nil, transA: false, transB: false, m: r.count, n: n, k: k, a: x + r.lowerBound * k, b: w, c: c)
        return
      }
      ctx.withTemporary(T.self, count: chunks.size * k) { cols in
        if planar {
          im2colPlanar(g, x, rows: r, into: cols)
          gemm(nil, transA: true, transB: false, m: r.count, n: n, k: k, a: cols, b: w, c: c)
        } else {
          im2col(g, x, rows: r, into: cols)
          gemm(nil, transA: false, transB: false, m: r.count, n: n, k: k, a: cols, b: w, c: c)
        }
      }
    }
    let out = y + r.lowerBound * n
    guard let epilogue else { return product(into: out) }
    ctx.withTemporary(T.self, count: chunks.size * n) { p in
      product(into: p)
      epilogue(UnsafePointer(p), out, r.count)
    }
  }
}

/// `dx = conv2d_transpose(dy, w)`: the gradient of ``conv2DForward`` with
/// respect to its input. Chunks are whole images, so that the scatter of
/// one chunk never touches another's; inside a chunk, L2-sized blocks of
/// rows go through GEMM and col2im in order.
func conv2DBackpropInput<T: GEMMScalar>(
  _ ctx: KernelContext, _ g: WindowGeometry, outChannels n: Int, filter w: UnsafePointer<T>,
  outBackprop dy: UnsafePointer<T>, output dx: UnsafeMutablePointer<T>
) {
  let k = g.windowH * g.windowW * g.channels, pixels = g.outH * g.outW
  let inputImage = g.inH * g.inW * g.channels
  guard g.batch > 0, inputImage > 0 else { return }
  let stride = MemoryLayout<T>.stride
  if g.isPointwise {
    let chunks = RowChunks(rows: g.outputPixels, rowBytes: k * stride, rowFlops: 2 * k * n)
    ctx.parallelFor(chunks: chunks.count) { chunk in
      let r = chunks.range(chunk)
      gemm(nil, transA: false, transB: true, m: r.count, n: k, k: n, a: dy + r.lowerBound * n, b: w,
        c: dx + r.lowerBound * k)
    }
    return
  }
  let images = RowChunks(rows: g.batch, rowBytes: pixels * k * stride, rowFlops: 2 * pixels * k * n)
  let blockRows = Swift.max(1, Swift.min(images.size * pixels, im2colBlockBytes / Swift.max(k * stride, 1)))
  let planar = g.channels == 1
  ctx.parallelFor(chunks: images.count) { chunk in
    let r = images.range(chunk)
    (dx + r.lowerBound * inputImage).initialize(repeating: 0, count: r.count * inputImage)
    let end = r.upperBound * pixels
    guard pixels > 0 else { return }
    ctx.withTemporary(T.self, count: blockRows * k) { cols in
      var row = r.lowerBound * pixels
      while row < end {
        let rows = row..<Swift.min(end, row + blockRows)
        if planar {
          gemm(nil, transA: false, transB: true, m: k, n: rows.count, k: n, a: w, b: dy + row * n, c: cols)
          col2imPlanar(g, UnsafePointer(cols), rows: rows, into: dx)
        } else {
          gemm(nil, transA: false, transB: true, m: rows.count, n: k, k: n, a: dy + row * n, b: w, c: cols)
          col2im(g, UnsafePointer(cols), rows: rows, into: dx)
        }
        row = rows.upperBound
      }
    }
  }
}

/// `dw = colsᵀ · dy`: the gradient of ``conv2DForward`` with respect to
/// its filter. Each chunk of rows contributes a partial product; the
/// partials are added in chunk order.
func conv2DBackpropFilter<T: GEMMScalar>(
  _ ctx: KernelContext, _ g: WindowGeometry, outChannels n: Int, input x: UnsafePointer<T>,
  outBackprop dy: UnsafePointer<T>, output dw: UnsafeMutablePointer<T>
) {
  let m = g.outputPixels, k = g.windowH * g.windowW * g.channels
  guard k > 0, n > 0 else { return }
  guard m > 0 else {
    dw.initialize(repeating: 0, count: k * n)
    return
  }
  let chunks = RowChunks(rows: m, rowBytes: k * MemoryLayout<T>.stride, rowFlops: 2 * k * n)
  let pointwise = g.isPointwise, planar = g.channels == 1
  func product(_ chunk: Int, into p: UnsafeMutablePointer<T>) {
    let r = chunks.range(chunk)
    if pointwise {
      gemm(nil, transA: true, transB: false, m: k, n: n, k: r.count, a: x + r.lowerBound * k,
        b: dy + r.lowerBound * n, c: p)
      return
    }
    ctx.withTemporary(T.self, count: chunks.size * k) { cols in
      if planar {
        im2colPlanar(g, x, rows: r, into: cols)
        gemm(nil, transA: false, transB: false, m: k, n: n, k: r.count, a: cols, b: dy + r.lowerBound * n, c: p)
      } else {
        im2col(g, x, rows: r, into: cols)
        gemm(nil, transA: true, transB: false, m: k, n: n, k: r.count, a: cols, b: dy + r.lowerBound * n, c: p)
      }
    }
  }
  if chunks.count == 1 {
    product(0, into: dw)
    return
  }
  ctx.withTemporary(T.self, count: chunks.count * k * n) { partial in
    ctx.parallelFor(chunks: chunks.count) { chunk in product(chunk, into: partial + chunk * k * n) }
    addPartials(ctx, UnsafePointer(partial), count: chunks.count, length: k * n, into: dw)
  }
}

/// `out[i] = Σ_c partials[c][i]`, summed in chunk order `c = 0, 1, …`.
func addPartials<T: TensorNumericScalar>(
  _ ctx: KernelContext, _ partials: UnsafePointer<T>, count: Int, length: Int, into out: UnsafeMutablePointer<T>
) {
  forEachRange(ctx, count: length, grain: Swift.max(1024, elementwiseGrain / Swift.max(count, 1))) { r in
    let o = out + r.lowerBound
    copyElements(o, partials + r.lowerBound, r.count)
    for c in 1..<Swift.max(count, 1) {
      let p = partials + c * length + r.lowerBound
      for i in 0..<r.count { o[i] += p[i] }
    }
  }
}

// MARK: - Kernels

/// The error for a kernel asked to run a format it does not implement.
func nhwcOnly(_ b: KernelBuildContext) -> TensorGraphError {
  b.unsupported(
    "\(b.node.op) runs only with data_format NHWC on the CPU (as TensorFlow's CPU kernels); transpose the NCHW tensors to NHWC"
  )
}

/// Reads a windowed op's attributes in a kernel factory: NHWC only.
func nhwcWindowAttributes(_ b: KernelBuildContext) throws -> WindowAttributes {
  let attrs: WindowAttributes
  do {
    attrs = try WindowAttributes(b)
  } catch let e as TensorGraphError {
    throw b.node.error(e.reason, e.message)
  }
  guard attrs.layout == .nhwc else { throw nhwcOnly(b) }
  return attrs
}

/// Checks at run time that `outBackprop` has the forward op's output shape.
func checkOutBackprop(_ ctx: KernelContext, _ dy: Tensor, expected: [Int], input: [Int], filter: [Int]) throws {
  guard dy.shape == expected else {
    throw ctx.error(
      .shapeMismatch,
      "'out_backprop' has shape \(dy.shape), but the convolution of an input of shape \(input) with a filter of shape \(filter) gives \(expected)"
    )
  }
}

let conv2DKernel: KernelFactory = { b in
  let attrs = try nhwcWindowAttributes(b)
  func make<T: GEMMScalar>(_: T.Type) -> KernelFunction {
    { ctx in
      let x = ctx.input(0), f = ctx.input(1)
      let g = try rethrowingWithNode(ctx) {
        try ConvolutionShapes.geometry(input: x.shape, filter: f.shape, attrs: attrs, depthwise: false)
      }
      let out = ctx.allocateOutput(0, dtype: T.dtype, shape: g.outputShape(channels: f.shape[3]))
      conv2DForward(
        ctx, g, outChannels: f.shape[3], input: x.unsafePointer(as: T.self), filter: f.unsafePointer(as: T.self),
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

let conv2DBackpropInputKernel: KernelFactory = { b in
  let attrs = try nhwcWindowAttributes(b)
  func make<T: GEMMScalar>(_: T.Type) -> KernelFunction {
    { ctx in
      let f = ctx.input(1), dy = ctx.input(2)
      let (sizes, g) = try rethrowingWithNode(ctx) {
        let sizes = try ConvolutionShapes.sizes(ctx.input(0), label: "input_sizes")
        return (sizes, try ConvolutionShapes.geometry(input: sizes, filter: f.shape, attrs: attrs, depthwise: false))
      }
      try checkOutBackprop(ctx, dy, expected: g.outputShape(channels: f.shape[3]), input: sizes, filter: f.shape)
      let out = ctx.allocateOutput(0, dtype: T.dtype, shape: sizes)
      conv2DBackpropInput(
        ctx, g, outChannels: f.shape[3], filter: f.unsafePointer(as: T.self), outBackprop: dy.unsafePointer(as: T.self),
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

let conv2DBackpropFilterKernel: KernelFactory = { b in
  let attrs = try nhwcWindowAttributes(b)
  func make<T: GEMMScalar>(_: T.Type) -> KernelFunction {
    { ctx in
      let x = ctx.input(0), dy = ctx.input(2)
      let (sizes, g) = try rethrowingWithNode(ctx) {
        let sizes = try ConvolutionShapes.sizes(ctx.input(1), label: "filter_sizes")
        return (sizes, try ConvolutionShapes.geometry(input: x.shape, filter: sizes, attrs: attrs, depthwise: false))
      }
      try checkOutBackprop(ctx, dy, expected: g.outputShape(channels: sizes[3]), input: x.shape, filter: sizes)
      let out = ctx.allocateOutput(0, dtype: T.dtype, shape: sizes)
      conv2DBackpropFilter(
        ctx, g, outChannels: sizes[3], input: x.unsafePointer(as: T.self), outBackprop: dy.unsafePointer(as: T.self),
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
