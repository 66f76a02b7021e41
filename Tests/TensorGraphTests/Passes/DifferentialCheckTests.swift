import Testing
import TensorGraph
import TensorGraphTestSupport

@Suite struct DifferentialCheckTests {
  /// A wrong "optimization": Tanh → Sigmoid.
  static let wrong = FunctionPass("tanh-to-sigmoid") { graph, _ in
    let rewriter = GraphRewriter(graph)
    for node in graph.nodes {
      if node.op == "Tanh", let x = rewriter.mapped(node.inputs[0]) {
        try rewriter.add(op: "Sigmoid", inputs: [x], replacing: node)
      } else {
        try rewriter.copy(node)
      }
    }
    return try rewriter.finish()
  }

  @Test func detectsAPassThatChangesValues() throws {
    let g = Graph()
    let x = try g.placeholder(.float32, shape: [nil, 4], name: "x")
    let y = try g.tanh(x, name: "y")
    let keep = KeepSet(fetches: [y])
    let changed = try PassManager([Self.wrong]).run(g, keep: keep).graph
    let report = try DifferentialCheck().run(original: g, transformed: changed, keep: keep)
    #expect(!report.passed && report.comparisons[0].name == "y:0")
    expectError(.invalidGraph, containing: ["differential check failed", "'y:0' at step 0 differs"]) {
      try DifferentialCheck().verify(original: g, transformed: changed, keep: keep)
    }
    #expect(try DifferentialCheck().run(original: g, transformed: g, keep: keep).passed)
  }

  @Test func comparesVariablesAfterTrainingSteps() throws {
    func model(learningRate: Double) throws -> (Graph, KeepSet) {
      let g = Graph()
      let x = try g.placeholder(.float32, shape: [nil, 3], name: "x")
      let labels = try g.placeholder(.int32, shape: [nil], name: "labels")
      let w = try g.variable(Tensor.f32((0..<12).map { Double($0) * 0.1 - 0.5 }, [3, 4]), name: "w")
      let logits = try g.matMul(x, w.value, name: "logits")
      let loss = try g.mean(try g.sparseSoftmaxCrossEntropyWithLogits(logits: logits, labels: labels).0, name: "loss")
      let train = try GradientDescentOptimizer(learningRate: learningRate).minimize(loss)
      return (g, KeepSet(fetches: [], targets: [train]))
    }
    let (a, keep) = try model(learningRate: 0.1)
    let (b, _) = try model(learningRate: 0.2)
    let report = try DifferentialCheck(steps: 3).run(original: a, transformed: b, keep: keep)
    #expect(!report.passed)
    #expect(report.comparisons.contains { $0.name == "w" && $0.step == nil && !$0.passed })
    #expect(try DifferentialCheck(steps: 3).run(original: a, transformed: a, keep: keep).passed)
  }

  @Test func feedsTheRightTypesShapesAndLabelRanges() throws {
    let g = Graph()
    let logits = try g.placeholder(.float32, shape: [nil, 7], name: "logits")
    let labels = try g.placeholder(.int64, shape: [nil], name: "labels")
    let depthIndices = try g.placeholder(.int32, shape: [5], name: "indices")
    _ = try g.sparseSoftmaxCrossEntropyWithLogits(logits: logits, labels: labels)
    _ = try g.oneHot(depthIndices, depth: 3)
    let random = RandomFeeds(seed: 9, unknownDimension: 50)
    let l = try random.value(for: "labels", in: g)
    #expect(l.dtype == .int64 && l.shape == [50])
    #expect(l.integers().allSatisfy { (0..<7).contains($0) } && Set(l.integers()).count > 3)
    #expect(try random.value(for: "indices", in: g).integers().allSatisfy { (0..<3).contains($0) })
    let f = try random.value(for: "logits:0", in: g)
    #expect(f.shape == [50, 7] && f.doubles().allSatisfy { $0 >= -1 && $0 < 1 })
    #expect(try random.value(for: "logits", in: g, stream: 1) != f, "another stream, other values")
    #expect(try RandomFeeds(seed: 9, unknownDimension: 50).value(for: "logits", in: g) == f, "seeded")
  }

  @Test func usesFeedOverrides() throws {
    let g = Graph()
    let x = try g.placeholder(.float32, shape: [2], name: "x")
    let y = try g.sqrt(x, name: "y")
    let check = DifferentialCheck(feedOverrides: ["x": Tensor.f32([4, 9], [2])])
    let report = try check.run(original: g, transformed: g, keep: KeepSet(fetches: [y]))
    #expect(report.passed && report.maxAbsoluteError == 0)
  }
}
