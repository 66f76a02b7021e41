// Graph → canonical JSON. The same graph always gives the same bytes:
// members in a fixed order (attributes and collections sorted by name),
// nodes in id order, numbers in shortest round-trip form.

/// Encodes graphs in the graph format (`Docs/format.md`).
struct GraphEncoder {
  /// Tensor attributes with more bytes than this go to the weights file.
  var inlineByteLimit: Int

  /// A tensor stored in the weights file, and the key it is stored under.
  struct ExternalTensor {
    var key: String
    var tensor: Tensor
  }

  /// Root object, one member per line; node records one member per line
  /// and one attribute per line; values on one line.
  static let layout = JSONWriter.Layout(expandObjectsToDepth: 3, expandArraysToDepth: 1, spaced: true)

  /// The key under which a node's tensor attribute is stored in the
  /// weights file: the node's name for a `Const`'s `value` (so weights
  /// files read naturally), `node:attr` otherwise. Neither can clash with
  /// a variable, whose key is its node name: node names are unique and
  /// never contain ':'.
  static func weightsKey(node: String, attr: String) -> String {
    attr == "value" ? node : "\(node):\(attr)"
  }

  /// The JSON text of `graph`, and the tensors it refers to by key.
  ///
  /// - Parameters:
  ///   - weightsFile: The weights file's path relative to the graph file,
  ///     recorded as the top-level `weights` member when a tensor goes
  ///     there or `withVariables` is set.
  ///   - withVariables: Whether variable values are saved beside the graph.
  func encode(_ graph: Graph, weightsFile: String?, withVariables: Bool = false)
    -> (json: [UInt8], external: [ExternalTensor])
  {
    let nodes = graph.nodes
    var external: [ExternalTensor] = []
    var records: [JSONValue] = []
    records.reserveCapacity(nodes.count)
    for node in nodes {
      var members: [(key: String, value: JSONValue)] = [("name", .string(node.name)), ("op", .string(node.op))]
      let inputs = node.inputs.map { ref -> JSONValue in
        let producer = nodes[ref.node].name
        return .string(ref.index == 0 ? producer : "\(producer):\(ref.index)")
      } + node.controlInputs.map { .string("^" + nodes[$0].name) }
      if !inputs.isEmpty { members.append(("input", .array(inputs))) }
      if !node.attrs.isEmpty {
        let attrs = node.attrs.sorted { $0.key < $1.key }.map { key, value -> (key: String, value: JSONValue) in
          (key, value.json { t in
            guard t.byteCount > inlineByteLimit else { return t.json(weightsKey: nil) }
            let wkey = GraphEncoder.weightsKey(node: node.name, attr: key)
            external.append(ExternalTensor(key: wkey, tensor: t))
            return t.json(weightsKey: wkey)
          })
        }
        members.append(("attr", .object(JSONObject(attrs))))
      }
      records.append(.object(JSONObject(members)))
    }

    var root: [(key: String, value: JSONValue)] = [
      ("format_version", .int(GraphFormat.version)),
      ("producer", .string(GraphFormat.producer)),
    ]
    if let seed = graph.randomSeed { root.append(("random_seed", .int(seed))) }
    let collections = graph.collections.filter { !$0.value.isEmpty }.sorted { $0.key < $1.key }
    if !collections.isEmpty {
      root.append((
        "collections",
        .object(JSONObject(collections.map { key, ids in (key, .array(ids.map { .string(nodes[$0].name) })) }))
      ))
    }
    if let weightsFile, withVariables || !external.isEmpty { root.append(("weights", .string(weightsFile))) }
    root.append(("node", .array(records)))
    return (JSONWriter.encode(.object(JSONObject(root)), layout: GraphEncoder.layout), external)
  }
}
