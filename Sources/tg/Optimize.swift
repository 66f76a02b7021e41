import ArgumentParser
import Foundation
import TensorGraph

/// `tg optimize`: runs graph passes on a saved graph, reports what each
/// changed, optionally checks that the outputs did not change, and saves
/// the result.
struct Optimize: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Run graph passes on a saved graph: report what each changed, check the outputs, save the result.",
    discussion: """
      Runs the passes named by --passes, in order (default: the standard pipeline — \
      \(PassManager.defaultPipelineNames[0]), then \
      \(PassManager.defaultPipelineNames.dropFirst().prefix(4).joined(separator: ", ")) repeated to a fixed point, then \
      \(PassManager.defaultPipelineNames.dropFirst(5).joined(separator: ", "))). The graph is verified after \
      every pass (unique names, no dangling inputs or cycles, dtypes and shapes of the kept outputs unchanged); \
      a pass that breaks it is named. Passes: \(PassRegistry.standard.names.joined(separator: ", ")); see \
      Docs/passes.md.

      Passes preserve what is kept: each --fetch (an output) and --target (a node run for its effect, such as \
      Adam). Without either, everything `tg inspect` lists is kept: the fetchable outputs and the targets.

      Prints each pass that changed the graph and its node counts; --report prints the full table (nodes, \
      edges, estimated FLOPs and bytes moved at --batch, constant bytes, time), --diff the nodes each pass \
      removed, added and rewired, --json all of it as JSON.

      --verify runs the original and the optimized graph on the same seeded random feeds (unknown dimensions \
      = --batch) from the same variable values and compares every kept output, within --tolerance \
      (|a − b| ≤ tolerance · (1 + |b|)); each target is run for two steps and every variable compared after \
      them. If anything differs, tg exits with status 1 and writes nothing.

      With -o OUT.json, the optimized graph is saved (its large constants and variable values — those the \
      weights file holds — in OUT.safetensors beside it), each file replaced only once complete.

      Examples:
        tg optimize Graphs/fashion_mlp.json --fetch probs -o opt.json --verify
        tg optimize Graphs/fashion_mlp_train.json --passes pruning,remap --report
      """)

  @OptionGroup var input: GraphInput

  @Option(
    help: ArgumentHelp(
      "Comma-separated pass names, run in this order (default: the standard pipeline).", valueName: "p1,p2,…"))
  var passes: String?

  @Flag(help: "Repeat the --passes, round after round, until a round changes nothing.")
  var fixedPoint = false

  @Option(name: .customLong("fetch"), help: ArgumentHelp("An output to keep: a node name or node:index.", valueName: "name"))
  var fetches: [String] = []

  @Option(name: .customLong("target"), help: ArgumentHelp("A node to keep for its effect (e.g. Adam).", valueName: "name"))
  var targets: [String] = []

  @Option(name: .shortAndLong, help: ArgumentHelp("Save the optimized graph to FILE.json.", valueName: "file"))
  var output: String?

  @Flag(help: "Print the full per-pass table.")
  var report = false

  @Flag(help: "Print what each pass removed, added and rewired.")
  var diff = false

  @Flag(help: "Print the report (and the verification) as JSON.")
  var json = false

  @Flag(help: "Check that the kept outputs and variables are unchanged; exit 1 if they differ.")
  var verify = false

  @Option(help: "The size of unknown dimensions in FLOP estimates and --verify's feeds.")
  var batch = 32

  @Option(help: "--verify's tolerance, relative to 1 + |expected|.")
  var tolerance = 1e-5

  func validate() throws {
    if let passes, passes.split(separator: ",", omittingEmptySubsequences: false).contains(where: { $0.isEmpty }) {
      throw ValidationError("--passes '\(passes)' has an empty name: give names separated by single commas")
    }
    if fixedPoint && passes == nil {
      throw ValidationError("--fixed-point applies to --passes (the default pipeline has its own fixed point)")
    }
    guard batch >= 1 else { throw ValidationError("--batch must be at least 1, not \(batch)") }
    guard tolerance >= 0, tolerance.isFinite else { throw ValidationError("--tolerance must be finite and not negative") }
    if let output, URL(fileURLWithPath: output).pathExtension.lowercased() != "json" {
      throw ValidationError("-o '\(output)': the optimized graph is saved as JSON; name a .json file")
    }
  }

  func run() throws {
    let progress = Progress()
    var manager = try passManager()
    manager.batchSize = batch
    let loaded = try input.load(progress: progress)
    let graph = loaded.graph
    let keep = try keepSet(graph)
    let values = try variableValues(loaded)

    progress.note("running \(pipelineNames.joined(separator: ", "))…")
    let result = try manager.run(graph, keep: keep)
    var verification: Verification?
    if verify {
      progress.note("verifying…")
      verification = try Verification(
        original: graph, optimized: result.graph, keep: keep, variables: values, batch: batch, tolerance: tolerance)
      if let failure = verification?.firstFailure {
        throw UserError("--verify: the optimized graph computes something else: \(failure); nothing was written")
      }
    }
    var written: [String] = []
    if let output {
      progress.note("writing \(output)…")
      written = try save(result.graph, values: values, to: output)
    }
    if json {
      print(try jsonReport(result.report, keep: keep, verification: verification, written: written))
    } else {
      print(textReport(result.report, keep: keep, verification: verification, written: written))
    }
    progress.note("done")
  }

  // MARK: - Pieces

  /// The pass names as given, or the default pipeline's.
  var pipelineNames: [String] {
    passes.map { $0.split(separator: ",").map(String.init) } ?? PassManager.defaultPipelineNames
  }

  /// The manager for `--passes` (unknown names: a user error listing the
  /// known ones).
  func passManager() throws -> PassManager {
    guard passes != nil else { return .default }
    do {
      return try PassManager(pipeline: pipelineNames, fixedPoint: fixedPoint)
    } catch let error as TensorGraphError {
      throw UserError("--passes: \(error.message)")
    }
  }

  /// `--fetch` and `--target`, or everything `tg inspect` lists.
  func keepSet(_ graph: Graph) throws -> KeepSet {
    guard fetches.isEmpty && targets.isEmpty else {
      for name in fetches {
        if let node = graph.node(named: name), node.outputs.isEmpty {
          throw UserError("'\(name)' (\(node.op)) has no outputs to fetch; keep it with --target \(name)")
        }
        _ = try graph.output(named: name)
      }
      for name in targets { _ = try graph.requireNode(named: name) }
      return KeepSet(outputs: fetches, nodes: targets)
    }
    let fetchables = Fetchables(graph)
    return KeepSet(outputs: fetchables.outputs.map(\.name), nodes: fetchables.targets.map(\.name))
  }

  /// The values the weights file holds for variables of the graph.
  func variableValues(_ loaded: LoadedGraph) throws -> [String: Tensor] {
    guard let url = loaded.weightsURL, FileManager.default.fileExists(atPath: url.path) else { return [:] }
    let tensors = try SafeTensorsFile(contentsOf: url).tensors()
    return tensors.filter { loaded.graph.node(named: $0.key)?.op == "VariableV2" }
  }

  /// Saves `graph` with the values of the variables it still has; returns
  /// the files written. A failure leaves no new weights file behind.
  func save(_ graph: Graph, values: [String: Tensor], to path: String) throws -> [String] {
    let url = URL(fileURLWithPath: path)
    let directory = url.deletingLastPathComponent().path
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
      throw UserError("cannot write '\(path)': there is no directory '\(directory)'")
    }
    if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue {
      throw UserError("cannot write '\(path)': it is a directory")
    }
    let weightsURL = url.deletingPathExtension().appendingPathExtension("safetensors")
    let weightsExisted = FileManager.default.fileExists(atPath: weightsURL.path)
    let kept = values.filter { graph.node(named: $0.key)?.op == "VariableV2" }
    do {
      let weights = try GraphSerializer().save(graph, to: url, weights: weightsURL, variableValues: kept)
      let weightsPath = (path as NSString).deletingPathExtension + ".safetensors"
      return [path] + (weights == nil ? [] : [weightsPath])
    } catch {
      if !weightsExisted { unlink(weightsURL.path) }
      throw error
    }
  }
}

