import Testing
import TensorGraphKeras
import TensorGraphTestSupport

@Suite struct KerasDropoutTests {
  @Test func activeOnlyInTraining() throws {
    try KerasContext(seed: 4).run {
      let model = try Sequential([Dropout(0.5, inputShape: [1000])])
      let x = try Tensor(shape: [2, 1000], repeating: Float(1))
      // Inference (calls, predict): the identity.
      #expect(try model(x) == x)
      #expect(try model.predict(x, verbose: 0) == x)
      // Training: about half the values are dropped, the rest scaled by 2.
      let phase = try model.context.learningPhase
      let trained = try model.session.run(
        model.outputs[0].output, feeds: [model.inputs[0].output: x, phase: Tensor(true)]
      ).doubles()
      let zeros = trained.filter { $0 == 0 }.count
      #expect(trained.allSatisfy { $0 == 0 || $0 == 2 })
      #expect(zeros > 900 && zeros < 1100)
    }
  }

  @Test func fitTrainsWithDropoutAndEvaluatesWithout() throws {
    try KerasContext(seed: 6).run {
      let data = TestData.clusters(n: 64)
      let model = try Sequential([Dense(16, activation: "relu", inputShape: [4]), Dropout(0.5), Dense(3)])
      // A zero learning rate keeps the weights: any difference is dropout.
      try model.compile(optimizer: SGD(learningRate: 0), loss: SparseCategoricalCrossentropy(fromLogits: true))
      let history = try model.fit(data.x, data.y, batchSize: 64, epochs: 2, verbose: 0)
      let evaluated = try model.evaluate(data.x, data.y, batchSize: 64, verbose: 0)["loss"]!
      #expect(history["loss"][0] != evaluated)
      #expect(history["loss"][0] != history["loss"][1])  // a new mask each step
      #expect(try model.evaluate(data.x, data.y, batchSize: 64, verbose: 0)["loss"]! == evaluated)
    }
  }

  @Test func seededRunsAreReproducible() throws {
    func run(seed: Int) throws -> ([Double], [Tensor]) {
      try KerasContext(seed: seed).run {
        let data = TestData.clusters(n: 100)
        let model = try Sequential([Dense(8, activation: "relu", inputShape: [4]), Dropout(0.3), Dense(3, activation: "softmax")])
        try model.compile(optimizer: "adam", loss: "sparse_categorical_crossentropy", metrics: ["accuracy"])
        let history = try model.fit(data.x, data.y, batchSize: 16, epochs: 3, verbose: 0)
        return (history["loss"], try model.getWeights())
      }
    }
    let a = try run(seed: 11), b = try run(seed: 11), c = try run(seed: 12)
    #expect(a.0 == b.0 && a.1 == b.1)
    #expect(a.0 != c.0)
  }
}
