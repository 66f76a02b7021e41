import Testing
import TensorGraphKeras
import TensorGraphTestSupport

/// Output shapes and parameter counts against tf_keras 2.21
/// (`KerasReference.layerShapes` and `.mergeShapes`, from
/// scripts/make-keras-fixtures.py), and the graph each layer builds.
@Suite struct KerasLayerTests {
  /// The Swift layer for each fixture label (as the script builds it).
  static let layers: [String: @Sendable () -> any Layer] = [
    "dense": { Dense(5) },
    "dense without bias": { Dense(5, useBias: false) },
    "dense on rank 3": { Dense(5) },
    "flatten": { Flatten() },
    "reshape": { Reshape([3, -1]) },
    "dropout": { Dropout(0.5) },
    "activation": { Activation("tanh") },
    "softmax": { Softmax() },
    "conv2d": { Conv2D(4, 3) },
    "conv2d same, strides 2": { Conv2D(4, 3, strides: 2, padding: "same") },
    "conv2d dilated, no bias": { Conv2D(2, kernelSize: [3, 2], dilationRate: [2], useBias: false) },
    "max pooling": { MaxPooling2D(2) },
    "average pooling same": { AveragePooling2D(2, padding: "same") },
    "global average pooling": { GlobalAveragePooling2D() },
    "batch normalization": { BatchNormalization() },
  ]

  @Test func everyFixtureHasItsLayer() {
    #expect(Set(KerasReference.layerShapes.map(\.label)) == Set(Self.layers.keys))
    #expect(KerasReference.mergeShapes.count >= 3)
  }

  @Test(arguments: KerasReference.layerShapes)
  func shapeAndParameters(_ c: KerasReference.LayerShape) throws {
    let make = try #require(Self.layers[c.label], "no layer for \(c.label)")
    try KerasContext().run {
      let layer = make()
      let y = try layer(try Input(shape: c.input.map { $0 as Int? }))
      #expect(y.shape == PartialShape(c.output), "\(c.label)")
      #expect(layer.countParams() == c.params, "\(c.label)")
    }
  }

  @Test(arguments: KerasReference.mergeShapes)
  func mergeShapes(_ c: KerasReference.MergeShape) throws {
    try KerasContext().run {
      let inputs = try c.inputs.map { try Input(shape: $0.map { $0 as Int? }) }
      let layer: any Layer = c.layer == "Add" ? Add() : Concatenate()
      #expect(c.layer == "Add" || c.layer == "Concatenate")
      #expect(try layer(inputs).shape == PartialShape(c.output), "\(c.label)")
    }
  }

  @Test func mergeLayersRejectBadInputs() throws {
    try KerasContext().run {
      let a = try Input(shape: [4]), b = try Input(shape: [6])
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
      // The names tf_keras 2.21 gives these nodes in a tf.Graph
      // (KerasReference.denseGraphNodeNames, scripts/make-keras-fixtures.py).
      for n in ["input_1", "dense/kernel", "dense/bias", "dense/MatMul", "dense/BiasAdd", "dense/Relu", "dense_1/Softmax"] {
        #expect(KerasReference.denseGraphNodeNames.contains(n), "tf_keras has no node \(n)")
        #expect(names.contains(n), "missing \(n)")
      }
      // The initializer lives under the same scope, but tf_keras 2.21 draws
      // it with StatelessRandomUniformV2, which TensorGraph lacks; it uses
      // TensorFlow 1.x's RandomUniform, named as TensorFlow 1.x named it.
      #expect(KerasReference.denseGraphNodeNames.contains { $0.hasPrefix("dense/kernel/Initializer/") })
      #expect(names.contains("dense/kernel/Initializer/random_uniform/RandomUniform"))
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
      #expect(try model.summaryLines() == KerasReference.customLayer)
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
