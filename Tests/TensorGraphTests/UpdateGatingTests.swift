import Testing
import TensorGraph
import TensorGraphBench
import TensorGraphTestSupport

/// Per-variable gating of optimizer updates: each update waits for every
/// node that reads its variable (checked by walking the graph in
/// `UpdateOrdering`, independently of the optimizer's walk), and for
/// nothing that runs before its gradient anyway.
@Suite struct UpdateGatingTests {
  /// `x [?, 6]` → Dense 8 relu (`w0`, `b0`) → Dense 4 (`w1`, stored flat
  /// as [32] and read through a `Reshape` to [8, 4]), mean sparse softmax
  /// cross-entropy of `labels`, Adam. Besides the loss, the graph reads the
  /// variables in a separate prediction on `x` (`probs`), a metric through
  /// views of `w1` (`w1_l1`: `Abs` of `Squeeze(ExpandDims(Reshape(w1)))`),
  /// a prediction on another placeholder (`x_test`) and a noisy read of
  /// `w0` (`noisy`, through a random op).
  struct Model {
    let graph: Graph
    let x: Output
    let labels: Output
    let xTest: Output
    let loss: Output
    let probs: Output
    let l1: Output
    let train: Node
    let initializer: Node

    init(optimizer: any Optimizer = AdamOptimizer(learningRate: 0.01)) throws {
      let g = Graph()
      g.randomSeed = 11
      x = try g.placeholder(.float32, shape: [nil, 6], name: "x")
      labels = try g.placeholder(.int32, shape: [nil], name: "labels")
      let w0 = try g.variable("w0", shape: [6, 8], initializer: .glorotUniform)
      let b0 = try g.variable("b0", shape: [8], initializer: .zeros)
      let w1 = try g.variable("w1", shape: [32], initializer: .glorotUniform)
      let w1m = try g.reshape(w1.value, [8, 4], name: "w1_matrix")
      func forward(_ input: Output) throws -> Output {
        try g.matMul(try g.relu(try g.biasAdd(try g.matMul(input, w0.value), b0.value)), w1m)
      }
      let logits = try forward(x)
      probs = try g.softmax(try forward(x), name: "probs")
      l1 = try g.sum(try g.abs(try g.squeeze(try g.expandDims(w1m, axis: 0), axes: [0]), name: "w1_abs"), name: "w1_l1")
      xTest = try g.placeholder(.float32, shape: [nil, 6], name: "x_test")
      _ = try g.matMul(xTest, w0.value, name: "test_logits")
      _ = try g.add(w0.value, try g.randomUniform(shape: [6, 8], seed: 1), name: "noisy")
      let (xent, _) = try g.sparseSoftmaxCrossEntropyWithLogits(logits: logits, labels: labels)
      loss = try g.mean(xent, name: "loss")
      train = try optimizer.minimize(loss)
      initializer = try g.globalVariablesInitializer()
      graph = g
    }

    /// The readers no update waits for.
    static let unordered: Set = ["test_logits", "noisy", "gradients/MatMul_grad/MatMul"]

    var feeds: [Output: Tensor] {
      var rng = TestRandom(seed: 4)
      return [x: Tensor.f32(rng.uniform(16 * 6), [16, 6]), labels: Tensor((0..<16).map { Int32($0 % 4) })]
    }
  }

  /// Forward MatMuls on the loss's path (not under `gradients/`) have no
  /// control consumers, so the remapper may fuse them.
  static func expectForwardMatMulsUngated(_ g: Graph, loss: Output, sourceLocation: Testing.SourceLocation = #_sourceLocation) {
    let lossPath = UpdateOrdering.ancestors(g, of: loss.nodeID)
    let forward = g.nodes.filter { $0.op == "MatMul" && lossPath.contains($0.id) && !$0.name.hasPrefix("gradients/") }
    #expect(!forward.isEmpty, sourceLocation: sourceLocation)
    for m in forward {
      #expect(g.controlConsumers(of: m.id).isEmpty, "\(m.name) has control consumers", sourceLocation: sourceLocation)
    }
  }

  @Test func mlpBenchmarkUpdatesWaitOnlyForTheirReaders() throws {
    let m = try MLPBenchmarks.build(hidden: [512, 512])
    let g = m.graph
    // Readers: each layer's forward MatMul and the MatMul of the gradient
    // of its input (dx = dy · Wᵀ); the biases are read by the forward
    // BiasAdd only. The first layer's dx is built but needed by nothing:
    // waiting for it would add a 128×512×784 GEMM to every step.
    let unordered: Set = ["gradients/dense/MatMul_grad/MatMul"]
    #expect(UpdateOrdering.expectUpdatesFollowReaders(g, unordered: unordered) == 3 + 2 + 3)
    Self.expectForwardMatMulsUngated(g, loss: m.loss)
    // The last layer's update does not wait for the first layer's weight
    // gradient (as it did when every update waited for every gradient).
    func gradient(of variable: String) throws -> Int {
      let gate = g.node(at: try g.requireNode(named: "Adam/update_\(variable)/ApplyAdam").inputs.last!.node)
      #expect(gate.op == "Identity" && gate.name.hasPrefix("Adam/gradient_gate/"))
      return gate.inputs[0].node
    }
    let lastUpdate = UpdateOrdering.ancestors(g, of: try g.requireNode(named: "Adam/update_dense_2/kernel/ApplyAdam").id)
    #expect(!lastUpdate.contains(try gradient(of: "dense/kernel")))
    #expect(lastUpdate.contains(try gradient(of: "dense_2/kernel")))
    // The remapper still fuses every dense layer of the training graph.
    let result = try PassManager.default.run(g, keep: KeepSet(fetches: [m.loss, m.logits], targets: [m.train]))
    #expect(result.graph.count(of: "_FusedMatMul") == 3)
  }

