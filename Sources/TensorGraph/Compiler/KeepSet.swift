/// What a graph pass must preserve: the outputs and nodes a caller will
/// use by name (fetches, targets such as train ops and initializers) and
/// the outputs it may feed.
///
/// Kept outputs keep their names, dtypes and values; kept nodes keep their
/// names and effects; fed outputs are never treated as constants (a fed
/// `Const` is not folded through). Placeholders are always fed and kept,
/// and no pass renames or replaces a variable (`VariableV2`), though
/// pruning removes one that nothing kept reads:
///
///     let keep = KeepSet(fetches: [loss, logits], targets: [train])
///     let optimized = try PassManager.default.run(graph, keep: keep).graph
public struct KeepSet: Sendable, Hashable, CustomStringConvertible {
  /// Outputs that must keep their names and values, as `"node:index"`.
  public var outputs: Set<String>
  /// Nodes that must keep their names and effects (targets).
  public var nodes: Set<String>
  /// Outputs that may be fed at run time, as `"node:index"`.
  public var fed: Set<String>

  /// A keep set from names: outputs as `"node"` (output 0) or
  /// `"node:index"`, nodes by name.
  public init(outputs: [String] = [], nodes: [String] = [], fed: [String] = []) {
    self.outputs = Set(outputs.map(KeepSet.canonical))
    self.nodes = Set(nodes)
    self.fed = Set(fed.map(KeepSet.canonical))
  }

  /// A keep set from handles: the fetches, the targets run for their
  /// effects, and the outputs that will be fed (besides placeholders).
  public init(fetches: [Output], targets: [Node] = [], feeds: [Output] = []) {
    self.init(outputs: fetches.map(\.name), nodes: targets.map(\.name), fed: feeds.map(\.name))
  }

  /// `"x"` → `"x:0"`; `"x:1"` unchanged.
  static func canonical(_ name: String) -> String {
    if let colon = name.lastIndex(of: ":"), Int(name[name.index(after: colon)...]) != nil { return name }
    return name + ":0"
  }

  /// Splits `"node:index"` into its parts.
  static func split(_ name: String) -> (node: String, index: Int) {
    let c = canonical(name)
    let colon = c.lastIndex(of: ":")!
    return (String(c[..<colon]), Int(c[c.index(after: colon)...])!)
  }

  /// Whether `node` must keep its name and op: it is listed, one of its
  /// outputs is kept or fed, or it is a placeholder or a variable (which
  /// pruning may still remove when nothing kept reads it).
  public func protects(_ node: Node) -> Bool {
    if node.op == "Placeholder" || node.op == "VariableV2" || nodes.contains(node.name) { return true }
    for i in 0..<node.outputs.count {
      let name = "\(node.name):\(i)"
      if outputs.contains(name) || fed.contains(name) { return true }
    }
    return false
  }

  /// Whether output `index` of `node` may be fed (placeholders always).
  public func isFed(_ node: Node, _ index: Int) -> Bool {
    node.op == "Placeholder" || fed.contains("\(node.name):\(index)")
  }

  /// Whether any output of `node` may be fed.
  public func isFed(_ node: Node) -> Bool {
    (0..<node.outputs.count).contains { isFed(node, $0) }
  }

  /// The kept outputs of `graph` (that exist there), as handles.
  public func fetches(in graph: Graph) throws -> [Output] {
    try outputs.sorted().map { try graph.output(named: $0) }
  }

  /// The kept nodes of `graph`, as handles.
  public func targets(in graph: Graph) throws -> [Node] {
    try nodes.sorted().map { try graph.requireNode(named: $0) }
  }

  public var description: String {
    var parts: [String] = []
    if !outputs.isEmpty { parts.append("outputs: " + outputs.sorted().joined(separator: ", ")) }
    if !nodes.isEmpty { parts.append("nodes: " + nodes.sorted().joined(separator: ", ")) }
    if !fed.isEmpty { parts.append("fed: " + fed.sorted().joined(separator: ", ")) }
    return "KeepSet(" + parts.joined(separator: "; ") + ")"
  }
}
