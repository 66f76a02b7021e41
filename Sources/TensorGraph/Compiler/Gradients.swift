// Symbolic differentiation, as TensorFlow 1.x's `tf.gradients`: reverse-mode
// accumulation over the graph, adding gradient nodes to the same graph.

/// What ``Graph/gradients(of:with:gradYs:stopGradients:unconnected:name:file:line:)``
/// returns for an `x` that the `ys` do not depend on.
public enum UnconnectedGradients: Sendable {
  /// `nil` (TensorFlow's `UnconnectedGradients.NONE`).
  case none
  /// `zeros_like(x)` (`UnconnectedGradients.ZERO`).
  case zero
}

extension Graph {
  /// The symbolic gradients of `sum(ys)` with respect to each of `xs`
  /// (TensorFlow's `tf.gradients`): nodes computing them are added to this
  /// graph under a `gradients/` name scope (`gradients/dense/MatMul_grad/…`),
  /// and run, serialize and optimize like any others.
  ///
  /// - Parameters:
  ///   - ys: The outputs to differentiate (floating point).
  ///   - xs: The outputs to differentiate with respect to.
  ///   - gradYs: Initial upstream gradients, one per `y` (`nil` entries, or
  ///     no array, mean ones of `y`'s shape).
  ///   - stopGradients: Outputs treated as constants.
  ///   - unconnected: What to return for an `x` the `ys` do not depend on.
  /// - Returns: One gradient per `x`, of `x`'s dtype and shape.
  /// - Throws: Before adding any node, when a node on a path from an `x`
  ///   to a `y` has no gradient function — naming every such node with its
  ///   op and creation site.
  public func gradients(
    of ys: [Output], with xs: [Output], gradYs: [Output?]? = nil, stopGradients: [Output] = [],
    unconnected: UnconnectedGradients = .none, name: String = "gradients", file: String = #fileID,
    line: Int = #line
  ) throws -> [Output?] {
    let site = SourceLocation(fileID: file, line: line)
    for t in ys + xs + stopGradients + (gradYs ?? []).compactMap({ $0 }) where t.graph !== self {
      throw TensorGraphError(.invalidArgument, "\(t.name) belongs to a different graph", op: "gradients", site: site)
    }
    if let gradYs, gradYs.count != ys.count {
      throw TensorGraphError(
        .invalidArgument, "gradYs has \(gradYs.count) entries but there are \(ys.count) ys", op: "gradients",
        site: site)
    }
    for y in ys where !y.dtype.isFloatingPoint {
      throw TensorGraphError(
        .dtypeMismatch, "cannot differentiate \(y.name), which is \(y.dtype): gradients need floating-point ys",
        op: "gradients", site: site)
    }
    let builder = GradientBuilder(graph: self, nodes: nodes, ys: ys, xs: xs, stopGradients: stopGradients)
    try builder.checkDifferentiable(site: site)
    return try withSourceLocation(site) {
      try withNameScope(name) {
        try builder.build(gradYs: gradYs, unconnected: unconnected)
      }
    }
  }

  /// The gradient of `y` with respect to each of `xs`; see
  /// ``gradients(of:with:gradYs:stopGradients:unconnected:name:file:line:)``.
  public func gradients(
    of y: Output, with xs: [Output], unconnected: UnconnectedGradients = .none, file: String = #fileID,
    line: Int = #line
  ) throws -> [Output?] {
    try gradients(of: [y], with: xs, unconnected: unconnected, file: file, line: line)
  }
}

/// One gradient computation: the nodes between `xs` and `ys`, and the
/// gradients accumulated for each output on the way back.
private final class GradientBuilder {
  let graph: Graph
  let nodes: [Node]
  let ys: [Output]
  let xs: [Output]
  /// Nodes on a path from some x to some y (data edges only).
  let between: Set<Int>
  let stopped: Set<Int>
  /// Gradient contributions per output, aggregated once its node is reached.
  var contributions: [TensorRef: [Output]] = [:]
  var aggregated: [TensorRef: Output] = [:]

  init(graph: Graph, nodes: [Node], ys: [Output], xs: [Output], stopGradients: [Output]) {
    self.graph = graph
    self.nodes = nodes
    self.ys = ys
    self.xs = xs
    stopped = Set(stopGradients.map(\.nodeID))
    // Forward from the xs, then backward from the ys within that set. The
    // forward search does not pass through ops that stop gradients (or
    // through stopped nodes): nothing downstream of them can send a
    // gradient back to an x, so they need no gradient rule either.
    var reachable = Set(xs.map(\.nodeID))
    var stack = Array(reachable)
    while let id = stack.popLast() {
      for c in graph.consumers(of: id) where reachable.insert(c).inserted {
        if case .notDifferentiable = nodes[c].def.gradient { continue }
        if stopped.contains(c) { continue }
        stack.append(c)
      }
    }
    var between = Set<Int>()
    stack = ys.map(\.nodeID).filter { reachable.contains($0) }
    between.formUnion(stack)
    while let id = stack.popLast() {
      for input in nodes[id].inputs where reachable.contains(input.node) && between.insert(input.node).inserted {
        stack.append(input.node)
      }
    }
    self.between = between
  }

