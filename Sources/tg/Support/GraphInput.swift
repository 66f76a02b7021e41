import ArgumentParser
import Foundation
import TensorGraph

/// The graph file argument and `--weights` option of every subcommand that
/// reads a saved graph (`run`, `inspect`, `dot`; later `optimize`).
struct GraphInput: ParsableArguments {
  @Argument(help: ArgumentHelp("A graph saved by TensorGraph (.json, see Docs/format.md).", valueName: "graph"))
  var graph: String

  @Option(
    help: ArgumentHelp(
      "The weights file (.safetensors): large constants and variable values.",
      discussion: "Default: the weights file the graph names, beside it (as GraphSerializer loads it).",
      valueName: "file"))
  var weights: String?

  /// Loads the graph, reading large constants from the weights file
  /// (`--weights` or the one the graph names).
  ///
  /// - Throws: `TensorGraphError` (`io`, `format`, …) for a missing or
  ///   malformed file.
  func load(progress: Progress) throws -> LoadedGraph {
    let url = URL(fileURLWithPath: graph)
    progress.note("loading \(graph)…")
    guard let weights else {
      let loaded = try GraphSerializer().load(from: url)
      progress.note("loaded \(loaded.graph.nodeCount) nodes")
      return LoadedGraph(graph: loaded.graph, weightsURL: loaded.weightsURL)
    }
    let weightsURL = URL(fileURLWithPath: weights)
    let tensors = try SafeTensorsFile(contentsOf: weightsURL).tensors()
    let json: Data
    do {
      json = try Data(contentsOf: url)
    } catch {
      throw UserError("cannot open '\(graph)': \(Self.reason(error))")
    }
    let decoded: Graph
    do {
      decoded = try GraphSerializer().decode(json, weights: tensors)
    } catch var error as TensorGraphError {
      error.message = "\(url.lastPathComponent): \(error.message)"
      throw error
    }
    progress.note("loaded \(decoded.nodeCount) nodes")
    return LoadedGraph(graph: decoded, weightsURL: weightsURL)
  }

  /// The weights file of `loaded` as the user would write it: `--weights`
  /// as given, or the file the graph names, beside the graph's path.
  func weightsPath(_ loaded: LoadedGraph) -> String? {
    if let weights { return weights }
    guard let url = loaded.weightsURL else { return nil }
    let name = url.lastPathComponent
    guard url.deletingLastPathComponent().standardizedFileURL.path
      == URL(fileURLWithPath: graph).deletingLastPathComponent().standardizedFileURL.path
    else { return url.path }
    let directory = (graph as NSString).deletingLastPathComponent
    return directory.isEmpty ? name : directory + "/" + name
  }

  /// The system's reason for a Foundation file error ("No such file or
  /// directory"), without Foundation's sentence around it.
  static func reason(_ error: Error) -> String {
    let underlying = (error as NSError).userInfo[NSUnderlyingErrorKey] as? NSError
    if let code = underlying?.code, underlying?.domain == NSPOSIXErrorDomain {
      return String(cString: strerror(Int32(code)))
    }
    return error.localizedDescription
  }
}

/// A loaded graph and the weights file its variables come from.
struct LoadedGraph {
  /// The graph.
  var graph: Graph
  /// Where variable values are read from, if anywhere.
  var weightsURL: URL?

  /// A session on the graph with every variable the weights file holds
  /// restored; returns the variables left without a value.
  func makeSession(options: SessionOptions, progress: Progress) throws -> (Session, uninitialized: [Node]) {
    let session = Session(graph: graph, options: options)
    if let weightsURL {
      progress.note("restoring variables from \(weightsURL.lastPathComponent)…")
      try session.restoreVariables(from: SafeTensorsFile(contentsOf: weightsURL), requireAll: false)
    }
    let missing = graph.nodes.filter { $0.op == "VariableV2" && session.resources.variable(for: $0).value == nil }
    return (session, missing)
  }
}
