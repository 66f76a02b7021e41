import Foundation
import Testing
import TensorGraph
import TensorGraphTestSupport

@Suite struct ElementwiseFusionTests {
  @Test func fusesAChainWithBroadcastingOperands() throws {
    let g = Graph()
    let x = try g.placeholder(.float32, shape: [nil, 3], name: "x")
    let bias = try g.constant(Tensor.f32([0.5, -1, 2], [3]), name: "bias")
    let column = try g.placeholder(.float32, shape: [nil, 1], name: "column")
    var y = try g.multiply(x, try g.constant(1.5))
    y = try g.add(y, bias)
    y = try g.tanh(y)
    y = try g.subtract(y, column)
    y = try g.relu(y, name: "y")
    let result = try expectPass(ElementwiseFusionPass(), on: g, keep: KeepSet(fetches: [y]), fires: true)
    let fused = try #require(result.graph.node(named: "y"))
    #expect(fused.op == "FusedElementwise")
    #expect(fused.strings("ops") == ["Mul", "AddV2", "Tanh", "Sub", "Relu"])
    #expect(result.graph.nodeCount == 5, "x, column, bias, the scalar and the fused node")
  }

  @Test func fusesADiamondAndReusesTheSharedValue() throws {
    let g = Graph()
    let x = try g.placeholder(.float32, shape: [nil], name: "x")
    let t = try g.multiply(x, x)
    let y = try g.add(try g.exp(t), try g.negate(t), name: "y")
    let result = try expectPass(ElementwiseFusionPass(), on: g, keep: KeepSet(fetches: [y]), fires: true)
    let fused = try result.graph.requireNode(named: "y")
    #expect(fused.strings("ops") == ["Mul", "Exp", "Neg", "AddV2"])
    #expect(fused.ints("operands") == [0, 0, 1, 1, 2, 3], "x is one input; t is read twice")
  }

  @Test func stopsAtValuesReadOutsideTheChain() throws {
    let g = Graph()
    let x = try g.placeholder(.float32, shape: [4], name: "x")
    let t = try g.exp(try g.negate(x), name: "t")
    let y = try g.sigmoid(try g.square(t), name: "y")
    let result = try expectPass(ElementwiseFusionPass(), on: g, keep: KeepSet(fetches: [y, t]), fires: true)
    #expect(result.graph.node(named: "t")?.op == "FusedElementwise")
    #expect(result.graph.node(named: "y")?.strings("ops") == ["Square", "Sigmoid"])
  }

  /// Rows: graphs elementwise fusion must leave alone.
  static let unfusable: [(String, @Sendable (Graph, Output) throws -> Output)] = [
    ("a single op", { g, x in try g.exp(x) }),
    ("integer ops", { g, x in try g.negate(try g.abs(try g.cast(x, to: .int32))) }),
    ("a dtype change in the chain", { g, x in try g.exp(try g.cast(try g.exp(x), to: .float64)) }),
    ("ops that are not elementwise", { g, x in try g.exp(try g.sum(try g.exp(x))) }),
  ]

  @Test(arguments: 0..<unfusable.count)
  func leavesAlone(_ row: Int) throws {
    let g = Graph()
    let x = try g.placeholder(.float32, shape: [4], name: "x")
    let y = try Self.unfusable[row].1(g, x)
    _ = try expectPass(ElementwiseFusionPass(), on: g, keep: KeepSet(fetches: [y]), fires: false)
  }

  @Test func keepsInteriorNodesWhoseNamesMustStay() throws {
    let g = Graph()
    let x = try g.placeholder(.float32, shape: [4], name: "x")
    let a = try g.exp(x, name: "a")
    let y = try g.negate(a, name: "y")
    _ = try expectPass(ElementwiseFusionPass(), on: g, keep: KeepSet(fetches: [y, a]), fires: false)
  }