// MARK: - Verification

/// `--verify`: the differential check of the kept outputs (one run), then
/// of each kept target on its own (two steps, then every variable) — a
/// target such as `init` and one such as `Adam` must not run in one step,
/// where nothing orders their writes to the same variables.
struct Verification {
  /// One check and what it ran.
  struct Check {
    var what: String
    var report: DifferentialReport
  }

  var checks: [Check] = []
  var tolerance: Double

  init(
    original: Graph, optimized: Graph, keep: KeepSet, variables: [String: Tensor], batch: Int, tolerance: Double
  ) throws {
    self.tolerance = tolerance
    var runs: [(String, KeepSet, Int)] = []
    if !keep.outputs.isEmpty {
      runs.append(("outputs", KeepSet(outputs: keep.outputs.sorted()), 1))
    }
    for target in keep.nodes.sorted() {
      runs.append(("target \(target)", KeepSet(nodes: [target]), 2))
    }
    for (what, subset, steps) in runs {
      let check = DifferentialCheck(
        seed: 1, unknownDimension: batch, tolerance: tolerance, steps: steps, variables: variables)
      checks.append(Check(what: what, report: try check.run(original: original, transformed: optimized, keep: subset)))
    }
  }

  var passed: Bool { checks.allSatisfy(\.report.passed) }
  var comparisons: Int { checks.reduce(0) { $0 + $1.report.comparisons.count } }
  var maxAbsoluteError: Double { checks.map(\.report.maxAbsoluteError).max() ?? 0 }

  /// The first comparison that failed, described, or `nil`.
  var firstFailure: String? {
    for check in checks {
      if let bad = check.report.comparisons.first(where: { !$0.passed }) { return "\(check.what): \(bad)" }
    }
    return nil
  }

  /// One line: what was compared and the largest difference.
  var summary: String {
    let what = checks.map(\.what).joined(separator: ", ")
    return "verified (\(what)): \(comparisons) comparisons, max |Δ| \(String(format: "%.3g", maxAbsoluteError)), "
      + "tolerance \(String(format: "%g", tolerance))"
  }
}
