// JSON → Graph. Loading is the front door for untrusted files, so every
// step checks what it reads and says where a problem is (JSON path, node
// index and name, file line), and nothing is allocated from a size the
// file claims before it is checked against the data actually there.
//
// Steps: parse; check the format version first (a newer file may differ in
// anything else); read node records in file order; resolve input names;
// sort topologically (files need not be in dependency order; a cycle is an
// error naming its nodes); add nodes through Graph.addNode with exact
// names, which re-validates attributes and re-runs shape inference; then
// collections and the random seed.

/// Decodes graphs in the graph format (`Docs/format.md`).
struct GraphDecoder {
  /// The ops nodes may use.
  var registry: OpRegistry
  /// The graph file's name, for error sites (`mlp.json:57`); `nil` for
  /// in-memory data.
  var fileName: String?
  /// Resolves tensors stored outside the JSON. Called at most once per
  /// `weights_key`, with the document's top-level `weights` member (the
  /// weights file's relative path, if any) and the key.
  var weights: (_ file: String?, _ key: String) throws -> Tensor?

  /// One node record, as read in file order.
  private struct Record {
    var name: String
    var def: OpDef
    var dataInputs: [(name: String, index: Int, position: Int)] = []
    var controlInputs: [(name: String, position: Int)] = []
    var attr: JSONObject?
    var offset: Int
    /// Producers' record indices: data inputs, then control inputs.
    var dependencies: [Int] = []
  }

  private var context: String { fileName.map { "graph file '\($0)'" } ?? "graph JSON" }

  /// Decodes the graph in `bytes`; also returns the top-level `weights`
  /// member.
  func decode(_ bytes: UnsafeRawBufferPointer) throws -> (graph: Graph, weightsFile: String?) {
    let root = try JSONParser.parse(bytes, what: context)
    var records: [Record] = []
    // Errors about one node carry its name, op and line; others the path.
    var current: (index: Int, name: String?, op: String?, offset: Int)?
    func located(_ error: TensorGraphError) -> TensorGraphError {
      guard let current else { return error }
      var e = error
      let label = "node[\(current.index)]" + (current.name.map { " '\($0)'" } ?? "")
      if !e.message.hasPrefix("node[") { e.message = "\(label): \(e.message)" }
      if e.node == nil { e.node = current.name }
      if e.op == nil { e.op = current.op }
      if e.site == nil, let fileName {
        e.site = SourceLocation(fileID: fileName, line: JSONParser.lineAndColumn(of: current.offset, in: bytes).line)
      }
      return e
    }
    do {
      let graph = Graph(registry: registry)
      let top = try root.object()
      let weightsFile = try readHeader(top, into: graph)
      let nodes = try within(.key("node")) { try top.required("node").array() }
      records.reserveCapacity(nodes.count)
      var index: [String: Int] = [:]
      index.reserveCapacity(nodes.count)
      let producer = try? top["producer"]?.string()
      for (i, value) in nodes.enumerated() {
        let object = try? value.object()
        let name = try? object?["name"]?.string(), op = try? object?["op"]?.string()
        current = (i, name, op, object?.offset ?? 0)
        let record = try within(.key("node")) { try readRecord(value, index: i, producer: producer) }
        current = (i, record.name, record.def.name, record.offset)
        if let first = index[record.name] {
          throw TensorGraphError(
            .duplicateName, "duplicate node name '\(record.name)': node[\(first)] has it too")
        }
        index[record.name] = i
        records.append(record)
      }
      current = nil
      try resolveInputs(&records, index: index, current: &current)
      current = nil
      let order = try topologicalOrder(records, current: &current)
      var ids = [Int](repeating: -1, count: records.count)
      var resolved: [String: Tensor] = [:]
      for r in order {
        let record = records[r]
        current = (r, record.name, record.def.name, record.offset)
        try within(.label("node[\(r)] '\(record.name)'")) {
          let attrs = try readAttributes(record, weightsFile: weightsFile, cache: &resolved)
          var refs: [TensorRef] = []
          refs.reserveCapacity(record.dataInputs.count)
          for (k, input) in record.dataInputs.enumerated() {
            let producer = graph.node(at: ids[record.dependencies[k]])
            guard input.index < producer.outputs.count else {
              throw JSONDecodingFailure(
                "node '\(producer.name)' (\(producer.op)) has \(producer.outputs.count) output(s), so it has no output \(input.index)",
                reason: .unknownNode
              ).at(.index(input.position)).at(.key("input"))
            }
            refs.append(TensorRef(node: producer.id, index: input.index))
          }
          let controls = record.dependencies[record.dataInputs.count...].map { ids[$0] }
          ids[r] = try graph.addNode(
            op: record.def.name, inputRefs: refs, controlInputIDs: Array(controls), attrs: attrs,
            name: record.name, exactName: true
          ).id
        }
      }
      current = nil
      try readCollections(top, into: graph, index: index, ids: ids)
      return (graph, weightsFile)
    } catch let failure as JSONDecodingFailure {
      if current != nil { throw located(TensorGraphError(failure.reason, failure.description)) }
      throw TensorGraphError(failure.reason, "\(context): \(failure.description)")
    } catch let error as TensorGraphError {
      throw located(error)
    }
  }

