import Testing
import TensorGraph
import TensorGraphTestSupport

/// One pooling configuration.
struct PoolCase: CustomStringConvertible, Sendable {
  var input: [Int]
  var ksize: (Int, Int)
  var strides: (Int, Int)
  var padding = "VALID"

  var description: String { "\(input) k\(ksize) s\(strides) \(padding)" }
  var ksizeAttr: [Int] { [1, ksize.0, ksize.1, 1] }
  var stridesAttr: [Int] { [1, strides.0, strides.1, 1] }
  var outputShape: [Int] {
    ConvReference.pool(Array(repeating: 0, count: input.reduce(1, *)), input, ksize: ksize, strides: strides,
      padding: padding, max: true).1
  }
}

let poolCases: [PoolCase] = [
  PoolCase(input: [1, 4, 4, 1], ksize: (2, 2), strides: (2, 2)),
  PoolCase(input: [2, 5, 5, 3], ksize: (2, 2), strides: (2, 2)),  // drops the last row and column
  PoolCase(input: [2, 5, 5, 3], ksize: (2, 2), strides: (2, 2), padding: "SAME"),  // total 1: pad after
  PoolCase(input: [1, 4, 4, 2], ksize: (3, 3), strides: (2, 2), padding: "SAME"),  // total 1
  PoolCase(input: [1, 5, 6, 2], ksize: (3, 3), strides: (1, 1), padding: "SAME"),  // total 2: 1 and 1
  PoolCase(input: [3, 6, 7, 4], ksize: (3, 2), strides: (2, 3)),
  PoolCase(input: [1, 7, 7, 1], ksize: (3, 3), strides: (1, 1)),  // overlapping windows
  PoolCase(input: [2, 3, 3, 5], ksize: (3, 3), strides: (3, 3), padding: "SAME"),
  PoolCase(input: [2, 6, 6, 12], ksize: (2, 2), strides: (2, 2)),  // 8 channels at a time, and a tail
  PoolCase(input: [1, 5, 5, 16], ksize: (3, 3), strides: (1, 1), padding: "SAME"),
]

@Suite struct PoolingForwardTests {
  @Test(arguments: poolCases, [DType.float32, .float64])
  func maxPoolMatchesDirectReference(_ c: PoolCase, dtype: DType) throws {
    let xv = ConvReference.random(c.input, seed: 1)
    let (expected, shape) = ConvReference.pool(xv, c.input, ksize: c.ksize, strides: c.strides, padding: c.padding, max: true)
    let g = Graph()
    let x = try g.constant(dtype == .float32 ? Tensor.f32(xv, c.input) : Tensor.f64(xv, c.input))
    let y = try g.maxPool(x, ksize: c.ksizeAttr, strides: c.stridesAttr, padding: c.padding)
    #expect(y.shape == PartialShape(shape))
    expectClose(try evaluate(y), expected, shape: shape, tolerance: dtype == .float32 ? 1e-7 : 0)
  }

  @Test(arguments: poolCases, [DType.float32, .float64])
  func avgPoolMatchesDirectReference(_ c: PoolCase, dtype: DType) throws {
    let xv = ConvReference.random(c.input, seed: 2)
    let (expected, shape) = ConvReference.pool(xv, c.input, ksize: c.ksize, strides: c.strides, padding: c.padding, max: false)
    let g = Graph()
    let x = try g.constant(dtype == .float32 ? Tensor.f32(xv, c.input) : Tensor.f64(xv, c.input))
    let y = try g.avgPool(x, ksize: c.ksizeAttr, strides: c.stridesAttr, padding: c.padding)
    #expect(y.shape == PartialShape(shape))
    expectClose(try evaluate(y), expected, shape: shape, tolerance: dtype == .float32 ? 1e-6 : 1e-14)
  }

