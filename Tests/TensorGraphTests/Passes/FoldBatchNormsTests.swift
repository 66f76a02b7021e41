import Testing
import TensorGraph
import TensorGraphTestSupport

@Suite struct FoldBatchNormsTests {
  /// How a parameter of the test layer is made.
  enum Source: Sendable {
    case constant, variable
  }

  /// `relu(batchNorm(conv2d(x, w)))` on x [?, 6, 6, 3] with a [3, 3, 3, 5]
  /// filter (VALID, dilation 2 on the width), inference mode, named "bn"
  /// and "y".
  static func layer(
    filter: Source = .constant, statistics: Source = .constant, dtype: DType = .float32, training: Bool = false,
    relu: Bool = true
  ) throws -> (Graph, Output) {
    let g = Graph()
    let x = try g.placeholder(dtype, shape: [nil, 6, 6, 3], name: "x")
    func parameter(_ name: String, _ shape: [Int], _ source: Source, plus: Double = 0, seed: UInt64) throws -> Output {
      let t = Tensor.f64(ConvReference.random(shape, seed: seed).map { $0 + plus }, shape).converted(to: dtype)
      return source == .constant ? try g.constant(t, name: name) : try g.variable(t, name: name).value
    }
    let w = try parameter("w", [3, 3, 3, 5], filter, seed: 1)
    let c = try g.conv2d(x, filter: w, strides: [1], padding: "VALID", dilations: [1, 2], name: "conv")
    let bn = try g.fusedBatchNorm(
      c, scale: try parameter("scale", [5], statistics, plus: 1.5, seed: 2),
      offset: try parameter("offset", [5], statistics, seed: 3), mean: try parameter("mean", [5], statistics, seed: 4),
      variance: try parameter("variance", [5], statistics, plus: 1.2, seed: 5), epsilon: 0.01, isTraining: training,
      name: "bn")
    return (g, relu ? try g.relu(bn.y, name: "y") : try g.identity(bn.y, name: "y"))
  }

  @Test func foldsIntoAConstantFilterAndABias() throws {
    let (g, y) = try Self.layer()
    let result = try expectPass(FoldBatchNormsPass(), on: g, keep: KeepSet(fetches: [y]), fires: true)
    let out = result.graph
    #expect(out.count(of: "FusedBatchNormV3") == 0)
    let bias = try #require(out.node(named: "bn"))
    #expect(bias.op == "BiasAdd")
    let conv = try #require(out.node(named: "conv"))
    #expect(out.node(at: conv.inputs[1].node).op == "Const")
    // The original filter and the four statistics are gone; the folded
    // filter and bias replace them.
    #expect(out.count(of: "Const") == 2)
  }

  /// The folded filter against the formula, element by element.
  @Test func foldedFilterAndBiasMatchTheFormula() throws {
    let (g, y) = try Self.layer(dtype: .float64, relu: false)
    let out = try PassManager([FoldBatchNormsPass()]).run(g, keep: KeepSet(fetches: [y])).graph
    let w = ConvReference.random([3, 3, 3, 5], seed: 1)
    let stats = (2...5).map { ConvReference.random([5], seed: UInt64($0)) }
    let (scale, offset, mean, variance) = (stats[0].map { $0 + 1.5 }, stats[1], stats[2], stats[3].map { $0 + 1.2 })
    let a = (0..<5).map { scale[$0] / (variance[$0] + 0.01).squareRoot() }
    let conv = try #require(out.node(named: "conv")), bias = try #require(out.node(named: "bn"))
    let folded = try #require(out.constantValue(of: conv.inputs[1]))
    expectClose(folded, w.enumerated().map { $1 * a[$0 % 5] }, shape: [3, 3, 3, 5], tolerance: 1e-15)
    let shift = try #require(out.constantValue(of: bias.inputs[1]))
    expectClose(shift, (0..<5).map { offset[$0] - mean[$0] * a[$0] }, shape: [5], tolerance: 1e-15)
  }

  @Test func scalesAVariableFilterInTheGraph() throws {
    let (g, y) = try Self.layer(filter: .variable)
    let result = try expectPass(FoldBatchNormsPass(), on: g, keep: KeepSet(fetches: [y]), fires: true)
    let conv = try #require(result.graph.node(named: "conv"))
    #expect(result.graph.node(at: conv.inputs[1].node).op == "Mul")
    #expect(result.graph.count(of: "FusedBatchNormV3") == 0)
  }

  @Test func float64() throws {
    let (g, y) = try Self.layer(dtype: .float64)
    _ = try expectPass(
      FoldBatchNormsPass(), on: g, keep: KeepSet(fetches: [y]), fires: true, check: DifferentialCheck(tolerance: 1e-12))
  }

  /// Folding, then the remapper: one `_FusedConv2D` with the bias and
  /// the ReLU; the default pipeline does the same.
  @Test func thenTheRemapperFusesConvolutionBiasAndActivation() throws {
    let (g, y) = try Self.layer()
    let keep = KeepSet(fetches: [y])
    for manager in [PassManager([FoldBatchNormsPass(), RemapperPass()]), PassManager.default] {
      let result = try manager.run(g, keep: keep)
      try DifferentialCheck().verify(original: g, transformed: result.graph, keep: keep)
      let fused = try #require(result.graph.node(named: "y"))
      #expect(fused.op == "_FusedConv2D" && fused.strings("fused_ops") == ["BiasAdd", "Relu"])
      #expect(result.graph.nodes.count == 4, "\(result.graph.nodes.map(\.op))")  // x, filter, bias, y
    }
  }

  /// Rows: batch norms that must stay.
  static let unfoldable: [(String, @Sendable () throws -> (Graph, KeepSet))] = [
    ("variable statistics", {
      let (g, y) = try layer(statistics: .variable)
      return (g, KeepSet(fetches: [y]))
    }),
    ("training mode", {
      let (g, y) = try layer(training: true)
      return (g, KeepSet(fetches: [y]))
    }),
    ("the convolution has another reader", {
      let (g, y) = try layer()
      let other = try g.sum(try g.output(named: "conv"), name: "other")
      return (g, KeepSet(fetches: [y, other]))
    }),
    ("the convolution is kept", {
      let (g, y) = try layer()
      return (g, KeepSet(fetches: [y, try g.output(named: "conv")]))
    }),
    ("the batch norm's variance output is kept", {
      let (g, y) = try layer()
      return (g, KeepSet(fetches: [y, try g.output(named: "bn:2")]))
    }),
    ("a statistic may be fed", {
      let (g, y) = try layer()
      return (g, KeepSet(fetches: [y], feeds: [try g.output(named: "mean")]))
    }),
  ]

  @Test(arguments: 0..<unfoldable.count)
  func leavesAlone(_ row: Int) throws {
    let (g, keep) = try Self.unfoldable[row].1()
    _ = try expectPass(FoldBatchNormsPass(), on: g, keep: keep, fires: false)
  }
}
