/// Lowers `Einsum` to the ops it is made of, so that it runs as
/// `BatchMatMulV2` on the GEMM kernels and the transposes and reshapes
/// around it meet constant folding, CSE and the other passes:
///
///     before                              after
///     y = Einsum(x, w,                    s = Sum(x, [axes only x has])        (when there are)
///           equation: "bij,bjk->bki")     a = Reshape(Transpose(s, [batch, free, contracted]), [b…, M, K])
///                                         c = Reshape(Transpose(w, [batch, contracted, free]), [b…, K, N])
///                                         y = Transpose(Reshape(BatchMatMulV2(a, c), [b…, m…, n…]), output order)
///
/// One operand becomes a Sum and a Transpose. Batch labels stay separate
/// dimensions, so BatchMatMulV2 broadcasts an ellipsis of size 1 as the
/// einsum does. It fires when every operand's shape is known and no label
/// repeats within an operand or the output (diagonals stay Einsum nodes,
/// which the kernel runs). The last node takes the Einsum's name; steps
/// that would do nothing (an identity transpose, a reshape to the same
/// shape) are left out.
public struct LowerEinsumPass: GraphPass {
  public var name: String { "lower_einsum" }

  /// Creates the pass.
  public init() {}

  public func run(_ graph: Graph, keep: KeepSet) throws -> Graph {
    let nodes = graph.nodes
    let lowerable = nodes.filter { $0.op == "Einsum" && plan(for: $0, in: graph) != nil }
    guard !lowerable.isEmpty else { return graph }
    let targets = Set(lowerable.map(\.id))
    let rewriter = GraphRewriter(graph)
    for node in nodes {
      if targets.contains(node.id), let p = plan(for: node, in: graph) {
        let operands = node.inputs.compactMap { rewriter.mapped($0) }
        if operands.count == node.inputs.count {
          try lower(node, p, operands, rewriter)
          continue
        }
      }
      try rewriter.copy(node)
    }
    try rewriter.copyRemaining()
    return rewriter.target
  }

  /// The expanded labels and static shapes of a lowerable Einsum.
  private struct Plan {
    var inputs: [[Character]]
    var output: [Character]
    var shapes: [[Int]]
    var sizes: [Character: Int]
  }

  private func plan(for node: Node, in graph: Graph) -> Plan? {
    guard let e = try? EinsumEquation(node.string("equation"), operands: node.inputs.count) else { return nil }
    let shapes = node.inputs.map { graph.node(at: $0.node).outputs[$0.index].shape.concrete }
    guard shapes.allSatisfy({ $0 != nil }), let ranks = Optional(shapes.map { $0!.count }),
      let (inputs, output, _) = try? e.expanded(ranks: ranks),
      (inputs + [output]).allSatisfy({ Set($0).count == $0.count }),
      let sizes = try? einsumLabelSizes(inputs, shapes.map { PartialShape($0!) }, equation: node.string("equation"))
    else { return nil }
    return Plan(inputs: inputs, output: output, shapes: shapes.map { $0! }, sizes: sizes.mapValues { $0.value! })
  }

  private func lower(_ node: Node, _ p: Plan, _ operands: [Output], _ r: GraphRewriter) throws {
    let base = node.name
    func ints(_ v: [Int], _ name: String) throws -> Output {
      let c = try r.add(
        op: "Const", inputs: [], attrs: ["value": .tensor(Tensor(v.map { Int32($0) })), "dtype": .type(.int32)],
        name: "\(base)/\(name)")
      return r.target.output(c)
    }
    func op(_ name: String, _ op: String, _ inputs: [Output], _ attrs: [String: AttrValue] = [:]) throws -> Output {
      r.target.output(try r.add(op: op, inputs: inputs, attrs: attrs, name: "\(base)/\(name)"))
    }
    /// `x` (labels `labels`, shape `shape`) with the labels in `summed`
    /// added up and the rest put in `order`.
    func arrange(_ x: Output, _ labels: [Character], _ shape: [Int], summed: [Character], order: [Character], tag: String)
      throws -> (Output, [Int])
    {
      var x = x, labels = labels, shape = shape
      if !summed.isEmpty {
        let axes = summed.map { labels.firstIndex(of: $0)! }
        x = try op("sum_\(tag)", "Sum", [x, try ints(axes, "sum_\(tag)_axes")], ["keep_dims": .bool(false)])
        shape = labels.indices.filter { !axes.contains($0) }.map { shape[$0] }
        labels = labels.filter { !summed.contains($0) }
      }
      let perm = order.map { labels.firstIndex(of: $0)! }
      if perm != Array(perm.indices) {
        x = try op("transpose_\(tag)", "Transpose", [x, try ints(perm, "perm_\(tag)")])
      }
      return (x, perm.map { shape[$0] })
    }
    let inOutput = Set(p.output)
    if operands.count == 1 {
      let summed = p.inputs[0].filter { !inOutput.contains($0) }
      let (y, _) = try arrange(operands[0], p.inputs[0], p.shapes[0], summed: summed, order: p.output, tag: "x")
      try r.add(op: "Identity", inputs: [y], replacing: node)
      return
    }
    let (lx, ly) = (p.inputs[0], p.inputs[1])
    let inX = Set(lx), inY = Set(ly)
    let batch = p.output.filter { inX.contains($0) && inY.contains($0) }
    let left = p.output.filter { inX.contains($0) && !inY.contains($0) }
    let right = p.output.filter { inY.contains($0) && !inX.contains($0) }
    let contracted = lx.filter { inY.contains($0) && !inOutput.contains($0) }
    func product(_ ls: [Character]) -> Int { ls.reduce(1) { $0 * p.sizes[$1]! } }
    let (x, xShape) = try arrange(
      operands[0], lx, p.shapes[0], summed: lx.filter { !inY.contains($0) && !inOutput.contains($0) },
      order: batch + left + contracted, tag: "x")
    let (y, yShape) = try arrange(
      operands[1], ly, p.shapes[1], summed: ly.filter { !inX.contains($0) && !inOutput.contains($0) },
      order: batch + contracted + right, tag: "y")
    let nb = batch.count
    let xMatrix = Array(xShape.prefix(nb)) + [product(left), product(contracted)]
    let yMatrix = Array(yShape.prefix(nb)) + [product(contracted), product(right)]
    let a = xMatrix == xShape ? x : try op("reshape_x", "Reshape", [x, try ints(xMatrix, "shape_x")])
    let b = yMatrix == yShape ? y : try op("reshape_y", "Reshape", [y, try ints(yMatrix, "shape_y")])
    var z = try op("matmul", "BatchMatMulV2", [a, b])
    let labels = batch + left + right
    let full = labels.map { p.sizes[$0]! }
    let zShape = batch.map { p.sizes[$0]! } + [product(left), product(right)]
    if full != zShape { z = try op("reshape_z", "Reshape", [z, try ints(full, "shape_z")]) }
    let perm = p.output.map { labels.firstIndex(of: $0)! }
    if perm != Array(perm.indices) {
      try r.add(op: "Transpose", inputs: [z, try ints(perm, "perm_z")], replacing: node)
    } else {
      try r.add(op: "Identity", inputs: [z], replacing: node)
    }
  }
}
