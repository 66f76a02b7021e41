import Foundation
import Testing
import TensorGraph
import TensorGraphTestSupport

/// The activation `_FusedConv2D` applies, in Double, for the references.
func fusedActivationReference(_ activation: String?, _ x: Double) -> Double {
  switch activation {
  case "Relu": return max(x, 0)
  case "Relu6": return min(max(x, 0), 6)
  case "Elu": return x > 0 ? x : exp(x) - 1
  case "Tanh": return tanh(x)
  case "Sigmoid": return 1 / (1 + exp(-x))
  default: return x
  }
}

/// Convolutions for the fused op: strided, SAME, dilated, planar
/// (one input channel), pointwise.
let fusedConvCases = [convCases[1], convCases[3], convCases[6], convCases[9], convCases[12]]

private func buildFused(
  _ g: Graph, _ x: Output, _ w: Output, args: [Output], activation: String?, _ c: ConvCase
) throws -> Output {
  if args.count == 1 {
    return try g.fusedConv2d(
      x, filter: w, bias: args[0], activation: activation, strides: c.stridesAttr, padding: c.padding,
      dilations: c.dilationsAttr)
  }
  return try g.fusedConv2d(
    x, filter: w, scale: args[0], offset: args[1], mean: args[2], variance: args[3], epsilon: 0.01,
    activation: activation, strides: c.stridesAttr, padding: c.padding, dilations: c.dilationsAttr)
}

/// Per-channel arguments: a bias, or scale, offset, mean and a positive
/// variance.
private func fusedArguments(channels n: Int, batchNorm: Bool, seed: UInt64) -> [[Double]] {
  let r = (0..<4).map { ConvReference.random([n], seed: seed + UInt64($0)) }
  return batchNorm ? [r[0].map { $0 + 1.5 }, r[1], r[2], r[3].map { $0 + 1.2 }] : [r[0]]
}

@Suite struct FusedConv2DTests {
  static let activations: [String?] = [nil, "Relu", "Relu6", "Elu", "Tanh", "Sigmoid"]

  /// Forward values against the direct convolution reference, then the
  /// bias or the normalization and the activation in Double.
  @Test(arguments: fusedConvCases, [false, true])
  func matchesDirectReference(_ c: ConvCase, batchNorm: Bool) throws {
    let xv = ConvReference.random(c.input, seed: 1), wv = ConvReference.random(c.filter, seed: 2)
    let (conv, shape) = ConvReference.conv2d(
      xv, c.input, wv, c.filter, strides: c.strides, padding: c.padding, dilations: c.dilations)
    let n = c.filter[3]
    let args = fusedArguments(channels: n, batchNorm: batchNorm, seed: 3)
    let z = conv.enumerated().map { i, v -> Double in
      let ch = i % n
      guard batchNorm else { return v + args[0][ch] }
      return (v - args[2][ch]) * args[0][ch] / (args[3][ch] + 0.01).squareRoot() + args[1][ch]
    }
    for activation in Self.activations {
      let expected = z.map { fusedActivationReference(activation, $0) }
      for dtype in [DType.float32, .float64] {
        let make = { (v: [Double], s: [Int]) in dtype == .float32 ? Tensor.f32(v, s) : Tensor.f64(v, s) }
        let g = Graph()
        let y = try buildFused(
          g, try g.constant(make(xv, c.input)), try g.constant(make(wv, c.filter)),
          args: try args.map { try g.constant(make($0, [n])) }, activation: activation, c)
        #expect(y.shape == PartialShape(shape))
        expectClose(try evaluate(y), expected, shape: shape, tolerance: dtype == .float32 ? 2e-5 : 1e-12)
      }
    }
  }

  /// Large enough for many chunks, each with its own epilogue block.
  @Test func largeBatchSplitsIntoChunks() throws {
    let c = ConvCase(input: [16, 12, 12, 8], filter: [3, 3, 8, 24], padding: "SAME")
    let xv = ConvReference.random(c.input, seed: 4), wv = ConvReference.random(c.filter, seed: 5)
    let bv = ConvReference.random([24], seed: 6)
    let (conv, shape) = ConvReference.conv2d(xv, c.input, wv, c.filter, strides: c.strides, padding: c.padding)
    let g = Graph()
    let y = try g.fusedConv2d(
      try g.constant(Tensor.f32(xv, c.input)), filter: try g.constant(Tensor.f32(wv, c.filter)),
      bias: try g.constant(Tensor.f32(bv, [24])), activation: "Relu", strides: [1], padding: "SAME")
    expectClose(try evaluate(y), conv.enumerated().map { max($1 + bv[$0 % 24], 0) }, shape: shape, tolerance: 1e-5)
  }

  @Test(arguments: fusedConvCases, [false, true])
  func gradientsMatchFiniteDifferences(_ c: ConvCase, batchNorm: Bool) {
    let n = c.filter[3]
    let x = Tensor.f64(ConvReference.random(c.input, seed: 7), c.input)
    let w = Tensor.f64(ConvReference.random(c.filter, seed: 8), c.filter)
    let args = fusedArguments(channels: n, batchNorm: batchNorm, seed: 9).map { Tensor.f64($0, [n]) }
    // Away from ReLU's kink and Relu6's clip: Tanh and Elu here, the
    // piecewise-linear activations share their rule with _FusedMatMul.
    for activation in [nil, "Tanh", "Elu"] as [String?] {
      expectGradientsMatch(inputs: [x, w] + args) { g, v, _ in
        try buildFused(g, v[0], v[1], args: Array(v[2...]), activation: activation, c)
      }
    }
  }

