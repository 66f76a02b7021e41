/// Builds a new graph from an old one, node by node — the tool passes use,
/// since graphs are append-only.
///
/// Visit the source nodes in id order (a topological order) and for each
/// either ``copy(_:)`` it (inputs rewired to their new producers), replace
/// it by outputs already in the new graph (``replace(_:with:)``), build a
/// new node in its place (``add(op:inputs:controlInputs:attrs:replacing:)``)
/// or ``drop(_:)`` it; ``finish()`` returns the new graph with the source's
/// collections (for the nodes that survive) and random seed. Copied nodes
/// keep their names, attributes and creation sites, and are re-added with
/// ``Graph/addNode(op:inputRefs:controlInputIDs:attrs:name:exactName:site:)``,
/// so their dtypes and shapes are inferred again.
///
///     let rewriter = GraphRewriter(graph)
///     for node in graph.nodes {
///       if node.op == "Neg", let inner = graph.node(at: node.inputs[0].node) as Node?, inner.op == "Neg",
///          let x = rewriter.mapped(inner.inputs[0]) {
///         rewriter.replace(node, with: [x])      // Neg(Neg(x)) → x
///       } else {
///         try rewriter.copy(node)
///       }
///     }
///     let optimized = try rewriter.finish()
///
/// A node whose input was dropped (and not replaced) cannot be copied: it
/// is dropped too and listed in ``cascaded``. A kept output lost that way
/// is what the ``PassManager``'s verifier reports, naming the pass.
public final class GraphRewriter {
  /// The graph being rewritten.
  public let source: Graph
  /// The graph being built.
  public let target: Graph
  /// The source's nodes, in id order.
  public let nodes: [Node]

  private enum State {
    case pending
    case copied(Int)
    case replaced
    case dropped
  }

  private var state: [State]
  private var outputMap: [[TensorRef?]]
  /// Per handled source node: the new nodes that a control dependency on
  /// it becomes.
  private var controlMap: [[Int]]
  /// Per source node replaced by other outputs: control inputs that the
  /// readers of those outputs inherit (the replaced node waited for them).
  private var forwarded: [[Int]]
  private var sourceIndex: [String: Int] = [:]
  /// Names of nodes added under a fresh name, reserved in the target.
  private var freshCounter: [String: Int] = [:]

  /// Whether anything other than a plain copy happened.
  public private(set) var changed = false
  /// Source nodes dropped because an input of theirs was dropped.
  public private(set) var cascaded: [Node] = []

  /// Starts a rewrite of `source` into an empty graph with the same
  /// registry.
  public init(_ source: Graph) {
    self.source = source
    self.target = Graph(registry: source.registry)
    nodes = source.nodes
    state = Array(repeating: .pending, count: nodes.count)
    outputMap = nodes.map { Array(repeating: nil, count: $0.outputs.count) }
    controlMap = Array(repeating: [], count: nodes.count)
    forwarded = Array(repeating: [], count: nodes.count)
    for n in nodes { sourceIndex[n.name] = n.id }
  }

  // MARK: - Queries

  /// The new output standing for source output `ref`, or `nil` when its
  /// node was dropped or is not handled yet.
  public func mapped(_ ref: TensorRef) -> Output? {
    outputMap[ref.node][ref.index].map { Output(graph: target, nodeID: $0.node, index: $0.index) }
  }

  /// The new output standing for source output `output`.
  public func mapped(_ output: Output) -> Output? { mapped(output.ref) }

  /// The new node a source node was copied to, or `nil`.
  public func copiedNode(_ node: Node) -> Node? {
    if case .copied(let id) = state[node.id] { return target.node(at: id) }
    return nil
  }

  /// Whether `node` has been copied, replaced or dropped.
  public func isHandled(_ node: Node) -> Bool {
    if case .pending = state[node.id] { return false }
    return true
  }

  /// The new node ids a control dependency on source nodes `ids` becomes.
  public func mappedControlInputs(_ ids: [Int]) -> [Int] {
    var seen = Set<Int>()
    var out: [Int] = []
    for c in ids {
      for m in controlMap[c] where seen.insert(m).inserted { out.append(m) }
    }
    return out
  }

  /// The control inputs a new node standing for `node` needs: `node`'s
  /// own, rewired, plus those inherited from inputs whose producers were
  /// replaced while they had control inputs.
  public func controlInputs(for node: Node) -> [Int] {
    var out = mappedControlInputs(node.controlInputs)
    for input in node.inputs {
      for c in forwarded[input.node] where !out.contains(c) { out.append(c) }
    }
    return out
  }

  // MARK: - Actions

  /// Copies `node` with its inputs and control inputs rewired; returns the
  /// new node, or `nil` when an input was dropped (then `node` is dropped
  /// too and listed in ``cascaded``).
  @discardableResult
  public func copy(_ node: Node) throws -> Node? {
    var refs: [TensorRef] = []
    refs.reserveCapacity(node.inputs.count)
    for input in node.inputs {
      guard let r = outputMap[input.node][input.index] else {
        cascaded.append(node)
        drop(node)
        return nil
      }
      refs.append(r)
    }
    return try copy(node, inputs: refs.map { Output(graph: target, nodeID: $0.node, index: $0.index) })
  }