  // MARK: - Header

  /// Checks the version, reads the graph-level members; returns the
  /// `weights` member.
  private func readHeader(_ top: JSONObject, into graph: Graph) throws -> String? {
    guard let versionJSON = top["format_version"] else {
      throw JSONDecodingFailure("not a TensorGraph graph: the top-level object has no \"format_version\" member")
    }
    let version = try within(.key("format_version")) { try versionJSON.int() }
    guard version <= GraphFormat.version else {
      let producer = (try? top["producer"]?.string()).map { " (producer '\($0)')" } ?? ""
      throw JSONDecodingFailure(
        "written by format version \(version)\(producer); this build reads up to \(GraphFormat.version); upgrade TensorGraph")
    }
    guard version >= GraphFormat.oldestReadableVersion else {
      throw JSONDecodingFailure(
        "format version \(version) is not supported; this build reads versions \(GraphFormat.oldestReadableVersion) through \(GraphFormat.version)"
      ).at(.key("format_version"))
    }
    try top.checkKeys(["format_version", "producer", "random_seed", "collections", "weights", "node"])
    _ = try within(.key("producer")) { try top.required("producer").string() }
    switch top["random_seed"] {
    case nil, .null?: break
    case let seed?: graph.randomSeed = try within(.key("random_seed")) { try seed.int() }
    }
    return try within(.key("weights")) { try top["weights"]?.string() }
  }

  // MARK: - Records

