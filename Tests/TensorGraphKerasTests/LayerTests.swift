import Testing
import TensorGraphKeras
import TensorGraphTestSupport

/// Output shapes and parameter counts against tf_keras 2.21
/// (`/tmp/kc/layers.py`), and the graph each layer builds.
@Suite struct KerasLayerTests {
  static let cases: [(String, @Sendable () -> any Layer, [Int?], [Int?], Int)] = [
    ("dense", { Dense(5) }, [3], [nil, 5], 20),
    ("dense without bias", { Dense(5, useBias: false) }, [3], [nil, 5], 15),
    ("dense on rank 3", { Dense(5) }, [4, 3], [nil, 4, 5], 20),
    ("flatten", { Flatten() }, [2, 3, 4], [nil, 24], 0),
    ("reshape", { Reshape([3, -1]) }, [24], [nil, 3, 8], 0),
    ("dropout", { Dropout(0.5) }, [7], [nil, 7], 0),
    ("activation", { Activation("tanh") }, [7], [nil, 7], 0),
    ("softmax", { Softmax() }, [2, 5], [nil, 2, 5], 0),
  ]

  @Test(arguments: 0..<8)
  func shapeAndParameters(_ index: Int) throws {
    let (label, make, input, output, params) = Self.cases[index]
    try KerasContext().run {
      let layer = make()
      let y = try layer(try Input(shape: input))
      #expect(y.shape == PartialShape(output), "\(label)")
      #expect(layer.countParams() == params, "\(label)")
    }
  }

  @Test func mergeLayers() throws {
    try KerasContext().run {
      let a = try Input(shape: [4]), b = try Input(shape: [6])
      #expect(try Concatenate()([a, b]).shape == PartialShape([nil, 10]))
      let c = try Input(shape: [2, 3]), d = try Input(shape: [2, 5])
      #expect(try Concatenate()([c, d]).shape == PartialShape([nil, 2, 8]))
      expectError(.shapeMismatch) { try Add()([a, b]) }
      expectError(.invalidArgument, containing: ["takes at least 2 input(s)"]) { try Add()([a]) }
    }
  }

  @Test func denseBuildsKerasNodes() throws {
    try KerasContext().run {
      let x = try Input(shape: [3])
      _ = try Dense(4, activation: "relu")(x)
      _ = try Dense(2, activation: .softmax)(x)
      let names = Set(x.graph.nodes.map(\.name))
      for n in ["input_1", "dense/kernel", "dense/bias", "dense/MatMul", "dense/BiasAdd", "dense/Relu",
                "dense/kernel/Initializer/random_uniform/RandomUniform", "dense_1/Softmax"] {
        #expect(names.contains(n), "missing \(n)")
      }
    }
  }

  @Test func automaticNamesCountPerContext() throws {
    try KerasContext().run { () throws -> Void in
      #expect(Dense(1).name == "dense")
      #expect(Dense(1).name == "dense_1")
      #expect(Flatten().name == "flatten")
      #expect(try Input(shape: [1]).output.node.name == "input_1")
      #expect(try Input(shape: [1]).output.node.name == "input_2")
      #expect(try Sequential().name == "sequential")
    }
    KerasContext().run { #expect(Dense(1).name == "dense") }
  }

  @Test func layerWeightsRoundTrip() throws {
    try KerasContext().run {
      let dense = Dense(2)
      _ = try dense(try Input(shape: [3]))
      let values = [Tensor.f32([1, 2, 3, 4, 5, 6], [3, 2]), Tensor.f32([7, 8], [2])]
      try dense.setWeights(values)
      #expect(try dense.getWeights() == values)
      expectError(.invalidArgument, containing: ["dense/kernel"]) { try dense.setWeights([values[1], values[1]]) }
    }
  }
}

/// A layer defined outside the module: the identity, counting the training
/// steps in a non-trainable weight updated with `addUpdate`.
final class StepCounter: Layer {
  static let className = "StepCounter"
  let state: LayerState
  var count: Variable?
  init(name: String? = nil) { state = LayerState(Self.self, name: name) }
  func build(_ inputShapes: [PartialShape], in context: BuildContext) throws {
    count = try context.addWeight("count", shape: [], initializer: .zeros, trainable: false)
  }
  func call(_ inputs: [Output], in context: CallContext) throws -> [Output] {
    let g = context.graph
    context.addUpdate(try g.assignAdd(count!.ref, try g.constant(1.0, dtype: .float32)).node)
    return [try g.identity(inputs[0])]
  }
}

@Suite struct KerasCustomLayerTests {
  @Test func customLayerWithUpdatesAndFrozenWeights() throws {
    try KerasContext(seed: 1).run {
      let counter = StepCounter()
      let model = try Sequential([Dense(3, activation: "softmax", inputShape: [4]), counter])
      #expect(try model.summaryLines().contains("Non-trainable params: 1 (4.00 Byte)"))
      #expect(try model.summaryLines().contains(" step_counter (StepCounter)  (None, 3)                 1         "))
      try model.compile(optimizer: "sgd", loss: "sparse_categorical_crossentropy")
      let data = TestData.clusters(n: 30)
      try model.fit(data.x, data.y, batchSize: 10, epochs: 2, verbose: 0)
      #expect(try counter.getWeights()[0].doubles() == [6])
      _ = try model.evaluate(data.x, data.y, verbose: 0)
      _ = try model.predict(data.x, verbose: 0)
      #expect(try counter.getWeights()[0].doubles() == [6])
      // Freezing a layer before compiling keeps its weights.
      let dense = model.layers[0]
      dense.state.trainable = false
      let before = try dense.getWeights()
      try model.compile(optimizer: "sgd", loss: "sparse_categorical_crossentropy")
      try model.fit(data.x, data.y, batchSize: 10, epochs: 1, verbose: 0)
      #expect(try dense.getWeights() == before)
      #expect(try counter.getWeights()[0].doubles() == [9])
    }
  }
}
