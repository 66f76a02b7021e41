import Testing
import TensorGraph
import TensorGraphTestSupport

/// Bad convolution, pooling and batch-norm parameters: errors at graph-build
/// time when shapes are known there, at run time otherwise, each naming the
/// node and the shapes.
@Suite struct ConvErrorTests {
  private func conv(
    _ input: [Int?]?, _ filter: [Int?]?, strides: [Int] = [1], padding: String = "VALID", dilations: [Int] = [1],
    explicit: [Int] = []
  ) throws -> Output {
    let g = Graph()
    let x = try g.placeholder(.float32, shape: input, name: "x")
    let w = try g.placeholder(.float32, shape: filter, name: "w")
    return try g.conv2d(
      x, filter: w, strides: strides, padding: padding, explicitPaddings: explicit, dilations: dilations, name: "conv1")
  }

  @Test func kernelLargerThanThePaddedInput() {
    expectError(.shapeMismatch, containing: ["conv1", "Conv2D", "larger than the padded input", "[1, 2, 2, 1]", "[3, 3, 1, 1]", "VALID"]) {
      try conv([1, 2, 2, 1], [3, 3, 1, 1])
    }
    expectError(.shapeMismatch, containing: ["width 5 (3 dilated by 2)", "padded input's 4"]) {
      try conv([1, 9, 4, 1], [3, 3, 1, 1], dilations: [2])
    }
    expectError(.shapeMismatch, containing: ["height 3", "padded input's 2", "EXPLICIT"]) {
      try conv([1, 1, 5, 1], [3, 1, 1, 1], padding: "EXPLICIT", explicit: [0, 0, 1, 0, 0, 0, 0, 0])
    }
    // SAME pads whatever is needed: no error.
    #expect(throws: Never.self) { try conv([1, 2, 2, 1], [3, 3, 1, 1], padding: "SAME") }
  }

  @Test(arguments: [[1, 0, 1, 1], [1, -1, 1, 1], [0], [-2, 1]])
  func nonPositiveStridesAndDilations(_ v: [Int]) {
    expectError(
      .invalidArgument,
      containing: ["conv1", "strides must be positive", "input shape [1, 5, 5, 1], filter shape [3, 3, 1, 1]"]
    ) {
      try conv([1, 5, 5, 1], [3, 3, 1, 1], strides: v)
    }
    expectError(.invalidArgument, containing: ["conv1", "dilations must be positive"]) {
      try conv([1, 5, 5, 1], [3, 3, 1, 1], dilations: v)
    }
  }

  @Test func stridesOverBatchOrChannelsAndWrongLengths() {
    expectError(.invalidArgument, containing: ["must be 1 in the batch and channel dimensions", "[2, 1, 1, 1]"]) {
      try conv([1, 5, 5, 1], [3, 3, 1, 1], strides: [2, 1, 1, 1])
    }
    expectError(.invalidArgument, containing: ["strides must have 4 entries", "[1, 1, 1]"]) {
      try conv([1, 5, 5, 1], [3, 3, 1, 1], strides: [1, 1, 1])
    }
  }

  @Test func channelMismatchAndRanks() {
    expectError(.shapeMismatch, containing: ["conv1", "3 channels but the filter expects 4", "[1, 5, 5, 3]", "[3, 3, 4, 8]"]) {
      try conv([1, 5, 5, 3], [3, 3, 4, 8])
    }
    expectError(.shapeMismatch, containing: ["'input' must be a 4-D tensor (NHWC)", "[5, 5, 3]"]) {
      try conv([5, 5, 3], [3, 3, 3, 8])
    }
    expectError(.shapeMismatch, containing: ["'filter' must be a 4-D tensor", "[3, 3, 3]"]) {
      try conv([1, 5, 5, 3], [3, 3, 3])
    }
    expectError(.shapeMismatch, containing: ["positive height and width"]) { try conv([1, 5, 5, 3], [0, 3, 3, 2]) }
  }

  @Test func explicitPaddingsOnlyWithExplicit() {
    expectError(.invalidArgument, containing: ["explicit_paddings must be empty unless padding is EXPLICIT"]) {
      try conv([1, 5, 5, 1], [3, 3, 1, 1], padding: "SAME", explicit: [0, 0, 1, 1, 1, 1, 0, 0])
    }
    expectError(.invalidArgument, containing: ["must have 8 entries"]) {
      try conv([1, 5, 5, 1], [3, 3, 1, 1], padding: "EXPLICIT", explicit: [1, 1, 1, 1])
    }
    expectError(.invalidArgument, containing: ["must not pad the batch or channel"]) {
      try conv([1, 5, 5, 1], [3, 3, 1, 1], padding: "EXPLICIT", explicit: [1, 0, 0, 0, 0, 0, 0, 0])
    }
    expectError(.invalidArgument, containing: ["must not be negative"]) {
      try conv([1, 5, 5, 1], [3, 3, 1, 1], padding: "EXPLICIT", explicit: [0, 0, -1, 0, 0, 0, 0, 0])
    }
  }

