import ArgumentParser
import Foundation
import TensorGraph

/// `tg run`: runs a saved graph on `.npy` inputs and writes each fetched
/// value as `.npy`.
struct Run: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Run a saved graph on .npy inputs; print each fetched value and write it as .npy.",
    discussion: """
      Loads GRAPH, restores its variables from the weights file (--weights, or the one the graph names \
      beside it), feeds each --feed value, computes every --fetch and runs every --target (a node run for \
      its effect, such as an optimizer step). Prints each fetch's dtype, shape and a few values.

      With --out DIR, each fetch is written to DIR as .npy (numpy's format, loadable with np.load): the \
      file is named after the fetch with ':' replaced by '_' and '/' by '-', so `probs` → probs.npy, \
      `xent:1` → xent_1.npy, `dense/Relu` → dense-Relu.npy. Files are written only once the run has \
      succeeded, and all of them or none.

      Example:
        tg run Graphs/fashion_mlp.json --feed x=images.npy --fetch probs --out results
      """)

  @OptionGroup var input: GraphInput

  @Option(
    name: .customLong("feed"),
    help: ArgumentHelp(
      "A value for an output of the graph: NAME=FILE.npy (NAME is a node, output 0, or node:index).",
      discussion: "Its dtype must be the output's and its shape must fit (a ? takes any size).",
      valueName: "name=file.npy"))
  var feeds: [FeedSpec] = []

  @Option(name: .customLong("fetch"), help: ArgumentHelp("An output to compute: a node name or node:index.", valueName: "name"))
  var fetches: [String] = []

  @Option(name: .customLong("target"), help: ArgumentHelp("A node to run for its effect (e.g. Adam).", valueName: "name"))
  var targets: [String] = []

  @Option(help: ArgumentHelp("Write each fetch as DIR/NAME.npy (created if missing).", valueName: "dir"))
  var out: String?

  @Option(help: "Threads for the run (default: every core, or TENSORGRAPH_NUM_THREADS).")
  var threads: Int?

  @Flag(help: "Initialize variables the weights file has no value for by running their initializers first.")
  var initializeMissing = false

  func validate() throws {
    guard !fetches.isEmpty || !targets.isEmpty else {
      throw ValidationError("nothing to run: give at least one --fetch or --target")
    }
    if let threads, threads < 1 { throw ValidationError("--threads must be at least 1, not \(threads)") }
    var seen: [String: String] = [:]
    for fetch in fetches {
      let file = FetchFiles.fileName(for: fetch)
      if let other = seen[file] {
        throw ValidationError(
          other == fetch ? "--fetch '\(fetch)' is given twice" : "--fetch '\(other)' and '\(fetch)' would both be written to \(file)")
      }
      seen[file] = fetch
    }
    var fed = Set<String>()
    for feed in feeds where !fed.insert(feed.name).inserted {
      throw ValidationError("--feed '\(feed.name)' is given twice")
    }
  }

  func run() throws {
    let progress = Progress()
    let loaded = try input.load(progress: progress)
    let graph = loaded.graph
    let fetchOutputs = try fetches.map { name in
      if let node = graph.node(named: name), node.outputs.isEmpty {
        throw UserError("'\(name)' (\(node.op)) has no outputs to fetch; run it with --target \(name)")
      }
      return try graph.output(named: name)
    }
    let targetNodes = try targets.map { try graph.requireNode(named: $0) }
    var feedValues: [Output: Tensor] = [:]
    for feed in feeds {
      let output = try graph.output(named: feed.name)
      progress.note("reading \(feed.path)…")
      feedValues[output] = try feed.read(for: output)
    }
    try checkPlaceholdersFed(graph, fetches: fetchOutputs, targets: targetNodes, fed: Set(feedValues.keys.map(\.ref)))

    let (session, uninitialized) = try loaded.makeSession(options: SessionOptions(threads: threads), progress: progress)
    if initializeMissing && !uninitialized.isEmpty {
      progress.note("initializing \(uninitialized.count) variable(s)…")
      try session.run(targets: try uninitialized.map { variable in
        guard let assign = graph.consumers(of: variable.id).map(graph.node(at:))
          .first(where: { $0.op == "Assign" && $0.name == variable.name + "/Assign" })
        else { throw UserError("variable '\(variable.name)' has no value and no initializer (\(variable.name)/Assign)") }
        return assign
      })
    }
    progress.note("running \(fetches.count) fetch(es), \(targets.count) target(s)…")
    let values: [Tensor]
    do {
      values = try session.run(fetches: fetchOutputs, feeds: feedValues, targets: targetNodes)
    } catch let error as TensorGraphError where error.reason == .uninitializedVariable {
      let source = loaded.weightsURL.map { "'\(input.weightsPath(loaded) ?? $0.path)' holds no value for it" }
        ?? "the graph names no weights file"
      throw UserError(
        "variable '\(error.node ?? "?")' has no value: \(source); pass --weights FILE, or --initialize-missing to run its initializer")
    }

    var written: [URL] = []
    if let out {
      progress.note("writing \(values.count) file(s) to \(out)…")
      written = try FetchFiles.write(Array(zip(fetches, values)), to: URL(fileURLWithPath: out))
    }
    for (k, (name, value)) in zip(fetches, values).enumerated() {
      let destination = written.isEmpty ? "" : " → \(out!.hasSuffix("/") ? out! : out! + "/")\(written[k].lastPathComponent)"
      print("\(name): \(value.dtype) \(value.shape)\(destination)")
      print(TensorPreview.render(value))
    }
    if !targets.isEmpty && fetches.isEmpty { print("ran \(targets.joined(separator: ", "))") }
    progress.note("done")
  }

  /// Fails with a line naming the `--feed` to add when the run needs a
  /// placeholder that is not fed (the session's own error does not know
  /// about command-line options).
  private func checkPlaceholdersFed(_ graph: Graph, fetches: [Output], targets: [Node], fed: Set<TensorRef>) throws {
    for id in graph.subgraph(fetches: fetches, targets: targets, cut: fed) {
      let node = graph.node(at: id)
      guard node.op == "Placeholder" else { continue }
      throw UserError(
        "placeholder '\(node.name)' (\(node.outputs[0].dtype) \(node.outputs[0].shape)) must be fed: "
          + "the fetches depend on it; pass --feed \(node.name)=FILE.npy")
    }
  }
}