  @Test func fusesGradientChainsOfATrainingGraph() throws {
    let g = Graph()
    let x = try g.placeholder(.float32, shape: [nil, 3], name: "x")
    let w = try g.variable(Tensor.f32([0.5, -0.2, 0.3], [3]), name: "w")
    let h = try g.sigmoid(try g.tanh(try g.multiply(x, w.value)))
    let loss = try g.mean(try g.square(try g.subtract(h, try g.constant(0.25))), name: "loss")
    let train = try GradientDescentOptimizer(learningRate: 0.5).minimize(loss)
    let keep = KeepSet(fetches: [loss], targets: [train])
    let result = try expectPass(
      ElementwiseFusionPass(), on: g, keep: keep, fires: true, check: DifferentialCheck(steps: 4))
    let fusedOps = result.graph.nodes.filter { $0.op == "FusedElementwise" }.flatMap { $0.strings("ops") }
    #expect(fusedOps.contains("SigmoidGrad") && fusedOps.contains("TanhGrad"))
  }
}

/// The FusedElementwise kernel and op, against the unfused ops.
@Suite struct FusedElementwiseOpTests {
  /// Every fusable op, in a two-op chain `op(f(x), g(y))`, against the
  /// unfused graph on inputs inside every op's domain.
  static let ops = [
    "Neg", "Abs", "Square", "Sign", "Exp", "Log", "Sqrt", "Rsqrt", "Reciprocal", "Relu", "Relu6", "Elu", "Softplus",
    "Sigmoid", "Tanh", "AddV2", "Sub", "Mul", "RealDiv", "Maximum", "Minimum", "SquaredDifference", "Pow",
    "ReluGrad", "Relu6Grad", "EluGrad", "SoftplusGrad", "SigmoidGrad", "TanhGrad", "SqrtGrad", "RsqrtGrad",
    "ReciprocalGrad",
  ]

  @Test(arguments: ops, [DType.float32, .float64])
  func everyOpMatchesItsUnfusedKernel(_ op: String, _ dtype: DType) throws {
    let g = Graph()
    let x = try g.placeholder(dtype, shape: [nil, 700], name: "x")
    let z = try g.placeholder(dtype, shape: [nil, 700], name: "z")
    // exp keeps operands positive (Log, Sqrt, Pow); the Grad ops see
    // matching shapes.
    let a = try g.exp(x), b = try g.exp(z)
    let def = try #require(OpRegistry.standard.op(named: op))
    let y = try g.output(g.addNode(op: op, inputs: def.inputs.count == 1 ? [a] : [a, b], name: "y"), 0)
    let keep = KeepSet(fetches: [y])
    let result = try expectPass(
      ElementwiseFusionPass(), on: g, keep: keep, fires: true,
      check: DifferentialCheck(unknownDimension: 3, tolerance: dtype == .float32 ? 1e-6 : 1e-12))
    #expect(result.graph.node(named: "y")?.op == "FusedElementwise")
  }

  @Test func broadcastsLikeTheOriginalOpsOnLargeTensors() throws {
    // 300 × 1,000 elements: several threads' chunks, many blocks, and a
    // gathered [300, 1] column, a [1000] row and scalars.
    let g = Graph()
    let x = try g.placeholder(.float32, shape: [300, 1000], name: "x")
    let row = try g.placeholder(.float32, shape: [1000], name: "row")
    let column = try g.placeholder(.float32, shape: [300, 1], name: "column")
    var y = try g.add(try g.multiply(x, row), column)
    y = try g.maximum(try g.subtract(y, try g.constant(0.5)), try g.multiply(column, row))
    y = try g.relu6(try g.multiply(y, try g.constant(3.0)), name: "y")
    let result = try expectPass(ElementwiseFusionPass(), on: g, keep: KeepSet(fetches: [y]), fires: true)
    #expect(result.graph.count(of: "FusedElementwise") == 1)
  }

