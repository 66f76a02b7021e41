import TensorGraph

/// A graph as Graphviz DOT: name scopes become nested clusters, data edges
/// are labelled with the value's dtype and shape, control edges are dashed.
enum DotWriter {
  /// The DOT text for `graph`, titled `title`.
  static func dot(_ graph: Graph, title: String) -> String {
    let nodes = graph.nodes
    // The scope tree: scope path → its direct node ids and child scopes.
    final class Scope {
      var nodes: [Int] = []
      var children: [String: Scope] = [:]
      var order: [String] = []
      func child(_ name: String) -> Scope {
        if let c = children[name] { return c }
        let c = Scope()
        children[name] = c
        order.append(name)
        return c
      }
    }
    let root = Scope()
    for node in nodes {
      var scope = root
      for component in node.name.split(separator: "/").dropLast() { scope = scope.child(String(component)) }
      scope.nodes.append(node.id)
    }
    var lines = [
      "digraph \(quote(title)) {",
      "  graph [rankdir=TB, fontname=\"Helvetica\", fontsize=11, labeljust=l];",
      "  node [shape=box, style=\"rounded,filled\", fillcolor=\"#ffffff\", fontname=\"Helvetica\", fontsize=10];",
      "  edge [fontname=\"Helvetica\", fontsize=8, color=\"#555555\", fontcolor=\"#555555\"];",
    ]
    var clusterCount = 0
    func emit(_ scope: Scope, path: String, depth: Int) {
      let pad = String(repeating: "  ", count: depth + 1)
      for id in scope.nodes { lines.append(pad + nodeStatement(nodes[id])) }
      for name in scope.order {
        let child = scope.children[name]!
        let childPath = path.isEmpty ? name : path + "/" + name
        clusterCount += 1
        lines.append(pad + "subgraph \(quote("cluster_" + childPath)) {")
        lines.append(pad + "  label=\(quote(name)); tooltip=\(quote(childPath)); style=\"rounded,filled\"; color=\"#bbbbbb\"; fillcolor=\(quote(depth % 2 == 0 ? "#f3f6fa" : "#e6ecf3"));")
        emit(child, path: childPath, depth: depth + 1)
        lines.append(pad + "}")
      }
    }
    emit(root, path: "", depth: 0)
    for node in nodes {
      for (k, input) in node.inputs.enumerated() {
        let producer = nodes[input.node]
        let type = producer.outputs[input.index]
        var label = "\(type.dtype) \(type.shape)"
        if producer.outputs.count > 1 { label = ":\(input.index) " + label }
        let isRef = isRefInput(node, k)
        let style = isRef ? ", style=bold, color=\"#8a5a00\"" : ""
        lines.append("  \(quote(producer.name)) -> \(quote(node.name)) [label=\(quote(label))\(style)];")
      }
      for c in node.controlInputs {
        lines.append("  \(quote(nodes[c].name)) -> \(quote(node.name)) [style=dashed, arrowhead=odot];")
      }
    }
    lines.append("}")
    return lines.joined(separator: "\n") + "\n"
  }

  /// A node drawn as its last name component over its op, colored by kind.
  private static func nodeStatement(_ node: Node) -> String {
    let short = node.name.split(separator: "/").last.map(String.init) ?? node.name
    let label = short == node.op ? short : "\(short)\n\(node.op)"
    var attributes = ["label=\(quote(label))", "tooltip=\(quote(node.name))"]
    switch node.op {
    case "Placeholder": attributes += ["shape=ellipse", "fillcolor=\"#d8f0d8\""]
    case "VariableV2": attributes += ["shape=cylinder", "fillcolor=\"#fbe8c8\""]
    case "Const": attributes += ["fillcolor=\"#eeeeee\"", "fontsize=8"]
    case _ where node.outputs.isEmpty: attributes += ["shape=octagon", "fillcolor=\"#f6d8d8\""]
    default: break
    }
    return "\(quote(node.name)) [\(attributes.joined(separator: ", "))];"
  }

  /// Whether input `k` of `node` is a variable reference (`Ref(T)`).
  private static func isRefInput(_ node: Node, _ k: Int) -> Bool {
    var position = 0
    for arg in node.def.inputs {
      let count = arg.countAttr.map { node.int($0) } ?? 1
      if k < position + count { return arg.isRef }
      position += count
    }
    return false
  }

  /// A DOT string literal.
  static func quote(_ s: String) -> String {
    "\"" + s.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
      .replacingOccurrences(of: "\n", with: "\\n") + "\""
  }
}
