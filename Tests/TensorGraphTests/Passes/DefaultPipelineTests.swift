import Testing
import TensorGraph
import TensorGraphBench
import TensorGraphTestSupport

/// The default pipeline on whole graphs: the MLP benchmark graphs (training
/// with Adam, and inference) and hand-built ones, each checked with the
/// differential check.
@Suite struct DefaultPipelineTests {
  @Test(arguments: [[512, 512], [128]])
  func removesAFifthOfTheMLPTrainingGraphWithOutputsUnchanged(_ hidden: [Int]) throws {
    let m = try MLPBenchmarks.build(hidden: hidden)
    let keep = KeepSet(fetches: [m.loss, m.logits], targets: [m.train])
    let result = try PassManager.default.run(m.graph, keep: keep)
    #expect(result.report.nodeReduction >= 0.2, "\(result.report.table())")
    #expect(result.graph.count(of: "_FusedMatMul") == hidden.count + 1)
    let check = DifferentialCheck(seed: 3, unknownDimension: 16, tolerance: 1e-5, steps: 4)
    let report = try check.verify(original: m.graph, transformed: result.graph, keep: keep)
    #expect(report.comparisons.contains { $0.name == "dense/kernel" && $0.step == nil })
  }

  @Test func keepsTheInitializersWhenAskedAndStillRemovesAFifth() throws {
    let m = try MLPBenchmarks.build(hidden: [512, 512])
    let initOp = try m.graph.requireNode(named: "init")
    let keep = KeepSet(fetches: [m.loss], targets: [m.train, initOp])
    let result = try PassManager.default.run(m.graph, keep: keep)
    #expect(result.report.nodeReduction >= 0.2, "\(result.report.table())")
    #expect(result.graph.node(named: "dense/kernel/Assign") != nil)
    // Steps run the train op only: running `init` every step would start over.
    let step = KeepSet(fetches: [m.loss], targets: [m.train])
    try DifferentialCheck(steps: 2).verify(original: m.graph, transformed: result.graph, keep: step)
    // The optimized graph initializes itself: a fresh session runs it.
    let session = Session(graph: result.graph)
    try session.run(targets: [try result.graph.requireNode(named: "init")])
    let loss = try session.run(
      fetches: [try result.graph.output(named: "loss")],
      feeds: [
        try result.graph.output(named: "x"): Tensor.f32(Array(repeating: 0.1, count: 2 * 784), [2, 784]),
        try result.graph.output(named: "labels"): Tensor([Int32(3), 7]),
      ])[0]
    #expect(loss.doubles()[0].isFinite)
  }

  @Test func optimizesTheInferenceGraphAndSurvivesSerialization() throws {
    let m = try MLPBenchmarks.build(hidden: [512, 512])
    let keep = KeepSet(fetches: [m.logits])
    let result = try PassManager.default.run(m.graph, keep: keep)
    #expect(result.graph.nodeCount <= 12, "\(result.graph.nodes.map(\.name))")
    let reloaded = try Graph.deserialize(result.graph.serialize())
    try DifferentialCheck(unknownDimension: 8).verify(original: m.graph, transformed: reloaded, keep: keep)
  }

  @Test func optimizesAHandBuiltGraphWithEveryKindOfOpportunity() throws {
    let g = Graph()
    let x = try g.placeholder(.float32, shape: [nil, 6], name: "x")
    let w = try g.constant(Tensor.f32((0..<24).map { Double($0 % 5) * 0.2 - 0.4 }, [4, 6]), name: "w")
    let shift = try g.add(try g.constant(1.0), try g.constant(-1.0))  // folds to 0
    let h = try g.matMul(x, try g.transpose(w))  // transpose → MatMul flag
    let z = try g.relu(try g.biasAdd(h, try g.constant(Tensor.f32([0.1, 0.2, 0.3, 0.4], [4]))))
    let a = try g.multiply(try g.sigmoid(try g.add(z, shift)), try g.constant(2.0))
    let b = try g.multiply(try g.sigmoid(try g.add(z, shift)), try g.constant(2.0))  // duplicate of a
    let y = try g.identity(try g.subtract(try g.tanh(a), try g.negate(try g.negate(b))), name: "y")
    _ = try g.exp(y, name: "unused")
    let keep = KeepSet(fetches: [y])
    let result = try PassManager.default.run(g, keep: keep)
    try DifferentialCheck(steps: 2).verify(original: g, transformed: result.graph, keep: keep)
    let ops = result.graph.nodes.map(\.op)
    #expect(ops.filter { $0 == "Placeholder" || $0 == "Const" }.count + 3 == ops.count, "\(ops)")
    #expect(ops.contains("_FusedMatMul") && ops.contains("FusedElementwise") && ops.last == "Identity")
  }

  @Test func isIdempotent() throws {
    let m = try MLPBenchmarks.build(hidden: [128])
    let keep = KeepSet(fetches: [m.loss], targets: [m.train])
    let once = try PassManager.default.run(m.graph, keep: keep).graph
    let twice = try PassManager.default.run(once, keep: keep)
    #expect(twice.report.entries.allSatisfy { !$0.changed }, "\(twice.report.table())")
  }
}
