import Foundation
import Testing
import TensorGraph

/// `tg run` on the graphs in Graphs/ with inputs numpy wrote: outputs are
/// what the Swift API computes, byte for byte, in numpy's format.
@Suite struct RunCommandTests {
  static let fashion = TGProcess.graphs.appendingPathComponent("fashion_mlp.json").path
  static let train = TGProcess.graphs.appendingPathComponent("fashion_mlp_train.json").path
  static let mnist = TGProcess.graphs.appendingPathComponent("mnist_mlp.json").path
  static func fixture(_ name: String) -> String { TGProcess.fixtures.appendingPathComponent(name).path }

  /// The same graph run in-process through the Swift API.
  static func expected(
    _ graph: String, feeds: [String: String], fetches: [String], targets: [String] = []
  ) throws -> [Tensor] {
    let loaded = try GraphSerializer().load(from: URL(fileURLWithPath: graph))
    let session = try loaded.makeSession()
    let values = try feeds.mapValues { try Tensor(npyFile: URL(fileURLWithPath: fixture($0))) }
    return try session.run(fetches: fetches, feeds: values, targets: targets)
  }

  @Test func numpyInputRunsAndTheOutputIsNumpysFormat() throws {
    let out = try TGProcess.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: out) }
    let result = try TGProcess.run([
      "run", Self.fashion, "--feed", "x=\(Self.fixture("fashion_x.npy"))", "--fetch", "probs", "--fetch", "dense/Relu",
      "--out", out.path,
    ])
    #expect(result.status == 0, "\(result)")
    #expect(result.stderr.isEmpty, "\(result)")
    let want = try Self.expected(Self.fashion, feeds: ["x": "fashion_x.npy"], fetches: ["probs", "dense/Relu"])
    for (file, value) in zip(["probs.npy", "dense-Relu.npy"], want) {
      let bytes = try Data(contentsOf: out.appendingPathComponent(file))
      #expect(bytes == value.npyData(), "\(file) differs from the in-process run in numpy's format")
      #expect(try Tensor(npyFile: out.appendingPathComponent(file)) == value)
    }
    #expect(try FileManager.default.contentsOfDirectory(atPath: out.path).sorted() == ["dense-Relu.npy", "probs.npy"])
    // Probabilities sum to one per row: the graph really ran on the image.
    for row in 0..<2 {
      let sum = want[0].doubles()[(row * 10)..<(row * 10 + 10)].reduce(0, +)
      #expect(abs(sum - 1) < 1e-5)
    }
    #expect(result.stdout.contains("probs: float32 [2, 10] → \(out.path)/probs.npy\n[["))
    #expect(result.stdout.contains("dense/Relu: float32 [2, 128] → \(out.path)/dense-Relu.npy\n"))
    #expect(result.stdout.contains(", ..., "), "a 256-element fetch is summarized")
  }

  @Test func fortranOrderInputGivesTheSameOutputs() throws {
    let c = try TGProcess.run(["run", Self.fashion, "--feed", "x=\(Self.fixture("fashion_x.npy"))", "--fetch", "probs"])
    let f = try TGProcess.run(["run", Self.fashion, "--feed", "x=\(Self.fixture("fashion_x_fortran.npy"))", "--fetch", "probs"])
    #expect(c.status == 0 && f.status == 0, "\(c)\n\(f)")
    #expect(c.stdout == f.stdout)
  }

  @Test func printsValuesAsNumpyDoes() throws {
    let result = try TGProcess.run(["run", Self.mnist, "--feed", "x=\(Self.fixture("mnist_x.npy"))", "--fetch", "probs"])
    #expect(result.status == 0, "\(result)")
    let probs = try Self.expected(Self.mnist, feeds: ["x": "mnist_x.npy"], fetches: ["probs"])[0]
    // Each printed value is the computed one to numpy's 8 decimals.
    let body = result.stdout.split(separator: "\n").dropFirst().joined()
    let printed = body.filter { !"[] ".contains($0) }.split(separator: ",").map { Double(String($0))! }
    #expect(printed.count == 10)
    for (p, want) in zip(printed, probs.doubles()) {
      #expect(abs(p - want) <= 5e-9 * (1 + 1e-6), "printed \(p) for \(want)")
    }
    #expect(result.stdout.hasPrefix("probs: float32 [1, 10]\n[["))
  }

  @Test func trainingStepFetchesLossAndASecondOutput() throws {
    let out = try TGProcess.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: out) }
    let feeds = ["x": "fashion_x.npy", "labels": "fashion_labels.npy"]
    let fetches = ["loss", "SparseSoftmaxCrossEntropyWithLogits:1"]
    let result = try TGProcess.run(
      ["run", Self.train, "--target", "Adam", "--out", out.path, "--threads", "1"]
        + feeds.flatMap { ["--feed", "\($0.key)=\(Self.fixture($0.value))"] } + fetches.flatMap { ["--fetch", $0] })
    #expect(result.status == 0, "\(result)")
    let want = try Self.expected(Self.train, feeds: feeds, fetches: fetches, targets: ["Adam"])
    #expect(try Tensor(npyFile: out.appendingPathComponent("loss.npy")) == want[0])
    #expect(try Tensor(npyFile: out.appendingPathComponent("SparseSoftmaxCrossEntropyWithLogits_1.npy")) == want[1])
    #expect(result.stdout.hasPrefix("loss: float32 []"))
  }

  @Test func targetOnlyRunPrintsWhatRan() throws {
    let result = try TGProcess.run(["run", Self.fashion, "--target", "init"])
    #expect(result.status == 0, "\(result)")
    #expect(result.stdout == "ran init\n")
  }

  @Test func explicitWeightsAndThreadsGiveTheSameBytes() throws {
    let out = try TGProcess.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: out) }
    let weights = TGProcess.graphs.appendingPathComponent("fashion_mlp.safetensors").path
    // A copy of the graph without its weights beside it: --weights supplies them.
    let lonely = out.appendingPathComponent("copy.json")
    try FileManager.default.copyItem(atPath: Self.fashion, toPath: lonely.path)
    let a = try TGProcess.run([
      "run", lonely.path, "--weights", weights, "--threads", "1", "--feed", "x=\(Self.fixture("fashion_x.npy"))",
      "--fetch", "probs", "--out", out.appendingPathComponent("a").path,
    ])
    let b = try TGProcess.run([
      "run", Self.fashion, "--threads", "2", "--feed", "x=\(Self.fixture("fashion_x.npy"))", "--fetch", "probs",
      "--out", out.appendingPathComponent("b").path,
    ])
    #expect(a.status == 0 && b.status == 0, "\(a)\n\(b)")
    let fa = try Data(contentsOf: out.appendingPathComponent("a/probs.npy"))
    let fb = try Data(contentsOf: out.appendingPathComponent("b/probs.npy"))
    #expect(fa == fb)
  }

  @Test func initializeMissingRunsInitializersOfVariablesWithoutValues() throws {
    let dir = try TGProcess.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    // The graph alone: it names a weights file that is not beside the copy.
    let copy = dir.appendingPathComponent("fashion_mlp.json")
    try FileManager.default.copyItem(atPath: Self.fashion, toPath: copy.path)
    let args = ["run", copy.path, "--feed", "x=\(Self.fixture("fashion_x.npy"))", "--fetch", "probs"]
    let failed = try TGProcess.run(args)
    expectUserError(failed, ["fashion_mlp.safetensors", "No such file"])
    try FileManager.default.removeItem(at: copy)
    // Without its `weights` member the graph loads; its variables then need initializing.
    let json = try String(contentsOfFile: Self.fashion, encoding: .utf8)
      .replacingOccurrences(of: "\"weights\": \"fashion_mlp.safetensors\",\n", with: "")
    try json.write(to: copy, atomically: true, encoding: .utf8)
    expectUserError(try TGProcess.run(args), ["has no value", "--initialize-missing"])
    let initialized = try TGProcess.run(args + ["--initialize-missing"])
    #expect(initialized.status == 0, "\(initialized)")
    // The example graphs' initializers are seeded: the same values as the saved weights.
    let saved = try TGProcess.run(["run", Self.fashion] + args.dropFirst(2))
    #expect(initialized.stdout == saved.stdout)
  }
}
