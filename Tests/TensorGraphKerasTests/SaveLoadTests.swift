import Foundation
import Testing
import TensorGraphKeras
import TensorGraphTestSupport

/// A fresh temporary directory for one test.
func temporaryDirectory(_ label: String) throws -> URL {
  let url = FileManager.default.temporaryDirectory
    .appendingPathComponent("tg-keras-\(label)-\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
  try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
  return url
}

@Suite struct KerasSaveLoadTests {
  @Test func saveLoadEvaluateGivesTheSameLoss() throws {
    let dir = try temporaryDirectory("save")
    defer { try? FileManager.default.removeItem(at: dir) }
    let data = TestData.clusters(n: 120)
    let url = dir.appendingPathComponent("model")
    let (before, predictions): (Logs, Tensor) = try KerasContext(seed: 5).run {
      let model = try Sequential([Dense(8, activation: "relu", inputShape: [4]), Dropout(0.1), Dense(3, activation: "softmax")])
      try model.compile(optimizer: "adam", loss: "sparse_categorical_crossentropy", metrics: ["accuracy"])
      try model.fit(data.x, data.y, epochs: 2, verbose: 0)
      try model.save(to: url)
      return (try model.evaluate(data.x, data.y, verbose: 0), try model.predict(data.x, verbose: 0))
    }
    for file in ["keras.json", "graph.json", "graph.safetensors"] {
      #expect(FileManager.default.fileExists(atPath: url.appendingPathComponent(file).path))
    }
    let loaded = try Model.load(from: url)
    #expect(loaded is Sequential)
    #expect(loaded.layers.map(\.name) == ["dense", "dropout", "dense_1"])
    let after = try loaded.evaluate(data.x, data.y, verbose: 0)
    #expect(after == before)
    #expect(try loaded.predict(data.x, verbose: 0) == predictions)
    // The graph file is an ordinary TensorGraph graph with the training ops.
    let graph = try Graph.load(from: url.appendingPathComponent("graph.json"))
    #expect(graph.node(named: "dense/kernel/Adam") != nil && graph.node(named: "dense_1/MatMul") != nil)
  }

  @Test func optimizerStateIsRestored() throws {
    let dir = try temporaryDirectory("resume")
    defer { try? FileManager.default.removeItem(at: dir) }
    let data = TestData.clusters(n: 96)
    let url = dir.appendingPathComponent("model")
    // Train 2 epochs, save, train 1 more; a loaded copy trained 1 more
    // epoch (no shuffling) must end with the same weights.
    let expected: [Tensor] = try KerasContext(seed: 9).run {
      let inputs = try Input(shape: [4])
      let h = try Dense(6, activation: "tanh")(inputs)
      let model = try Model(inputs: inputs, outputs: try Dense(3, activation: "softmax")(h))
      try model.compile(optimizer: Adam(learningRate: 0.01), loss: "sparse_categorical_crossentropy")
      try model.fit(data.x, data.y, epochs: 2, verbose: 0, shuffle: false)
      try model.save(to: url)
      try model.fit(data.x, data.y, epochs: 1, verbose: 0, shuffle: false)
      return try model.getWeights()
    }
    let loaded = try Model.load(from: url)
    #expect(!(loaded is Sequential))
    try loaded.fit(data.x, data.y, epochs: 1, verbose: 0, shuffle: false)
    #expect(try loaded.getWeights() == expected)
  }

  @Test func saveReplacesAnExistingModel() throws {
    let dir = try temporaryDirectory("replace")
    defer { try? FileManager.default.removeItem(at: dir) }
    let url = dir.appendingPathComponent("model")
    try KerasContext().run {
      let a = try Sequential([Dense(2, inputShape: [3])])
      try a.save(to: url)
      let b = try Sequential([Dense(5, inputShape: [3])])
      try b.save(to: url)
    }
    let loaded = try Model.load(from: url)
    #expect(loaded.countParams() == 20)
    let leftovers = try FileManager.default.contentsOfDirectory(atPath: dir.path)
    #expect(leftovers == ["model"])
  }

  @Test func loadErrorsAreClear() throws {
    let dir = try temporaryDirectory("bad")
    defer { try? FileManager.default.removeItem(at: dir) }
    expectError(.io, containing: ["no saved model"]) { try Model.load(from: dir.appendingPathComponent("missing")) }
    let url = dir.appendingPathComponent("model")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    try Data(#"{"format_version": 99}"#.utf8).write(to: url.appendingPathComponent("keras.json"))
    expectError(.format, containing: ["format version 99"]) { try Model.load(from: url) }
  }

  @Test func weightsOnlyRoundTrip() throws {
    let dir = try temporaryDirectory("weights")
    defer { try? FileManager.default.removeItem(at: dir) }
    let file = dir.appendingPathComponent("w.safetensors")
    try KerasContext(seed: 1).run {
      let a = try Sequential([Dense(4, inputShape: [3]), Dense(2)])
      try a.saveWeights(to: file)
      let b = try Sequential([Dense(4, inputShape: [3]), Dense(2)])
      #expect(try a.getWeights() != b.getWeights())
      // b's variables are named dense_2/…, so load by position is not by
      // name: a third model in a fresh context matches a's names.
      try KerasContext(seed: 2).run {
        let c = try Sequential([Dense(4, inputShape: [3]), Dense(2)])
        try c.loadWeights(from: file)
        #expect(try c.getWeights() == a.getWeights())
      }
    }
  }
}
