import Foundation
import Testing
import TensorGraph
import TensorGraphTestSupport

/// `tg optimize` on the graphs in Graphs/: the saved result computes what
/// the original computes (checked here in-process, not only by `--verify`),
/// the report matches the library's, and every error exits as it should
/// without writing anything.
@Suite struct OptimizeCommandTests {
  static let fashion = RunCommandTests.fashion
  static let train = RunCommandTests.train

  static func json(_ result: TGProcess.Outcome) throws -> [String: Any] {
    #expect(result.status == 0, "\(result)")
    return try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
  }

  /// Feeds for a graph's placeholders: seeded uniform floats for `x`,
  /// labels 0–9 for `labels`, batch 3.
  static func feeds(_ graph: Graph) throws -> [Output: Tensor] {
    var feeds: [Output: Tensor] = [:]
    for node in graph.nodes where node.op == "Placeholder" {
      let shape = node.outputs[0].shape.dims!.map { $0.value ?? 3 }
      let count = shape.reduce(1, *)
      feeds[graph.output(node, 0)] = node.outputs[0].dtype == .int32
        ? try Tensor(shape: shape, scalars: (0..<count).map { Int32($0 * 7 % 10) })
        : try Tensor(shape: shape, scalars: (0..<count).map { Float(($0 * 37) % 101) / 101 })
    }
    return feeds
  }

  /// Runs the kept fetches (and, for the training graph, one Adam step) on
  /// both files through the Swift API, each with its own weights file.
  static func expectSameResults(original: String, optimized: URL, fetches: [String], targets: [String]) throws {
    var results: [[Tensor]] = []
    var variables: [[String: Tensor]] = []
    for url in [URL(fileURLWithPath: original), optimized] {
      let loaded = try GraphSerializer().load(from: url)
      let session = try loaded.makeSession()
      let g = loaded.graph
      results.append(try session.run(
        fetches: try fetches.map { try g.output(named: $0) }, feeds: try feeds(g),
        targets: try targets.map { try g.requireNode(named: $0) }))
      variables.append(try session.variableValues())
    }
    for (a, b) in zip(results[0], results[1]) { expectClose(b, a, tolerance: 1e-5) }
    // Every variable the optimized graph has, after the step, as the original's.
    for (name, value) in variables[1] {
      let want = try #require(variables[0][name])
      expectClose(value, want, tolerance: 1e-5)
    }
  }

