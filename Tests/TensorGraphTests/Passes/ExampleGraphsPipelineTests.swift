import Foundation
import Testing
import TensorGraph
import TensorGraphExamples
import TensorGraphTestSupport

/// The default pipeline on every graph in Graphs/, loaded from its file with
/// its weights: outputs unchanged under the differential check (training:
/// several steps, then every variable), and the optimized inference graphs
/// agree with the forward pass computed here in plain Swift from the
/// weights file.
@Suite struct ExampleGraphsPipelineTests {
  /// A file of Graphs/ with its weights and what a run of it keeps.
  struct Loaded {
    var example: ExampleGraphs.Example
    var graph: Graph
    var weights: [String: Tensor]
    /// The example's fetches and targets; a training graph also keeps
    /// `probs`, so the check compares the forward pass and the step.
    var keep: KeepSet
    var isTraining: Bool { !example.targets.isEmpty }
  }

  static func load(_ name: String) throws -> Loaded {
    let example = try #require(ExampleGraphs.all.first { $0.name == name })
    let url = ExampleGraphsTests.directory.appendingPathComponent(name + ".json")
    let loaded = try GraphSerializer().load(from: url)
    let weights = try SafeTensorsFile(contentsOf: try #require(loaded.weightsURL)).tensors()
    let outputs = example.fetches + (example.targets.isEmpty ? [] : ["probs"])
    return Loaded(
      example: example, graph: loaded.graph, weights: weights,
      keep: KeepSet(outputs: outputs, nodes: example.targets))
  }

  /// Dense layers of the example MLPs, in order: `dense`, `dense_1`, ….
  static func layerCount(_ weights: [String: Tensor]) -> Int {
    weights.keys.filter { $0.hasSuffix("/kernel") && !$0.contains("/Adam") }.count
  }

  @Test(arguments: ExampleGraphs.all.map(\.name))
  func defaultPipelineLeavesOutputsUnchanged(_ name: String) throws {
    let m = try Self.load(name)
    let result = try PassManager.default.run(m.graph, keep: m.keep)
    let report = result.report
    #expect(report.final.nodes < report.initial.nodes, "\(report.table())")
    #expect(result.graph.count(of: "_FusedMatMul") == Self.layerCount(m.weights), "\(report.table())")
    if !m.isTraining { #expect(result.graph.count(of: "MatMul") == 0 && result.graph.count(of: "BiasAdd") == 0) }

    // Training: a few Adam steps on fresh batches, then every variable
    // (kernels, biases, Adam's slots and powers). The fetches (`loss`,
    // `probs`) do not read variables, so running them with the train op
    // cannot race with its in-place updates.
    let check = DifferentialCheck(
      seed: 11, unknownDimension: 8, tolerance: 1e-5, steps: m.isTraining ? 3 : 2, variables: m.weights)
    let differences = try check.verify(original: m.graph, transformed: result.graph, keep: m.keep)
    let compared = Set(differences.comparisons.map(\.name))
    #expect(compared.isSuperset(of: m.keep.outputs))
    if m.isTraining {
      let variables = differences.comparisons.filter { $0.step == nil }.map(\.name)
      #expect(Set(variables).isSuperset(of: m.weights.keys), "every saved variable is compared after the steps")
      #expect(report.nodeReduction >= 0.2, "\(report.table())")
    }

    // The optimized graph serializes and reloads (fused ops included).
    let reloaded = try Graph.deserialize(result.graph.serialize())
    try check.verify(original: m.graph, transformed: reloaded, keep: m.keep)
  }

  /// `probs` of the optimized graph against softmax(relu(…relu(x·W + b)…)·W + b)
  /// computed here in Double from the weights file.
  @Test(arguments: ExampleGraphs.all.filter { $0.targets.isEmpty }.map(\.name))
  func optimizedInferenceGraphMatchesAPlainSwiftForwardPass(_ name: String) throws {
    let m = try Self.load(name)
    let optimized = try PassManager.default.run(m.graph, keep: m.keep).graph
    let session = Session(graph: optimized)
    try session.restoreVariables(m.weights.filter { optimized.node(named: $0.key) != nil }, requireAll: true)
    let batch = 3
    let inputShape = m.example.inputs[0].shape.map { $0 ?? batch }
    var rng = TestRandom(seed: 21)
    let x = rng.uniform(inputShape.reduce(1, *), in: 0...1)
    let probs = try session.run(
      fetches: [try optimized.output(named: "probs")],
      feeds: [try optimized.output(named: "x"): Tensor.f32(x, inputShape)])[0]
    let expected = try Self.referenceForward(x, batch: batch, weights: m.weights, layers: Self.layerCount(m.weights))
    expectClose(probs, expected, shape: [batch, 10], tolerance: 1e-5)
  }

  /// The first step's loss of the optimized training graph against the mean
  /// cross-entropy of the plain-Swift forward pass.
  @Test func optimizedTrainingGraphLossMatchesAPlainSwiftForwardPass() throws {
    let m = try Self.load("fashion_mlp_train")
    let optimized = try PassManager.default.run(m.graph, keep: m.keep).graph
    let session = Session(graph: optimized)
    try session.restoreVariables(m.weights.filter { optimized.node(named: $0.key) != nil }, requireAll: true)
    let batch = 4
    var rng = TestRandom(seed: 22)
    let x = rng.uniform(batch * 784, in: 0...1)
    let labels: [Int32] = [3, 0, 9, 5]
    let values = try session.run(
      fetches: [try optimized.output(named: "loss"), try optimized.output(named: "probs")],
      feeds: [
        try optimized.output(named: "x"): Tensor.f32(x, [batch, 28, 28]),
        try optimized.output(named: "labels"): Tensor(labels),
      ],
      targets: [try optimized.requireNode(named: "Adam")])
    let probs = try Self.referenceForward(x, batch: batch, weights: m.weights, layers: 2)
    let loss = labels.enumerated().reduce(0.0) { $0 - log(probs[$1.offset * 10 + Int($1.element)]) } / Double(batch)
    expectClose(values[0], [loss], shape: [], tolerance: 1e-5)
    expectClose(values[1], probs, shape: [batch, 10], tolerance: 1e-5)
    // The step changed the weights it was given.
    let kernel = try #require(try session.variableValues()["dense/kernel"])
    #expect(kernel != m.weights["dense/kernel"])
  }

  /// Dense layers with ReLU between them and softmax at the end, in Double.
  static func referenceForward(_ x: [Double], batch: Int, weights: [String: Tensor], layers: Int) throws -> [Double] {
    var h = x
    var width = x.count / batch
    for layer in 0..<layers {
      let scope = layer == 0 ? "dense" : "dense_\(layer)"
      let w = try #require(weights[scope + "/kernel"]), b = try #require(weights[scope + "/bias"])
      let units = w.shape[1]
      #expect(w.shape[0] == width)
      let wv = w.doubles(), bv = b.doubles()
      var next = [Double](repeating: 0, count: batch * units)
      for r in 0..<batch {
        for j in 0..<units {
          var s = bv[j]
          for k in 0..<width { s += h[r * width + k] * wv[k * units + j] }
          next[r * units + j] = layer == layers - 1 ? s : max(s, 0)
        }
      }
      h = next
      width = units
    }
    for r in 0..<batch {
      let row = h[(r * width)..<((r + 1) * width)]
      let top = row.max()!
      let total = row.reduce(0) { $0 + exp($1 - top) }
      for j in 0..<width { h[r * width + j] = exp(h[r * width + j] - top) / total }
    }
    return h
  }
}
