/// Removes every node the kept outputs and nodes do not need (Grappler's
/// model pruner, `pruning`).
///
/// A node survives when it is kept (``KeepSet``), is a placeholder or a
/// variable, or is a transitive data or control input of one that
/// survives. Stateful ops follow the same rule: an `Assign`, an optimizer
/// update or a random op survives exactly when a kept target (a train op,
/// an initializer) reaches it; variables always survive, so checkpoints
/// and sessions see the same variables. Collections lose the nodes that
/// went.
///
///     before (keep: loss)                    after
///     x ─ MatMul ─ loss                      x ─ MatMul ─ loss
///     w/Initializer ─ w/Assign ─ init        w
///     w ─ w/read ─ MatMul                    w ─ w/read ─ MatMul
public struct PruningPass: GraphPass {
  public var name: String { "pruning" }

  /// Creates the pass.
  public init() {}

  public func run(_ graph: Graph, keep: KeepSet) throws -> Graph {
    let nodes = graph.nodes
    let roots = nodes.filter { keep.protects($0) }
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
