// The loops of the image resizes (ResizeBilinear, ResizeNearestNeighbor,
// ResizeBicubic) and their gradients, on NHWC images. Coordinates are
// computed in Float as TensorFlow's CPU kernels compute them (their
// scales are floats), so sampling positions match TensorFlow's to the bit;
// bilinear and bicubic values are interpolated in Float and the output is
// float32 for every input dtype, as in TensorFlow.

/// How output coordinates map onto input coordinates along one axis.
struct ResizeAxis: Sendable {
  /// The input size and the output size.
  let input: Int, output: Int
  /// `(input − 1) / (output − 1)` with align_corners (and output > 1),
  /// else `input / output`: TensorFlow's CalculateResizeScale.
  let scale: Float
  let alignCorners: Bool, halfPixelCenters: Bool

  init(input: Int, output: Int, alignCorners: Bool, halfPixelCenters: Bool) {
    self.input = input
    self.output = output
    self.alignCorners = alignCorners
    self.halfPixelCenters = halfPixelCenters
    scale = alignCorners && output > 1 ? Float(input - 1) / Float(output - 1) : Float(input) / Float(output)
  }

  /// The input coordinate of output position `i` for the interpolating
  /// resizes: `(i + ½)·scale − ½` with half-pixel centers, else `i·scale`.
  @inline(__always)
  func source(_ i: Int) -> Float {
    halfPixelCenters ? (Float(i) + 0.5) * scale - 0.5 : Float(i) * scale
  }

  /// The input index nearest output position `i`, as TensorFlow's
  /// ResizeNearestNeighbor picks it: `(i + ½)·scale` floored with
  /// half-pixel centers, `i·scale` rounded with align_corners, floored
  /// otherwise; clamped into the input.
  @inline(__always)
  func nearest(_ i: Int) -> Int {
    let x = halfPixelCenters ? (Float(i) + 0.5) * scale : Float(i) * scale
    let j = Swift.min(Int(alignCorners ? x.rounded(.toNearestOrAwayFromZero) : x.rounded(.down)), input - 1)
    return halfPixelCenters ? Swift.max(0, j) : j
  }

  /// The two input indices and the weight of the upper one for bilinear
  /// interpolation at output position `i` (TensorFlow's
  /// compute_interpolation_weights).
  func linearTaps(_ i: Int) -> (lower: Int, upper: Int, lerp: Float) {
    let x = source(i)
    let f = x.rounded(.down)
    return (Swift.max(Int(f), 0), Swift.min(Int(x.rounded(.up)), input - 1), x - f)
  }

  /// The four input indices and weights of bicubic interpolation at output
  /// position `i`. Without half-pixel centers: Keys' kernel with a = −0.75
  /// and the taps clamped into the input (TensorFlow's legacy rule); with
  /// them: a = −0.5, taps outside the input weighted 0 and the weights
  /// renormalized to sum to 1. Weights come from TensorFlow's 1024-entry
  /// table, so they match its kernel exactly.
  func cubicTaps(_ i: Int) -> (indices: SIMD4<Int>, weights: SIMD4<Float>) {
    let x = source(i)
    let base = Int(x.rounded(.down))
    let delta = x - Float(base)
    let table = halfPixelCenters ? cubicTableKeys : cubicTableLegacy
    let offset = Int((delta * Float(cubicTableSize)).rounded(.toNearestOrEven))
    var w = SIMD4<Float>(
      table[offset * 2 + 1], table[offset * 2], table[(cubicTableSize - offset) * 2],
      table[(cubicTableSize - offset) * 2 + 1])
    var idx = SIMD4<Int>.zero
    for k in 0..<4 {
      let want = base - 1 + k
      idx[k] = Swift.min(input - 1, Swift.max(0, want))
      if halfPixelCenters, idx[k] != want { w[k] = 0 }
    }
    if halfPixelCenters {
      let sum = w.sum()
      if abs(sum) >= 1000 * Float.leastNormalMagnitude { w *= 1 / sum }
    }
    return (idx, w)
  }
}

/// Entries of the cubic coefficient tables (TensorFlow's kTableSize).
let cubicTableSize = 1024