  @Test func gradientsWithUnknownBatch() {
    let c = convCases[3], n = c.filter[3]
    let x = Tensor.f64(ConvReference.random(c.input, seed: 10), c.input)
    let w = Tensor.f64(ConvReference.random(c.filter, seed: 11), c.filter)
    for batchNorm in [false, true] {
      let args = fusedArguments(channels: n, batchNorm: batchNorm, seed: 12).map { Tensor.f64($0, [n]) }
      expectGradientsIndependentOfStaticShapes(inputs: [x, w] + args) { g, v, _ in
        try buildFused(g, v[0], v[1], args: Array(v[2...]), activation: "Sigmoid", c)
      }
    }
  }

  @Test func rejectsUnsupportedFusionsAndShapes() throws {
    let g = Graph()
    let x = try g.placeholder(.float32, shape: [1, 5, 5, 2], name: "x")
    let w = try g.placeholder(.float32, shape: [3, 3, 2, 4], name: "w")
    let b = try g.placeholder(.float32, shape: [4], name: "b")
    expectError(.invalidArgument, containing: ["fused_ops", "Softmax"]) {
      try g.fusedConv2d(x, filter: w, bias: b, activation: "Softmax", strides: [1], padding: "VALID")
    }
    expectError(.invalidArgument, containing: ["FusedBatchNorm", "4 arguments", "1 were given"]) {
      try g.addNode(
        op: "_FusedConv2D", inputs: [x, w, b],
        attrs: ["strides": .ints([1, 1, 1, 1]), "padding": .string("VALID"), "fused_ops": .strings(["FusedBatchNorm"])],
        name: "fused")
    }
    expectError(.shapeMismatch, containing: ["[5]", "4"]) {
      try g.fusedConv2d(x, filter: w, bias: try g.placeholder(.float32, shape: [5]), strides: [1], padding: "VALID")
    }
    expectError(.shapeMismatch, containing: ["channels", "[1, 5, 5, 2]", "[3, 3, 3, 4]"]) {
      try g.fusedConv2d(
        x, filter: try g.placeholder(.float32, shape: [3, 3, 3, 4]), bias: b, strides: [1], padding: "VALID")
    }
    expectError(.shapeMismatch, containing: ["larger than the padded input"]) {
      try g.fusedConv2d(
        x, filter: try g.placeholder(.float32, shape: [6, 3, 2, 4]), bias: b, strides: [1], padding: "VALID")
    }
  }

  @Test func runTimeChecksWhenShapesAreUnknown() throws {
    let g = Graph()
    let x = try g.placeholder(.float32, shape: nil, name: "x")
    let w = try g.placeholder(.float32, shape: nil, name: "w")
    let b = try g.placeholder(.float32, shape: nil, name: "b")
    let y = try g.fusedConv2d(x, filter: w, bias: b, activation: "Relu", strides: [1], padding: "VALID", name: "conv")
    let s = Session(graph: g)
    let feeds = { (bias: Int) in
      [x: Tensor.f32(Array(repeating: 1, count: 18), [1, 3, 3, 2]), w: Tensor.f32(Array(repeating: 1, count: 16), [2, 2, 2, 2]),
       b: Tensor.f32(Array(repeating: 0.5, count: bias), [bias])]
    }
    expectClose(try s.run(fetches: [y], feeds: feeds(2))[0], Array(repeating: 8.5, count: 8), shape: [1, 2, 2, 2])
    expectError(.shapeMismatch, containing: ["conv", "'bias'", "[3]"]) { try s.run(fetches: [y], feeds: feeds(3)) }
  }

  @Test func serializesAndReloads() throws {
    let g = Graph()
    let x = try g.placeholder(.float32, shape: [nil, 6, 6, 2], name: "x")
    let w = try g.constant(Tensor.f32(ConvReference.random([3, 3, 2, 3], seed: 13), [3, 3, 2, 3]))
    let vector = { (seed: UInt64, plus: Double) in try g.constant(Tensor.f32(ConvReference.random([3], seed: seed).map { $0 + plus }, [3])) }
    let y = try g.fusedConv2d(
      x, filter: w, scale: try vector(14, 1.5), offset: try vector(15, 0), mean: try vector(16, 0),
      variance: try vector(17, 1.2), epsilon: 0.002, activation: "Relu6", strides: [2], padding: "SAME", name: "y")
    let reloaded = try Graph.deserialize(g.serialize())
    let node = try #require(reloaded.node(named: "y"))
    #expect(node.op == "_FusedConv2D" && node.strings("fused_ops") == ["FusedBatchNorm", "Relu6"])
    #expect(node.float("epsilon") == 0.002 && node.int("num_args") == 4)
    try DifferentialCheck().verify(original: g, transformed: reloaded, keep: KeepSet(fetches: [y]))
  }
}
