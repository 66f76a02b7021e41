/// Removes every node the kept outputs and nodes do not need (Grappler's
/// model pruner, `pruning`).
///
/// A node survives when it is kept (``KeepSet``), is a placeholder, or is a
/// transitive data or control input of one that survives. Stateful ops
/// follow the same rule: a variable, an `Assign`, an optimizer update or a
/// random op survives exactly when a kept output or target (a train op, an
/// initializer) reaches it — so an inference graph loses the optimizer's
/// slot variables, as Grappler's pruner drops them. With
/// ``keepsUnreachableVariables`` every variable stays (for checkpoints that
/// must match the original's). Collections lose the nodes that went.
///
///     before (keep: loss)                    after
///     x ─ MatMul ─ loss                      x ─ MatMul ─ loss
///     w/Initializer ─ w/Assign ─ init        w
///     w ─ w/read ─ MatMul                    w ─ w/read ─ MatMul
public struct PruningPass: GraphPass {
  public var name: String { "pruning" }

  /// Whether variables no kept output or target reaches stay.
  public var keepsUnreachableVariables: Bool

  /// Creates the pass.
  public init(keepsUnreachableVariables: Bool = false) {
    self.keepsUnreachableVariables = keepsUnreachableVariables
  }

  public func run(_ graph: Graph, keep: KeepSet) throws -> Graph {
    let nodes = graph.nodes
    let roots = nodes.filter {
      keep.protects($0) && ($0.op != "VariableV2" || keepsUnreachableVariables || keep.nodes.contains($0.name))
    }
    let live = graph.subgraph(fetches: [], targets: roots)
    guard live.count < nodes.count else { return graph }
    var isLive = [Bool](repeating: false, count: nodes.count)
    for id in live { isLive[id] = true }
    let rewriter = GraphRewriter(graph)
    for node in nodes {
      if isLive[node.id] { try rewriter.copy(node) } else { rewriter.drop(node) }
    }
    return try rewriter.finish()
  }
}
