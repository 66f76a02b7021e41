/// Replaces nodes whose inputs are all constants by `Const` nodes holding
/// their values (Grappler's `constfold`), and `Shape`, `ZerosLike` and
/// `OnesLike` of statically known shapes by constants whatever their input.
///
/// Each foldable node runs once, through its own kernel, when the pass
/// reaches it; the `Const` that replaces it keeps its name, site and
/// control inputs (and inherits those of the constants it read), so later
/// nodes fold in turn. Never folded: stateful ops (variables, random
/// ops, updates), nodes reading variables by reference, fed outputs and
/// anything reading one, and results over ``maxConstantBytes`` or more
/// than ``growthAllowance`` bytes larger than the constants they read (a
/// `Fill` of a large shape stays a `Fill`: folding it would store the
/// tensor in the graph). A node whose kernel fails is left alone: the
/// error surfaces when the graph runs.
///
///     before                                 after
///     a = Const 2;  b = Const 3              a = Const 2;  b = Const 3
///     s = Mul(a, b)                          s = Const 6
///     y = AddV2(x, s)                        y = AddV2(x, s)
///     n = Shape(x: float32[8, 4])            n = Const [8, 4]
public struct ConstantFoldingPass: GraphPass {
  public var name: String { "constfold" }
  /// The largest folded constant, in bytes (Grappler's 10 MiB).
  public var maxConstantBytes: Int
  /// How many bytes a folded result may exceed the constants it reads by.
  public var growthAllowance: Int

  /// Creates the pass.
  public init(maxConstantBytes: Int = 10 << 20, growthAllowance: Int = 1024) {
    self.maxConstantBytes = maxConstantBytes
    self.growthAllowance = growthAllowance
  }

  /// Ops that read only their input's static shape.
  static let shapeOnlyOps: Set<String> = ["Shape", "ZerosLike", "OnesLike"]
  /// Ops that are never folded whatever their inputs.
  static let neverFolded: Set<String> = ["Const", "Placeholder", "VariableV2", "NoOp"]

  public func run(_ graph: Graph, keep: KeepSet) throws -> Graph {
    let rewriter = GraphRewriter(graph)
    let target = rewriter.target
    for node in rewriter.nodes {
      guard let values = try fold(node, rewriter: rewriter, keep: keep) else {
        try rewriter.copy(node)
        continue
      }
      // The constant waits for what the node and its constant inputs
      // waited for, so folding never drops an ordering.
      var controls = rewriter.controlInputs(for: node)
      for input in node.inputs {
        if let m = rewriter.mapped(input) {
          for c in target.node(at: m.nodeID).controlInputs where !controls.contains(c) { controls.append(c) }
        }
      }
      if values.count == 1 {
        try rewriter.add(
          op: "Const", inputs: [], controlInputs: controls,
          attrs: ["value": .tensor(values[0]), "dtype": .type(values[0].dtype)], replacing: node)
      } else {
        var outputs: [Output] = []
        for (i, v) in values.enumerated() {
          let c = try rewriter.add(
            op: "Const", inputs: [], controlInputs: controls, attrs: ["value": .tensor(v), "dtype": .type(v.dtype)],
            name: "\(node.name)-folded-\(i)", site: node.site)
          outputs.append(target.output(c, 0))
        }
        rewriter.replace(node, with: outputs)
      }
    }
    return rewriter.changed ? try rewriter.finish() : graph
  }

  /// The values of `node`'s outputs when it folds, else `nil`.
  private func fold(_ node: Node, rewriter: GraphRewriter, keep: KeepSet) throws -> [Tensor]? {
    guard !Self.neverFolded.contains(node.op), !node.def.isStateful, !node.hasReferenceInputs,
      !node.outputs.isEmpty, !keep.isFed(node)
    else { return nil }
    // Multi-output nodes become several constants with new names: only
    // when no output must keep its name.
    if node.outputs.count > 1 && keep.protects(node) { return nil }
    let source = rewriter.source
    if Self.shapeOnlyOps.contains(node.op) {
      let input = node.inputs[0]
      let type = source.node(at: input.node).outputs[input.index]
      guard let dims = type.shape.concrete else { return nil }
      let outBytes = dims.reduce(1, *) * node.outputs[0].dtype.byteSize
      if node.op == "Shape" {
        if node.outputs[0].dtype == .int64 { return [Tensor(dims.map { Int64($0) })] }
        guard dims.allSatisfy({ $0 <= Int(Int32.max) }) else { return nil }
        return [Tensor(dims.map { Int32($0) })]
      }
      guard outBytes <= growthAllowance else { return nil }
      return try evaluate(node, inputs: [Tensor(zeros: dims, dtype: type.dtype)], graph: rewriter.target)
    }
    var inputs: [Tensor] = []
    for input in node.inputs {
      guard !keep.isFed(source.node(at: input.node), input.index), let m = rewriter.mapped(input),
        let value = rewriter.target.constant(m, keep: keep)
      else { return nil }
      inputs.append(value)
    }
    guard !inputs.isEmpty || node.inputs.isEmpty else { return nil }
    let inBytes = inputs.reduce(0) { $0 + $1.byteCount }
    let outBytes = node.outputs.reduce(0) { acc, t in
      acc + (t.shape.concrete.map { $0.reduce(1, *) * t.dtype.byteSize } ?? Int.max / 4)
    }
    // Outputs of unknown shape are estimated after evaluation.
    if outBytes < Int.max / 4, outBytes > maxConstantBytes || outBytes > inBytes + growthAllowance { return nil }
    guard let values = try evaluate(node, inputs: inputs, graph: rewriter.target) else { return nil }
    let actual = values.reduce(0) { $0 + $1.byteCount }
    guard actual <= maxConstantBytes, actual <= inBytes + growthAllowance else { return nil }
    return values
  }

  /// Runs `node`'s kernel on `inputs` in a scratch graph; `nil` when it
  /// fails.
  private func evaluate(_ node: Node, inputs: [Tensor], graph: Graph) throws -> [Tensor]? {
    let scratch = Graph(registry: graph.registry)
    do {
      var refs: [TensorRef] = []
      for (i, value) in inputs.enumerated() {
        let c = try scratch.addNode(
          op: "Const", inputRefs: [], attrs: ["value": .tensor(value), "dtype": .type(value.dtype)], name: "in\(i)",
          exactName: true)
        refs.append(TensorRef(node: c.id, index: 0))
      }
      let n = try scratch.addNode(op: node.op, inputRefs: refs, attrs: node.attrs, name: "folded", exactName: true)
      let session = Session(graph: scratch, options: SessionOptions(threads: 1))
      let values = try session.run(fetches: scratch.outputs(of: n))
      // Fetched values may alias the kernel's inputs; constants own their
      // storage.
      return values.map { $0.copy() }
    } catch is TensorGraphError {
      return nil
    }
  }
}
