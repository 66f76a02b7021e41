import Testing
import TensorGraph
import TensorGraphTestSupport

@Suite struct RemapperTests {
  static let activations: [String?] = [nil, "Relu", "Relu6", "Elu", "Tanh", "Sigmoid"]

  /// `activation(x · w + b)` with x [?, 5], w [5, 4] (or [4, 5] with
  /// `transposeB`), b [4].
  static func dense(_ activation: String?, dtype: DType = .float32, transposeB: Bool = false, addV2: Bool = false)
    throws -> (Graph, Output)
  {
    let g = Graph()
    let x = try g.placeholder(dtype, shape: [nil, 5], name: "x")
    let w = try g.variable(
      Tensor.f64((0..<20).map { Double($0 % 7) * 0.3 - 0.8 }, transposeB ? [4, 5] : [5, 4]).converted(to: dtype),
      name: "w")
    let b = try g.variable(Tensor.f64([0.1, -0.2, 0.3, 0.5], [4]).converted(to: dtype), name: "b")
    let m = try g.matMul(x, w.value, transposeB: transposeB)
    var y = addV2 ? try g.add(m, b.value) : try g.biasAdd(m, b.value)
    if let activation { y = try g.output(g.addNode(op: activation, inputs: [y]), 0) }
    return (g, try g.identity(y, name: "y"))
  }

  @Test(arguments: activations)
  func fusesMatMulBiasAddAndActivation(_ activation: String?) throws {
    let (g, y) = try Self.dense(activation)
    let result = try expectPass(RemapperPass(), on: g, keep: KeepSet(fetches: [y]), fires: true)
    let fused = try #require(result.graph.nodes.first { $0.op == "_FusedMatMul" })
    #expect(fused.strings("fused_ops") == ["BiasAdd"] + (activation.map { [$0] } ?? []))
    #expect(result.graph.count(of: "MatMul") == 0 && result.graph.count(of: "BiasAdd") == 0)
    #expect(result.report.final.flops == result.report.initial.flops, "fusing moves fewer bytes, not fewer FLOPs")
  }

  @Test func fusesTheAddV2FormTransposesAndFloat64() throws {
    for (dtype, transposeB, addV2) in [(DType.float32, true, false), (.float32, false, true), (.float64, true, true)] {
      let (g, y) = try Self.dense("Relu", dtype: dtype, transposeB: transposeB, addV2: addV2)
      let result = try expectPass(RemapperPass(), on: g, keep: KeepSet(fetches: [y]), fires: true)
      let fused = try #require(result.graph.nodes.first { $0.op == "_FusedMatMul" })
      #expect(fused.bool("transpose_b") == transposeB)
    }
  }

  @Test func fusesEveryLayerOfATrainingGraphAfterDifferentiation() throws {
    let (g, y) = try Self.dense("Tanh")
    let loss = try g.mean(try g.square(y), name: "loss")
    let train = try GradientDescentOptimizer(learningRate: 0.05).minimize(loss)
    let keep = KeepSet(fetches: [loss], targets: [train])
    let result = try expectPass(RemapperPass(), on: g, keep: keep, fires: true, check: DifferentialCheck(steps: 4))
    #expect(result.graph.count(of: "_FusedMatMul") == 1)
  }

  /// Rows: patterns that must stay unfused.
  static let unfusable: [(String, @Sendable () throws -> (Graph, KeepSet))] = [
    ("the MatMul has another reader", {
      let (g, y) = try dense("Relu")
      return (g, KeepSet(fetches: [y, try g.output(named: "MatMul")]))
    }),
    ("the bias is a matrix", {
      let g = Graph()
      let x = try g.placeholder(.float32, shape: [2, 5], name: "x")
      let y = try g.relu(try g.add(try g.matMul(x, try g.constant(Tensor.f32(Array(repeating: 0.5, count: 15), [5, 3]))),
        try g.constant(Tensor.f32([1, 2, 3, 4, 5, 6], [2, 3]))))
      return (g, KeepSet(fetches: [y]))
    }),
    ("integer MatMul", {
      let g = Graph()
      let x = try g.placeholder(.int32, shape: [2, 2], name: "x")
      let y = try g.biasAdd(try g.matMul(x, x), try g.constant(Tensor([Int32(1), 2])))
      return (g, KeepSet(fetches: [y]))
    }),
  ]

  @Test(arguments: 0..<unfusable.count)
  func leavesAlone(_ row: Int) throws {
    let (g, keep) = try Self.unfusable[row].1()
    _ = try expectPass(RemapperPass(), on: g, keep: keep, fires: false)
  }

  @Test func keepsTheActivationOutOfTheFusionWhenTheBiasAddIsKept() throws {
    let (g, y) = try Self.dense("Relu")
    let result = try expectPass(
      RemapperPass(), on: g, keep: KeepSet(fetches: [y, try g.output(named: "BiasAdd")]), fires: true)
    let fused = try #require(result.graph.node(named: "BiasAdd"))
    #expect(fused.op == "_FusedMatMul" && fused.strings("fused_ops") == ["BiasAdd"])
    #expect(result.graph.count(of: "Relu") == 1)
  }
}

@Suite struct FusedMatMulOpTests {
  @Test(arguments: RemapperTests.activations)
  func gradientMatchesFiniteDifferences(_ activation: String?) {
    let x = Tensor.f64([0.3, -0.5, 0.8, 0.1, -0.9, 0.4], [2, 3])
    let w = Tensor.f64([0.2, -0.1, 0.7, 0.5, -0.3, 0.6], [3, 2])
    let b = Tensor.f64([0.05, -0.15], [2])
    for (ta, tb) in [(false, false), (true, true)] {
      expectGradientsMatch(inputs: [ta ? x.transposed2D() : x, tb ? w.transposed2D() : w, b]) { g, v, _ in
        try g.sum(try g.fusedMatMul(v[0], v[1], bias: v[2], activation: activation, transposeA: ta, transposeB: tb))
      }
    }
  }

  @Test func rejectsUnsupportedFusionsAndShapes() throws {
    let g = Graph()
    let x = try g.placeholder(.float32, shape: [2, 3], name: "x")
    let w = try g.placeholder(.float32, shape: [3, 4], name: "w")
    expectError(.invalidArgument, containing: ["fused_ops", "Softmax"]) {
      try g.fusedMatMul(x, w, bias: try g.placeholder(.float32, shape: [4]), activation: "Softmax")
    }
    expectError(.shapeMismatch, containing: ["bias", "[5]"]) {
      try g.fusedMatMul(x, w, bias: try g.placeholder(.float32, shape: [5]))
    }
  }

  @Test func serializesAndReloads() throws {
    let (g, y) = try RemapperTests.dense("Relu6")
    let fused = try PassManager([RemapperPass()]).run(g, keep: KeepSet(fetches: [y])).graph
    let reloaded = try Graph.deserialize(fused.serialize())
    #expect(reloaded.count(of: "_FusedMatMul") == 1)
    try DifferentialCheck().verify(original: g, transformed: reloaded, keep: KeepSet(fetches: [y]))
  }
}

extension Tensor {
  /// The transpose of a float64 matrix (test helper).
  func transposed2D() -> Tensor {
    let v = doubles(), r = shape[0], c = shape[1]
    return .f64((0..<(r * c)).map { v[($0 % r) * c + $0 / r] }, [c, r])
  }
}
