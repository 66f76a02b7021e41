/// Algebraic simplifications that remove nodes or fold work into another
/// node's attributes (Grappler's `arithmetic` optimizer):
///
/// | pattern | becomes |
/// |---|---|
/// | `x·1`, `1·x`, `x+0`, `0+x`, `x−0`, `x/1` (the constant not broadcasting `x` to a larger shape) | `x` |
/// | `Neg(Neg(x))` | `x` |
/// | `Identity(x)` (a variable's `w/read` too: readers take the variable's value directly), `AddN(x)`, `Cast(x)` to `x`'s dtype | `x` |
/// | `Transpose(x, p)` with `p` the identity | `x` |
/// | `Transpose(Transpose(x, p), q)` | `Transpose(x, p∘q)`, or `x` |
/// | `Reshape(Reshape(x, s), t)` | `Reshape(x, t)` |
/// | `Reshape(x, s)` to `x`'s own static shape | `x` |
/// | `MatMul(Transpose(a), b)`, `MatMul(a, Transpose(b))` (2-D transposes) | `MatMul(a, b)` with `transpose_a`/`transpose_b` flipped |
///
/// A removed node's readers inherit its control inputs (so removing the
/// `Identity` gates of an optimizer keeps the gating); nodes whose names
/// must stay (kept outputs) are not removed, though their inputs may be
/// rewired. `x + 0 → x` turns `−0 + 0 = +0` into `−0`, as Grappler does;
/// every other rewrite is exact.
public struct ArithmeticOptimizerPass: GraphPass {
  public var name: String { "arithmetic" }

  /// Creates the pass.
  public init() {}

  public func run(_ graph: Graph, keep: KeepSet) throws -> Graph {
    let rewriter = GraphRewriter(graph)
    for node in rewriter.nodes {
      let inputs = node.inputs.map { rewriter.mapped($0) }
      guard inputs.allSatisfy({ $0 != nil }) else {
        try rewriter.copy(node)
        continue
      }
      let x = inputs.map { $0! }
      switch simplify(node, x, rewriter: rewriter, keep: keep) {
      case .none:
        try rewriter.copy(node)
      case .forward(let output):
        rewriter.replace(node, with: [output])
      case .rebuild(let newInputs, let attrs):
        try rewriter.copy(node, inputs: newInputs, attrs: attrs)
      }
    }
    return rewriter.changed ? try rewriter.finish() : graph
  }

  private enum Rewrite {
    case none
    /// The node's only output is this existing value.
    case forward(Output)
    /// The node, with new inputs and attributes.
    case rebuild([Output], [String: AttrValue])
  }

  /// The producer of `output` in the new graph when it has no control
  /// inputs (bypassing it must not drop an ordering).
  private func producer(_ output: Output, _ op: String) -> Node? {
    let node = output.node
    return node.op == op && node.controlInputs.isEmpty ? node : nil
  }

  private func constantPermutation(_ output: Output, keep: KeepSet) -> [Int]? {
    output.graph.constant(output, keep: keep)?.integers()
  }

  private func simplify(_ node: Node, _ x: [Output], rewriter: GraphRewriter, keep: KeepSet) -> Rewrite {
    let removable = !keep.protects(node) && node.outputs.count == 1
    let target = rewriter.target
    switch node.op {
    case "Identity" where removable:
      return .forward(x[0])
    case "AddN" where removable && x.count == 1:
      return .forward(x[0])
    case "Cast" where removable && x[0].dtype == node.outputs[0].dtype:
      return .forward(x[0])
    case "Neg" where removable:
      if let inner = producer(x[0], "Neg") { return .forward(target.output(target.node(at: inner.inputs[0].node), inner.inputs[0].index)) }
    case "Mul", "AddV2", "Sub", "RealDiv":
      guard removable else { return .none }
      let neutral: Double = node.op == "Mul" || node.op == "RealDiv" ? 1 : 0
      let out = node.outputs[0]
      // x ∘ c → x, with c on either side for the commutative ops.
      let sides = node.op == "Mul" || node.op == "AddV2" ? [(0, 1), (1, 0)] : [(0, 1)]
      for (v, c) in sides {
        guard x[v].dtype == out.dtype, let k = target.constant(x[c], keep: keep), k.isFilled(with: neutral),
          PartialShape(k.shape).broadcastsInto(x[v].shape), x[v].shape.isRefinement(of: out.shape)
        else { continue }
        return .forward(x[v])
      }
    case "Transpose":
      guard let perm = constantPermutation(x[1], keep: keep) else { return .none }
      if removable && perm == Array(0..<perm.count) { return .forward(x[0]) }
      if let inner = producer(x[0], "Transpose"),
        let p = constantPermutation(Output(graph: target, nodeID: inner.inputs[1].node, index: inner.inputs[1].index), keep: keep),
        p.count == perm.count
      {
        // y = transpose(x, p) has dimension i = x's p[i]; z = transpose(y,
        // q) has dimension j = y's q[j] = x's p[q[j]].
        let combined = perm.map { p[$0] }
        let source = Output(graph: target, nodeID: inner.inputs[0].node, index: inner.inputs[0].index)
        if removable && combined == Array(0..<combined.count) { return .forward(source) }
        guard let permNode = try? rewriter.add(
          op: "Const", inputs: [],
          attrs: ["value": .tensor(Tensor.indexVector(combined, wide: x[1].dtype == .int64)), "dtype": .type(x[1].dtype)],
          name: node.name + "/perm", site: node.site)
        else { return .none }
        return .rebuild([source, target.output(permNode, 0)], node.attrs)
      }
    case "Reshape":
      if removable, let shape = x[0].shape.concrete, node.outputs[0].shape.concrete == shape {
        return .forward(x[0])
      }
      if let inner = producer(x[0], "Reshape") {
        return .rebuild([Output(graph: target, nodeID: inner.inputs[0].node, index: inner.inputs[0].index), x[1]], node.attrs)
      }
    case "MatMul":
      var a = x[0], b = x[1], attrs = node.attrs
      var changed = false
      for (k, flag) in [(0, "transpose_a"), (1, "transpose_b")] {
        guard let inner = producer(k == 0 ? a : b, "Transpose"),
          constantPermutation(Output(graph: target, nodeID: inner.inputs[1].node, index: inner.inputs[1].index), keep: keep) == [1, 0]
        else { continue }
        let source = Output(graph: target, nodeID: inner.inputs[0].node, index: inner.inputs[0].index)
        if k == 0 { a = source } else { b = source }
        attrs[flag] = .bool(!(attrs[flag] == .bool(true)))
        changed = true
      }
      if changed { return .rebuild([a, b], attrs) }
    default:
      break
    }
    return .none
  }
}
