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
