import Foundation
import Testing
import TensorGraph
import TensorGraphTestSupport

// Neural-network rows: bias, softmax and cross-entropy by hand; the
// convolutions and pooling against ConvReference's nested loops; batch
// normalization against its formulas.

extension KernelCheckTable {
  // MARK: - Bias, softmax, cross-entropy

  /// Softmax and log-softmax of each row of length `n`, shifted by the
  /// row's maximum.
  static func softmaxReference(_ x: [Double], rowLength n: Int) -> (softmax: [Double], logSoftmax: [Double]) {
    var s: [Double] = [], l: [Double] = []
    for r in 0..<(x.count / n) {
      let row = x[(r * n)..<((r + 1) * n)], m = row.max()!
      let total = row.reduce(0) { $0 + Foundation.exp($1 - m) }
      s += row.map { Foundation.exp($0 - m) / total }
      l += row.map { $0 - m - Foundation.log(total) }
    }
    return (s, l)
  }

  static let nn: [KernelCheck] = {
    var rows: [KernelCheck] = []
    for (shape, format) in [([2, 3], "NHWC"), ([2, 2, 3], "NHWC"), ([2, 3, 2, 2], "NCHW"), ([2, 3, 4], "NCHW")] {
      let c = format == "NCHW" ? 1 : shape.count - 1
      let x = ramp(shape), b: [Double] = [0.5, -10, 100]
      let y = x.indices.map { x[$0] + b[unravel($0, shape)[c]] }
      let sums = (0..<3).map { k in x.indices.filter { unravel($0, shape)[c] == k }.reduce(0) { $0 + x[$1] } }
      rows.append(row("BiasAdd", "\(shape) \(format)", [tensor(x, shape, .float32), tensor(b, [3], .float32)], .values(.float32, shape, y)) {
        g, v in try g.biasAdd(v[0], v[1], dataFormat: format)
      })
      rows.append(row("BiasAddGrad", "\(shape) \(format)", [tensor(x, shape, .float64)], .values(.float64, [3], sums)) { g, v in
        g.output(try g.addNode(op: "BiasAddGrad", inputs: [v[0]], attrs: ["data_format": .string(format)]))
      })
    }
    // Large logits (stability) and −∞ (a zero probability).
    let logits: [Double] = [1, 2, 3, 4, 1000, 999, 998, 1000, -.infinity, 0, 1, -1]
    let (s, l) = softmaxReference(logits, rowLength: 4)
    for dtype in [DType.float32, .float64] {
      rows.append(row("Softmax", "\(dtype)", [tensor(logits, [3, 4], dtype)], .values(dtype, [3, 4], s, tolerance: tolerance(dtype))) {
        g, v in try g.softmax(v[0])
      })
      rows.append(row("LogSoftmax", "\(dtype)", [tensor(logits, [3, 4], dtype)], .values(dtype, [3, 4], l, tolerance: tolerance(dtype))) {
        g, v in try g.logSoftmax(v[0])
      })
    }
    // loss = −Σ labels·log softmax, backprop = softmax − labels.
    var rng = TestRandom(seed: 5)
    let x = rng.uniform(12, in: -3...3), (p, lp) = softmaxReference(x, rowLength: 4)
    let labels: [Double] = [0, 1, 0, 0, 0.25, 0.25, 0.5, 0, 0, 0, 0, 1]
    let loss = (0..<3).map { (r: Int) -> Double in
      var total = 0.0
      for j in 0..<4 { total -= labels[r * 4 + j] * lp[r * 4 + j] }
      return total
    }
    let xt = tensor(x, [3, 4], .float64), lt = tensor(labels, [3, 4], .float64)
    rows.append(KernelCheck(op: "SoftmaxCrossEntropyWithLogits", label: "one-hot and soft labels") { g in
      let r = try g.softmaxCrossEntropyWithLogits(logits: try g.constant(xt), labels: try g.constant(lt))
      return KernelProgram([r.loss, r.backprop],
        [.values(.float64, [3], loss, tolerance: 1e-12), .values(.float64, [3, 4], zip(p, labels).map(-), tolerance: 1e-12)])
    })
    for dtype in [DType.int32, .int64] {
      let classes = [1, 3, 0]
      let oneHot = (0..<12).map { Double(classes[$0 / 4] == $0 % 4 ? 1 : 0) }
      rows.append(KernelCheck(op: "SparseSoftmaxCrossEntropyWithLogits", label: "\(dtype) labels") { g in
        let r = try g.sparseSoftmaxCrossEntropyWithLogits(
          logits: try g.constant(xt), labels: try g.constant(tensor(classes.map(Double.init), [3], dtype)))
        return KernelProgram([r.loss, r.backprop],
          [.values(.float64, [3], (0..<3).map { -lp[$0 * 4 + classes[$0]] }, tolerance: 1e-12),
           .values(.float64, [3, 4], zip(p, oneHot).map(-), tolerance: 1e-12)])
      })
    }
    return rows
  }()