  private func readRecord(_ value: JSONValue, index i: Int, producer: String?) throws -> Record {
    try within(.index(i)) {
      let o = try value.object()
      let nameJSON = try o.required("name")
      let name = try within(.key("name")) { try nameJSON.string() }
      return try within(.label("'\(name)'")) {
        try o.checkKeys(["name", "op", "input", "attr"])
        let opJSON = try o.required("op")
        let opName = try within(.key("op")) { try opJSON.string() }
        guard let def = registry.op(named: opName) else {
          // Suggestions cost O(length²) per op: skip them for absurd names.
          let hint = opName.utf8.count <= 128 ? registry.suggestion(for: opName) : ""
          let from = producer.map { " (the file was written by '\($0)')" } ?? ""
          throw JSONDecodingFailure(
            hint.isEmpty
              ? "op '\(opName)' is not known to this build of TensorGraph\(from)"
              : "unknown op '\(opName)'\(hint)",
            reason: .unknownOp)
        }
        var record = Record(name: name, def: def, offset: o.offset)
        if let inputs = o["input"] {
          let list = try within(.key("input")) { try inputs.array { try $0.string() } }
          for (k, text) in list.enumerated() {
            try within(.key("input")) {
              try within(.index(k)) {
                if text.hasPrefix("^") {
                  record.controlInputs.append((String(text.dropFirst()), k))
                  return
                }
                guard record.controlInputs.isEmpty else {
                  throw JSONDecodingFailure("data input \"\(text)\" follows a control input; list data inputs first")
                }
                var producerName = text, outputIndex = 0
                if let colon = text.lastIndex(of: ":") {
                  let digits = text[text.index(after: colon)...]
                  guard !digits.isEmpty, digits.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }), let n = Int(digits) else {
                    throw JSONDecodingFailure(
                      "\"\(text)\" is not an input name: use \"node\", \"node:index\" or \"^node\"")
                  }
                  producerName = String(text[..<colon])
                  outputIndex = n
                }
                record.dataInputs.append((producerName, outputIndex, k))
              }
            }
          }
        }
        if let attr = o["attr"] {
          record.attr = try within(.key("attr")) { try attr.object() }
        }
        return record
      }
    }
  }

  /// Maps input names to record indices.
  private func resolveInputs(
    _ records: inout [Record], index: [String: Int],
    current: inout (index: Int, name: String?, op: String?, offset: Int)?
  ) throws {
    for i in records.indices {
      current = (i, records[i].name, records[i].def.name, records[i].offset)
      var deps: [Int] = []
      deps.reserveCapacity(records[i].dataInputs.count + records[i].controlInputs.count)
      let names = records[i].dataInputs.map { ($0.name, $0.position) } + records[i].controlInputs.map { ($0.name, $0.position) }
      for (name, position) in names {
        guard let producer = index[name] else {
          // Suggestions cost O(length²) per node: only for short names in
          // graphs of ordinary size, so a hostile file cannot stall loading.
          let affordable = name.utf8.count <= 128 && index.count <= 100_000
          let close = !affordable ? [] : index.keys.filter {
            $0 != records[i].name && abs($0.utf8.count - name.utf8.count) <= max(2, name.count / 4)
              && editDistance($0, name) <= max(2, name.count / 4)
          }.sorted().prefix(3)
          let hint = close.isEmpty ? "" : " (did you mean " + close.map { "'\($0)'" }.joined(separator: ", ") + "?)"
          throw JSONDecodingFailure("no node named '\(name)' in the graph\(hint)", reason: .unknownNode)
            .at(.index(position)).at(.key("input")).at(.label("node[\(i)] '\(records[i].name)'"))
        }
        deps.append(producer)
      }
      records[i].dependencies = deps
    }
  }

  /// A dependency order that keeps file order where the file allows:
  /// depth-first, visiting inputs before each node, roots in file order.
  /// Iterative, so a long chain cannot overflow the stack.
  private func topologicalOrder(
    _ records: [Record], current: inout (index: Int, name: String?, op: String?, offset: Int)?
  ) throws -> [Int] {
    var state = [UInt8](repeating: 0, count: records.count)  // 0 new, 1 on the stack, 2 done
    var order: [Int] = []
    order.reserveCapacity(records.count)
    var stack: [(node: Int, next: Int)] = []
    for root in records.indices where state[root] == 0 {
      state[root] = 1
      stack.append((root, 0))
      while let (node, next) = stack.last {
        let deps = records[node].dependencies
        guard next < deps.count else {
          state[node] = 2
          order.append(node)
          stack.removeLast()
          continue
        }
        stack[stack.count - 1].next += 1
        let d = deps[next]
        switch state[d] {
        case 0:
          state[d] = 1
          stack.append((d, 0))
        case 1:
          let start = stack.firstIndex { $0.node == d }!
          let cycle = stack[start...].map(\.node)
          let names = cycle.map { "'\(records[$0].name)'" }
          let reads = zip(cycle, cycle.dropFirst() + [d]).map { "'\(records[$0].name)' reads '\(records[$1].name)'" }
          current = (d, records[d].name, records[d].def.name, records[d].offset)
          throw TensorGraphError(
            .format,
            "nodes \(names.joined(separator: ", ")) form a cycle: \(reads.joined(separator: ", ")); a graph must be acyclic")
        default: break
        }
      }
    }
    return order
  }

  // MARK: - Attributes

  private func readAttributes(_ record: Record, weightsFile: String?, cache: inout [String: Tensor]) throws
    -> [String: AttrValue]
  {
    guard let attr = record.attr else { return [:] }
    var attrs: [String: AttrValue] = [:]
    attrs.reserveCapacity(attr.members.count)
    for (key, value) in attr.members {
      attrs[key] = try within(.qualifier("attr '\(key)'")) {
        try AttrValue.decodeJSON(value, expected: record.def.attr(named: key)?.kind) { wkey in
          if let t = cache[wkey] { return t }
          let t = try self.weights(weightsFile, wkey)
          cache[wkey] = t
          return t
        }
      }
    }
    return attrs
  }

  // MARK: - Collections

  private func readCollections(_ top: JSONObject, into graph: Graph, index: [String: Int], ids: [Int]) throws {
    guard let value = top["collections"] else { return }
    try within(.key("collections")) {
      for (key, names) in try value.object().members {
        try within(.key(key)) {
          for name in try names.array(of: { try $0.string() }).enumerated() {
            guard let r = index[name.element] else {
              throw JSONDecodingFailure("no node named '\(name.element)' in the graph", reason: .unknownNode)
                .at(.index(name.offset))
            }
            graph.addToCollection(key, graph.node(at: ids[r]))
          }
        }
      }
    }
  }
}
