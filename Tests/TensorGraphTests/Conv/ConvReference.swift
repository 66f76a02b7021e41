import TensorGraph
import TensorGraphTestSupport

/// Direct nested-loop references for the convolution and pooling tests,
/// written from the definitions (NHWC), independent of the kernels'
/// im2col/GEMM and window code.
enum ConvReference {
  /// One spatial dimension: output size and padding before, from
  /// TensorFlow's documented rules.
  static func window(input: Int, kernel: Int, stride: Int, dilation: Int = 1, padding: String) -> (out: Int, before: Int) {
    let effective = (kernel - 1) * dilation + 1
    if padding == "VALID" { return ((input - effective) / stride + 1, 0) }
    let out = (input + stride - 1) / stride
    let total = max((out - 1) * stride + effective - input, 0)
    return (out, total / 2)
  }

  /// A 2-D convolution (or a depthwise one: filter [kh, kw, c, multiplier]).
  static func conv2d(
    _ x: [Double], _ xs: [Int], _ w: [Double], _ ws: [Int], strides: (Int, Int), padding: String,
    dilations: (Int, Int) = (1, 1), depthwise: Bool = false
  ) -> ([Double], [Int]) {
    let (n, h, wd, c) = (xs[0], xs[1], xs[2], xs[3])
    let (kh, kw, oc) = (ws[0], ws[1], ws[3])
    let (oh, pt) = window(input: h, kernel: kh, stride: strides.0, dilation: dilations.0, padding: padding)
    let (ow, pl) = window(input: wd, kernel: kw, stride: strides.1, dilation: dilations.1, padding: padding)
    let outC = depthwise ? c * oc : oc
    var y = [Double](repeating: 0, count: n * oh * ow * outC)
    for b in 0..<n {
      for i in 0..<oh {
        for j in 0..<ow {
          for o in 0..<outC {
            var s = 0.0
            for p in 0..<kh {
              for q in 0..<kw {
                let ih = i * strides.0 - pt + p * dilations.0, iw = j * strides.1 - pl + q * dilations.1
                if ih < 0 || ih >= h || iw < 0 || iw >= wd { continue }
                if depthwise {
                  let ch = o / oc, m = o % oc
                  s += x[((b * h + ih) * wd + iw) * c + ch] * w[((p * kw + q) * c + ch) * oc + m]
                } else {
                  for ch in 0..<c { s += x[((b * h + ih) * wd + iw) * c + ch] * w[((p * kw + q) * c + ch) * oc + o] }
                }
              }
            }
            y[((b * oh + i) * ow + j) * outC + o] = s
          }
        }
      }
    }
    return (y, [n, oh, ow, outC])
  }

  /// The gradients of ``conv2d(_:_:_:_:strides:padding:dilations:depthwise:)``
  /// (not depthwise) with respect to input and filter for an upstream `dy`,
  /// by the same loops, scattering instead of gathering.
  static func conv2dGradients(
    _ x: [Double], _ xs: [Int], _ w: [Double], _ ws: [Int], dy: [Double], strides: (Int, Int), padding: String,
    dilations: (Int, Int) = (1, 1)
  ) -> (dx: [Double], dw: [Double]) {
    let (n, h, wd, c) = (xs[0], xs[1], xs[2], xs[3])
    let (kh, kw, oc) = (ws[0], ws[1], ws[3])
    let (oh, pt) = window(input: h, kernel: kh, stride: strides.0, dilation: dilations.0, padding: padding)
    let (ow, pl) = window(input: wd, kernel: kw, stride: strides.1, dilation: dilations.1, padding: padding)
    var dx = [Double](repeating: 0, count: x.count), dw = [Double](repeating: 0, count: w.count)
    for b in 0..<n {
      for i in 0..<oh {
        for j in 0..<ow {
          for o in 0..<oc {
            let g = dy[((b * oh + i) * ow + j) * oc + o]
            for p in 0..<kh {
              for q in 0..<kw {
                let ih = i * strides.0 - pt + p * dilations.0, iw = j * strides.1 - pl + q * dilations.1
                if ih < 0 || ih >= h || iw < 0 || iw >= wd { continue }
                for ch in 0..<c {
                  let xi = ((b * h + ih) * wd + iw) * c + ch, wi = ((p * kw + q) * c + ch) * oc + o
                  dx[xi] += g * w[wi]
                  dw[wi] += g * x[xi]
                }
              }
            }
          }
        }
      }
    }
    return (dx, dw)
  }