  @Test func sameAveragesOnlyTheInputsElements() throws {
    // TensorFlow: avg_pool2d(arange(16).reshape(1, 4, 4, 1), 3, 2, 'SAME') = [5, 6.5, 11, 12.5].
    let g = Graph()
    let x = try g.constant(Tensor.f32((0..<16).map(Double.init), [1, 4, 4, 1]))
    expectClose(try evaluate(try g.avgPool(x, ksize: [3], strides: [2], padding: "SAME")), [5, 6.5, 11, 12.5], tolerance: 0)
    expectClose(try evaluate(try g.maxPool(x, ksize: [3], strides: [2], padding: "SAME")), [10, 11, 14, 15], tolerance: 0)
  }

  @Test func explicitPaddingIsNeverTheMaximum() throws {
    let g = Graph()
    let x = try g.constant(Tensor.f32([-1, -2, -3, -4], [1, 2, 2, 1]))
    let y = try g.maxPool(
      x, ksize: [2], strides: [1], padding: "EXPLICIT", explicitPaddings: [0, 0, 1, 0, 0, 1, 0, 0])
    #expect(y.shape == [1, 2, 2, 1])
    expectClose(try evaluate(y), [-1, -2, -1, -2], tolerance: 0)
  }

  @Test func tiesGoToTheFirstMaximumInEveryChannelBlock() throws {
    // 9 channels (one SIMD block and a tail), all equal within each window
    // but channel 2 and 8, whose maxima sit at the window's last element.
    let c = 9
    var xv = [Double](repeating: 0.5, count: 4 * 4 * c)
    for p in [5, 7, 13, 15] {  // (1, 1), (1, 3), (3, 1), (3, 3): last element of each 2×2 window
      xv[p * c + 2] = 1
      xv[p * c + 8] = 1
    }
    let g = Graph()
    let x = try g.constant(Tensor.f32(xv, [1, 4, 4, c]))
    let y = try g.maxPool(x, ksize: [2], strides: [2], padding: "VALID")
    let dx = try evaluate(try #require(try g.gradients(of: y, with: [x])[0])).doubles()
    for p in 0..<16 {
      let (i, j) = (p / 4, p % 4)
      for ch in 0..<c {
        let expected: Double = ch == 2 || ch == 8 ? (i % 2 == 1 && j % 2 == 1 ? 1 : 0) : (i % 2 == 0 && j % 2 == 0 ? 1 : 0)
        #expect(dx[p * c + ch] == expected, "pixel \(p) channel \(ch)")
      }
    }
  }

  @Test func maxPoolGradSendsTiesToTheFirstMaximum() throws {
    // TensorFlow: two equal maxima in the first window, zeros elsewhere →
    // the gradient goes to the first in row-major order.
    var xv = [Double](repeating: 0, count: 16)
    xv[0] = 1
    xv[1] = 1
    let g = Graph()
    let x = try g.constant(Tensor.f32(xv, [1, 4, 4, 1]))
    let y = try g.maxPool(x, ksize: [2], strides: [2], padding: "VALID")
    let dx = try #require(try g.gradients(of: y, with: [x])[0])
    #expect(dx.node.op == "MaxPoolGrad")
    expectClose(try evaluate(dx), [1, 0, 1, 0, 0, 0, 0, 0, 1, 0, 1, 0, 0, 0, 0, 0], shape: [1, 4, 4, 1], tolerance: 0)
  }
}

@Suite struct MaxPoolGradientOpTests {
  /// MaxPoolGrad (dy scattered to each window's first maximum) and
  /// MaxPoolGradGrad (dz gathered from it) against the direct reference,
  /// in float32 (eight channels at a time, then one by one) and float64,
  /// on values with ties (rounded to a few levels).
  @Test(arguments: poolCases, [DType.float32, .float64])
  func matchDirectReference(_ c: PoolCase, dtype: DType) throws {
    let xv = ConvReference.random(c.input, seed: 11).map { ($0 * 3).rounded() / 3 }
    let out = c.outputShape
    let argmax = ConvReference.poolArgMax(xv, c.input, ksize: c.ksize, strides: c.strides, padding: c.padding)
    let dyv = ConvReference.random(out, seed: 12), dzv = ConvReference.random(c.input, seed: 13)
    var dx = [Double](repeating: 0, count: xv.count)
    for (o, e) in argmax.enumerated() where e >= 0 { dx[e] += dyv[o] }
    let ddy = argmax.map { $0 >= 0 ? dzv[$0] : 0 }
    let make = { (v: [Double], s: [Int]) in dtype == .float32 ? Tensor.f32(v, s) : Tensor.f64(v, s) }
    let g = Graph()
    let x = try g.constant(make(xv, c.input))
    let dy = try g.placeholder(dtype, shape: out.map { $0 }, name: "dy")
    let y = try g.maxPool(x, ksize: c.ksizeAttr, strides: c.stridesAttr, padding: c.padding)
    let grad = try #require(try g.gradients(of: [y], with: [x], gradYs: [dy])[0])
    let gradGrad = try #require(try g.gradients(of: [grad], with: [dy], gradYs: [try g.constant(make(dzv, c.input))])[0])
    #expect(gradGrad.node.op == "MaxPoolGradGrad")
    let r = try Session(graph: g).run(fetches: [grad, gradGrad], feeds: [dy: make(dyv, out)])
    expectClose(r[0], dx, shape: c.input, tolerance: dtype == .float32 ? 1e-6 : 1e-15)
    expectClose(r[1], ddy, shape: out, tolerance: dtype == .float32 ? 1e-7 : 0)  // dz rounded to float32
  }

