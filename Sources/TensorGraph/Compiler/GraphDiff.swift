/// What a transformation changed, node by node, matching nodes by name:
/// nodes removed, nodes added, and nodes kept whose op, inputs, control
/// inputs or attributes changed (rewired).
///
///     print(GraphDiff(before, after))
///     // - dense/MatMul (MatMul)
///     // - dense/BiasAdd (BiasAdd)
///     // ~ dense/Relu: op Relu → _FusedMatMul; inputs [dense/BiasAdd] → [x, dense/kernel, dense/bias]
public struct GraphDiff: Sendable, CustomStringConvertible {
  /// A node that exists on both sides with differences.
  public struct Change: Sendable, Hashable {
    /// The node's name.
    public var name: String
    /// One line per difference: `op A → B`, `inputs [...] → [...]`, ….
    public var details: [String]
  }

  /// Nodes only in the graph before, as `(name, op)`, in id order.
  public var removed: [(name: String, op: String)]
  /// Nodes only in the graph after, as `(name, op)`, in id order.
  public var added: [(name: String, op: String)]
  /// Nodes on both sides that changed, in the after graph's id order.
  public var changed: [Change]

  /// Compares two graphs by node name.
  public init(_ before: Graph, _ after: Graph) {
    let old = before.nodes, new = after.nodes
    var oldByName: [String: Node] = [:]
    for n in old { oldByName[n.name] = n }
    let newNames = Set(new.map(\.name))
    removed = old.filter { !newNames.contains($0.name) }.map { ($0.name, $0.op) }
    added = new.filter { oldByName[$0.name] == nil }.map { ($0.name, $0.op) }
    func inputNames(_ n: Node, _ nodes: [Node]) -> [String] {
      n.inputs.map { $0.index == 0 ? nodes[$0.node].name : "\(nodes[$0.node].name):\($0.index)" }
    }
    changed = []
    for n in new {
      guard let o = oldByName[n.name] else { continue }
      var details: [String] = []
      if o.op != n.op { details.append("op \(o.op) → \(n.op)") }
      let oi = inputNames(o, old), ni = inputNames(n, new)
      if oi != ni { details.append("inputs [\(oi.joined(separator: ", "))] → [\(ni.joined(separator: ", "))]") }
      let oc = Set(o.controlInputs.map { old[$0].name }), nc = Set(n.controlInputs.map { new[$0].name })
      if oc != nc {
        let lost = oc.subtracting(nc).sorted(), gained = nc.subtracting(oc).sorted()
        var parts: [String] = []
        if !lost.isEmpty { parts.append("−" + lost.map { "^" + $0 }.joined(separator: " −")) }
        if !gained.isEmpty { parts.append("+" + gained.map { "^" + $0 }.joined(separator: " +")) }
        details.append("control inputs " + parts.joined(separator: " "))
      }
      for key in Set(o.attrs.keys).union(n.attrs.keys).sorted() where o.attrs[key] != n.attrs[key] {
        details.append("attr \(key) \(o.attrs[key]?.description ?? "unset") → \(n.attrs[key]?.description ?? "unset")")
      }
      if !details.isEmpty { changed.append(Change(name: n.name, details: details)) }
    }
  }

  /// Whether the graphs have the same nodes with the same ops, inputs and
  /// attributes.
  public var isEmpty: Bool { removed.isEmpty && added.isEmpty && changed.isEmpty }

  /// One line per node: `- name (op)` removed, `+ name (op)` added,
  /// `~ name: …` changed.
  public var description: String {
    var lines = removed.map { "- \($0.name) (\($0.op))" }
    lines += added.map { "+ \($0.name) (\($0.op))" }
    lines += changed.map { "~ \($0.name): " + $0.details.joined(separator: "; ") }
    return lines.isEmpty ? "(no changes)" : lines.joined(separator: "\n")
  }
}
