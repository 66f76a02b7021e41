import Testing
import TensorGraph
import TensorGraphTestSupport

/// Depthwise configurations: filter [kh, kw, channels, multiplier].
let depthwiseCases: [ConvCase] = [
  ConvCase(input: [1, 5, 5, 1], filter: [3, 3, 1, 1]),
  ConvCase(input: [2, 6, 7, 3], filter: [3, 2, 3, 1], padding: "SAME"),
  ConvCase(input: [2, 6, 7, 3], filter: [3, 3, 3, 2]),
  ConvCase(input: [1, 4, 4, 2], filter: [3, 3, 2, 3], strides: (2, 2), padding: "SAME"),
  ConvCase(input: [3, 7, 8, 2], filter: [2, 3, 2, 2], strides: (2, 3)),
  ConvCase(input: [1, 7, 7, 2], filter: [3, 3, 2, 1], padding: "SAME", dilations: (2, 2)),
  ConvCase(input: [2, 5, 6, 4], filter: [1, 1, 4, 2]),
]

private func buildDepthwise(_ g: Graph, _ x: Output, _ w: Output, _ c: ConvCase) throws -> Output {
  try g.depthwiseConv2dNative(x, filter: w, strides: c.stridesAttr, padding: c.padding, dilations: c.dilationsAttr)
}

@Suite struct DepthwiseConv2DTests {
  @Test(arguments: depthwiseCases, [DType.float32, .float64])
  func matchesDirectReference(_ c: ConvCase, dtype: DType) throws {
    let xv = ConvReference.random(c.input, seed: 1), wv = ConvReference.random(c.filter, seed: 2)
    let (expected, shape) = ConvReference.conv2d(
      xv, c.input, wv, c.filter, strides: c.strides, padding: c.padding, dilations: c.dilations, depthwise: true)
    let g = Graph()
    let make = { (v: [Double], s: [Int]) in dtype == .float32 ? Tensor.f32(v, s) : Tensor.f64(v, s) }
    let y = try buildDepthwise(g, try g.constant(make(xv, c.input)), try g.constant(make(wv, c.filter)), c)
    #expect(y.shape == PartialShape(shape))
    expectClose(try evaluate(y), expected, shape: shape, tolerance: dtype == .float32 ? 1e-5 : 1e-12)
  }

  @Test(arguments: depthwiseCases)
  func gradientsMatchFiniteDifferences(_ c: ConvCase) {
    let x = Tensor.f64(ConvReference.random(c.input, seed: 3), c.input)
    let w = Tensor.f64(ConvReference.random(c.filter, seed: 4), c.filter)
    expectGradientsMatch(inputs: [x, w]) { g, v, _ in try buildDepthwise(g, v[0], v[1], c) }
  }

  @Test(arguments: [depthwiseCases[2], depthwiseCases[3], depthwiseCases[5]])
  func backpropOpsHaveGradients(_ c: ConvCase) throws {
    let (_, outShape) = ConvReference.conv2d(
      ConvReference.random(c.input, seed: 1), c.input, ConvReference.random(c.filter, seed: 2), c.filter,
      strides: c.strides, padding: c.padding, dilations: c.dilations, depthwise: true)
    let w = Tensor.f64(ConvReference.random(c.filter, seed: 5), c.filter)
    let x = Tensor.f64(ConvReference.random(c.input, seed: 6), c.input)
    let dy = Tensor.f64(ConvReference.random(outShape, seed: 7), outShape)
    expectGradientsMatch(inputs: [w, dy]) { g, v, _ in
      try g.depthwiseConv2dNativeBackpropInput(
        inputSizes: try g.constant(Tensor(c.input.map { Int32($0) })), filter: v[0], outBackprop: v[1],
        strides: c.stridesAttr, padding: c.padding, dilations: c.dilationsAttr)
    }
    expectGradientsMatch(inputs: [x, dy]) { g, v, _ in
      try g.depthwiseConv2dNativeBackpropFilter(
        v[0], filterSizes: try g.constant(Tensor(c.filter.map { Int32($0) })), outBackprop: v[1],
        strides: c.stridesAttr, padding: c.padding, dilations: c.dilationsAttr)
    }
  }

  @Test func shapesWithUnknownBatch() throws {
    let g = Graph()
    let x = try g.placeholder(.float32, shape: [nil, 10, 10, 3], name: "x")
    let w = try g.placeholder(.float32, shape: [3, 3, 3, 4], name: "w")
    let y = try g.depthwiseConv2dNative(x, filter: w, strides: [2], padding: "SAME")
    #expect(y.shape == [.unknown, 5, 5, 12])
    let grads = try g.gradients(of: y, with: [x, w])
    #expect(grads[0]?.node.op == "DepthwiseConv2dNativeBackpropInput" && grads[0]?.shape == [.unknown, 10, 10, 3])
    #expect(grads[1]?.node.op == "DepthwiseConv2dNativeBackpropFilter" && grads[1]?.shape == [3, 3, 3, 4])
  }
}
