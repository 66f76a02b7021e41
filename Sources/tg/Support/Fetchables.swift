import TensorGraph

/// What a saved graph offers to fetch and to run, as `tg inspect` lists it
/// and `tg optimize` keeps by default: sinks (outputs no node reads or
/// waits on) and the outputs of nodes outside any name scope (`probs`,
/// `loss`) — except constants, placeholders and variables — and the
/// targets, nodes without outputs that nothing waits on (`init`, `Adam`).
struct Fetchables {
  /// One fetchable output.
  struct Entry {
    var node: Node
    var index: Int
    /// Whether no node reads the output or waits on its node.
    var isSink: Bool
    /// `node` for output 0, else `node:index`.
    var name: String { index == 0 ? node.name : "\(node.name):\(index)" }
  }

  /// Fetchable outputs in node order.
  var outputs: [Entry] = []
  /// Targets in node order.
  var targets: [Node] = []

  init(_ graph: Graph) {
    let nodes = graph.nodes
    var readers = [Int](repeating: 0, count: nodes.count)
    for node in nodes {
      for input in node.inputs { readers[input.node] += 1 }
      for c in node.controlInputs { readers[c] += 1 }
    }
    let plumbing: Set<String> = ["Const", "Placeholder", "VariableV2"]
    for node in nodes {
      let isSink = readers[node.id] == 0
      if node.outputs.isEmpty {
        if isSink { targets.append(node) }
        continue
      }
      guard isSink || (!node.name.contains("/") && !plumbing.contains(node.op)) else { continue }
      for index in node.outputs.indices { outputs.append(Entry(node: node, index: index, isSink: isSink)) }
    }
  }
}
