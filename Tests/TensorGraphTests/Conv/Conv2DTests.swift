import Testing
import TensorGraph
import TensorGraphTestSupport

/// One convolution configuration: input and filter shapes, strides,
/// padding, dilations.
struct ConvCase: CustomStringConvertible, Sendable {
  var input: [Int]
  var filter: [Int]
  var strides: (Int, Int) = (1, 1)
  var padding = "VALID"
  var dilations: (Int, Int) = (1, 1)

  var description: String {
    "\(input)⋆\(filter) s\(strides) \(padding) d\(dilations)"
  }
  var stridesAttr: [Int] { [1, strides.0, strides.1, 1] }
  var dilationsAttr: [Int] { [1, dilations.0, dilations.1, 1] }
}

/// Shapes, strides, paddings (SAME with even and odd totals), dilations,
/// batch sizes and channel counts.
let convCases: [ConvCase] = [
  ConvCase(input: [1, 5, 5, 1], filter: [3, 3, 1, 1]),
  ConvCase(input: [2, 6, 7, 3], filter: [3, 2, 3, 4]),
  ConvCase(input: [2, 6, 7, 3], filter: [3, 3, 3, 2], padding: "SAME"),
  ConvCase(input: [1, 4, 4, 2], filter: [3, 3, 2, 3], strides: (2, 2), padding: "SAME"),  // total 1: 0 before, 1 after
  ConvCase(input: [1, 5, 6, 2], filter: [2, 2, 2, 2], strides: (2, 2), padding: "SAME"),  // totals 1 and 0
  ConvCase(input: [3, 7, 8, 2], filter: [3, 3, 2, 5], strides: (2, 3), padding: "VALID"),
  ConvCase(input: [1, 7, 7, 2], filter: [3, 3, 2, 2], padding: "VALID", dilations: (2, 2)),
  ConvCase(input: [2, 6, 5, 1], filter: [2, 3, 1, 3], padding: "SAME", dilations: (2, 1)),
  ConvCase(input: [1, 8, 8, 3], filter: [3, 3, 3, 2], strides: (2, 2), padding: "SAME", dilations: (2, 2)),
  ConvCase(input: [2, 4, 5, 6], filter: [1, 1, 6, 4]),  // pointwise: straight to GEMM
  ConvCase(input: [2, 5, 5, 3], filter: [1, 1, 3, 2], strides: (2, 2)),  // strided 1×1
  ConvCase(input: [1, 3, 3, 2], filter: [3, 3, 2, 1], padding: "SAME"),  // one output channel (gemv)
  ConvCase(input: [2, 7, 8, 1], filter: [3, 3, 1, 4], strides: (2, 3), padding: "SAME"),  // planar, strided
  ConvCase(input: [1, 9, 7, 1], filter: [2, 3, 1, 2], strides: (1, 2), padding: "SAME", dilations: (2, 2)),
]

private func buildConv(_ g: Graph, _ x: Output, _ w: Output, _ c: ConvCase) throws -> Output {
  try g.conv2d(x, filter: w, strides: c.stridesAttr, padding: c.padding, dilations: c.dilationsAttr)
}

@Suite struct Conv2DForwardTests {
  @Test(arguments: convCases, [DType.float32, .float64])
  func matchesDirectReference(_ c: ConvCase, dtype: DType) throws {
    let xv = ConvReference.random(c.input, seed: 1), wv = ConvReference.random(c.filter, seed: 2)
    let (expected, shape) = ConvReference.conv2d(
      xv, c.input, wv, c.filter, strides: c.strides, padding: c.padding, dilations: c.dilations)
    let g = Graph()
    let make = { (v: [Double], s: [Int]) in dtype == .float32 ? Tensor.f32(v, s) : Tensor.f64(v, s) }
    let y = try buildConv(g, try g.constant(make(xv, c.input)), try g.constant(make(wv, c.filter)), c)
    #expect(y.shape == PartialShape(shape))
    expectClose(try evaluate(y), expected, shape: shape, tolerance: dtype == .float32 ? 1e-5 : 1e-12)
  }

