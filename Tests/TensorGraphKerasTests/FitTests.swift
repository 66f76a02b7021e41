import Foundation
import Testing
import TensorGraphKeras
import TensorGraphTestSupport

@Suite struct FitTests {
  @Test func learnsSeparableClusters() throws {
    try KerasContext(seed: 7).run {
      let data = TestData.clusters(n: 300)
      let model = try Sequential([Dense(16, activation: "relu", inputShape: [4]), Dense(3, activation: "softmax")])
      try model.compile(optimizer: Adam(learningRate: 0.01), loss: "sparse_categorical_crossentropy", metrics: ["accuracy"])
      let t = FakeTerminal()
      model.console = t.console
      let history = try model.fit(data.x, data.y, batchSize: 32, epochs: 10, verbose: 2)
      #expect(history["accuracy"].last! > 0.95)
      #expect(history.keys == ["loss", "accuracy"])
      print(t.output)
      let result = try model.evaluate(data.x, data.y, verbose: 0)
      #expect(result["accuracy"]! > 0.95)
    }
  }
}