  @Test func readersOutsideTheLossAndThroughViewsAreWaitedFor() throws {
    let m = try Model()
    let g = m.graph
    // Readers of w0: the two forward MatMuls, the test prediction, `noisy`;
    // of b0: the two BiasAdds; of w1: the two forward MatMuls, the
    // gradient's dx MatMul, `w1_abs` (the Reshape, ExpandDims and Squeeze
    // are views, not readers). The prediction on `x_test`, `noisy` and the
    // unused gradient of `x` are left unordered: waiting for them would
    // make every step need `x_test`, draw random numbers or compute dx.
    let checked = UpdateOrdering.expectUpdatesFollowReaders(g, unordered: Model.unordered)
    #expect(checked == 2 + 2 + 4)
    Self.expectForwardMatMulsUngated(g, loss: m.loss)
    // The separate prediction and the metric are what the gates wait for
    // beyond the gradients (besides w1's dx MatMul).
    let gates = g.nodes.filter { $0.name.hasPrefix("Adam/gradient_gate/") }
    #expect(gates.count == 3)
    let waited = Set(gates.flatMap(\.controlInputs).map { g.node(at: $0).name })
    #expect(waited.contains("w1_abs") && !waited.contains("test_logits") && !waited.contains("noisy"))
    #expect(waited.contains { $0.hasPrefix("MatMul") }, "the separate prediction's MatMuls: \(waited.sorted())")
    // A step needs only the loss's feeds, and trains.
    let s = Session(graph: g, options: SessionOptions(threads: 2))
    try s.run(targets: [m.initializer])
    let first = try s.run(m.loss, feeds: m.feeds).doubles()[0]
    for _ in 0..<30 { try s.run(targets: [m.train], feeds: m.feeds) }
    #expect(try s.run(m.loss, feeds: m.feeds).doubles()[0] < first)
  }

  @Test(arguments: 0..<4)
  func everyOptimizerGatesTheSameReaders(_ index: Int) throws {
    let optimizers: [any Optimizer] = [
      GradientDescentOptimizer(learningRate: 0.1), MomentumOptimizer(learningRate: 0.1, momentum: 0.9),
      AdamOptimizer(), RMSPropOptimizer(),
    ]
    let m = try Model(optimizer: optimizers[index])
    #expect(UpdateOrdering.expectUpdatesFollowReaders(m.graph, unordered: Model.unordered) == 8)
  }

  /// Variables (and slots) after `steps` training steps, and the values
  /// fetched with each step.
  static func train(
    _ g: Graph, train: Node, initializer: Node, feeds: [Output: Tensor], fetches: [Output], steps: Int,
    options: SessionOptions
  ) throws -> [Tensor] {
    let s = Session(graph: g, options: options)
    try s.run(targets: [initializer])
    var out: [Tensor] = []
    for _ in 0..<steps { out += try s.run(fetches: fetches, feeds: feeds, targets: [train]) }
    return try out + s.run(fetches: g.globalVariables.map { g.output($0) })
  }

  @Test func parallelTrainingIsBitwiseIdenticalToSequential() throws {
    // The MLP benchmark, raw and through the default pipeline (where the
    // gates' Identities are removed and the updates inherit their control
    // inputs), and the model whose metric, read with each step, reads w1.
    let mlp = try MLPBenchmarks.build(hidden: [512, 512])
    let initOp = try mlp.graph.requireNode(named: "init")
    var rng = TestRandom(seed: 8)
    let bx = Tensor.f32(rng.uniform(128 * 784), [128, 784])
    let by = Tensor((0..<128).map { Int32($0 % 10) })
    let optimized = try PassManager.default.run(
      mlp.graph, keep: KeepSet(fetches: [mlp.loss], targets: [mlp.train, initOp])).graph
    let model = try Model()
    let cases: [(Graph, Node, Node, [Output: Tensor], [Output])] = [
      (mlp.graph, mlp.train, initOp, [mlp.x: bx, mlp.labels: by], [mlp.loss]),
      (optimized, try optimized.requireNode(named: "Adam"), try optimized.requireNode(named: "init"),
       [try optimized.output(named: "x"): bx, try optimized.output(named: "labels"): by],
       [try optimized.output(named: "loss")]),
      (model.graph, model.train, model.initializer, model.feeds, [model.l1, model.probs, model.loss]),
    ]
    for (g, train, initializer, feeds, fetches) in cases {
      let sequential = try Self.train(
        g, train: train, initializer: initializer, feeds: feeds, fetches: fetches, steps: 4,
        options: SessionOptions(threads: 1))
      for options in [SessionOptions(threads: 2), SessionOptions(threads: 2), SessionOptions(threads: 2, memoryPlanning: false)] {
        let parallel = try Self.train(
          g, train: train, initializer: initializer, feeds: feeds, fetches: fetches, steps: 4, options: options)
        #expect(parallel == sequential, "\(fetches.map(\.name))")
      }
      // Training moved the variables.
      let initial = try Self.train(
        g, train: train, initializer: initializer, feeds: feeds, fetches: [], steps: 0, options: SessionOptions(threads: 1))
      #expect(initial != Array(sequential.suffix(initial.count)))
    }
  }
}
