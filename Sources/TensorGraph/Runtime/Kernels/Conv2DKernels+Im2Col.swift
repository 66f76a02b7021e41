// The im2col matrices of Conv2DKernels.swift: copying each output pixel's
// window into a row (`im2col`) and adding rows back onto the input
// (`col2im`, the adjoint). Single-channel inputs use a planar layout
// instead — one row per window tap, one column per output pixel — where
// each tap is a contiguous run of an input line (no per-pixel copies of a
// handful of elements); the GEMMs read it transposed.

// MARK: - im2col

/// Copies `n` elements (a loop: counts are often a handful, where a
/// `memcpy` call costs more than the copy).
@inline(__always)
func copyElements<T>(_ dst: UnsafeMutablePointer<T>, _ src: UnsafePointer<T>, _ n: Int) {
  for i in 0..<n { dst[i] = src[i] }
}

/// Fills rows `rows` of the im2col matrix of `x` (one row of `kh·kw·c`
/// values per output pixel, zeros where the window lies in the padding)
/// into `cols`, starting at its first row.
func im2col<T: TensorNumericScalar>(
  _ g: WindowGeometry, _ x: UnsafePointer<T>, rows: Range<Int>, into cols: UnsafeMutablePointer<T>
) {
  let c = g.channels, kw = g.windowW, segment = kw * c, rowLength = g.windowH * segment
  let contiguous = g.dilationW == 1
  var (n, oh, ow) = outputPixel(rows.lowerBound, g)
  var dst = cols
  for _ in rows {
    let ih0 = oh * g.strideH - g.padTop, iw0 = ow * g.strideW - g.padLeft
    let inside = iw0 >= 0 && iw0 + (kw - 1) * g.dilationW < g.inW
    let image = x + n * g.inH * g.inW * c
    for kh in 0..<g.windowH {
      let ih = ih0 + kh * g.dilationH
      let d = dst + kh * segment
      if ih < 0 || ih >= g.inH {
        d.initialize(repeating: 0, count: segment)
        continue
      }
      let line = image + ih * g.inW * c
      if inside && contiguous {
        copyElements(d, line + iw0 * c, segment)
        continue
      }
      for k in 0..<kw {
        let iw = iw0 + k * g.dilationW
        if iw < 0 || iw >= g.inW {
          (d + k * c).initialize(repeating: 0, count: c)
        } else {
          copyElements(d + k * c, line + iw * c, c)
        }
      }
    }
    dst += rowLength
    advanceOutputPixel(&n, &oh, &ow, g)
  }
}

/// Adds rows `rows` of an im2col-shaped matrix (`cols`, starting at its
/// first row) back onto the input positions they were copied from, in row
/// order: the adjoint of ``im2col(_:_:rows:into:)``.
func col2im<T: TensorNumericScalar>(
  _ g: WindowGeometry, _ cols: UnsafePointer<T>, rows: Range<Int>, into dx: UnsafeMutablePointer<T>
) {
  let c = g.channels, kw = g.windowW, segment = kw * c, rowLength = g.windowH * segment
  let contiguous = g.dilationW == 1
  var (n, oh, ow) = outputPixel(rows.lowerBound, g)
  var src = cols
  for _ in rows {
    let ih0 = oh * g.strideH - g.padTop, iw0 = ow * g.strideW - g.padLeft
    let inside = iw0 >= 0 && iw0 + (kw - 1) * g.dilationW < g.inW
    let image = dx + n * g.inH * g.inW * c
    for kh in 0..<g.windowH {
      let ih = ih0 + kh * g.dilationH
      if ih < 0 || ih >= g.inH { continue }
      let s = src + kh * segment
      let line = image + ih * g.inW * c
      if inside && contiguous {
        let d = line + iw0 * c
        for i in 0..<segment { d[i] += s[i] }
        continue
      }
      for k in 0..<kw {
        let iw = iw0 + k * g.dilationW
        if iw < 0 || iw >= g.inW { continue }
        let d = line + iw * c, t = s + k * c
        for i in 0..<c { d[i] += t[i] }
      }
    }
    src += rowLength
    advanceOutputPixel(&n, &oh, &ow, g)
  }
}

/// Steps `(n, oh, ow)` to the next output pixel in row-major order.
@inline(__always)
func advanceOutputPixel(_ n: inout Int, _ oh: inout Int, _ ow: inout Int, _ g: WindowGeometry) {
  ow += 1
  if ow == g.outW {
    ow = 0
    oh += 1
    if oh == g.outH {
      oh = 0
      n += 1
    }
  }
}