  // MARK: - Convolutions

  static func sizes(_ g: Graph, _ values: [Int]) throws -> Output { try g.constant(Tensor.i32(values)) }

  /// Depthwise convolution gradients (filter [kh, kw, c, m]) by scattering
  /// through the forward loops.
  static func depthwiseGradients(
    _ x: [Double], _ xs: [Int], _ w: [Double], _ ws: [Int], dy: [Double], strides: (Int, Int), padding: String
  ) -> (dx: [Double], dw: [Double]) {
    let (n, h, wd, c) = (xs[0], xs[1], xs[2], xs[3])
    let (kh, kw, mult) = (ws[0], ws[1], ws[3])
    let (oh, pt) = ConvReference.window(input: h, kernel: kh, stride: strides.0, padding: padding)
    let (ow, pl) = ConvReference.window(input: wd, kernel: kw, stride: strides.1, padding: padding)
    var dx = [Double](repeating: 0, count: x.count), dw = [Double](repeating: 0, count: w.count)
    for b in 0..<n {
      for i in 0..<oh {
        for j in 0..<ow {
          for ch in 0..<c {
            for m in 0..<mult {
              let g = dy[((b * oh + i) * ow + j) * c * mult + ch * mult + m]
              for p in 0..<kh {
                for q in 0..<kw {
                  let ih = i * strides.0 - pt + p, iw = j * strides.1 - pl + q
                  if ih < 0 || ih >= h || iw < 0 || iw >= wd { continue }
                  let xi = ((b * h + ih) * wd + iw) * c + ch, wi = ((p * kw + q) * c + ch) * mult + m
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

  static let convolutions: [KernelCheck] = {
    var rows: [KernelCheck] = []
    for (k, c) in [convCases[1], convCases[3], convCases[4], convCases[7], convCases[9]].enumerated() {
      let x = ConvReference.random(c.input, seed: UInt64(k + 1)), w = ConvReference.random(c.filter, seed: UInt64(k + 11))
      let (y, ys) = ConvReference.conv2d(x, c.input, w, c.filter, strides: c.strides, padding: c.padding, dilations: c.dilations)
      rows.append(row("Conv2D", "\(c)", [tensor(x, c.input, .float64), tensor(w, c.filter, .float64)], .values(.float64, ys, y, tolerance: 1e-12)) {
        g, v in try g.conv2d(v[0], filter: v[1], strides: c.stridesAttr, padding: c.padding, dilations: c.dilationsAttr)
      })
      guard c.dilations == (1, 1) else { continue }
      let dy = ConvReference.random(ys, seed: UInt64(k + 21))
      let (dx, dw) = ConvReference.conv2dGradients(x, c.input, w, c.filter, dy: dy, strides: c.strides, padding: c.padding)
      rows.append(row("Conv2DBackpropInput", "\(c)", [tensor(w, c.filter, .float32), tensor(dy, ys, .float32)],
        .values(.float32, c.input, dx, tolerance: 1e-5)) { g, v in
        try g.conv2dBackpropInput(inputSizes: try sizes(g, c.input), filter: v[0], outBackprop: v[1], strides: c.stridesAttr, padding: c.padding)
      })
      rows.append(row("Conv2DBackpropFilter", "\(c)", [tensor(x, c.input, .float32), tensor(dy, ys, .float32)],
        .values(.float32, c.filter, dw, tolerance: 1e-5)) { g, v in
        try g.conv2dBackpropFilter(v[0], filterSizes: try sizes(g, c.filter), outBackprop: v[1], strides: c.stridesAttr, padding: c.padding)
      })
    }
    for (k, c) in [
      ConvCase(input: [1, 4, 5, 2], filter: [2, 3, 2, 2], strides: (2, 1), padding: "SAME"),
      ConvCase(input: [2, 5, 5, 3], filter: [3, 3, 3, 1], strides: (1, 1), padding: "VALID"),
    ].enumerated() {
      let x = ConvReference.random(c.input, seed: UInt64(k + 31)), w = ConvReference.random(c.filter, seed: UInt64(k + 41))
      let (y, ys) = ConvReference.conv2d(x, c.input, w, c.filter, strides: c.strides, padding: c.padding, depthwise: true)
      let dy = ConvReference.random(ys, seed: UInt64(k + 51))
      let (dx, dw) = depthwiseGradients(x, c.input, w, c.filter, dy: dy, strides: c.strides, padding: c.padding)
      rows += [
        row("DepthwiseConv2dNative", "\(c)", [tensor(x, c.input, .float32), tensor(w, c.filter, .float32)],
          .values(.float32, ys, y, tolerance: 1e-5)) { g, v in
          try g.depthwiseConv2dNative(v[0], filter: v[1], strides: c.stridesAttr, padding: c.padding)
        },
        row("DepthwiseConv2dNativeBackpropInput", "\(c)", [tensor(w, c.filter, .float64), tensor(dy, ys, .float64)],
          .values(.float64, c.input, dx, tolerance: 1e-12)) { g, v in
          try g.depthwiseConv2dNativeBackpropInput(
            inputSizes: try sizes(g, c.input), filter: v[0], outBackprop: v[1], strides: c.stridesAttr, padding: c.padding)
        },
        row("DepthwiseConv2dNativeBackpropFilter", "\(c)", [tensor(x, c.input, .float64), tensor(dy, ys, .float64)],
          .values(.float64, c.filter, dw, tolerance: 1e-12)) { g, v in
          try g.depthwiseConv2dNativeBackpropFilter(
            v[0], filterSizes: try sizes(g, c.filter), outBackprop: v[1], strides: c.stridesAttr, padding: c.padding)
        },
      ]
    }
    return rows
  }()

  // MARK: - Pooling

  /// The input elements (flat indices) in each output's window, in output
  /// order.
  static func poolWindows(_ c: PoolCase) -> [[Int]] {
    let (n, h, wd, ch) = (c.input[0], c.input[1], c.input[2], c.input[3])
    let (oh, pt) = ConvReference.window(input: h, kernel: c.ksize.0, stride: c.strides.0, padding: c.padding)
    let (ow, pl) = ConvReference.window(input: wd, kernel: c.ksize.1, stride: c.strides.1, padding: c.padding)
    var windows: [[Int]] = []
    for b in 0..<n {
      for i in 0..<oh {
        for j in 0..<ow {
          for k in 0..<ch {
            var w: [Int] = []
            for p in 0..<c.ksize.0 {
              for q in 0..<c.ksize.1 {
                let ih = i * c.strides.0 - pt + p, iw = j * c.strides.1 - pl + q
                if ih >= 0 && ih < h && iw >= 0 && iw < wd { w.append(((b * h + ih) * wd + iw) * ch + k) }
              }
            }
            windows.append(w)
          }
        }
      }
    }
    return windows
  }

  static let pooling: [KernelCheck] = [poolCases[1], poolCases[2], poolCases[3], poolCases[5], poolCases[8]].enumerated().flatMap {
    k, c -> [KernelCheck] in
    let attrs: [String: AttrValue] = ["ksize": .ints(c.ksizeAttr), "strides": .ints(c.stridesAttr), "padding": .string(c.padding)]
    let n = c.input.reduce(1, *), out = c.outputShape
    // Distinct values: one maximum per window.
    let x = stored(ConvReference.distinct(n, seed: UInt64(k + 1)), .float32)
    let y = ConvReference.pool(x, c.input, ksize: c.ksize, strides: c.strides, padding: c.padding, max: true).0
    let avg = ConvReference.pool(x, c.input, ksize: c.ksize, strides: c.strides, padding: c.padding, max: false).0
    let argmax = ConvReference.poolArgMax(x, c.input, ksize: c.ksize, strides: c.strides, padding: c.padding)
    let dy = ConvReference.random(out, seed: UInt64(k + 2)), dz = ConvReference.random(c.input, seed: UInt64(k + 3))
    // MaxPoolGrad sends each dy to its window's maximum; MaxPoolGradGrad
    // reads dz there; AvgPoolGrad spreads dy evenly over the window.
    var maxGrad = [Double](repeating: 0, count: n), avgGrad = maxGrad
    for (o, e) in argmax.enumerated() { maxGrad[e] += dy[o] }
    for (o, w) in poolWindows(c).enumerated() { for e in w { avgGrad[e] += dy[o] / Double(w.count) } }
    let (xt, yt, dyt) = (tensor(x, c.input, .float32), tensor(y, out, .float32), tensor(dy, out, .float32))
    let (maxGradient, avgGradient) = (maxGrad, avgGrad)
    return [
      row("MaxPool", "\(c)", [xt], .values(.float32, out, y)) { g, v in
        try g.maxPool(v[0], ksize: c.ksizeAttr, strides: c.stridesAttr, padding: c.padding)
      },
      row("AvgPool", "\(c)", [xt], .values(.float32, out, avg, tolerance: 1e-6)) { g, v in
        try g.avgPool(v[0], ksize: c.ksizeAttr, strides: c.stridesAttr, padding: c.padding)
      },
      row("MaxPoolGrad", "\(c)", [xt, yt, dyt], .values(.float32, c.input, maxGradient, tolerance: 1e-6)) { g, v in
        g.output(try g.addNode(op: "MaxPoolGrad", inputs: v, attrs: attrs))
      },
      row("MaxPoolGradGrad", "\(c)", [xt, yt, tensor(dz, c.input, .float32)], .values(.float32, out, argmax.map { dz[$0] }, tolerance: 1e-6)) {
        g, v in g.output(try g.addNode(op: "MaxPoolGradGrad", inputs: v, attrs: attrs))
      },
      row("AvgPoolGrad", "\(c)", [dyt], .values(.float32, c.input, avgGradient, tolerance: 1e-6)) { g, v in
        g.output(try g.addNode(op: "AvgPoolGrad", inputs: [try sizes(g, c.input), v[0]], attrs: attrs))
      },
    ]
  }

  // MARK: - Batch normalization

  static let batchNorm: [KernelCheck] = [true, false].flatMap { training -> [KernelCheck] in
    let shape = [2, 3, 2, 3], n = 12.0, eps = 0.01
    var rng = TestRandom(seed: training ? 1 : 2)
    let x = rng.uniform(36, in: -2...3), dy = rng.uniform(36)
    let scale = [1.0, 2.0, 0.5], offset = [0.1, -0.2, 0.3], popMean = [0.5, 0.2, -0.1], popVariance = [1.5, 0.7, 2.0]
    var m = [0.0, 0, 0], s = [0.0, 0, 0]
    for (i, v) in x.enumerated() { m[i % 3] += v / n }
    for (i, v) in x.enumerated() { s[i % 3] += (v - m[i % 3]) * (v - m[i % 3]) / n }
    let (batchMean, batchVariance) = (m, s)
    let (mean, variance) = training ? (batchMean, batchVariance) : (popMean, popVariance)
    let xhat = x.indices.map { (x[$0] - mean[$0 % 3]) / (variance[$0 % 3] + eps).squareRoot() }
    let y = x.indices.map { scale[$0 % 3] * xhat[$0] + offset[$0 % 3] }
    let t: @Sendable ([Double]) -> Tensor = { v in tensor(v, [v.count], .float64) }
    // doffset = Σdy, dscale = Σdy·x̂; dx = scale/√(σ² + ε)·(dy − mean(dy) −
    // x̂·mean(dy·x̂)) in training, scale/√(σ² + ε)·dy in inference.
    let doffset = (0..<3).map { k in x.indices.filter { $0 % 3 == k }.reduce(0) { $0 + dy[$1] } }
    let dscale = (0..<3).map { k in x.indices.filter { $0 % 3 == k }.reduce(0) { $0 + dy[$1] * xhat[$1] } }
    let dx = x.indices.map { i in
      let k = i % 3, r = scale[k] / (variance[k] + eps).squareRoot()
      return training ? r * (dy[i] - doffset[k] / n - xhat[i] * dscale[k] / n) : r * dy[i]
    }
    let tol = 1e-12
    return [
      KernelCheck(op: "FusedBatchNormV3", label: "is_training \(training)") { g in
        let bn = try g.fusedBatchNorm(
          try g.constant(tensor(x, shape, .float64)), scale: try g.constant(t(scale)), offset: try g.constant(t(offset)),
          mean: try g.constant(t(popMean)), variance: try g.constant(t(popVariance)), epsilon: eps, isTraining: training)
        // Training reports the unbiased variance, and keeps the biased one.
        let reported = training ? batchVariance.map { $0 * n / (n - 1) } : popVariance
        return KernelProgram(
          [bn.y, bn.batchMean, bn.batchVariance, bn.reserveSpace1, bn.reserveSpace2],
          [.values(.float64, shape, y, tolerance: tol), .values(.float64, [3], mean, tolerance: tol),
           .values(.float64, [3], reported, tolerance: tol), .values(.float64, [3], mean, tolerance: tol),
           .values(.float64, [3], variance, tolerance: tol)])
      },
      KernelCheck(op: "FusedBatchNormGradV3", label: "is_training \(training)") { g in
        let o = try g.buildMulti(
          "FusedBatchNormGradV3",
          [try g.constant(tensor(dy, shape, .float64)), try g.constant(tensor(x, shape, .float64)), try g.constant(t(scale)),
           try g.constant(t(mean)), try g.constant(t(variance)), try g.constant(tensor([], [0], .float64))],
          attrs: ["epsilon": .float(eps), "is_training": .bool(training)], name: nil, file: #fileID, line: #line)
        return KernelProgram(
          Array(o.prefix(3)),
          [.values(.float64, shape, dx, tolerance: 1e-10), .values(.float64, [3], dscale, tolerance: tol),
           .values(.float64, [3], doffset, tolerance: tol)])
      },
    ]
  }
}
