/// Merges nodes that compute the same value: the same op on the same
/// inputs with the same attributes and control inputs (Grappler's
/// `common_subgraph_elimination`). Equal constants merge too.
///
/// Inputs of commutative ops (`AddV2`, `Mul`, `Maximum`, …) are compared
/// as sorted, so `a + b` and `b + a` merge. Stateful nodes (variables,
/// random ops, updates), nodes reading a variable by reference and nodes
/// without outputs are never merged; a node whose name must stay (a kept
/// output) is kept, though later duplicates may merge into it. Nodes are
/// visited in topological order, so merging cascades: once two `Const`s
/// merge, two `Mul`s reading them merge too.
///
///     before                                 after
///     lr   = Const 0.001                     lr = Const 0.001
///     lr_1 = Const 0.001                     u  = ApplyAdam(…, lr, …)
///     u  = ApplyAdam(…, lr, …)               u_1 = ApplyAdam(…, lr, …)
///     u_1 = ApplyAdam(…, lr_1, …)
public struct CommonSubexpressionEliminationPass: GraphPass {
  public var name: String { "common_subgraph_elimination" }

  /// Creates the pass.
  public init() {}

  public func run(_ graph: Graph, keep: KeepSet) throws -> Graph {
    let rewriter = GraphRewriter(graph)
    let target = rewriter.target
    var table: [NodeSignature: [Int]] = [:]
    for node in rewriter.nodes {
      guard !node.def.isStateful, !node.hasReferenceInputs, !node.outputs.isEmpty, !keep.isFed(node),
        node.op != "Placeholder"
      else {
        try rewriter.copy(node)
        continue
      }
      let mapped = node.inputs.map { rewriter.mapped($0) }
      guard mapped.allSatisfy({ $0 != nil }) else {
        try rewriter.copy(node)
        continue
      }
      var inputs = mapped.map { $0!.ref }
      if node.def.flags.contains(.commutative) { inputs.sort { ($0.node, $0.index) < ($1.node, $1.index) } }
      let signature = NodeSignature(
        op: node.op, inputs: inputs, controls: rewriter.controlInputs(for: node).sorted(), attrs: node.attrs)
      if let candidates = table[signature], !keep.protects(node),
        let match = candidates.first(where: { target.node(at: $0).attrs == node.attrs })
      {
        rewriter.replace(node, with: target.outputs(of: target.node(at: match)))
        continue
      }
      guard let copy = try rewriter.copy(node) else { continue }
      table[signature, default: []].append(copy.id)
    }
    return rewriter.changed ? try rewriter.finish() : graph
  }
}

/// What two nodes must share to compute the same value; attributes are
/// hashed (tensors by their bytes) and compared in full on a hash match.
struct NodeSignature: Hashable {
  var op: String
  var inputs: [TensorRef]
  var controls: [Int]
  var attrsHash: Int

  init(op: String, inputs: [TensorRef], controls: [Int], attrs: [String: AttrValue]) {
    self.op = op
    self.inputs = inputs
    self.controls = controls
    var h = Hasher()
    for key in attrs.keys.sorted() {
      h.combine(key)
      attrs[key]!.hashValue(into: &h)
    }
    attrsHash = h.finalize()
  }
}

extension AttrValue {
  /// Feeds the value into `hasher`: tensors by dtype, shape and bytes,
  /// everything else by its description.
  func hashValue(into hasher: inout Hasher) {
    switch self {
    case .tensor(let t):
      hasher.combine(t.dtype)
      hasher.combine(t.shape)
      hasher.combine(bytes: UnsafeRawBufferPointer(start: t.storage.data, count: t.byteCount))
    default:
      hasher.combine(kind)
      hasher.combine(description)
    }
  }
}
