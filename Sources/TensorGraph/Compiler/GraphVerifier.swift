/// Checks the invariants every graph — and every pass's result — must
/// keep, the way tinygrad's `type_verify` runs between its rewrites.
///
/// - structure: node ids match positions, names are unique and valid, every
///   data input names an existing output of an earlier node and every
///   control input an earlier node (so the graph has no cycles);
/// - types: every node's output dtypes and shapes are what its op's shape
///   function gives for its inputs now;
/// - against the graph before a pass: every kept output still exists with
///   the same dtype and the same or a more precise shape, every kept node
///   and placeholder still exists, and placeholders and the variables that
///   remain keep their dtype and shape.
///
/// Failures throw ``TensorGraphError`` with reason `invalidGraph` naming the
/// node and, when run by a ``PassManager``, the pass.
public struct GraphVerifier: Sendable {
  /// Creates a verifier.
  public init() {}

  /// Checks `graph`'s structure and types.
  public func verify(_ graph: Graph) throws {
    let nodes = graph.nodes
    var names = Set<String>()
    for (position, node) in nodes.enumerated() {
      guard node.id == position else {
        throw node.error(.invalidGraph, "node id \(node.id) does not match its position \(position)")
      }
      guard names.insert(node.name).inserted else {
        throw node.error(.invalidGraph, "the name '\(node.name)' is used by more than one node")
      }
      guard Graph.isValidNodeName(node.name) else {
        throw node.error(.invalidGraph, "'\(node.name)' is not a valid node name")
      }
      for (k, input) in node.inputs.enumerated() {
        guard input.node >= 0, input.node < position else {
          throw node.error(
            .invalidGraph,
            input.node >= position
              ? "input \(k) comes from node \(input.node), which does not precede it: the graph has a cycle or a forward edge"
              : "input \(k) refers to node \(input.node), which does not exist (a dangling input)")
        }
        let producer = nodes[input.node]
        guard input.index >= 0, input.index < producer.outputs.count else {
          throw node.error(
            .invalidGraph,
            "input \(k) reads output \(input.index) of '\(producer.name)', which has \(producer.outputs.count) output(s)")
        }
      }
      for c in node.controlInputs where c < 0 || c >= position {
        throw node.error(
          .invalidGraph, "control input \(c) does not name an earlier node (a dangling control input or a cycle)")
      }
      let inputTypes = node.inputs.map { nodes[$0.node].outputs[$0.index] }
      let context = ShapeContext(
        op: node.op, attrs: node.attrs, inputs: inputTypes, inputRefs: node.inputs, graph: graph)
      let shapes: [PartialShape]
      do {
        shapes = try node.def.shapeFunction(context)
      } catch let e as TensorGraphError {
        throw node.error(.invalidGraph, "its inputs no longer fit the op: \(e.message)")
      }
      guard shapes == node.outputs.map(\.shape) else {
        throw node.error(
          .invalidGraph,
          "recorded output shapes \(node.outputs.map(\.shape)) differ from the re-inferred \(shapes)")
      }
    }
  }

  /// Checks `after` on its own, then that it keeps what `keep` (and the
  /// placeholders and variables of `before`) names, with compatible types.
  public func verify(_ after: Graph, against before: Graph, keep: KeepSet) throws {
    try verify(after)
    func type(_ graph: Graph, _ name: String) -> TensorType? {
      let (nodeName, index) = KeepSet.split(name)
      guard let node = graph.node(named: nodeName), index < node.outputs.count else { return nil }
      return node.outputs[index]
    }
    for name in keep.outputs.union(keep.fed).sorted() {
      guard let old = type(before, name) else { continue }
      guard let new = type(after, name) else {
        throw TensorGraphError(.invalidGraph, "kept output '\(name)' (\(old)) no longer exists", node: name)
      }
      guard new.dtype == old.dtype else {
        throw TensorGraphError(
          .invalidGraph, "kept output '\(name)' changed dtype from \(old.dtype) to \(new.dtype)", node: name)
      }
      guard new.shape.isRefinement(of: old.shape) else {
        throw TensorGraphError(
          .invalidGraph, "kept output '\(name)' changed shape from \(old.shape) to \(new.shape)", node: name)
      }
    }
    for name in keep.nodes.sorted() where before.node(named: name) != nil && after.node(named: name) == nil {
      throw TensorGraphError(.invalidGraph, "kept node '\(name)' no longer exists", node: name)
    }
    for node in before.nodes where node.op == "Placeholder" || node.op == "VariableV2" {
      guard let new = after.node(named: node.name) else {
        if node.op == "VariableV2" { continue }  // pruned: nothing kept reads it
        throw node.error(.invalidGraph, "the \(node.op) '\(node.name)' no longer exists")
      }
      guard new.op == node.op, new.outputs == node.outputs else {
        throw node.error(
          .invalidGraph,
          "the \(node.op) '\(node.name)' (\(node.outputs[0])) became a \(new.op) of type \(new.outputs.first.map(\.description) ?? "none")")
      }
    }
  }
}

extension PartialShape {
  /// Whether this shape says at least as much as `other` and nothing
  /// contrary: equal ranks and dimensions where `other` knows them.
  public func isRefinement(of other: PartialShape) -> Bool {
    guard let od = other.dims else { return true }
    guard let d = dims, d.count == od.count else { return false }
    return zip(d, od).allSatisfy { new, old in old.value == nil || new.value == old.value }
  }
}