  /// Batches large enough for many chunks (chunks starting mid-line, the
  /// backprops' image groups and row blocks, partial filter sums), forward
  /// and both backprops against the direct loops; single-channel inputs
  /// take the planar path.
  @Test(arguments: [
    ConvCase(input: [16, 16, 16, 8], filter: [3, 3, 8, 16]),
    ConvCase(input: [32, 28, 28, 1], filter: [3, 3, 1, 8]),
    ConvCase(input: [8, 19, 17, 1], filter: [3, 2, 1, 4], strides: (2, 1), padding: "SAME"),
    ConvCase(input: [4, 30, 30, 3], filter: [5, 5, 3, 4], strides: (1, 2), padding: "SAME", dilations: (1, 2)),
  ])
  func largeBatchesSplitIntoChunks(_ c: ConvCase) throws {
    let xv = ConvReference.random(c.input, seed: 3), wv = ConvReference.random(c.filter, seed: 4)
    let (expected, shape) = ConvReference.conv2d(
      xv, c.input, wv, c.filter, strides: c.strides, padding: c.padding, dilations: c.dilations)
    let dyv = ConvReference.random(shape, seed: 5)
    let (dx, dw) = ConvReference.conv2dGradients(
      xv, c.input, wv, c.filter, dy: dyv, strides: c.strides, padding: c.padding, dilations: c.dilations)
    let g = Graph()
    let x = try g.constant(Tensor.f32(xv, c.input)), w = try g.constant(Tensor.f32(wv, c.filter))
    let dy = try g.constant(Tensor.f32(dyv, shape))
    let y = try buildConv(g, x, w, c)
    let grads = try g.gradients(of: [y], with: [x, w], gradYs: [dy])
    let out = try Session(graph: g).run(fetches: [y, grads[0]!, grads[1]!])
    expectClose(out[0], expected, shape: shape, tolerance: 1e-5)
    expectClose(out[1], dx, shape: c.input, tolerance: 1e-5)
    expectClose(out[2], dw, shape: c.filter, tolerance: 1e-4)
  }

  @Test func emptyBatchAndEmptyChannels() throws {
    let g = Graph()
    let y = try g.conv2d(
      try g.constant(Tensor.f32([], [0, 5, 5, 2])), filter: try g.constant(Tensor.f32(Array(repeating: 1, count: 36), [3, 3, 2, 2])),
      strides: [1], padding: "SAME")
    #expect(try evaluate(y).shape == [0, 5, 5, 2])
    let z = try g.conv2d(
      try g.constant(Tensor.f32([], [1, 3, 3, 0])), filter: try g.constant(Tensor.f32([], [2, 2, 0, 2])),
      strides: [1], padding: "VALID")
    expectClose(try evaluate(z), Array(repeating: 0, count: 8), shape: [1, 2, 2, 2], tolerance: 0)
  }

  @Test func stridesAndDilationsAcceptOneOrTwoEntries() throws {
    let g = Graph()
    let x = try g.placeholder(.float32, shape: [1, 9, 9, 1], name: "x")
    let w = try g.placeholder(.float32, shape: [3, 3, 1, 1], name: "w")
    let y = try g.conv2d(x, filter: w, strides: [2], padding: "VALID", dilations: [1, 2])
    #expect(y.node.attrs["strides"] == .ints([1, 2, 2, 1]) && y.node.attrs["dilations"] == .ints([1, 1, 2, 1]))
    #expect(y.shape == [1, 4, 3, 1])
  }
}

@Suite struct Conv2DGradientTests {
  @Test(arguments: convCases)
  func gradientsMatchFiniteDifferences(_ c: ConvCase) {
    let x = Tensor.f64(ConvReference.random(c.input, seed: 5), c.input)
    let w = Tensor.f64(ConvReference.random(c.filter, seed: 6), c.filter)
    expectGradientsMatch(inputs: [x, w]) { g, v, _ in try buildConv(g, v[0], v[1], c) }
  }