  @Test func explicitPaddingMatchesAPaddedValidConvolution() throws {
    let xv = ConvReference.random([1, 4, 5, 2], seed: 1), wv = ConvReference.random([3, 2, 2, 3], seed: 2)
    let g = Graph()
    let x = try g.constant(Tensor.f64(xv, [1, 4, 5, 2])), w = try g.constant(Tensor.f64(wv, [3, 2, 2, 3]))
    let explicit = try g.conv2d(
      x, filter: w, strides: [1], padding: "EXPLICIT", explicitPaddings: [0, 0, 2, 1, 0, 3, 0, 0])
    let padded = try g.pad(x, paddings: [[0, 0], [2, 1], [0, 3], [0, 0]])
    let valid = try g.conv2d(padded, filter: w, strides: [1], padding: "VALID")
    #expect(explicit.shape == [1, 5, 7, 3])
    expectClose(try evaluate(explicit), try evaluate(valid), tolerance: 1e-12)
  }

  @Test func runTimeChecksWhenShapesAreUnknown() throws {
    let g = Graph()
    let x = try g.placeholder(.float32, shape: [nil, nil, nil, nil], name: "x")
    let w = try g.placeholder(.float32, shape: nil, name: "w")
    let y = try g.conv2d(x, filter: w, strides: [1], padding: "VALID", name: "conv1")
    #expect(y.shape == .unknown(rank: 4))
    let s = Session(graph: g)
    let small = Tensor.f32([1, 2, 3, 4], [1, 2, 2, 1])
    expectError(.shapeMismatch, containing: ["conv1", "larger than the padded input", "[1, 2, 2, 1]", "[3, 3, 1, 1]"]) {
      try s.run(y, feeds: [x: small, w: Tensor.f32(Array(repeating: 0, count: 9), [3, 3, 1, 1])])
    }
    expectError(.shapeMismatch, containing: ["conv1", "1 channels but the filter expects 2"]) {
      try s.run(y, feeds: [x: small, w: Tensor.f32(Array(repeating: 0, count: 4), [1, 1, 2, 2])])
    }
    expectError(.shapeMismatch, containing: ["'filter' must be a 4-D tensor", "[1, 1]"]) {
      try s.run(y, feeds: [x: small, w: Tensor.f32([1], [1, 1])])
    }
    let p = try g.maxPool(x, ksize: [3], strides: [1], padding: "VALID", name: "pool1")
    expectError(.shapeMismatch, containing: ["pool1", "larger than the padded input"]) {
      try s.run(p, feeds: [x: small])
    }
  }

  @Test func nchwBuildsButHasNoKernel() throws {
    let g = Graph()
    let x = try g.placeholder(.float32, shape: [nil, 3, 8, 8], name: "x")
    let w = try g.placeholder(.float32, shape: [3, 3, 3, 4], name: "w")
    let y = try g.conv2d(x, filter: w, strides: [1], padding: "SAME", dataFormat: "NCHW", name: "conv_nchw")
    #expect(y.shape == [.unknown, 4, 8, 8] && y.node.attrs["strides"] == .ints([1, 1, 1, 1]))
    expectError(.noKernel, containing: ["conv_nchw", "Conv2D", "NHWC"]) {
      try Session(graph: g).run(y, feeds: [x: Tensor.f32(Array(repeating: 0, count: 192), [1, 3, 8, 8]), w: Tensor.f32(Array(repeating: 0, count: 108), [3, 3, 3, 4])])
    }
    let p = try g.maxPool(x, ksize: [2], strides: [2], padding: "VALID", dataFormat: "NCHW", name: "pool_nchw")
    #expect(p.shape == [.unknown, 3, 4, 4])
    expectError(.noKernel, containing: ["pool_nchw", "NHWC"]) {
      try Session(graph: g).run(p, feeds: [x: Tensor.f32(Array(repeating: 0, count: 192), [1, 3, 8, 8])])
    }
  }

  @Test func poolingWindows() throws {
    let g = Graph()
    let x = try g.placeholder(.float32, shape: [nil, 4, 4, 2], name: "x")
    expectError(.shapeMismatch, containing: ["pool", "larger than the padded input", "[?, 4, 4, 2]", "5×5"]) {
      try g.maxPool(x, ksize: [5], strides: [1], padding: "VALID", name: "pool")
    }
    expectError(.invalidArgument, containing: ["ksize must be positive"]) {
      try g.avgPool(x, ksize: [0], strides: [1], padding: "VALID")
    }
    expectError(.invalidArgument, containing: ["strides must be positive"]) {
      try g.avgPool(x, ksize: [2], strides: [0, 1], padding: "VALID")
    }
    expectError(.invalidArgument, containing: ["ksize must be 1 in the batch and channel"]) {
      try g.maxPool(x, ksize: [1, 2, 2, 2], strides: [1], padding: "VALID")
    }
    expectError(.invalidArgument, containing: ["smaller than the pooling window 2×2"]) {
      try g.maxPool(x, ksize: [2], strides: [1], padding: "EXPLICIT", explicitPaddings: [0, 0, 2, 0, 0, 0, 0, 0])
    }
    expectError(.invalidAttribute, containing: ["EXPLICIT"]) {
      try g.avgPool(x, ksize: [2], strides: [1], padding: "EXPLICIT")
    }
  }

