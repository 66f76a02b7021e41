import Foundation
import Testing
import TensorGraphKeras
import TensorGraphTestSupport

@Suite struct KerasModelTests {
  @Test func quickstartNestedProbabilityModel() throws {
    try KerasContext(seed: 3).run {
      let data = TestData.images(n: 64, shape: [28, 28])
      let x = try data.x.scaled(by: 1.0 / 255)
      let model = try Sequential([
        Flatten(inputShape: [28, 28]), Dense(128, activation: "relu"), Dropout(0.2), Dense(10),
      ])
      let logits = try model(x.rows(0..<1))
      #expect(logits.shape == [1, 10])
      try model.compile(optimizer: "adam", loss: SparseCategoricalCrossentropy(fromLogits: true), metrics: ["accuracy"])
      try model.fit(x, data.y, epochs: 1, verbose: 0)
      let probabilityModel = try Sequential([model, Softmax()])
      let p = try probabilityModel(x.rows(0..<5))
      #expect(p.shape == [5, 10])
      for row in 0..<5 {
        let sum = try p.rows(row..<(row + 1)).doubles().reduce(0, +)
        #expect(abs(sum - 1) < 1e-5)
      }
      // The probability model shares the trained weights.
      let direct = try model(x.rows(0..<5)).doubles()
      let viaSoftmax = p.doubles()
      for r in 0..<5 {
        let row = Array(direct[(r * 10)..<(r * 10 + 10)])
        let m = row.max()!
        let e = row.map { Foundation.exp($0 - m) }
        let s = e.reduce(0, +)
        for c in 0..<10 { #expect(abs(e[c] / s - viaSoftmax[r * 10 + c]) < 1e-5) }
      }
      #expect(probabilityModel.layers.map(\.name) == ["sequential", "softmax"])
      #expect(probabilityModel.countParams() == 101_770)
      #expect(model.graph.node(named: "sequential/dense/MatMul") != nil, "\(model.graph.nodes.map(\.name).filter { $0.hasSuffix("MatMul") })")
    }
  }
}

@Suite struct KerasModelBuildTests {
  @Test func sequentialBuildsOnFirstFit() throws {
    try KerasContext(seed: 2).run {
      let model = try Sequential([Dense(8, activation: "tanh"), Dense(3, activation: "softmax")])
      #expect(model.inputs.isEmpty)
      try model.compile(optimizer: "rmsprop", loss: "sparse_categorical_crossentropy", metrics: ["acc"])
      let data = TestData.clusters(n: 60)
      let history = try model.fit(data.x, data.y, epochs: 2, verbose: 0)
      #expect(history.keys == ["loss", "acc"])
      #expect(model.inputs[0].output.node.name == "dense_input")
      #expect(model.countParams() == 4 * 8 + 8 + 8 * 3 + 3)
    }
  }

  @Test func branchingFunctionalModelTrains() throws {
    try KerasContext(seed: 8).run {
      let inputs = try Input(shape: [4])
      let a = try Dense(8, activation: "relu")(inputs)
      let b = try Dense(8, activation: "tanh")(inputs)
      let merged = try Concatenate()([try Add()([a, b]), a])
      let outputs = try Dense(3, activation: "softmax")(merged)
      let model = try Model(inputs: inputs, outputs: outputs)
      try model.compile(optimizer: Adam(learningRate: 0.02), loss: "sparse_categorical_crossentropy", metrics: ["accuracy"])
      let data = TestData.clusters(n: 150)
      let history = try model.fit(data.x, data.y, batchSize: 16, epochs: 8, verbose: 0)
      #expect(history["accuracy"].last! > 0.95)
      #expect(model.layers.map { type(of: $0).className } == ["InputLayer", "Dense", "Dense", "Add", "Concatenate", "Dense"])
    }
  }

  @Test func regressionWithMeanSquaredError() throws {
    try KerasContext(seed: 4).run {
      // y = 2·x0 − x1 + 0.5: a linear model fits it.
      let xs: [Float] = (0..<200).flatMap { i -> [Float] in [Float(i % 17) / 17, Float(i % 7) / 7] }
      let ys: [Float] = stride(from: 0, to: xs.count, by: 2).map { 2 * xs[$0] - xs[$0 + 1] + 0.5 }
      let x = try Tensor(shape: [200, 2], scalars: xs), y = try Tensor(shape: [200, 1], scalars: ys)
      let model = try Sequential([Dense(1, inputShape: [2])])
      try model.compile(optimizer: SGD(learningRate: 0.1, momentum: 0.9), loss: "mse", metrics: ["mae"])
      let history = try model.fit(x, y, batchSize: 20, epochs: 30, verbose: 0)
      #expect(history["loss"].last! < 1e-4 && history["mae"].last! < 1e-2)
      let w = try model.getWeights().flatMap { $0.doubles() }
      #expect(abs(w[0] - 2) < 0.02 && abs(w[1] + 1) < 0.02 && abs(w[2] - 0.5) < 0.02)
    }
  }
}

@Suite struct KerasGraphNamingTests {
  /// The compiled Fashion-MNIST model has the nodes the raw-op MLP of
  /// TensorGraphBench/MLPCases.swift builds by hand, under the same names.
  @Test func compiledModelHasTheRawMLPsNodes() throws {
    try KerasContext(seed: 1).run {
      let model = try Sequential([Flatten(inputShape: [28, 28]), Dense(128, activation: "relu"), Dense(10, activation: "softmax")])
      try model.compile(optimizer: "adam", loss: "sparse_categorical_crossentropy", metrics: ["accuracy"])
      let g = model.graph
      let expected: [(String, String, PartialShape?)] = [
        ("dense/kernel", "VariableV2", PartialShape([784, 128])), ("dense/bias", "VariableV2", PartialShape([128])),
        ("dense_1/kernel", "VariableV2", PartialShape([128, 10])), ("dense_1/bias", "VariableV2", PartialShape([10])),
        ("dense/MatMul", "MatMul", PartialShape([nil, 128])), ("dense/BiasAdd", "BiasAdd", nil), ("dense/Relu", "Relu", nil),
        ("dense_1/MatMul", "MatMul", nil), ("dense_1/BiasAdd", "BiasAdd", nil), ("dense_1/Softmax", "Softmax", nil),
        ("dense/kernel/Adam", "VariableV2", PartialShape([784, 128])), ("dense/kernel/Adam_1", "VariableV2", nil),
        ("beta1_power", "VariableV2", PartialShape([])), ("beta2_power", "VariableV2", nil),
        ("Adam/update_dense/kernel/ApplyAdam", "ApplyAdam", nil), ("Adam", "NoOp", nil),
        ("loss/SparseSoftmaxCrossEntropyWithLogits", "SparseSoftmaxCrossEntropyWithLogits", nil),
        ("dense_1_target", "Placeholder", PartialShape([nil])), ("flatten_input", "Placeholder", PartialShape([nil, 28, 28])),
      ]
      for (name, op, shape) in expected {
        let node = try #require(g.node(named: name), "missing \(name)")
        #expect(node.op == op, "\(name)")
        if let shape { #expect(node.outputs[0].shape == shape, "\(name)") }
      }
      // The loss reads the logits, not the softmax (Keras's _get_logits).
      let xent = try #require(g.node(named: "loss/SparseSoftmaxCrossEntropyWithLogits"))
      #expect(g.node(at: xent.inputs[0].node).name == "dense_1/BiasAdd")
    }
  }
}