  /// Windows whose maximum is −∞, or that hold NaNs: float32 channels in
  /// the eight-wide blocks and in the tail give what the reference gives.
  @Test func infinitiesAndNaNsInEveryChannelBlock() throws {
    let c = 10, shape = [1, 2, 2, c]
    // Per channel, the 2×2 window's values in row-major order.
    let windows: [[Double]] = [
      [-.infinity, -.infinity, -.infinity, -.infinity], [.nan, .nan, .nan, .nan], [.nan, -.infinity, -.infinity, 2],
      [.nan, -.infinity, .nan, -.infinity], [1, .nan, 3, .nan], [0, 0, 0, 0], [-1, -.infinity, -1, .nan],
      [.infinity, .infinity, .nan, 0],
    ]
    var xv = [Double](repeating: 0, count: 4 * c)
    for ch in 0..<c {
      for p in 0..<4 { xv[p * c + ch] = windows[ch % windows.count][p] }
    }
    let argmax = ConvReference.poolArgMax(xv, shape, ksize: (2, 2), strides: (2, 2), padding: "VALID")
    var expected = [Double](repeating: 0, count: xv.count)
    for (o, e) in argmax.enumerated() where e >= 0 { expected[e] += Double(o + 1) }
    let g = Graph()
    let x = try g.constant(Tensor.f32(xv, shape))
    let y = try g.maxPool(x, ksize: [2], strides: [2], padding: "VALID")
    let dy = try g.constant(Tensor.f32((1...c).map(Double.init), [1, 1, 1, c]))
    let dx = try #require(try g.gradients(of: [y], with: [x], gradYs: [dy])[0])
    #expect(try evaluate(dx).doubles() == expected)
    #expect(argmax[0] == 0 && argmax[1] == -1 && argmax[2] == 3 * c + 2 && argmax[3] == c + 3)
  }
}

@Suite struct PoolingGradientTests {
  @Test(arguments: poolCases)
  func maxPoolGradientMatchesFiniteDifferences(_ c: PoolCase) {
    let x = Tensor.f64(ConvReference.distinct(c.input.reduce(1, *), seed: 3), c.input)
    expectGradientsMatch(inputs: [x]) { g, v, _ in
      try g.maxPool(v[0], ksize: c.ksizeAttr, strides: c.stridesAttr, padding: c.padding)
    }
  }