  @Test(arguments: InspectCommandTests.files)
  func optimizesVerifiesAndSavesEveryGraph(_ name: String) throws {
    let dir = try TGProcess.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let path = InspectCommandTests.path(name)
    let training = name.hasSuffix("train")
    let keep = training ? ["--fetch", "loss", "--fetch", "probs", "--target", "Adam"] : ["--fetch", "probs"]
    let report = try Self.json(try TGProcess.run(["optimize", path, "--verify", "--json", "-o", "opt.json"] + keep, in: dir))
    #expect(report["written"] as? [String] == ["opt.json", "opt.safetensors"])
    let verification = try #require(report["verification"] as? [String: Any])
    #expect(verification["passed"] as? Bool == true)
    #expect((verification["comparisons"] as? Int ?? 0) >= (training ? 2 * 2 + 8 : 1), "\(verification)")
    let passes = try #require((report["report"] as? [String: Any])?["passes"] as? [[String: Any]])
    #expect(Set(passes.compactMap { $0["pass"] as? String }) == Set(PassManager.defaultPipelineNames))
    let final = try #require(((report["report"] as? [String: Any])?["final"] as? [String: Any])?["nodes"] as? Int)

    // The library's pipeline gives the same graph size.
    let original = try GraphSerializer().load(from: URL(fileURLWithPath: path)).graph
    let keepSet = training
      ? KeepSet(outputs: ["loss", "probs"], nodes: ["Adam"]) : KeepSet(outputs: ["probs"])
    let library = try PassManager.default.run(original, keep: keepSet)
    #expect(final == library.graph.nodeCount)
    if training { #expect(library.report.nodeReduction >= 0.2) }

    let saved = dir.appendingPathComponent("opt.json")
    #expect(try GraphSerializer().load(from: saved).graph.nodeCount == final)
    #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted() == ["opt.json", "opt.safetensors"])
    try Self.expectSameResults(
      original: path, optimized: saved, fetches: training ? ["loss", "probs"] : ["probs"],
      targets: training ? ["Adam"] : [])
  }

  @Test func textReportNamesThePassesAndTheNodeCounts() throws {
    let result = try TGProcess.run(["optimize", Self.fashion, "--fetch", "probs"])
    #expect(result.status == 0 && result.stderr.isEmpty, "\(result)")
    let graph = try GraphSerializer().load(from: URL(fileURLWithPath: Self.fashion)).graph
    let library = try PassManager.default.run(graph, keep: KeepSet(outputs: ["probs"]))
    let lines = result.stdout.split(separator: "\n").map(String.init)
    #expect(lines.first == "passes: " + PassManager.defaultPipelineNames.joined(separator: ", "))
    #expect(lines.contains("kept: probs"))
    let remap = try #require(library.report.entries.first { $0.pass == "remap" })
    let remapLine = "remap: \(remap.before.nodes) → \(remap.after.nodes) nodes (\(remap.diff!.removed.count) removed, "
      + "\(remap.diff!.changed.count) rewired)"
    #expect(lines.contains(remapLine), "\(result)")
    #expect(lines.contains { $0.hasPrefix("total: \(graph.nodeCount) → \(library.graph.nodeCount) nodes (") }, "\(result)")
    #expect(!lines.contains { $0.hasPrefix("wrote") || $0.hasPrefix("verified") })
  }

  @Test func keepsEverythingInspectListsByDefault() throws {
    let report = try Self.json(try TGProcess.run(["optimize", Self.train, "--json", "--verify"]))
    let kept = try #require(report["kept"] as? [String: [String]])
    #expect(kept["targets"] == ["Adam", "init"])
    #expect(Set(kept["outputs"] ?? []).isSuperset(of: ["loss:0", "probs:0"]))
    let checks = try #require((report["verification"] as? [String: Any])?["checks"] as? [[String: Any]])
    #expect(checks.compactMap { $0["what"] as? String } == ["outputs", "target Adam", "target init"])
  }

  @Test func namedPassesReportTableAndDiff() throws {
    let result = try TGProcess.run([
      "optimize", Self.train, "--passes", "pruning,arithmetic,remap", "--fetch", "loss", "--target", "Adam", "--report",
      "--diff",
    ])
    #expect(result.status == 0, "\(result)")
    let out = result.stdout
    #expect(out.hasPrefix("passes: pruning, arithmetic, remap\nkept: loss; targets: Adam\n"), "\(result)")
    for text in ["MFLOP", "const KB", "(input)", "(pipeline)", "  - init (NoOp)", "  ~ dense/Relu: op Relu → _FusedMatMul"] {
      #expect(out.contains(text), "missing '\(text)':\n\(out)")
    }
  }

  @Test func fixedPointRepeatsThePasses() throws {
    let report = try Self.json(try TGProcess.run([
      "optimize", Self.fashion, "--fetch", "probs", "--passes", "arithmetic,pruning", "--fixed-point", "--json",
    ]))
    let passes = try #require((report["report"] as? [String: Any])?["passes"] as? [[String: Any]])
    #expect(passes.compactMap { $0["round"] as? Int }.max() ?? 0 >= 2, "\(passes)")
    #expect(passes.suffix(2).allSatisfy { $0["changed"] as? Bool == false })
  }

  /// A graph whose output the check cannot reproduce: an unseeded random
  /// op draws other numbers in each session, so `--verify` must fail, and
  /// nothing may be written.
  @Test func verifyFailureExitsOneAndWritesNothing() throws {
    let dir = try TGProcess.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let g = Graph()
    let x = try g.placeholder(.float32, shape: [nil, 4], name: "x")
    let noise = try g.randomUniform(shape: [4], name: "noise")
    _ = try g.add(try g.multiply(x, try g.constant(1.0)), noise, name: "y")
    try g.save(to: dir.appendingPathComponent("noisy.json"))
    let result = try TGProcess.run(["optimize", "noisy.json", "--fetch", "y", "--verify", "-o", "out.json"], in: dir)
    expectUserError(result, ["--verify", "'y:0' at step 0 differs", "nothing was written"])
    #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path) == ["noisy.json"])
    // Without --verify the same run succeeds and writes.
    let unchecked = try TGProcess.run(["optimize", "noisy.json", "--fetch", "y", "-o", "out.json"], in: dir)
    #expect(unchecked.status == 0 && unchecked.stdout.contains("wrote out.json"), "\(unchecked)")
  }

  @Test func weightsOptionAndOverwritingTheInputInPlace() throws {
    let dir = try TGProcess.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    for ext in ["json", "safetensors"] {
      try FileManager.default.copyItem(
        at: TGProcess.graphs.appendingPathComponent("fashion_mlp.\(ext)"), to: dir.appendingPathComponent("g.\(ext)"))
    }
    try FileManager.default.moveItem(at: dir.appendingPathComponent("g.safetensors"), to: dir.appendingPathComponent("w.safetensors"))
    // The copied graph names fashion_mlp.safetensors, which is not there: --weights supplies it.
    let result = try TGProcess.run(["optimize", "g.json", "--weights", "w.safetensors", "--fetch", "probs", "-o", "g.json"], in: dir)
    #expect(result.status == 0 && result.stdout.contains("wrote g.json and g.safetensors"), "\(result)")
    try Self.expectSameResults(
      original: Self.fashion, optimized: dir.appendingPathComponent("g.json"), fetches: ["probs"], targets: [])
    expectUserError(
      try TGProcess.run(["optimize", "g.json", "--weights", "missing.safetensors"], in: dir), ["missing.safetensors"])
  }

  @Test func errors() throws {
    let dir = try TGProcess.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let fashion = Self.fashion
    expectUserError(
      try TGProcess.run(["optimize", fashion, "--passes", "pruning,constant_folding"], in: dir),
      ["--passes", "no pass named 'constant_folding'", "arithmetic", "constfold", "elementwise_fusion", "remap"])
    expectUserError(try TGProcess.run(["optimize", "nope.json"], in: dir), ["cannot open", "nope.json"])
    expectUserError(try TGProcess.run(["optimize", fashion, "--fetch", "prob"], in: dir), ["no node named 'prob'", "did you mean 'probs'?"])
    expectUserError(try TGProcess.run(["optimize", fashion, "--fetch", "init"], in: dir), ["has no outputs", "--target init"])
    expectUserError(try TGProcess.run(["optimize", fashion, "--target", "nit"], in: dir), ["no node named 'nit'"])
    expectUserError(
      try TGProcess.run(["optimize", fashion, "-o", "/nonexistent/opt.json"], in: dir), ["no directory '/nonexistent'"])
    expectUsageError(try TGProcess.run(["optimize", fashion, "-o", "opt.txt"], in: dir), ["name a .json file"])
    expectUsageError(try TGProcess.run(["optimize", fashion, "--passes", "pruning,,remap"], in: dir), ["empty name"])
    expectUsageError(try TGProcess.run(["optimize", fashion, "--fixed-point"], in: dir), ["--fixed-point"])
    expectUsageError(try TGProcess.run(["optimize", fashion, "--batch", "0"], in: dir), ["--batch"])
    expectUsageError(try TGProcess.run(["optimize"], in: dir), ["<graph>"])
    #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).isEmpty, "no error wrote a file")
  }
}