/// The (image, row, column) of output pixel `index`.
@inline(__always)
func outputPixel(_ index: Int, _ g: WindowGeometry) -> (Int, Int, Int) {
  let perImage = Swift.max(g.outH * g.outW, 1)
  let p = index % perImage
  return (index / perImage, p / Swift.max(g.outW, 1), p % Swift.max(g.outW, 1))
}


// MARK: - Planar (single-channel) layout

/// ⌈a / b⌉ for b > 0 and any sign of a.
@inline(__always)
private func ceilDiv(_ a: Int, _ b: Int) -> Int { a >= 0 ? (a + b - 1) / b : -((-a) / b) }

/// Calls `body(tap, j0, ow0..<ow1, line, offset, valid)` for every window tap
/// (`kh·kw + kw`) and every stretch of output pixels `rows` on one output
/// line: `j0` is the stretch's first column in the planar matrix, `line` the
/// input line the tap reads (`nil` in the padding), and `valid` the output
/// columns whose input `ow·stride + offset` lies inside the line.
@inline(__always)
private func forEachPlanarRun<T>(
  _ g: WindowGeometry, _ x: UnsafeMutablePointer<T>, rows: Range<Int>,
  _ body: (_ tap: Int, _ j0: Int, _ ow: Range<Int>, _ line: UnsafeMutablePointer<T>?, _ offset: Int, _ valid: Range<Int>) -> Void
) {
  // The output columns whose input lies inside a line, per kw: fixed for
  // the whole call (two divisions each, kept out of the per-run loop).
  withUnsafeTemporaryAllocation(of: (Int, Int).self, capacity: g.windowW) { inside in
    for kw in 0..<g.windowW {
      let offset = kw * g.dilationW - g.padLeft
      let lo = Swift.max(ceilDiv(-offset, g.strideW), 0)
      inside[kw] = (lo, Swift.max(ceilDiv(g.inW - offset, g.strideW), lo))
    }
    var r = rows.lowerBound
    while r < rows.upperBound {
      let (n, oh, ow0) = outputPixel(r, g)
      let ow1 = Swift.min(g.outW, ow0 + rows.upperBound - r)
      for kh in 0..<g.windowH {
        let ih = oh * g.strideH - g.padTop + kh * g.dilationH
        let line = ih < 0 || ih >= g.inH ? nil : x + (n * g.inH + ih) * g.inW
        for kw in 0..<g.windowW {
          let lo = Swift.min(Swift.max(inside[kw].0, ow0), ow1), hi = Swift.min(Swift.max(inside[kw].1, lo), ow1)
          body(kh * g.windowW + kw, r - rows.lowerBound, ow0..<ow1, line, kw * g.dilationW - g.padLeft, lo..<hi)
        }
      }
      r += ow1 - ow0
    }
  }
}

/// The planar im2col of a single-channel `x` for output pixels `rows`:
/// `cols[tap, j]` (rows of `rows.count`) is tap `tap`'s input value for
/// output pixel `rows.lowerBound + j`, 0 in the padding.
func im2colPlanar<T: TensorNumericScalar>(
  _ g: WindowGeometry, _ x: UnsafePointer<T>, rows: Range<Int>, into cols: UnsafeMutablePointer<T>
) {
  let width = rows.count, stride = g.strideW
  forEachPlanarRun(g, UnsafeMutablePointer(mutating: x), rows: rows) { tap, j0, ow, line, offset, valid in
    let d = cols + tap * width + j0 - ow.lowerBound  // d[ow] is output column ow
    guard let line else {
      (d + ow.lowerBound).initialize(repeating: 0, count: ow.count)
      return
    }
    (d + ow.lowerBound).initialize(repeating: 0, count: valid.lowerBound - ow.lowerBound)
    if stride == 1 {
      copyElements(d + valid.lowerBound, line + valid.lowerBound + offset, valid.count)
    } else {
      for o in valid { d[o] = line[o * stride + offset] }
    }
    (d + valid.upperBound).initialize(repeating: 0, count: ow.upperBound - valid.upperBound)
  }
}

/// Adds a planar matrix (as ``im2colPlanar(_:_:rows:into:)`` lays it out)
/// back onto a single-channel `dx`, tap by tap.
func col2imPlanar<T: TensorNumericScalar>(
  _ g: WindowGeometry, _ cols: UnsafePointer<T>, rows: Range<Int>, into dx: UnsafeMutablePointer<T>
) {
  let width = rows.count, stride = g.strideW
  forEachPlanarRun(g, dx, rows: rows) { tap, j0, ow, line, offset, valid in
    guard let line else { return }
    let s = cols + tap * width + j0 - ow.lowerBound
    if stride == 1 {
      let d = line + offset
      for o in valid { d[o] += s[o] }
    } else {
      for o in valid { line[o * stride + offset] += s[o] }
    }
  }
}