/// Keys' cubic convolution kernel with parameter `a`, tabulated at
/// `x = i / 1024`: entry `2i` is the weight of a tap at distance x, entry
/// `2i + 1` of one at distance x + 1 (TensorFlow's GetCoeffsTable, in Float).
private func cubicTable(_ a: Float) -> [Float] {
  var table = [Float](repeating: 0, count: (cubicTableSize + 1) * 2)
  for i in 0...cubicTableSize {
    var x = Float(Double(i) * 1.0 / Double(cubicTableSize))
    table[i * 2] = ((a + 2) * x - (a + 3)) * x * x + 1
    x += 1
    table[i * 2 + 1] = ((a * x - 5 * a) * x + 8 * a) * x - 4 * a
  }
  return table
}

private let cubicTableLegacy = cubicTable(-0.75)
private let cubicTableKeys = cubicTable(-0.5)

/// An NHWC resize: batch, channels, and the two axes.
struct ResizeGeometry: Sendable {
  let batch: Int, channels: Int
  let height: ResizeAxis, width: ResizeAxis

  /// The output shape `[batch, out height, out width, channels]`.
  var outputShape: [Int] { [batch, height.output, width.output, channels] }
  /// The input shape.
  var inputShape: [Int] { [batch, height.input, width.input, channels] }
}

/// Bilinear resize of `src` into `dst`, in parallel over output rows; the
/// channel loop is contiguous in both and vectorizes.
func resizeBilinear(
  _ geo: ResizeGeometry, _ src: UnsafePointer<Float>, _ dst: UnsafeMutablePointer<Float>, _ ctx: KernelContext
) {
  let c = geo.channels, w = geo.width.input, ow = geo.width.output
  let xs = (0..<ow).map(geo.width.linearTaps)
  let rows = geo.batch * geo.height.output
  xs.withUnsafeBufferPointer { xs in
    ctx.forEachChunk(count: rows, grain: Swift.max(1, 16_384 / Swift.max(1, ow * c))) { range in
      for r in range {
        let b = r / geo.height.output, y = geo.height.linearTaps(r % geo.height.output)
        let top = src + ((b * geo.height.input + y.lower) * w) * c
        let bottom = src + ((b * geo.height.input + y.upper) * w) * c
        let out = dst + r * ow * c
        for j in 0..<ow {
          let x = xs[j]
          let l = x.lower * c, u = x.upper * c
          for k in 0..<c {
            let tl = top[l + k], tr = top[u + k], bl = bottom[l + k], br = bottom[u + k]
            let t = tl + (tr - tl) * x.lerp, btm = bl + (br - bl) * x.lerp
            out[j * c + k] = t + (btm - t) * y.lerp
          }
        }
      }
    }
  }
}

/// ResizeBilinearGrad: each output gradient spread onto the four input
/// pixels it was interpolated from, with their weights (serial: pixels are
/// shared between outputs).
func resizeBilinearGradient<T: TensorFloatScalar>(
  _ geo: ResizeGeometry, _ dy: UnsafePointer<Float>, _ dx: UnsafeMutablePointer<T>
) {
  let c = geo.channels, w = geo.width.input, ow = geo.width.output
  let xs = (0..<ow).map(geo.width.linearTaps)
  for b in 0..<geo.batch {
    for i in 0..<geo.height.output {
      let y = geo.height.linearTaps(i)
      let top = dx + ((b * geo.height.input + y.lower) * w) * c
      let bottom = dx + ((b * geo.height.input + y.upper) * w) * c
      let g = dy + ((b * geo.height.output + i) * ow) * c
      for j in 0..<ow {
        let x = xs[j]
        let l = x.lower * c, u = x.upper * c
        for k in 0..<c {
          let gk = g[j * c + k], iy = 1 - y.lerp, ix = 1 - x.lerp
          top[l + k] += T(Double(gk * iy * ix))
          top[u + k] += T(Double(gk * iy * x.lerp))
          bottom[l + k] += T(Double(gk * y.lerp * ix))
          bottom[u + k] += T(Double(gk * y.lerp * x.lerp))
        }
      }
    }
  }
}

