/// Folds an inference-mode `FusedBatchNormV3` whose scale, offset, mean and
/// variance are constants into the `Conv2D` before it (TensorFlow's
/// `fold_batch_norms` graph transform; Grappler gets the same effect by
/// fusing them into `_FusedConv2D`): per output channel,
///
///     (conv(x, w) − mean)·a + offset = conv(x, w·a) + (offset − mean·a),
///     a = scale/√(variance + ε)
///
/// so the normalization becomes a scaled filter and a `BiasAdd`, which the
/// remapper then fuses with the convolution and its activation.
///
///     before                                 after
///     c = Conv2D(x, w)                       c = Conv2D(x, w')     w' = Const w·a  (w constant)
///     n = FusedBatchNormV3(c, s, o, m, v,                          w' = Mul(w, Const a)  (otherwise)
///                          is_training: false)  n = BiasAdd(c, Const offset − mean·a)
///
/// It fires only when the convolution's output has no other reader and no
/// name to keep, the batch norm's other outputs are unused, both are NHWC
/// and float32 or float64, and none of the four statistics may be fed.
/// The folded nodes keep their names; constants read only by folded nodes
/// go away.
public struct FoldBatchNormsPass: GraphPass {
  public var name: String { "fold_batch_norms" }

  /// Creates the pass.
  public init() {}

  /// One fold: the convolution, the batch norm, and the per-channel factor
  /// `a` and shift `offset − mean·a` computed from its constants.
  private struct Fold {
    var conv: Node
    var batchNorm: Node
    var factor: [Double]
    var shift: [Double]
    /// The filter's value when it is a constant.
    var filter: Tensor?
  }

  public func run(_ graph: Graph, keep: KeepSet) throws -> Graph {
    let nodes = graph.nodes
    var folds: [Fold] = []
    for bn in nodes where bn.op == "FusedBatchNormV3" {
      if let fold = try match(bn, graph: graph, keep: keep) { folds.append(fold) }
    }
    guard !folds.isEmpty else { return graph }
    let byConv = Dictionary(uniqueKeysWithValues: folds.map { ($0.conv.id, $0) })
    let byBatchNorm = Dictionary(uniqueKeysWithValues: folds.map { ($0.batchNorm.id, $0) })
    // Constants nothing reads any more: statistics (and constant filters)
    // read only where the folds replace them.
    func readOnlyByFolds(_ n: Node) -> Bool {
      graph.consumers(of: n.id).allSatisfy { id in
        if let f = byBatchNorm[id] { return f.batchNorm.inputs[0].node != n.id }
        if let f = byConv[id] { return f.filter != nil && f.conv.inputs[0].node != n.id }
        return false
      }
    }
    var unread = Set<Int>()
    for f in folds {
      for ref in f.batchNorm.inputs[1...4] + (f.filter == nil ? [] : [f.conv.inputs[1]]) {
        let n = nodes[ref.node]
        if n.op == "Const", !keep.protects(n), graph.controlConsumers(of: n.id).isEmpty, readOnlyByFolds(n) {
          unread.insert(n.id)
        }
      }
    }

    let rewriter = GraphRewriter(graph)
    /// A new constant of `values` shaped `shape`, in the convolution's dtype.
    func constant(_ values: [Double], _ shape: [Int], _ dtype: DType, name: String) throws -> Output {
      let t = try Tensor(values).reshaped(to: shape).converted(to: dtype)
      let c = try rewriter.add(
        op: "Const", inputs: [], attrs: ["value": .tensor(t), "dtype": .type(dtype)], name: name)
      return rewriter.target.output(c)
    }
    var foldedConvolutions = Set<Int>()
    for node in nodes {
      if unread.contains(node.id) {
        rewriter.drop(node)
      } else if let f = byConv[node.id], let x = rewriter.mapped(node.inputs[0]) {
        let dtype = node.outputs[0].dtype, channels = f.factor.count
        let filter: Output
        if let w = f.filter {
          // w'[…, c] = w[…, c]·a[c] (the filter's last axis is the output channel).
          let scaled = w.doubles().enumerated().map { $0.element * f.factor[$0.offset % channels] }
          filter = try constant(scaled, w.shape, dtype, name: "\(f.batchNorm.name)/folded_filter")
        } else {
          guard let w = rewriter.mapped(node.inputs[1]) else {
            try rewriter.copy(node)
            continue
          }
          let a = try constant(f.factor, [channels], dtype, name: "\(f.batchNorm.name)/folded_scale")
          let mul = try rewriter.add(op: "Mul", inputs: [w, a], name: "\(f.batchNorm.name)/folded_filter")
          filter = rewriter.target.output(mul)
        }
        try rewriter.add(op: "Conv2D", inputs: [x, filter], attrs: node.attrs, replacing: node)
        foldedConvolutions.insert(node.id)
      } else if let f = byBatchNorm[node.id], foldedConvolutions.contains(f.conv.id),
        let c = rewriter.mapped(f.batchNorm.inputs[0])
      {
        let shift = try constant(f.shift, [f.shift.count], c.dtype, name: "\(node.name)/folded_bias")
        try rewriter.add(op: "BiasAdd", inputs: [c, shift], attrs: ["data_format": .string("NHWC")], replacing: node)
      } else {
        try rewriter.copy(node)
      }
    }
    return try rewriter.finish()
  }

  /// The fold of batch norm `bn`, when it folds.
  private func match(_ bn: Node, graph: Graph, keep: KeepSet) throws -> Fold? {
    let conv = graph.node(at: bn.inputs[0].node)
    let dtype = bn.outputs[0].dtype
    guard conv.op == "Conv2D", bn.inputs[0].index == 0, !bn.bool("is_training"),
      bn.string("data_format") == "NHWC", conv.string("data_format") == "NHWC",
      dtype == .float32 || dtype == .float64, bn.type("U") == dtype,
      // The convolution's output goes only to the batch norm.
      !keep.protects(conv), graph.consumers(of: conv.id) == [bn.id],
      graph.readerCount(of: TensorRef(node: conv.id, index: 0)) == 1, graph.controlConsumers(of: conv.id).isEmpty,
      // Only y is used.
      (1..<bn.outputs.count).allSatisfy({ i in
        graph.readerCount(of: TensorRef(node: bn.id, index: i)) == 0 && !keep.outputs.contains("\(bn.name):\(i)")
          && !keep.isFed(bn, i)
      }), !keep.isFed(bn, 0)
    else { return nil }
    var statistics: [[Double]] = []
    for ref in bn.inputs[1...4] {
      guard let t = graph.constant(graph.output(graph.node(at: ref.node), ref.index), keep: keep), t.rank == 1
      else { return nil }
      statistics.append(t.doubles())
    }
    let (scale, offset, mean, variance) = (statistics[0], statistics[1], statistics[2], statistics[3])
    let channels = scale.count
    guard [offset, mean, variance].allSatisfy({ $0.count == channels }) else { return nil }
    let epsilon = bn.float("epsilon")
    let factor = (0..<channels).map { scale[$0] / (variance[$0] + epsilon).squareRoot() }
    let shift = (0..<channels).map { offset[$0] - mean[$0] * factor[$0] }
    let w = conv.inputs[1]
    var filter = graph.constant(graph.output(graph.node(at: w.node), w.index), keep: keep)
    if let f = filter, f.rank != 4 || f.shape[3] != channels { filter = nil }
    return Fold(conv: conv, batchNorm: bn, factor: factor, shift: shift, filter: filter)
  }
}
