import TensorGraph

/// The image resizes written from their definitions in Double, one output
/// pixel at a time, for checking the kernels: the sampling position of
/// each convention, bilinear weights from the distances, and Keys' cubic
/// kernel from its closed form (not from a table, so only positions on
/// TensorFlow's 1/1024 grid are compared exactly).
enum ResizeReference {
  enum Mode { case legacy, alignCorners, halfPixelCenters }

  static func scale(_ input: Int, _ output: Int, _ mode: Mode) -> Double {
    mode == .alignCorners && output > 1 ? Double(input - 1) / Double(output - 1) : Double(input) / Double(output)
  }

  /// Keys' cubic convolution kernel with parameter `a` at distance `d`.
  static func keys(_ d: Double, a: Double) -> Double {
    let x = abs(d)
    if x <= 1 { return ((a + 2) * x - (a + 3)) * x * x + 1 }
    if x < 2 { return ((a * x - 5 * a) * x + 8 * a) * x - 4 * a }
    return 0
  }

  /// The taps `(index, weight)` of one output position along one axis.
  static func taps(_ i: Int, input: Int, output: Int, mode: Mode, kind: Kind) -> [(Int, Double)] {
    let s = scale(input, output, mode)
    switch kind {
    case .nearest:
      let x = mode == .halfPixelCenters ? (Double(i) + 0.5) * s : Double(i) * s
      let j = mode == .alignCorners ? Int(x.rounded(.toNearestOrAwayFromZero)) : Int(x.rounded(.down))
      return [(max(0, min(j, input - 1)), 1)]
    case .bilinear:
      let x = mode == .halfPixelCenters ? (Double(i) + 0.5) * s - 0.5 : Double(i) * s
      let f = x.rounded(.down), t = x - f
      return [(max(Int(f), 0), 1 - t), (min(Int(f) + 1, input - 1), t)]
    case .bicubic:
      let x = mode == .halfPixelCenters ? (Double(i) + 0.5) * s - 0.5 : Double(i) * s
      let f = Int(x.rounded(.down))
      let a = mode == .halfPixelCenters ? -0.5 : -0.75
      var taps = (f - 1...f + 2).map { j in (j, keys(x - Double(j), a: a)) }
      if mode == .halfPixelCenters {
        // Samples outside the image get no weight; the rest are renormalized.
        taps = taps.map { j, w in (j, j < 0 || j >= input ? 0 : w) }
        let sum = taps.reduce(0) { $0 + $1.1 }
        taps = taps.map { ($0.0, $0.1 / sum) }
      }
      return taps.map { j, w in (max(0, min(j, input - 1)), w) }
    }
  }

  enum Kind { case nearest, bilinear, bicubic }

  /// `images` (NHWC, row-major `shape`) resized to `[height, width]`.
  static func resize(_ images: [Double], _ shape: [Int], to size: [Int], mode: Mode, kind: Kind) -> [Double] {
    let (b, h, w, c) = (shape[0], shape[1], shape[2], shape[3])
    var out: [Double] = []
    for n in 0..<b {
      for i in 0..<size[0] {
        let ys = taps(i, input: h, output: size[0], mode: mode, kind: kind)
        for j in 0..<size[1] {
          let xs = taps(j, input: w, output: size[1], mode: mode, kind: kind)
          for k in 0..<c {
            var v = 0.0
            for (y, wy) in ys {
              for (x, wx) in xs { v += wy * wx * images[((n * h + y) * w + x) * c + k] }
            }
            out.append(v)
          }
        }
      }
    }
    return out
  }

  /// The adjoint of ``resize(_:_:to:mode:kind:)``: `dy` (of the resized
  /// shape) spread back onto an image of `shape`.
  static func resizeGradient(_ dy: [Double], _ shape: [Int], from size: [Int], mode: Mode, kind: Kind) -> [Double] {
    let (b, h, w, c) = (shape[0], shape[1], shape[2], shape[3])
    var dx = [Double](repeating: 0, count: shape.reduce(1, *))
    var at = 0
    for n in 0..<b {
      for i in 0..<size[0] {
        let ys = taps(i, input: h, output: size[0], mode: mode, kind: kind)
        for j in 0..<size[1] {
          let xs = taps(j, input: w, output: size[1], mode: mode, kind: kind)
          for k in 0..<c {
            for (y, wy) in ys {
              for (x, wx) in xs { dx[((n * h + y) * w + x) * c + k] += wy * wx * dy[at] }
            }
            at += 1
          }
        }
      }
    }
    return dx
  }
}