/// Nearest-neighbour resize: each output pixel a copy of one input pixel,
/// in parallel over output rows.
func resizeNearest<E>(
  _ geo: ResizeGeometry, _ src: UnsafePointer<E>, _ dst: UnsafeMutablePointer<E>, _ ctx: KernelContext
) {
  let c = geo.channels, w = geo.width.input, ow = geo.width.output
  let xs = (0..<ow).map(geo.width.nearest)
  let rows = geo.batch * geo.height.output
  xs.withUnsafeBufferPointer { xs in
    ctx.forEachChunk(count: rows, grain: Swift.max(1, 16_384 / Swift.max(1, ow * c))) { range in
      for r in range {
        let b = r / geo.height.output, y = geo.height.nearest(r % geo.height.output)
        let row = src + ((b * geo.height.input + y) * w) * c
        let out = dst + r * ow * c
        for j in 0..<ow {
          for k in 0..<c { out[j * c + k] = row[xs[j] * c + k] }
        }
      }
    }
  }
}

/// ResizeNearestNeighborGrad: each output gradient added to the input
/// pixel it was copied from. `geo` maps the gradient's (the forward
/// output's) positions onto the original image's.
func resizeNearestGrad<T: TensorNumericScalar>(
  _ geo: ResizeGeometry, _ dy: UnsafePointer<T>, _ dx: UnsafeMutablePointer<T>
) {
  let c = geo.channels, w = geo.width.input, ow = geo.width.output
  let xs = (0..<ow).map(geo.width.nearest)
  for b in 0..<geo.batch {
    for i in 0..<geo.height.output {
      let row = dx + ((b * geo.height.input + geo.height.nearest(i)) * w) * c
      let g = dy + ((b * geo.height.output + i) * ow) * c
      for j in 0..<ow {
        for k in 0..<c { row[xs[j] * c + k] = T.wrappedAdd(row[xs[j] * c + k], g[j * c + k]) }
      }
    }
  }
}

/// Bicubic resize: a 4×4 weighted sum per output pixel, in parallel over
/// output rows.
func resizeBicubic(
  _ geo: ResizeGeometry, _ src: UnsafePointer<Float>, _ dst: UnsafeMutablePointer<Float>, _ ctx: KernelContext
) {
  let c = geo.channels, w = geo.width.input, ow = geo.width.output
  let xs = (0..<ow).map(geo.width.cubicTaps)
  let rows = geo.batch * geo.height.output
  xs.withUnsafeBufferPointer { xs in
    ctx.forEachChunk(count: rows, grain: Swift.max(1, 4_096 / Swift.max(1, ow * c))) { range in
      for r in range {
        let b = r / geo.height.output, y = geo.height.cubicTaps(r % geo.height.output)
        let out = dst + r * ow * c
        for j in 0..<ow {
          let x = xs[j]
          for k in 0..<c {
            // Along y for each of the four x taps, then along x, as
            // TensorFlow's interpolate_with_caching.
            var v = SIMD4<Float>.zero
            for n in 0..<4 {
              let col = src + (b * geo.height.input * w + x.indices[n]) * c + k
              let p0 = col[y.indices[0] * w * c], p1 = col[y.indices[1] * w * c]
              let p2 = col[y.indices[2] * w * c], p3 = col[y.indices[3] * w * c]
              v[n] = y.weights[0] * p0 + y.weights[1] * p1 + y.weights[2] * p2 + y.weights[3] * p3
            }
            let acc = x.weights[0] * v[0] + x.weights[1] * v[1] + x.weights[2] * v[2] + x.weights[3] * v[3]
            out[j * c + k] = acc
          }
        }
      }
    }
  }
}

/// ResizeBicubicGrad: each output gradient spread onto its 16 input
/// pixels with the product of their x and y weights (serial).
func resizeBicubicGradient<T: TensorFloatScalar>(
  _ geo: ResizeGeometry, _ dy: UnsafePointer<Float>, _ dx: UnsafeMutablePointer<T>
) {
  let c = geo.channels, w = geo.width.input, ow = geo.width.output
  let xs = (0..<ow).map(geo.width.cubicTaps)
  for b in 0..<geo.batch {
    for i in 0..<geo.height.output {
      let y = geo.height.cubicTaps(i)
      let g = dy + ((b * geo.height.output + i) * ow) * c
      for j in 0..<ow {
        let x = xs[j]
        for m in 0..<4 {
          let row = dx + ((b * geo.height.input + y.indices[m]) * w) * c
          for n in 0..<4 {
            let wy = y.weights[m], wx = x.weights[n]
            for k in 0..<c { row[x.indices[n] * c + k] += T(Double(g[j * c + k] * wy * wx)) }
          }
        }
      }
    }
  }
}
