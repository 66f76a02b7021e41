import Foundation
import Testing
import TensorGraph
import TensorGraphTestSupport

@Suite struct CheckpointTests {
  /// A small model: y = x·w + b, with an update op that changes w and b.
  static func model() throws -> (Graph, y: Output, x: Output, step: Node, initializer: Node) {
    let g = Graph()
    let x = try g.placeholder(.float32, shape: [nil, 2], name: "x")
    let w = try g.variable(Tensor([[1, 2], [3, 4]] as [[Float]]), name: "dense/kernel")
    let b = try g.variable(Tensor([0.5, -0.5] as [Double]), name: "dense/bias")
    let steps = try g.variable(Tensor(Int64(0)), name: "global_step", trainable: false)
    let y = try g.add(try g.matMul(x, w.value), try g.constant(Tensor([0.1, 0.2] as [Float])), name: "y")
    let updates = [
      try g.assignAdd(w.ref, try g.constant(Tensor([[0.25, -0.5], [1e-3, 7]] as [[Float]]))).node,
      try g.assignSub(b.ref, try g.constant(Tensor([1, 2] as [Double]))).node,
      try g.assignAdd(steps.ref, try g.constant(Tensor(Int64(1)))).node,
    ]
    let step = try g.group(updates, name: "train_step")
    return (g, y, x, step, try g.globalVariablesInitializer())
  }

  @Test func saveAndRestoreRoundTripsATrainedModel() throws {
    let (g, y, x, step, initializer) = try Self.model()
    let trained = Session(graph: g)
    try trained.run(targets: [initializer])
    for _ in 0..<3 { try trained.run(targets: [step]) }
    let dir = try SerializationFixtures.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let url = dir.appendingPathComponent("ckpt.safetensors")
    try trained.saveVariables(to: url)

    let restored = Session(graph: g)
    try restored.restoreVariables(from: url)
    #expect(try restored.variableValues() == trained.variableValues())
    let batch = Tensor.f32([1, -2, 0.5, 3], [2, 2])
    #expect(try restored.run(y, feeds: [x: batch]) == trained.run(y, feeds: [x: batch]))
    // Training continues from the restored values identically.
    try trained.run(targets: [step])
    try restored.run(targets: [step])
    #expect(try restored.variableValues() == trained.variableValues())
    #expect(try restored.variable(named: "global_step").value == Tensor(Int64(4)))

    // The file is plain safetensors keyed by variable name.
    let file = try SafeTensorsFile(contentsOf: url)
    #expect(file.entries.map(\.name).sorted() == ["dense/bias", "dense/kernel", "global_step"])
    #expect(file.metadata["producer"] == GraphFormat.producer)
  }

  @Test func uninitializedVariablesCannotBeSaved() throws {
    let (g, _, _, _, _) = try Self.model()
    let dir = try SerializationFixtures.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let url = dir.appendingPathComponent("ckpt.safetensors")
    expectError(.uninitializedVariable, containing: ["'dense/kernel' has no value to save"]) {
      try Session(graph: g).saveVariables(to: url)
    }
    #expect(!FileManager.default.fileExists(atPath: url.path))
  }

  @Test func restoreChecksDTypeAndShapeAndChangesNothingOnFailure() throws {
    let (g, _, _, _, initializer) = try Self.model()
    let session = Session(graph: g)
    try session.run(targets: [initializer])
    let before = try session.variableValues()
    let dir = try SerializationFixtures.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let url = dir.appendingPathComponent("bad.safetensors")
    var values = before
    values["dense/kernel"] = try Tensor([[9, 9], [9, 9]] as [[Float]])  // fine
    values["dense/bias"] = Tensor([1, 2] as [Float])  // float32; the graph says float64
    try SafeTensors.write(values, to: url)
    expectError(.invalidArgument, containing: [
      "variable 'dense/bias' is float64[2] in the graph", "holds float32[2]", "the dtype differs",
    ]) { try session.restoreVariables(from: url) }
    #expect(try session.variableValues() == before)  // dense/kernel unchanged too

    values["dense/bias"] = Tensor([1, 2, 3] as [Double])
    try SafeTensors.write(values, to: url)
    expectError(.invalidArgument, containing: ["float64[2] in the graph", "holds float64[3]", "the shape differs"]) {
      try session.restoreVariables(from: url)
    }
    values["dense/bias"] = nil
    try SafeTensors.write(values, to: url)
    expectError(.invalidArgument, containing: ["has no value for variable 'dense/bias'"]) {
      try session.restoreVariables(from: url)
    }
    // Without requireAll, the variables present are restored.
    try session.restoreVariables(from: url, requireAll: false)
    #expect(try session.variable(named: "dense/kernel").value == (try Tensor([[9, 9], [9, 9]] as [[Float]])))
  }