  @Test(arguments: poolCases)
  func avgPoolGradientMatchesFiniteDifferences(_ c: PoolCase) {
    let x = Tensor.f64(ConvReference.random(c.input, seed: 4), c.input)
    expectGradientsMatch(inputs: [x]) { g, v, _ in
      try g.avgPool(v[0], ksize: c.ksizeAttr, strides: c.stridesAttr, padding: c.padding)
    }
  }

  /// MaxPoolGrad and MaxPoolGradGrad in all three inputs (zero in the
  /// first two while no maximum moves), AvgPoolGrad in its gradient.
  @Test(arguments: [poolCases[1], poolCases[3], poolCases[5], poolCases[6]])
  func gradientOpsHaveGradients(_ c: PoolCase) throws {
    let out = c.outputShape
    let x = Tensor.f64(ConvReference.distinct(c.input.reduce(1, *), seed: 5), c.input)
    let (yv, _) = ConvReference.pool(x.doubles(), c.input, ksize: c.ksize, strides: c.strides, padding: c.padding, max: true)
    let y = Tensor.f64(yv, out)
    let dy = Tensor.f64(ConvReference.random(out, seed: 6), out)
    let dz = Tensor.f64(ConvReference.random(c.input, seed: 7), c.input)
    let attrs: [String: AttrValue] = [
      "ksize": .ints(c.ksizeAttr), "strides": .ints(c.stridesAttr), "padding": .string(c.padding),
    ]
    expectGradientsMatch(inputs: [x, y, dy]) { g, v, _ in
      g.output(try g.addNode(op: "MaxPoolGrad", inputs: v, attrs: attrs))
    }
    expectGradientsMatch(inputs: [x, y, dz]) { g, v, _ in
      g.output(try g.addNode(op: "MaxPoolGradGrad", inputs: v, attrs: attrs))
    }
    expectGradientsMatch(inputs: [dy]) { g, v, _ in
      let shape = try g.constant(Tensor(c.input.map { Int32($0) }))
      return g.output(try g.addNode(op: "AvgPoolGrad", inputs: [shape, v[0]], attrs: attrs))
    }
  }

  @Test func maxPoolWithExplicitPaddingGradient() {
    let x = Tensor.f64(ConvReference.distinct(2 * 5 * 4 * 3, seed: 9), [2, 5, 4, 3])
    expectGradientsMatch(inputs: [x]) { g, v, _ in
      try g.maxPool(v[0], ksize: [3, 2], strides: [2, 1], padding: "EXPLICIT", explicitPaddings: [0, 0, 1, 2, 0, 1, 0, 0])
    }
  }

  @Test func gradientsWithUnknownBatch() throws {
    let c = poolCases[2]
    let x = Tensor.f64(ConvReference.distinct(c.input.reduce(1, *), seed: 8), c.input)
    for op in ["max", "avg"] {
      expectGradientsIndependentOfStaticShapes(inputs: [x]) { g, v, _ in
        op == "max"
          ? try g.maxPool(v[0], ksize: c.ksizeAttr, strides: c.stridesAttr, padding: c.padding)
          : try g.avgPool(v[0], ksize: c.ksizeAttr, strides: c.stridesAttr, padding: c.padding)
      }
    }
  }

  @Test func shapesWithUnknownBatch() throws {
    let g = Graph()
    let x = try g.placeholder(.float32, shape: [nil, 26, 26, 32], name: "x")
    let y = try g.maxPool(x, ksize: [2], strides: [2], padding: "VALID")
    #expect(y.shape == [.unknown, 13, 13, 32])
    let a = try g.avgPool(x, ksize: [3], strides: [2], padding: "SAME")
    #expect(a.shape == [.unknown, 13, 13, 32])
    let grads = try g.gradients(of: [y, a], with: [x])
    #expect(grads[0]?.shape == [.unknown, 26, 26, 32])
    let unknownRank = try g.placeholder(.float32, shape: nil, name: "u")
    #expect(try g.maxPool(unknownRank, ksize: [2], strides: [2], padding: "VALID").shape == .unknown(rank: 4))
  }
}