  @Test(arguments: [convCases[2], convCases[3], convCases[8]])
  func gradientsIndependentOfStaticShapes(_ c: ConvCase) {
    let x = Tensor.f64(ConvReference.random(c.input, seed: 5), c.input)
    let w = Tensor.f64(ConvReference.random(c.filter, seed: 6), c.filter)
    expectGradientsIndependentOfStaticShapes(inputs: [x, w]) { g, v, _ in try buildConv(g, v[0], v[1], c) }
  }

  /// EXPLICIT padding (uneven, larger than the window on one side) with
  /// strides and dilations: Conv2D and both backprop ops.
  @Test func explicitPaddingGradients() {
    let x = Tensor.f64(ConvReference.random([2, 5, 4, 2], seed: 12), [2, 5, 4, 2])
    let w = Tensor.f64(ConvReference.random([2, 3, 2, 3], seed: 13), [2, 3, 2, 3])
    let explicit = [0, 0, 1, 3, 2, 0, 0, 0]
    expectGradientsMatch(inputs: [x, w]) { g, v, _ in
      try g.conv2d(
        v[0], filter: v[1], strides: [2, 1], padding: "EXPLICIT", explicitPaddings: explicit, dilations: [1, 2])
    }
  }

  /// Conv2DBackpropInput as a function of (filter, out_backprop), and
  /// Conv2DBackpropFilter of (input, out_backprop): their own gradients
  /// (second order of Conv2D).
  @Test(arguments: [convCases[1], convCases[3], convCases[6], convCases[8], convCases[9], convCases[10]])
  func backpropOpsHaveGradients(_ c: ConvCase) throws {
    let (_, outShape) = ConvReference.conv2d(
      ConvReference.random(c.input, seed: 1), c.input, ConvReference.random(c.filter, seed: 2), c.filter,
      strides: c.strides, padding: c.padding, dilations: c.dilations)
    let w = Tensor.f64(ConvReference.random(c.filter, seed: 7), c.filter)
    let x = Tensor.f64(ConvReference.random(c.input, seed: 8), c.input)
    let dy = Tensor.f64(ConvReference.random(outShape, seed: 9), outShape)
    expectGradientsMatch(inputs: [w, dy]) { g, v, _ in
      try g.conv2dBackpropInput(
        inputSizes: try g.constant(Tensor(c.input.map { Int32($0) })), filter: v[0], outBackprop: v[1],
        strides: c.stridesAttr, padding: c.padding, dilations: c.dilationsAttr)
    }
    expectGradientsMatch(inputs: [x, dy]) { g, v, _ in
      try g.conv2dBackpropFilter(
        v[0], filterSizes: try g.constant(Tensor(c.filter.map { Int32($0) })), outBackprop: v[1],
        strides: c.stridesAttr, padding: c.padding, dilations: c.dilationsAttr)
    }
  }

  /// The second derivative through the first gradient: d/dx of
  /// Σ (∂L/∂w)² for L = Σ conv(x, w)·R.
  @Test func secondOrderThroughTheFilterGradient() {
    let c = convCases[3]
    let x = Tensor.f64(ConvReference.random(c.input, seed: 10), c.input)
    let w = Tensor.f64(ConvReference.random(c.filter, seed: 11), c.filter)
    expectGradientsMatch(inputs: [x, w]) { g, v, _ in
      let y = try buildConv(g, v[0], v[1], c)
      let l = try g.sum(try g.square(y))
      let dw = try #require(try g.gradients(of: l, with: [v[1]])[0])
      return try g.multiply(dw, dw)
    }
  }

  @Test func gradientNodesAreTheBackpropOps() throws {
    let g = Graph()
    let x = try g.placeholder(.float32, shape: [nil, 28, 28, 1], name: "x")
    let w = try g.placeholder(.float32, shape: [3, 3, 1, 32], name: "w")
    let y = try g.conv2d(x, filter: w, strides: [1], padding: "VALID")
    #expect(y.shape == [.unknown, 26, 26, 32])
    let grads = try g.gradients(of: y, with: [x, w])
    let dx = try #require(grads[0]), dw = try #require(grads[1])
    #expect(dx.node.op == "Conv2DBackpropInput" && dw.node.op == "Conv2DBackpropFilter")
    #expect(dx.shape == [.unknown, 28, 28, 1] && dw.shape == [3, 3, 1, 32])
  }
}