  /// Copies `node` with new inputs (outputs of the new graph) and,
  /// optionally, other attributes or control inputs (ids of new nodes); the
  /// name and site stay.
  @discardableResult
  public func copy(
    _ node: Node, inputs: [Output], attrs: [String: AttrValue]? = nil, controlInputs: [Int]? = nil
  ) throws -> Node {
    let refs = inputs.map(\.ref)
    let controls = controlInputs ?? self.controlInputs(for: node)
    if refs != node.inputs.map({ outputMap[$0.node][$0.index] }) || attrs != nil || controlInputs != nil {
      changed = true
    }
    let new = try target.addNode(
      op: node.op, inputRefs: refs, controlInputIDs: controls, attrs: attrs ?? node.attrs, name: node.name,
      exactName: true, site: node.site)
    state[node.id] = .copied(new.id)
    for i in 0..<node.outputs.count where i < new.outputs.count {
      outputMap[node.id][i] = TensorRef(node: new.id, index: i)
    }
    controlMap[node.id] = [new.id]
    return new
  }

  /// Makes `outputs` (of the new graph) stand for `node`'s outputs, in
  /// order, without copying it. A control dependency on `node` becomes one
  /// on their producers and on `node`'s own control inputs; nodes copied
  /// later that read `node`'s outputs inherit `node`'s control inputs.
  public func replace(_ node: Node, with outputs: [Output]) {
    changed = true
    state[node.id] = .replaced
    for (i, o) in outputs.enumerated() where i < node.outputs.count { outputMap[node.id][i] = o.ref }
    let inherited = controlInputs(for: node)
    forwarded[node.id] = inherited
    var controls = inherited
    for o in outputs where !controls.contains(o.nodeID) { controls.append(o.nodeID) }
    controlMap[node.id] = controls
  }

  /// Leaves `node` out of the new graph. Nodes reading it are dropped in
  /// turn when copied; a control dependency on it becomes one on its own
  /// control inputs.
  public func drop(_ node: Node) {
    changed = true
    state[node.id] = .dropped
    controlMap[node.id] = mappedControlInputs(node.controlInputs)
  }

  /// Adds a new node to the new graph under a name not used by any source
  /// or new node (`base`, else `base_1`, …); `site` defaults to none.
  @discardableResult
  public func add(
    op: String, inputs: [Output], controlInputs: [Int] = [], attrs: [String: AttrValue] = [:], name base: String,
    site: SourceLocation? = nil
  ) throws -> Node {
    changed = true
    return try target.addNode(
      op: op, inputRefs: inputs.map(\.ref), controlInputIDs: controlInputs, attrs: attrs, name: freshName(base),
      exactName: true, site: site)
  }

  /// Adds a new node that takes `node`'s place: it gets `node`'s name and
  /// site, and its outputs stand for `node`'s. Control inputs default to
  /// `node`'s, rewired.
  @discardableResult
  public func add(
    op: String, inputs: [Output], controlInputs: [Int]? = nil, attrs: [String: AttrValue] = [:],
    replacing node: Node
  ) throws -> Node {
    changed = true
    let new = try target.addNode(
      op: op, inputRefs: inputs.map(\.ref), controlInputIDs: controlInputs ?? self.controlInputs(for: node),
      attrs: attrs, name: node.name, exactName: true, site: node.site)
    state[node.id] = .replaced
    for i in 0..<node.outputs.count where i < new.outputs.count {
      outputMap[node.id][i] = TensorRef(node: new.id, index: i)
    }
    controlMap[node.id] = [new.id]
    return new
  }

  /// Copies every source node not handled yet, in id order.
  public func copyRemaining() throws {
    for node in nodes {
      if case .pending = state[node.id] { try copy(node) }
    }
  }

  /// A name for a new node: `base` when neither graph uses it, else the
  /// first free `base_1`, `base_2`, ….
  public func freshName(_ base: String) -> String {
    func free(_ n: String) -> Bool { sourceIndex[n] == nil && target.node(named: n) == nil }
    if free(base) { return base }
    var i = freshCounter[base, default: 1]
    while !free("\(base)_\(i)") { i += 1 }
    freshCounter[base] = i + 1
    return "\(base)_\(i)"
  }

  // MARK: - Finishing

  /// Copies what is left, then the collections (members that survive, or
  /// nodes of the same name that took their place) and the random seed;
  /// returns the new graph.
  public func finish() throws -> Graph {
    try copyRemaining()
    target.randomSeed = source.randomSeed
    for (key, ids) in source.collections.sorted(by: { $0.key < $1.key }) {
      for id in ids {
        if let node = copiedNode(nodes[id]) ?? target.node(named: nodes[id].name) {
          target.addToCollection(key, node)
        }
      }
    }
    return target
  }
}