  @Test func restoreFromValues() throws {
    let (g, _, _, _, _) = try Self.model()
    let session = Session(graph: g)
    expectError(.invalidArgument, containing: ["'y' is not a variable"]) {
      try session.restoreVariables(["y": Tensor(Float(1))], requireAll: false)
    }
    expectError(.invalidArgument, containing: ["no value given for variable"]) { try session.restoreVariables([:]) }
    try session.restoreVariables(["global_step": Tensor(Int64(5))], requireAll: false)
    #expect(try session.variable(named: "global_step").value == Tensor(Int64(5)))
  }

  @Test func graphSavedWithVariablesRestoresThem() throws {
    let (g, y, x, step, initializer) = try Self.model()
    let session = Session(graph: g)
    try session.run(targets: [initializer])
    try session.run(targets: [step])
    let dir = try SerializationFixtures.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let url = dir.appendingPathComponent("model.json")
    try g.save(to: url, variables: session)
    let loaded = try GraphSerializer().load(from: url)
    let restored = try loaded.makeSession()
    #expect(try restored.variableValues() == session.variableValues())
    let batch = Tensor.f32([1, 1], [1, 2])
    #expect(try restored.run(fetches: [y.name], feeds: [x.name: batch]) == [try session.run(y, feeds: [x: batch])])
    // Saved without a session: no weights file, variables start uninitialized.
    let bare = dir.appendingPathComponent("bare.json")
    try g.save(to: bare)
    #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("bare.safetensors").path))
    let reloaded = try GraphSerializer().load(from: bare)
    #expect(reloaded.weightsURL == nil)
    expectError(.uninitializedVariable) { try reloaded.makeSession().variableValues() }
    // A session of another graph cannot supply the variables.
    expectError(.invalidArgument, containing: ["different graph"]) {
      try g.save(to: bare, variables: Session(graph: Graph()))
    }
  }

  @Test func someVariablesSavedByValue() throws {
    let (g, _, _, _, _) = try Self.model()
    let dir = try SerializationFixtures.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let url = dir.appendingPathComponent("partial.json")
    let kernel = try Tensor([[9, 8], [7, 6]] as [[Float]])
    try GraphSerializer().save(g, to: url, variableValues: ["dense/kernel": kernel])
    let session = try GraphSerializer().load(from: url).makeSession()
    #expect(try session.variable(named: "dense/kernel").value == kernel)
    #expect(try session.variable(named: "dense/bias").value == nil, "a variable given no value stays uninitialized")
    expectError(.invalidArgument, containing: ["'y' is not a variable"]) {
      try GraphSerializer().save(g, to: url, variableValues: ["y": kernel])
    }
    expectError(.invalidArgument, containing: ["dense/bias", "float32 [2, 2]", "float64 [2]"]) {
      try GraphSerializer().save(g, to: url, variableValues: ["dense/bias": kernel])
    }
    #expect(try GraphSerializer().load(from: url).makeSession().variable(named: "dense/kernel").value == kernel,
      "a rejected save leaves the files as they were")
  }

  @Test func weightsFileInAnotherDirectoryIsRecordedByAbsolutePath() throws {
    let (g, _, _, _, initializer) = try Self.model()
    let session = Session(graph: g)
    try session.run(targets: [initializer])
    let dir = try SerializationFixtures.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let weights = dir.appendingPathComponent("sub/w.safetensors")
    try FileManager.default.createDirectory(at: weights.deletingLastPathComponent(), withIntermediateDirectories: true)
    let url = dir.appendingPathComponent("model.json")
    try g.save(to: url, weights: weights, variables: session)
    #expect(try Data(contentsOf: url).text.contains("\"weights\": \"\(weights.standardizedFileURL.path)\""))
    #expect(try GraphSerializer().load(from: url).makeSession().variableValues() == session.variableValues())
  }
}
