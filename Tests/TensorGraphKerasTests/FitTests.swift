import Foundation
import Testing
import TensorGraphKeras
import TensorGraphTestSupport

@Suite struct KerasFitTests {
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
      let result = try model.evaluate(data.x, data.y, verbose: 0)
      #expect(result["accuracy"]! > 0.95)
    }
  }
}

@Suite struct KerasFitOutputTests {
  /// fit's verbose-1 output has the reference's structure: "Epoch k/n",
  /// the first step's bar with an ETA, then the final bar drawn over it
  /// with the epoch's metrics and validation metrics.
  @Test func progressOutputHasKerasStructure() throws {
    try KerasContext(seed: 3).run {
      let data = TestData.clusters(n: 320)
      let model = try Sequential([Dense(3, activation: "softmax", inputShape: [4])])
      try model.compile(optimizer: "adam", loss: "sparse_categorical_crossentropy", metrics: ["accuracy"])
      let t = FakeTerminal()  // a clock that stands still: only the first and last updates draw
      model.console = t.console
      let history = try model.fit(data.x, data.y, epochs: 2, verbose: 1, validationSplit: 0.2)
      func f(_ v: Double) -> String { String(format: "%.4f", v) }
      var expected: [String] = []
      for e in 0..<2 {
        expected.append("Epoch \(e + 1)/2")
        // The first batch's running values, then the epoch's.
        let first = "\r1/8 [==>...........................] - ETA: 0s - loss: "
        let line = t.lines[2 * e + 1]
        #expect(line.hasPrefix(first), "\(line)")
        let final =
          "\r8/8 [==============================] - 0s 0s/step - loss: \(f(history["loss"][e])) - accuracy: \(f(history["accuracy"][e])) - val_loss: \(f(history["val_loss"][e])) - val_accuracy: \(f(history["val_accuracy"][e]))"
        #expect(line.hasSuffix(final), "\(line)")
        // The final bar first backs up over the whole first one.
        let firstPart = line.dropLast(final.count)
        let drawn = firstPart.prefix { $0 != "\u{8}" }
        #expect(firstPart == drawn + String(repeating: "\u{8}", count: drawn.count - 1))
        expected.append(line)
      }
      #expect(t.lines == expected)
      // evaluate's bar at verbose 1 and predict's.
      let before = t.output.count
      _ = try model.evaluate(data.x, data.y)
      _ = try model.predict(try data.x.rows(0..<5))
      let rest = String(t.output.dropFirst(before)).split(separator: "\n").map(String.init)
      #expect(rest.count == 2)
      #expect(rest[0].hasPrefix("\r 1/10 [==>...........................] - ETA: 0s - loss: "))
      #expect(rest[1] == "\r1/1 [==============================] - ETA: 0s" + String(repeating: "\u{8}", count: 46) + "\r1/1 [==============================] - 0s 0s/step")
    }
  }

  @Test func validationSplitTakesTheLastFraction() throws {
    try KerasContext(seed: 1).run {
      let data = TestData.clusters(n: 100)
      let model = try Sequential([Dense(3, activation: "softmax", inputShape: [4])])
      try model.compile(optimizer: SGD(learningRate: 0), loss: "sparse_categorical_crossentropy", metrics: ["accuracy"])
      let history = try model.fit(data.x, data.y, batchSize: 7, epochs: 1, verbose: 0, validationSplit: 0.25)
      let last = try model.evaluate(try data.x.rows(75..<100), try data.y.rows(75..<100), batchSize: 7, verbose: 0)
      #expect(history["val_loss"] == [last["loss"]!] && history["val_accuracy"] == [last["accuracy"]!])
      let params = history.params
      #expect(params.steps == 11 && params.epochs == 1)  // 75 examples in batches of 7
    }
  }

  @Test func epochMetricsAreBatchWeightedMeans() throws {
    try KerasContext(seed: 1).run {
      let data = TestData.clusters(n: 10)
      let model = try Sequential([Dense(3, activation: "softmax", inputShape: [4])])
      try model.compile(optimizer: SGD(learningRate: 0), loss: "sparse_categorical_crossentropy", metrics: ["accuracy"])
      // Batches of 4, 4, 2: the epoch loss weights each batch by its size.
      let whole = try model.evaluate(data.x, data.y, batchSize: 10, verbose: 0)
      let history = try model.fit(data.x, data.y, batchSize: 4, epochs: 1, verbose: 0, shuffle: false)
      #expect(Swift.abs(history["loss"][0] - whole["loss"]!) < 1e-6)
      #expect(history["accuracy"][0] == whole["accuracy"]!)
    }
  }
}
