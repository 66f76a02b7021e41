import Testing
import TensorGraph
import TensorGraphTestSupport

/// The remapper's Conv2D patterns: Conv2D → BiasAdd / AddV2 / inference
/// FusedBatchNormV3 → activation into `_FusedConv2D`.
@Suite struct RemapperConv2DTests {
  /// How the convolution's output is post-processed.
  enum Middle: String, CaseIterable, Sendable {
    case biasAdd, addV2, batchNorm
  }

  /// `activation(middle(conv2d(x, w)))` on x [?, 7, 7, 2] with a [3, 3, 2, 4]
  /// filter (stride 2, SAME) and variables for every parameter, the output
  /// named "y".
  static func layer(
    _ middle: Middle, _ activation: String?, dtype: DType = .float32, training: Bool = false
  ) throws -> (Graph, Output) {
    let g = Graph()
    let x = try g.placeholder(dtype, shape: [nil, 7, 7, 2], name: "x")
    func variable(_ name: String, _ shape: [Int], plus: Double = 0, seed: UInt64) throws -> Output {
      try g.variable(Tensor.f64(ConvReference.random(shape, seed: seed).map { $0 + plus }, shape).converted(to: dtype), name: name)
        .value
    }
    let w = try variable("w", [3, 3, 2, 4], seed: 1)
    let c = try g.conv2d(x, filter: w, strides: [2], padding: "SAME", name: "conv")
    var y: Output
    switch middle {
    case .biasAdd: y = try g.biasAdd(c, try variable("b", [4], seed: 2))
    case .addV2: y = try g.add(try variable("b", [4], seed: 2), c)
    case .batchNorm:
      y = try g.fusedBatchNorm(
        c, scale: try variable("scale", [4], plus: 1.5, seed: 3), offset: try variable("offset", [4], seed: 4),
        mean: try variable("mean", [4], seed: 5), variance: try variable("variance", [4], plus: 1.2, seed: 6),
        epsilon: 0.001, isTraining: training, name: "bn"
      ).y
    }
    if let activation { y = try g.output(g.addNode(op: activation, inputs: [y]), 0) }
    return (g, try g.identity(y, name: "y"))
  }

