import Foundation
import Testing
import TensorGraph
import TensorGraphExamples
import TensorGraphTestSupport

/// The files in Graphs/: each loads, runs, matches the graph built in code
/// bit for bit, and is what the generator writes today.
@Suite struct ExampleGraphsTests {
  static let directory = SerializationFixtures.repositoryRoot.appendingPathComponent("Graphs")

  /// Feeds for an example: seeded values of each input with batch 4
  /// (labels in [0, 10)).
  static func feeds(_ example: ExampleGraphs.Example, _ graph: Graph) throws -> [Output: Tensor] {
    var rng = TestRandom(seed: 9)
    var feeds: [Output: Tensor] = [:]
    for input in example.inputs {
      let shape = input.shape.map { $0 ?? 4 }
      let count = shape.reduce(1, *)
      let value = input.dtype == .int32
        ? try Tensor(shape: shape, scalars: (0..<count).map { Int32($0 % 10) })
        : Tensor.f32(rng.uniform(count, in: 0...1), shape)
      feeds[try graph.output(named: input.name)] = value
    }
    return feeds
  }

  @Test func everyFileInGraphsIsAnExample() throws {
    let files = try FileManager.default.contentsOfDirectory(atPath: Self.directory.path)
      .filter { $0.hasSuffix(".json") }.sorted()
    #expect(files == ExampleGraphs.all.map { $0.name + ".json" }.sorted())
  }

  @Test(arguments: ExampleGraphs.all.map(\.name))
  func loadsAndRunsBitwiseLikeTheBuiltGraph(_ name: String) throws {
    let example = try #require(ExampleGraphs.all.first { $0.name == name })
    let loaded = try GraphSerializer().load(from: Self.directory.appendingPathComponent(name + ".json"))
    let session = try loaded.makeSession()
    let built = try example.build()
    let builtSession = Session(graph: built)
    try builtSession.run(targets: [try built.globalVariablesInitializer()])
    #expect(loaded.graph.nodeCount == built.nodeCount)

    let loadedFeeds = try Self.feeds(example, loaded.graph)
    let builtFeeds = try Self.feeds(example, built)
    for _ in 0..<2 {  // twice: a training graph's second step uses updated variables
      let a = try session.run(
        fetches: try example.fetches.map { try loaded.graph.output(named: $0) }, feeds: loadedFeeds,
        targets: try example.targets.map { try loaded.graph.requireNode(named: $0) })
      let b = try builtSession.run(
        fetches: try example.fetches.map { try built.output(named: $0) }, feeds: builtFeeds,
        targets: try example.targets.map { try built.requireNode(named: $0) })
      #expect(a == b)
    }
    if example.name == "cifar_mlp" {
      let params = loaded.graph.trainableVariables.reduce(0) { $0 + ($1.outputs[0].shape.elementCount ?? 0) }
      #expect(params == 646_260)
    }
  }

  @Test func generatorWritesTheCommittedFilesByteForByte() throws {
    let temp = FileManager.default.temporaryDirectory.appendingPathComponent("graphs-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: temp) }
    try ExampleGraphs.writeAll(to: temp)
    for example in ExampleGraphs.all {
      for ext in ["json", "safetensors"] {
        let file = example.name + "." + ext
        let committed = try Data(contentsOf: Self.directory.appendingPathComponent(file))
        let fresh = try Data(contentsOf: temp.appendingPathComponent(file))
        #expect(committed == fresh, "\(file) differs from what `tg example graphs` writes; regenerate Graphs/")
      }
    }
  }
}