  @Test func backpropOperandsMustAgree() throws {
    let g = Graph()
    let w = try g.placeholder(.float32, shape: [3, 3, 2, 4], name: "w")
    let dy = try g.placeholder(.float32, shape: [1, 5, 5, 4], name: "dy")
    expectError(.shapeMismatch, containing: ["'out_backprop' has shape [1, 5, 5, 4]", "gives [1, 6, 6, 4]"]) {
      try g.conv2dBackpropInput(
        inputSizes: try g.constant(Tensor([Int32(1), 8, 8, 2])), filter: w, outBackprop: dy, strides: [1], padding: "VALID")
    }
    expectError(.invalidArgument, containing: ["'input_sizes' must have 4 entries but has 3"]) {
      try g.conv2dBackpropInput(
        inputSizes: try g.constant(Tensor([Int32(7), 7, 2])), filter: w, outBackprop: dy, strides: [1], padding: "VALID")
    }
    let x = try g.placeholder(.float32, shape: [1, 7, 7, 3], name: "xin")
    expectError(.shapeMismatch, containing: ["3 channels but the filter expects 2"]) {
      try g.conv2dBackpropFilter(
        x, filterSizes: try g.constant(Tensor([Int32(3), 3, 2, 4])), outBackprop: dy, strides: [1], padding: "VALID")
    }
    // At run time, from a fed size.
    let sizes = try g.placeholder(.int32, shape: [4], name: "sizes")
    let dx = try g.conv2dBackpropInput(inputSizes: sizes, filter: w, outBackprop: dy, strides: [1], padding: "VALID", name: "bp")
    #expect(dx.shape == [1, .unknown, .unknown, 2])
    let feeds: [Output: Tensor] = [
      w: Tensor.f32(Array(repeating: 0, count: 72), [3, 3, 2, 4]), dy: Tensor.f32(Array(repeating: 0, count: 100), [1, 5, 5, 4]),
    ]
    var bad = feeds
    bad[sizes] = Tensor([Int32(1), 8, 8, 2])
    expectError(.shapeMismatch, containing: ["bp", "'out_backprop' has shape [1, 5, 5, 4]"]) { try Session(graph: g).run(dx, feeds: bad) }
    bad[sizes] = Tensor([Int32(1), -7, 7, 2])
    expectError(.invalidArgument, containing: ["bp", "4 non-negative sizes"]) { try Session(graph: g).run(dx, feeds: bad) }
    var good = feeds
    good[sizes] = Tensor([Int32(1), 7, 7, 2])
    #expect(try Session(graph: g).run(dx, feeds: good).shape == [1, 7, 7, 2])
  }

  @Test func batchNormShapes() throws {
    let g = Graph()
    let x = try g.placeholder(.float32, shape: [2, 4, 4, 3], name: "x")
    let v3 = try g.placeholder(.float32, shape: [3], name: "v3"), v4 = try g.placeholder(.float32, shape: [4], name: "v4")
    expectError(.shapeMismatch, containing: ["bn", "'scale' must have one element per channel of x (3)", "[4]"]) {
      try g.fusedBatchNorm(x, scale: v4, offset: v3, mean: v3, variance: v3, name: "bn")
    }
    expectError(.shapeMismatch, containing: ["'variance' must have one element per channel"]) {
      try g.fusedBatchNorm(x, scale: v3, offset: v3, mean: v3, variance: v4, isTraining: false)
    }
    let flat = try g.placeholder(.float32, shape: [2, 3], name: "flat")
    expectError(.shapeMismatch, containing: ["'x' must be a 4-D tensor (NHWC)", "[2, 3]"]) {
      try g.fusedBatchNorm(flat, scale: v3, offset: v3, mean: v3, variance: v3)
    }
    // Run time: statistics of the wrong length.
    let u = try g.placeholder(.float32, shape: [nil], name: "u")
    let bn = try g.fusedBatchNorm(x, scale: v3, offset: v3, mean: u, variance: u, isTraining: false, name: "bn_rt")
    let three = Tensor.f32([1, 1, 1], [3])
    expectError(.shapeMismatch, containing: ["bn_rt", "'mean' must have one element per channel of x (3)", "[2]"]) {
      try Session(graph: g).run(bn.y, feeds: [x: Tensor.f32(Array(repeating: 0, count: 96), [2, 4, 4, 3]), v3: three, u: Tensor.f32([1, 1], [2])])
    }
  }
}
