import Foundation

/// Saves graphs as canonical JSON (`Docs/format.md`) with their large
/// constants and variable values in a safetensors weights file, and loads
/// them back.
///
/// Writing is canonical — the same graph always gives the same bytes, so
/// `save(load(f))` reproduces `f` exactly and graph files diff well.
/// Loading re-adds every node through ``Graph/addNode(op:inputRefs:controlInputIDs:attrs:name:exactName:site:)``,
/// so attributes are validated and shapes inferred as when the graph was
/// built; a malformed file throws a ``TensorGraphError`` saying what is
/// wrong and where (node index and name, JSON path, file line).
///
///     let serializer = GraphSerializer()
///     try serializer.save(graph, to: modelURL, variables: session)   // mlp.json + mlp.safetensors
///     let loaded = try serializer.load(from: modelURL)
///     let session = try loaded.makeSession()                          // variables restored
public struct GraphSerializer: Sendable {
  /// Tensor attributes (`Const` values) with more bytes than this go to the
  /// weights file; smaller ones are inline (base64) in the JSON.
  public var inlineByteLimit: Int
  /// The ops loaded graphs may use.
  public var registry: OpRegistry

  /// Creates a serializer.
  public init(inlineByteLimit: Int = GraphFormat.defaultInlineByteLimit, registry: OpRegistry = .standard) {
    self.inlineByteLimit = inlineByteLimit
    self.registry = registry
  }

  /// A graph encoded in memory: the JSON, and the tensors it refers to by
  /// `weights_key`.
  public struct Encoded: Sendable {
    /// The graph JSON.
    public var json: Data
    /// Tensors too large to inline, by weights key.
    public var weights: [String: Tensor]
  }

  /// A graph read from a file, and the weights file it names.
  public struct Loaded: Sendable {
    /// The graph.
    public var graph: Graph
    /// The weights file the graph file names, resolved against its
    /// directory (`nil` when it names none).
    public var weightsURL: URL?

    /// A session on the graph with every variable whose value the weights
    /// file holds restored (the rest stay uninitialized).
    ///
    /// - Throws: ``TensorGraphError`` when the weights file cannot be read
    ///   or a value does not match its variable's dtype or shape.
    public func makeSession(options: SessionOptions = SessionOptions()) throws -> Session {
      let session = Session(graph: graph, options: options)
      if let weightsURL {
        try session.restoreVariables(from: SafeTensorsFile(contentsOf: weightsURL), requireAll: false)
      }
      return session
    }
  }

  // MARK: - In memory

  /// Encodes `graph`; tensors over ``inlineByteLimit`` bytes are returned
  /// in ``Encoded/weights``.
  public func encode(_ graph: Graph) -> Encoded {
    let (json, external) = GraphEncoder(inlineByteLimit: inlineByteLimit).encode(graph, weightsFile: nil)
    var weights: [String: Tensor] = [:]
    for e in external { weights[e.key] = e.tensor }
    return Encoded(json: Data(json), weights: weights)
  }

  /// Decodes a graph from JSON; tensors stored by `weights_key` are looked
  /// up in `weights`.
  ///
  /// - Throws: ``TensorGraphError`` saying what is wrong and where.
  public func decode(_ json: Data, weights: [String: Tensor] = [:]) throws -> Graph {
    let decoder = GraphDecoder(registry: registry, fileName: nil) { _, key in weights[key] }
    return try json.withUnsafeBytes { try decoder.decode($0).graph }
  }

  // MARK: - Files

  /// Saves `graph` to `url` as JSON, and its large constants — plus, given
  /// a session, every variable's value — to a safetensors weights file.
  ///
  /// Both files are written atomically; the weights file first, so a
  /// graph file never names weights that are not there yet. No weights
  /// file is written when nothing needs one.
  ///
  /// - Parameters:
  ///   - url: The graph file (conventionally `name.json`).
  ///   - weightsURL: The weights file; defaults to `url` with the extension
  ///     `.safetensors`. The graph file records its path relative to the
  ///     graph file's directory when it is in that directory, else its
  ///     absolute path.
  ///   - session: A session on `graph` whose variable values to save.
  /// - Returns: The weights file written, if any.
  /// - Throws: ``TensorGraphError``: `io` when a file cannot be written,
  ///   `uninitializedVariable` when a variable to save has no value,
  ///   `invalidArgument` when `session` runs another graph.
  @discardableResult
  public func save(_ graph: Graph, to url: URL, weights weightsURL: URL? = nil, variables session: Session? = nil)
    throws -> URL?
  {
    var variables: [String: Tensor] = [:]
    if let session {
      guard session.graph === graph else {
        throw TensorGraphError(.invalidArgument, "the session whose variables to save runs a different graph")
      }
      variables = try session.variableValues()
    }
    return try save(graph, to: url, weights: weightsURL, variableValues: variables)
  }