  @Test(arguments: Middle.allCases, RemapperTests.activations)
  func fusesConvolutionMiddleAndActivation(_ middle: Middle, _ activation: String?) throws {
    let (g, y) = try Self.layer(middle, activation)
    let result = try expectPass(RemapperPass(), on: g, keep: KeepSet(fetches: [y]), fires: true)
    let fused = try #require(result.graph.nodes.first { $0.op == "_FusedConv2D" })
    let first = middle == .batchNorm ? "FusedBatchNorm" : "BiasAdd"
    #expect(fused.strings("fused_ops") == [first] + (activation.map { [$0] } ?? []))
    #expect(fused.int("num_args") == (middle == .batchNorm ? 4 : 1))
    #expect(fused.ints("strides") == [1, 2, 2, 1] && fused.string("padding") == "SAME")
    if middle == .batchNorm { #expect(fused.float("epsilon") == 0.001) }
    #expect(result.graph.count(of: "Conv2D") == 0 && result.graph.count(of: "FusedBatchNormV3") == 0)
  }

  @Test func fusesFloat64() throws {
    for middle in Middle.allCases {
      let (g, y) = try Self.layer(middle, "Relu", dtype: .float64)
      let result = try expectPass(
        RemapperPass(), on: g, keep: KeepSet(fetches: [y]), fires: true, check: DifferentialCheck(tolerance: 1e-12))
      #expect(result.graph.count(of: "_FusedConv2D") == 1)
    }
  }

  @Test func fusesTheLayersOfATrainingGraphAfterDifferentiation() throws {
    let (g, y) = try Self.layer(.biasAdd, "Relu")
    let loss = try g.mean(try g.square(y), name: "loss")
    let train = try GradientDescentOptimizer(learningRate: 0.05).minimize(loss)
    let result = try expectPass(
      RemapperPass(), on: g, keep: KeepSet(fetches: [loss], targets: [train]), fires: true,
      check: DifferentialCheck(steps: 3))
    #expect(result.graph.count(of: "_FusedConv2D") == 1)
    #expect(result.graph.count(of: "Conv2DBackpropFilter") == 1)
  }

  /// Fusing before differentiating: the fused op's own gradient trains the
  /// same as the unfused layer's.
  @Test func fusedGraphTrainsLikeTheOriginal() throws {
    for middle in Middle.allCases {
      let (g, y) = try Self.layer(middle, "Tanh")
      let fused = try PassManager([RemapperPass()]).run(g, keep: KeepSet(fetches: [y])).graph
      var losses: [Double] = []
      for graph in [g, fused] {
        let out = try graph.output(named: "y")
        let loss = try graph.mean(try graph.square(out), name: "loss")
        let train = try GradientDescentOptimizer(learningRate: 0.1).minimize(loss)
        let s = Session(graph: graph)
        try s.run(targets: [try graph.globalVariablesInitializer()])
        let x = Tensor.f32(ConvReference.random([2, 7, 7, 2], seed: 9), [2, 7, 7, 2])
        for _ in 0..<3 { try s.run(targets: [train], feeds: [try graph.output(named: "x"): x]) }
        losses.append(try s.run(loss, feeds: [try graph.output(named: "x"): x]).doubles()[0])
      }
      #expect(abs(losses[0] - losses[1]) <= 1e-5 * (1 + abs(losses[0])), "\(middle): \(losses)")
    }
  }

  @Test func keepsTheActivationOutOfTheFusionWhenTheMiddleIsKept() throws {
    let (g, y) = try Self.layer(.biasAdd, "Relu")
    let result = try expectPass(
      RemapperPass(), on: g, keep: KeepSet(fetches: [y, try g.output(named: "BiasAdd")]), fires: true)
    let fused = try #require(result.graph.node(named: "BiasAdd"))
    #expect(fused.op == "_FusedConv2D" && fused.strings("fused_ops") == ["BiasAdd"])
    #expect(result.graph.count(of: "Relu") == 1)
  }

  /// Rows: patterns that must stay unfused.
  static let unfusable: [(String, @Sendable () throws -> (Graph, KeepSet))] = [
    ("the convolution has another reader", {
      let (g, y) = try layer(.biasAdd, "Relu")
      return (g, KeepSet(fetches: [y, try g.output(named: "conv")]))
    }),
    ("the convolution is fed", {
      let (g, y) = try layer(.biasAdd, nil)
      return (g, KeepSet(fetches: [y], feeds: [try g.output(named: "conv")]))
    }),
    ("the batch norm is in training mode", {
      let (g, y) = try layer(.batchNorm, "Relu", training: true)
      return (g, KeepSet(fetches: [y]))
    }),
    ("the batch norm's mean output is read", {
      let (g, y) = try layer(.batchNorm, nil)
      return (g, KeepSet(fetches: [y, try g.output(named: "bn:1")]))
    }),
    ("the batch norm's mean output is read and a Relu follows", {
      let (g, y) = try layer(.batchNorm, "Relu")
      return (g, KeepSet(fetches: [y, try g.output(named: "bn:1")]))
    }),
    ("the AddV2 operand is not one value per channel", {
      let g = Graph()
      let x = try g.placeholder(.float32, shape: [nil, 5, 5, 2], name: "x")
      let c = try g.conv2d(x, filter: try g.constant(Tensor.f32(Array(repeating: 0.5, count: 36), [3, 3, 2, 2])),
        strides: [1], padding: "VALID")
      let y = try g.relu(try g.add(c, try g.constant(Tensor.f32([1, 2, 3, 4, 5, 6], [3, 1, 2]))))
      return (g, KeepSet(fetches: [y]))
    }),
  ]

  @Test(arguments: 0..<unfusable.count)
  func leavesAlone(_ row: Int) throws {
    let (g, keep) = try Self.unfusable[row].1()
    _ = try expectPass(RemapperPass(), on: g, keep: keep, fires: false)
  }
}