  /// Max or average pooling (average over the window's valid elements).
  static func pool(
    _ x: [Double], _ xs: [Int], ksize: (Int, Int), strides: (Int, Int), padding: String, max isMax: Bool
  ) -> ([Double], [Int]) {
    let (n, h, wd, c) = (xs[0], xs[1], xs[2], xs[3])
    let (oh, pt) = window(input: h, kernel: ksize.0, stride: strides.0, padding: padding)
    let (ow, pl) = window(input: wd, kernel: ksize.1, stride: strides.1, padding: padding)
    var y = [Double](repeating: 0, count: n * oh * ow * c)
    for b in 0..<n {
      for i in 0..<oh {
        for j in 0..<ow {
          for ch in 0..<c {
            var best = -Double.infinity, sum = 0.0, count = 0
            for p in 0..<ksize.0 {
              for q in 0..<ksize.1 {
                let ih = i * strides.0 - pt + p, iw = j * strides.1 - pl + q
                if ih < 0 || ih >= h || iw < 0 || iw >= wd { continue }
                let v = x[((b * h + ih) * wd + iw) * c + ch]
                best = max(best, v)
                sum += v
                count += 1
              }
            }
            y[((b * oh + i) * ow + j) * c + ch] = isMax ? best : sum / Double(count)
          }
        }
      }
    }
    return (y, [n, oh, ow, c])
  }

  /// The input element (index into `x`) of the first maximum, row-major,
  /// of each output's window in each channel (−1 when the window holds
  /// only NaNs): where MaxPool's gradient goes.
  static func poolArgMax(
    _ x: [Double], _ xs: [Int], ksize: (Int, Int), strides: (Int, Int), padding: String
  ) -> [Int] {
    let (n, h, wd, c) = (xs[0], xs[1], xs[2], xs[3])
    let (oh, pt) = window(input: h, kernel: ksize.0, stride: strides.0, padding: padding)
    let (ow, pl) = window(input: wd, kernel: ksize.1, stride: strides.1, padding: padding)
    var argmax = [Int](repeating: -1, count: n * oh * ow * c)
    for b in 0..<n {
      for i in 0..<oh {
        for j in 0..<ow {
          for ch in 0..<c {
            var best = -Double.infinity, at = -1
            for p in 0..<ksize.0 {
              for q in 0..<ksize.1 {
                let ih = i * strides.0 - pt + p, iw = j * strides.1 - pl + q
                if ih < 0 || ih >= h || iw < 0 || iw >= wd { continue }
                let e = ((b * h + ih) * wd + iw) * c + ch
                if x[e] > best || (at < 0 && x[e] == best) { (best, at) = (x[e], e) }
              }
            }
            argmax[((b * oh + i) * ow + j) * c + ch] = at
          }
        }
      }
    }
    return argmax
  }

  /// Values without ties: a shuffled ramp (distinct, spaced ≥ 0.01 apart),
  /// so max pooling has one maximum per window and finite differences stay
  /// away from kinks.
  static func distinct(_ count: Int, seed: UInt64) -> [Double] {
    var rng = TestRandom(seed: seed)
    var v = (0..<count).map { Double($0) / Double(max(count, 1)) * 2 - 1 }
    v.shuffle(using: &rng)
    return v
  }

  static func random(_ shape: [Int], seed: UInt64) -> [Double] {
    var rng = TestRandom(seed: seed)
    return rng.uniform(shape.reduce(1, *))
  }
}
