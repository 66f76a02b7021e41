import Testing
import TensorGraph
import TensorGraphTestSupport

/// Shape functions of the convolution and pooling ops as tables over partial
/// shapes, the ops' registration, and their cost estimates.
@Suite struct ConvShapeTests {
  /// (input, filter, strides, padding, dilations) → output.
  static let convolutionTable: [([Int?]?, [Int?]?, [Int], String, [Int], [Int?])] = [
    ([nil, 28, 28, 1], [3, 3, 1, 32], [1], "VALID", [1], [nil, 26, 26, 32]),
    ([nil, 13, 13, 32], [3, 3, 32, 64], [1], "VALID", [1], [nil, 11, 11, 64]),
    ([8, 28, 28, 3], [5, 5, 3, 6], [2], "SAME", [1], [8, 14, 14, 6]),
    ([8, 27, 27, 3], [5, 5, 3, 6], [2], "SAME", [1], [8, 14, 14, 6]),
    ([8, 27, 27, 3], [5, 5, 3, 6], [2], "VALID", [1], [8, 12, 12, 6]),
    ([1, 10, 9, 3], [3, 3, 3, 4], [1], "VALID", [2], [1, 6, 5, 4]),
    ([1, 10, 9, 3], [3, 3, 3, 4], [3, 2], "SAME", [2, 1], [1, 4, 5, 4]),
    ([nil, nil, 9, nil], [3, 3, 3, 4], [1], "VALID", [1], [nil, nil, 7, 4]),
    ([nil, 10, 9, 3], [nil, 3, 3, 4], [1], "VALID", [1], [nil, nil, 7, 4]),
    (nil, [3, 3, 3, 4], [1], "SAME", [1], [nil, nil, nil, 4]),
    ([2, 5, 5, 3], nil, [1], "SAME", [1], [2, 5, 5, nil]),
  ]

  @Test(arguments: convolutionTable)
  func conv2dShapes(_ row: ([Int?]?, [Int?]?, [Int], String, [Int], [Int?])) throws {
    let (input, filter, strides, padding, dilations, expected) = row
    let g = Graph()
    let x = try g.placeholder(.float32, shape: input, name: "x")
    let w = try g.placeholder(.float32, shape: filter, name: "w")
    let y = try g.conv2d(x, filter: w, strides: strides, padding: padding, dilations: dilations)
    #expect(y.shape == PartialShape(expected))
    // Both backprop ops infer the operand shapes back.
    let grads = try g.gradients(of: y, with: [x, w])
    #expect(grads[0]?.shape.isCompatible(with: input.map { PartialShape($0) } ?? .unknown(rank: 4)) == true)
    #expect(grads[1]?.shape.isCompatible(with: filter.map { PartialShape($0) } ?? .unknown(rank: 4)) == true)
  }

  @Test func backpropShapesComeFromTheSizesInput() throws {
    let g = Graph()
    let w = try g.placeholder(.float32, shape: [3, 3, 2, 4], name: "w")
    let dy = try g.placeholder(.float32, shape: [nil, 6, 6, 4], name: "dy")
    let sizes = try g.constant(Tensor([Int32(5), 8, 8, 2]))
    let dx = try g.conv2dBackpropInput(inputSizes: sizes, filter: w, outBackprop: dy, strides: [1], padding: "VALID")
    #expect(dx.shape == [5, 8, 8, 2])
    // Shape(x) as the sizes: the partial shape of x, refined by the operands.
    let x = try g.placeholder(.float32, shape: [nil, 8, 8, nil], name: "x")
    let dx2 = try g.conv2dBackpropInput(
      inputSizes: try g.shape(of: x), filter: w, outBackprop: dy, strides: [1], padding: "VALID")
    #expect(dx2.shape == [.unknown, 8, 8, 2])
    let dw = try g.conv2dBackpropFilter(
      x, filterSizes: try g.constant(Tensor([Int32(3), 3, 2, 4])), outBackprop: dy, strides: [1], padding: "VALID")
    #expect(dw.shape == [3, 3, 2, 4])
  }

  static let poolTable: [([Int?]?, [Int], [Int], String, [Int?])] = [
    ([nil, 26, 26, 32], [2], [2], "VALID", [nil, 26 / 2, 13, 32]),
    ([nil, 11, 11, 64], [2], [2], "VALID", [nil, 5, 5, 64]),
    ([nil, 11, 11, 64], [2], [2], "SAME", [nil, 6, 6, 64]),
    ([4, 7, 9, 3], [3, 2], [2, 3], "VALID", [4, 3, 3, 3]),
    ([4, nil, 9, 3], [3], [1], "SAME", [4, nil, 9, 3]),
    (nil, [2], [2], "VALID", [nil, nil, nil, nil]),
  ]

  @Test(arguments: poolTable)
  func poolingShapes(_ row: ([Int?]?, [Int], [Int], String, [Int?])) throws {
    let (input, ksize, strides, padding, expected) = row
    let g = Graph()
    let x = try g.placeholder(.float32, shape: input, name: "x")
    #expect(try g.maxPool(x, ksize: ksize, strides: strides, padding: padding).shape == PartialShape(expected))
    #expect(try g.avgPool(x, ksize: ksize, strides: strides, padding: padding).shape == PartialShape(expected))
  }

  /// The issue's ops, each registered with a gradient rule.
  @Test(arguments: [
    "Conv2D", "Conv2DBackpropInput", "Conv2DBackpropFilter", "DepthwiseConv2dNative",
    "DepthwiseConv2dNativeBackpropInput", "DepthwiseConv2dNativeBackpropFilter", "MaxPool", "MaxPoolGrad",
    "MaxPoolGradGrad", "AvgPool", "AvgPoolGrad", "FusedBatchNormV3", "FusedBatchNormGradV3",
  ])
  func registeredWithAGradient(_ name: String) throws {
    let def = try #require(OpRegistry.standard.op(named: name))
    guard case .function = def.gradient else {
      Issue.record("\(name) has no gradient function")
      return
    }
  }

  @Test func costs() throws {
    let conv = try #require(OpRegistry.standard.op(named: "Conv2D"))
    let c = CostContext(
      attrs: [:], inputs: [(.float32, [32, 13, 13, 32]), (.float32, [3, 3, 32, 64])],
      outputs: [(.float32, [32, 11, 11, 64])])
    #expect(conv.cost(c).flops == 2 * 32 * 11 * 11 * 64 * 9 * 32)
    let filter = try #require(OpRegistry.standard.op(named: "Conv2DBackpropFilter"))
    let f = CostContext(
      attrs: [:], inputs: [(.float32, [32, 13, 13, 32]), (.int32, [4]), (.float32, [32, 11, 11, 64])],
      outputs: [(.float32, [3, 3, 32, 64])])
    #expect(filter.cost(f).flops == 2 * 32 * 11 * 11 * 64 * 9 * 32)
    let pool = try #require(OpRegistry.standard.op(named: "MaxPool"))
    let p = CostContext(
      attrs: ["ksize": .ints([1, 2, 2, 1])], inputs: [(.float32, [32, 26, 26, 32])], outputs: [(.float32, [32, 13, 13, 32])])
    #expect(pool.cost(p).flops == 4 * 32 * 13 * 13 * 32)
  }
}