  /// Whether gradients flow from node `id` into its input `k`.
  func flows(into node: Node, input k: Int) -> Bool {
    let ref = node.inputs[k]
    return between.contains(ref.node) && nodes[ref.node].outputs[ref.index].dtype.isFloatingPoint
  }

  /// Nodes whose gradient function would run: in between, not stopped, with
  /// some differentiable input coming from between.
  var nodesToDifferentiate: [Node] {
    between.sorted(by: >).map { nodes[$0] }.filter { node in
      !stopped.contains(node.id) && node.inputs.indices.contains { flows(into: node, input: $0) }
    }
  }

  func checkDifferentiable(site: SourceLocation) throws {
    let missing = nodesToDifferentiate.filter {
      if case .undefined = $0.def.gradient { return true }
      return false
    }
    guard !missing.isEmpty else { return }
    let list = missing.sorted { $0.id < $1.id }.map { node in
      "  \(node.name) (\(node.op))" + (node.site.map { " created at \($0)" } ?? "")
    }
    throw TensorGraphError(
      .noGradient,
      "no gradient is defined for \(missing.count) op(s) on the path from xs to ys:\n" + list.joined(separator: "\n")
        + "\nwrap values that need no gradient in stopGradient, or register a gradient for the op",
      op: "gradients", site: site)
  }

  func build(gradYs: [Output?]?, unconnected: UnconnectedGradients) throws -> [Output?] {
    for (i, y) in ys.enumerated() {
      let seed: Output
      if let g = gradYs?[i] {
        guard g.dtype == y.dtype, g.shape.isCompatible(with: y.shape) else {
          throw TensorGraphError(
            .shapeMismatch,
            "gradYs[\(i)] is \(g.dtype)\(g.shape) but \(y.name) is \(y.dtype)\(y.shape)", op: "gradients")
        }
        seed = g
      } else {
        seed = try graph.onesLike(y, name: "grad_ys_\(i)")
      }
      contributions[y.ref, default: []].append(seed)
    }
    // Node ids are a topological order: every consumer of a node has a
    // larger id, so visiting ids downwards sees all of a node's upstream
    // gradients before the node itself.
    for node in nodesToDifferentiate {
      let upstream = try node.outputs.indices.map { try aggregate(TensorRef(node: node.id, index: $0)) }
      guard upstream.contains(where: { $0 != nil }) else { continue }
      guard case .function(let f) = node.def.gradient else { continue }
      let context = GradientContext(
        graph: graph, node: node, inputs: node.inputs.map { Output(graph: graph, nodeID: $0.node, index: $0.index) },
        outputs: graph.outputs(of: node), upstream: upstream)
      let inputGradients = try graph.withNameScope(node.name + "_grad") { try f(context) }
      precondition(
        inputGradients.count == node.inputs.count,
        "gradient of \(node.op) returned \(inputGradients.count) values for \(node.inputs.count) inputs")
      for (k, g) in inputGradients.enumerated() {
        guard let g, flows(into: node, input: k) else { continue }
        let input = context.inputs[k]
        guard g.dtype == input.dtype, g.shape.isCompatible(with: input.shape) else {
          throw node.error(
            .shapeMismatch,
            "the gradient function of \(node.op) produced \(g.dtype)\(g.shape) for input \(k), which is \(input.dtype)\(input.shape)")
        }
        contributions[node.inputs[k], default: []].append(g)
      }
    }
    return try xs.map { x in
      if let g = try aggregate(x.ref) { return g }
      return unconnected == .zero ? try graph.zerosLike(x) : nil
    }
  }

  /// The sum of the gradient contributions to `ref` (one `AddN` when there
  /// are several), computed once.
  func aggregate(_ ref: TensorRef) throws -> Output? {
    if let g = aggregated[ref] { return g }
    guard let parts = contributions[ref], !parts.isEmpty else { return nil }
    let g: Output
    if parts.count == 1 {
      g = parts[0]
    } else {
      g = try graph.addN(parts)
    }
    aggregated[ref] = g
    return g
  }
}