  /// Saves `graph` like ``save(_:to:weights:variables:)``, with the
  /// variable values given by name — some variables may have none (e.g. a
  /// graph transformed from one whose weights file lacked them).
  ///
  /// - Throws: ``TensorGraphError``: `io` when a file cannot be written,
  ///   `invalidArgument` when a value is not for a variable of `graph` or
  ///   has another dtype or shape.
  @discardableResult
  public func save(_ graph: Graph, to url: URL, weights weightsURL: URL? = nil, variableValues variables: [String: Tensor])
    throws -> URL?
  {
    for (name, value) in variables.sorted(by: { $0.key < $1.key }) {
      guard let node = graph.node(named: name), node.op == "VariableV2" else {
        throw TensorGraphError(.invalidArgument, "'\(name)' is not a variable of the graph to save")
      }
      guard node.outputs[0].dtype == value.dtype, node.outputs[0].shape.accepts(value.shape) else {
        throw node.error(
          .invalidArgument,
          "the value to save for variable '\(name)' is \(value.dtype) \(value.shape) but the variable is \(node.outputs[0].dtype) \(node.outputs[0].shape)")
      }
    }
    let weightsURL = weightsURL ?? url.deletingPathExtension().appendingPathExtension("safetensors")
    let sameDirectory =
      weightsURL.deletingLastPathComponent().standardizedFileURL.path
      == url.deletingLastPathComponent().standardizedFileURL.path
    let reference = sameDirectory ? weightsURL.lastPathComponent : weightsURL.standardizedFileURL.path
    let (json, external) = GraphEncoder(inlineByteLimit: inlineByteLimit).encode(
      graph, weightsFile: reference, withVariables: !variables.isEmpty)
    var written: URL?
    if !external.isEmpty || !variables.isEmpty {
      var tensors = variables
      for e in external { tensors[e.key] = e.tensor }
      try SafeTensors.write(tensors, metadata: ["producer": GraphFormat.producer], to: weightsURL)
      written = weightsURL
    }
    try AtomicFile.write(to: url) { try $0.write(json) }
    return written
  }

  /// Loads the graph saved at `url`, reading constants stored in its
  /// weights file (only those: variable values are restored by
  /// ``Loaded/makeSession()`` or ``Session/restoreVariables(from:requireAll:)``).
  ///
  /// - Throws: ``TensorGraphError``: `io` when a file cannot be read;
  ///   `format`, `unknownOp`, `unknownNode`, `duplicateName`,
  ///   `missingAttribute`, `invalidAttribute`, `dtypeMismatch` or
  ///   `shapeMismatch` for a malformed graph, with the node, JSON path and
  ///   line.
  public func load(from url: URL) throws -> Loaded {
    let bytes = try FileReader(url).readAll()
    let directory = url.deletingLastPathComponent()
    func resolve(_ file: String) -> URL {
      file.hasPrefix("/") ? URL(fileURLWithPath: file) : directory.appendingPathComponent(file)
    }
    final class LazyWeights: @unchecked Sendable { var file: SafeTensorsFile? }
    let lazy = LazyWeights()
    let decoder = GraphDecoder(registry: registry, fileName: url.lastPathComponent) { file, key in
      guard let file else {
        throw JSONDecodingFailure("the tensor is stored under weights key \"\(key)\" but the graph names no weights file")
      }
      if lazy.file == nil { lazy.file = try SafeTensorsFile(contentsOf: resolve(file)) }
      return try lazy.file!.tensor(named: key)
    }
    let (graph, weightsFile) = try bytes.withUnsafeBytes { try decoder.decode($0) }
    return Loaded(graph: graph, weightsURL: weightsFile.map(resolve))
  }
}

// MARK: - Graph conveniences

extension Graph {
  /// The graph as self-contained canonical JSON: every tensor inline.
  ///
  ///     let copy = try Graph.deserialize(graph.serialize())
  public func serialize() -> Data {
    GraphSerializer(inlineByteLimit: .max).encode(self).json
  }

  /// A graph decoded from JSON written by ``serialize()`` (or any graph
  /// JSON whose tensors are all inline).
  ///
  /// - Throws: ``TensorGraphError`` saying what is wrong and where.
  public static func deserialize(_ json: Data, registry: OpRegistry = .standard) throws -> Graph {
    try GraphSerializer(registry: registry).decode(json)
  }

  /// Saves the graph to `url`, with constants over 1 KiB — and, given a
  /// session, the variables' values — in a safetensors file beside it; see
  /// ``GraphSerializer/save(_:to:weights:variables:)``.
  public func save(to url: URL, weights: URL? = nil, variables session: Session? = nil) throws {
    try GraphSerializer().save(self, to: url, weights: weights, variables: session)
  }

  /// Loads a graph saved by ``save(to:weights:variables:)``; see
  /// ``GraphSerializer/load(from:)``.
  public static func load(from url: URL, registry: OpRegistry = .standard) throws -> Graph {
    try GraphSerializer(registry: registry).load(from: url).graph
  }
}
