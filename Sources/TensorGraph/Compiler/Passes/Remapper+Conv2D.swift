// The remapper's convolution patterns (Grappler's, with TensorFlow's op and
// attributes): Conv2D followed by BiasAdd (or AddV2 of a per-channel
// vector), or by an inference-mode FusedBatchNormV3, and optionally by
// Relu, Relu6, Elu, Tanh or Sigmoid, become one `_FusedConv2D` node whose
// kernel applies the bias (or the normalization's per-channel scale and
// shift) and the activation to each block of the GEMM's output while it is
// in cache.
//
//     before                                    after
//     c = Conv2D(x, w)
//     z = BiasAdd(c, b)
//     y = Relu(z)                               y = _FusedConv2D(x, w, b, fused_ops: [BiasAdd, Relu])
//
//     c = Conv2D(x, w)
//     n = FusedBatchNormV3(c, s, o, m, v,
//                          is_training: false)  n = _FusedConv2D(x, w, s, o, m, v,
//                                                     fused_ops: [FusedBatchNorm], epsilon: ε)

extension RemapperPass {
  /// One convolution pattern found in the source graph.
  private struct ConvolutionPattern {
    var conv: Node
    /// BiasAdd, AddV2 or FusedBatchNormV3.
    var middle: Node
    var activation: Node?
    /// The fused args: the bias, or scale, offset, mean and variance.
    var args: [TensorRef]
    var root: Node { activation ?? middle }
  }

  /// Fuses every convolution pattern of `graph` into `_FusedConv2D`;
  /// returns `graph` itself when there is none.
  func fuseConvolutions(_ graph: Graph, keep: KeepSet) throws -> Graph {
    let nodes = graph.nodes
    /// Whether `node` can disappear into its one reader `reader`: nothing
    /// else reads any of its outputs (or waits for it), and no output is
    /// kept or fed.
    func disappears(_ node: Node, into reader: Node) -> Bool {
      !keep.protects(node) && graph.consumers(of: node.id) == [reader.id]
        && graph.controlConsumers(of: node.id).isEmpty
        && (0..<node.outputs.count).allSatisfy {
          graph.readerCount(of: TensorRef(node: node.id, index: $0)) == ($0 == 0 ? 1 : 0)
        }
    }
    /// The one node reading `node`, if there is exactly one.
    func onlyReader(_ node: Node) -> Node? {
      let readers = graph.consumers(of: node.id)
      return readers.count == 1 ? nodes[readers[0]] : nil
    }

    var patterns: [Int: ConvolutionPattern] = [:]  // by root id
    var interior = Set<Int>()
    for conv in nodes where conv.op == "Conv2D" {
      let dtype = conv.outputs[0].dtype
      guard dtype == .float32 || dtype == .float64, conv.string("data_format") == "NHWC",
        let middle = onlyReader(conv), disappears(conv, into: middle),
        let args = Self.fusedArguments(of: middle, after: conv, graph: graph)
      else { continue }
      // A batch norm ending the pattern must leave nothing behind: its
      // other outputs unread and unkept.
      var pattern = ConvolutionPattern(conv: conv, middle: middle, activation: nil, args: args)
      if let next = onlyReader(middle), StandardOps.fusedMatMulActivations.contains(next.op),
        disappears(middle, into: next)
      {
        pattern.activation = next
      } else if middle.outputs.count > 1 {
        let extraUsed = (1..<middle.outputs.count).contains { i in
          graph.readerCount(of: TensorRef(node: middle.id, index: i)) > 0
            || keep.outputs.contains("\(middle.name):\(i)") || keep.isFed(middle, i)
        }
        guard !extraUsed, graph.controlConsumers(of: middle.id).isEmpty else { continue }
      }
      patterns[pattern.root.id] = pattern
      interior.insert(conv.id)
      if pattern.activation != nil { interior.insert(middle.id) }
    }
    guard !patterns.isEmpty else { return graph }

    let rewriter = GraphRewriter(graph)
    for node in nodes {
      if interior.contains(node.id) {
        rewriter.drop(node)
        continue
      }
      guard let p = patterns[node.id] else {
        try rewriter.copy(node)
        continue
      }
      var inputs: [Output] = []
      for ref in p.conv.inputs + p.args {
        guard let m = rewriter.mapped(ref) else { break }
        inputs.append(m)
      }
      guard inputs.count == 2 + p.args.count else {
        try rewriter.copy(node)
        continue
      }
      var controls: [Int] = []
      for n in [p.conv, p.middle] + (p.activation.map { [$0] } ?? []) {
        for c in rewriter.controlInputs(for: n) where !controls.contains(c) { controls.append(c) }
      }
      var attrs = p.conv.convolutionAttributes
      let first = p.middle.op == "FusedBatchNormV3" ? "FusedBatchNorm" : "BiasAdd"
      attrs["fused_ops"] = .strings([first] + (p.activation.map { [$0.op] } ?? []))
      if first == "FusedBatchNorm" { attrs["epsilon"] = p.middle.attrs["epsilon"] }
      try rewriter.add(op: "_FusedConv2D", inputs: inputs, controlInputs: controls, attrs: attrs, replacing: node)
    }
    return try rewriter.finish()
  }

  /// The fused args when `middle` can follow `conv` in a `_FusedConv2D`:
  /// a BiasAdd's bias (NHWC), an AddV2's per-channel vector, or the
  /// scale, offset, mean and variance of an inference-mode
  /// FusedBatchNormV3 (NHWC, statistics of the convolution's dtype).
  private static func fusedArguments(of middle: Node, after conv: Node, graph: Graph) -> [TensorRef]? {
    let c = TensorRef(node: conv.id, index: 0)
    switch middle.op {
    case "BiasAdd":
      guard middle.inputs[0] == c, middle.string("data_format") == "NHWC" else { return nil }
      return [middle.inputs[1]]
    case "AddV2":
      // AddV2 acts as BiasAdd only for a vector with one value per channel.
      guard let side = middle.inputs.firstIndex(of: c), middle.inputs[1 - side] != c else { return nil }
      let bias = middle.inputs[1 - side]
      let b = graph.node(at: bias.node).outputs[bias.index].shape
      guard b.rank == 1, let n = b[0].value, conv.outputs[0].shape[3].value == n else { return nil }
      return [bias]
    case "FusedBatchNormV3":
      guard middle.inputs[0] == c, !middle.bool("is_training"), middle.string("data_format") == "NHWC",
        middle.type("U") == conv.outputs[0].dtype
      else { return nil }
      return Array(middle.inputs[1...4])
    default:
      return nil
    }
  }
}
