/// Fuses `MatMul` → `BiasAdd` (or `AddV2` of a bias vector) → an optional
/// `Relu`, `Relu6`, `Elu`, `Tanh` or `Sigmoid` into one `_FusedMatMul`
/// node (Grappler's `remap`, with TensorFlow's op and attributes): one
/// GEMM, then one pass adding the bias and applying the activation while
/// the rows are in cache, with no intermediate buffers.
///
/// A pattern fuses when its inner nodes have no other readers, no control
/// readers and no names to keep, and the dtype is float32 or float64. The
/// fused node takes the name of the pattern's last node, so kept outputs
/// keep their names. `_FusedMatMul` has a gradient, so fusing before
/// differentiating works too; the default pipeline fuses after.
///
/// Conv2D followed by BiasAdd or an inference-mode FusedBatchNormV3 (and an
/// optional activation) fuses the same way into `_FusedConv2D`, under the
/// same conditions (Remapper+Conv2D.swift).
///
///     before                                 after
///     m = MatMul(x, w)
///     z = BiasAdd(m, b)
///     y = Relu(z)                            y = _FusedMatMul(x, w, b, fused_ops: [BiasAdd, Relu])
public struct RemapperPass: GraphPass {
  public var name: String { "remap" }

  /// Creates the pass.
  public init() {}

  private struct Pattern {
    var matMul: Node
    var bias: TensorRef
    var add: Node
    var activation: Node?
    var root: Node { activation ?? add }
  }

  public func run(_ graph: Graph, keep: KeepSet) throws -> Graph {
    // Conv2D patterns first (Remapper+Conv2D.swift), then MatMul ones.
    let graph = try fuseConvolutions(graph, keep: keep)
    let nodes = graph.nodes
    var patterns: [Int: Pattern] = [:]  // by root id
    var interior = Set<Int>()
    /// Whether `node` can disappear inside a pattern: one reader (`reader`)
    /// of its one output, no control readers, no name to keep.
    func inner(_ node: Node, readBy reader: Int) -> Bool {
      !keep.protects(node) && node.outputs.count == 1 && graph.consumers(of: node.id) == [reader]
        && graph.readerCount(of: TensorRef(node: node.id, index: 0)) == 1 && graph.controlConsumers(of: node.id).isEmpty
        && !interior.contains(node.id)
    }
    for add in nodes where add.op == "BiasAdd" || add.op == "AddV2" {
      guard add.outputs[0].dtype == .float32 || add.outputs[0].dtype == .float64 else { continue }
      var found: (Node, TensorRef)?
      for side in add.op == "BiasAdd" ? [0] : [0, 1] {
        let m = nodes[add.inputs[side].node]
        let bias = add.inputs[1 - side]
        guard m.op == "MatMul", inner(m, readBy: add.id) else { continue }
        if add.op == "BiasAdd" {
          guard add.string("data_format") == "NHWC" else { continue }
        } else {
          // AddV2 acts as BiasAdd only for a vector with one value per column.
          let b = nodes[bias.node].outputs[bias.index].shape
          guard b.rank == 1, let n = b[0].value, m.outputs[0].shape[1].value == n else { continue }
        }
        found = (m, bias)
        break
      }
      guard let (matMul, bias) = found else { continue }
      var pattern = Pattern(matMul: matMul, bias: bias, add: add, activation: nil)
      let readers = graph.consumers(of: add.id)
      if readers.count == 1, StandardOps.fusedMatMulActivations.contains(nodes[readers[0]].op),
        inner(add, readBy: readers[0])
      {
        pattern.activation = nodes[readers[0]]
      }
      patterns[pattern.root.id] = pattern
      interior.insert(matMul.id)
      if pattern.activation != nil { interior.insert(add.id) }
    }
    guard !patterns.isEmpty else { return graph }

    let rewriter = GraphRewriter(graph)
    for node in nodes {
      if interior.contains(node.id) {
        rewriter.drop(node)
      } else if let p = patterns[node.id],
        let a = rewriter.mapped(p.matMul.inputs[0]), let b = rewriter.mapped(p.matMul.inputs[1]),
        let bias = rewriter.mapped(p.bias)
      {
        var controls: [Int] = []
        for n in [p.matMul, p.add] + (p.activation.map { [$0] } ?? []) {
          for c in rewriter.controlInputs(for: n) where !controls.contains(c) { controls.append(c) }
        }
        try rewriter.add(
          op: "_FusedMatMul", inputs: [a, b, bias], controlInputs: controls,
          attrs: [
            "transpose_a": p.matMul.attrs["transpose_a"]!, "transpose_b": p.matMul.attrs["transpose_b"]!,
            "fused_ops": .strings(["BiasAdd"] + (p.activation.map { [$0.op] } ?? [])),
          ], replacing: node)
      } else {
        try rewriter.copy(node)
      }
    }
    return try rewriter.finish()
  }
}
