/// Fuses connected elementwise float ops into single `FusedElementwise`
/// nodes that compute the whole chain in one blocked loop, with no
/// intermediate tensors (`elementwise_fusion`; Grappler has no such pass —
/// XLA's loop fusion does this).
///
/// Fusable: the float ops of ``FusedElementwise``'s instruction set
/// (arithmetic, `Maximum`/`Minimum`, `Pow`, unary math, activations and
/// their `*Grad` ops), all of one dtype. A cluster grows from its last node
/// backwards through producers whose every reader is already in the cluster
/// and that have no control edges and no name to keep; clusters of two or
/// more nodes become one node named after the last, reading the cluster's
/// distinct inputs. Inputs broadcast exactly as in the original ops.
///
///     before                                 after
///     a = Mul(x, w)
///     b = AddV2(a, c)
///     y = Relu(b)                            y = FusedElementwise(x, w, c, ops: [Mul, AddV2, Relu], operands: [0, 1, 3, 2, 4])
///
/// `FusedElementwise` differentiates by expanding its chain, so fusing
/// before differentiating works; the default pipeline fuses last, after
/// the gradients exist (see Docs/passes.md).
public struct ElementwiseFusionPass: GraphPass {
  public var name: String { "elementwise_fusion" }
  /// The most instructions one fused node may hold.
  public var maxInstructions: Int

  /// Creates the pass.
  public init(maxInstructions: Int = 100_000) {
    self.maxInstructions = maxInstructions
  }

  public func run(_ graph: Graph, keep: KeepSet) throws -> Graph {
    let nodes = graph.nodes
    func fusable(_ node: Node) -> Bool {
      guard FusedOpcode.byName[node.op] != nil, node.outputs.count == 1 else { return false }
      let t = node.outputs[0].dtype
      guard t == .float32 || t == .float64 else { return false }
      return node.inputs.allSatisfy { nodes[$0.node].outputs[$0.index].dtype == t }
    }
    var clusterOf = [Int](repeating: -1, count: nodes.count)
    var clusters: [[Int]] = []
    for root in nodes.reversed() where clusterOf[root.id] < 0 && fusable(root) {
      let id = clusters.count
      var members = [root.id]
      clusterOf[root.id] = id
      // Candidates are examined in decreasing id order, so every reader of
      // a candidate that joins the cluster has joined before it is judged.
      var candidates = Set(root.inputs.map(\.node))
      while let p = candidates.max(), members.count < maxInstructions {
        candidates.remove(p)
        let node = nodes[p]
        guard clusterOf[p] < 0, fusable(node), node.outputs[0].dtype == root.outputs[0].dtype, !keep.protects(node),
          node.controlInputs.isEmpty, graph.controlConsumers(of: p).isEmpty,
          graph.consumers(of: p).allSatisfy({ clusterOf[$0] == id })
        else { continue }
        clusterOf[p] = id
        members.append(p)
        for input in node.inputs { candidates.insert(input.node) }
      }
      clusters.append(members.sorted())
    }
    let fused = clusters.filter { $0.count >= 2 }
    guard !fused.isEmpty else { return graph }

    var rootOf: [Int: [Int]] = [:]
    var interior = Set<Int>()
    for members in fused {
      rootOf[members.last!] = members
      interior.formUnion(members.dropLast())
    }
    let rewriter = GraphRewriter(graph)
    for node in nodes {
      if interior.contains(node.id) {
        rewriter.drop(node)
        continue
      }
      guard let members = rootOf[node.id] else {
        try rewriter.copy(node)
        continue
      }
      // Instructions in topological order; operands index the distinct
      // external inputs, then earlier instructions.
      var inputs: [TensorRef] = []
      var inputIndex: [TensorRef: Int] = [:]
      for m in members {
        for ref in nodes[m].inputs where clusterOf[ref.node] != clusterOf[node.id] && inputIndex[ref] == nil {
          inputIndex[ref] = inputs.count
          inputs.append(ref)
        }
      }
      var position: [Int: Int] = [:]
      for (j, m) in members.enumerated() { position[m] = inputs.count + j }
      var operands: [Int] = []
      for m in members {
        for ref in nodes[m].inputs { operands.append(inputIndex[ref] ?? position[ref.node]!) }
      }
      let mapped = inputs.map { rewriter.mapped($0) }
      guard mapped.allSatisfy({ $0 != nil }) else {
        rewriter.drop(node)
        continue
      }
      try rewriter.add(
        op: "FusedElementwise", inputs: mapped.map { $0! }, controlInputs: rewriter.controlInputs(for: node),
        attrs: ["ops": .strings(members.map { nodes[$0].op }), "operands": .ints(operands)], replacing: node)
    }
    return try rewriter.finish()
  }
}