  @Test func writesInPlaceIntoADyingInputAndLeavesFedValuesAlone() throws {
    let g = Graph()
    let x = try g.placeholder(.float32, shape: [5000], name: "x")
    let t = try g.exp(x)  // dies in the fused node: its buffer may be reused
    let y = try g.fusedElementwise([t, x], ops: ["Mul", "Neg", "AddV2"], operands: [0, 0, 2, 1, 3], name: "y")
    let feed = Tensor.f32((0..<5000).map { Double($0 % 13) * 0.1 - 0.6 }, [5000])
    let copy = feed.copy()
    let out = try Session(graph: g).run(y, feeds: [x: feed])
    let v = feed.doubles()
    expectClose(out, v.map { -(Foundation.exp($0) * Foundation.exp($0)) + $0 }, shape: [5000], tolerance: 1e-5)
    #expect(feed == copy, "the fed value is not written")
  }

  @Test func allScalarChainsRunOnce() throws {
    let g = Graph()
    let x = try g.placeholder(.float64, shape: [], name: "x")
    let y = try g.fusedElementwise(
      [x, try g.constant(2, dtype: .float64)], ops: ["Mul", "Exp", "Sub"], operands: [0, 1, 2, 3, 1], name: "y")
    expectClose(try Session(graph: g).run(y, feeds: [x: Tensor(0.5)]), [Foundation.exp(1.0) - 2], shape: [])
  }

  @Test func differentiatesByExpandingTheChain() {
    let values = Tensor.f64([0.3, -0.5, 0.8, 0.1, -0.9, 0.4], [2, 3])
    let row = Tensor.f64([0.2, -0.4, 0.6], [3])
    expectGradientsMatch(inputs: [values, row]) { g, v, _ in
      let y = try g.fusedElementwise(
        [v[0], v[1]], ops: ["Mul", "Tanh", "SquaredDifference", "Sigmoid", "AddV2"],
        operands: [0, 1, 2, 3, 0, 4, 5, 2])
      return try g.sum(y)
    }
  }

  @Test func rejectsMalformedChains() throws {
    let g = Graph()
    let x = try g.placeholder(.float32, shape: [3], name: "x")
    let rows: [([String], [Int], String)] = [
      (["Softmax"], [0], "cannot be fused"),
      (["Exp"], [1], "names neither"),
      (["Exp", "Neg"], [0, 0], "never used"),
      (["AddV2"], [0], "too few"),
      (["Exp"], [0, 0], "take 1"),
      ([], [], "empty"),
    ]
    for (ops, operands, message) in rows {
      expectError(.invalidArgument, containing: [message]) { try g.fusedElementwise([x], ops: ops, operands: operands) }
    }
    let z = try g.placeholder(.float32, shape: [4], name: "z")
    expectError(.shapeMismatch, containing: ["do not broadcast"]) {
      try g.fusedElementwise([x, z], ops: ["AddV2"], operands: [0, 1])
    }
  }

  @Test func reportsShapesThatDoNotFitAtRunTime() throws {
    let g = Graph()
    let a = try g.placeholder(.float32, shape: [nil], name: "a")
    let b = try g.placeholder(.float32, shape: [nil], name: "b")
    let y = try g.fusedElementwise([a, b], ops: ["ReluGrad", "Neg"], operands: [0, 1, 2])
    expectError(.shapeMismatch, containing: ["ReluGrad", "[2]", "[3]"]) {
      try Session(graph: g).run(y, feeds: [a: Tensor.f32([1, 2], [2]), b: Tensor.f32([1, 2, 3], [3])])
    }
  }

  @Test func serializesAndReloads() throws {
    let g = Graph()
    let x = try g.placeholder(.float32, shape: [nil, 4], name: "x")
    let y = try g.relu(try g.add(try g.multiply(x, try g.constant(2.0)), try g.constant(Tensor.f32([1, 2, 3, 4], [4]))), name: "y")
    let fused = try PassManager([ElementwiseFusionPass()]).run(g, keep: KeepSet(fetches: [y])).graph
    let reloaded = try Graph.deserialize(fused.serialize())
    #expect(reloaded.node(named: "y")?.op == "FusedElementwise")
    try DifferentialCheck().verify(original: g, transformed: reloaded, keep: KeepSet(fetches: [y]))
  }
}
