import Foundation

/// A static dataflow graph: an append-only, ordered set of uniquely named
/// nodes whose edges carry tensors.
///
/// Build it with builder methods (`g.placeholder`, `g.matMul`, …), operators
/// on ``Output``, or the generic ``addNode(op:inputs:controlInputs:attrs:name:exactName:site:)``
/// that loaders and passes use. Every node's dtypes and partial shapes are
/// inferred as it is added, so a mismatch throws at the line that made it:
///
///     let g = Graph()
///     let x = try g.placeholder(.float32, shape: [nil, 784], name: "x")
///     let w = try g.constant(Tensor(shape: [512, 10], repeating: Float(0)))
///     _ = try g.matMul(x, w)
///     // MyApp/main.swift:4: MatMul (MatMul): inner dimensions differ: [?, 784] × [512, 10]
///
/// A graph may be read from several threads; adding nodes is serialized by
/// an internal lock.
public final class Graph: @unchecked Sendable {
  /// The ops this graph may use.
  public let registry: OpRegistry

  private let lock = NSRecursiveLock()
  private var storage: [Node] = []
  private var nameIndex: [String: Int] = [:]
  /// TensorFlow's `_names_in_use`: lower-cased name → next suffix.
  private var namesInUse: [String: Int] = [:]
  private var dataConsumers: [[Int]] = []
  private var controlConsumers: [[Int]] = []
  private var scopeStack: [String] = []
  private var controlScopeStack: [[Int]] = []
  private var collectionTable: [String: [Int]] = [:]
  private var graphSeed: Int?
  private var siteOverride: SourceLocation?

  /// The graph-level random seed (TensorFlow's `tf.compat.v1.set_random_seed`).
  /// Random ops created while it is set derive their seeds from it and their
  /// position in the graph, so a rebuilt graph draws the same numbers.
  public var randomSeed: Int? {
    get { locked { graphSeed } }
    set { locked { graphSeed = newValue } }
  }

  /// Creates an empty graph using the ops of `registry`.
  public init(registry: OpRegistry = .standard) {
    self.registry = registry
  }

  private func locked<R>(_ body: () throws -> R) rethrows -> R {
    lock.lock()
    defer { lock.unlock() }
    return try body()
  }

  // MARK: - Queries

  /// Every node, in creation (and topological) order.
  public var nodes: [Node] { locked { storage } }

  /// The number of nodes.
  public var nodeCount: Int { locked { storage.count } }

  /// The node with id `id`.
  public func node(at id: Int) -> Node { locked { storage[id] } }

  /// The node named `name`, or `nil`.
  public func node(named name: String) -> Node? {
    locked { nameIndex[name].map { storage[$0] } }
  }

  /// The output named `name`: `"node"` (output 0) or `"node:i"`.
  ///
  /// - Throws: ``TensorGraphError`` (`unknownNode`) when there is no such
  ///   node or output, suggesting close names.
  public func output(named name: String) throws -> Output {
    try locked {
      var nodeName = name
      var index = 0
      if let colon = name.lastIndex(of: ":"), let i = Int(name[name.index(after: colon)...]) {
        nodeName = String(name[..<colon])
        index = i
      }
      guard let id = nameIndex[nodeName] else {
        throw TensorGraphError(.unknownNode, "no node named '\(nodeName)' in the graph\(suggestion(for: nodeName))")
      }
      let node = storage[id]
      guard index >= 0, index < node.outputs.count else {
        throw node.error(
          .unknownNode, "'\(name)' names output \(index) but the node has \(node.outputs.count) output(s)")
      }
      return Output(graph: self, nodeID: id, index: index)
    }
  }

  /// The node named `name`.
  ///
  /// - Throws: ``TensorGraphError`` (`unknownNode`) when it does not exist.
  public func requireNode(named name: String) throws -> Node {
    guard let node = node(named: name) else {
      throw TensorGraphError(.unknownNode, "no node named '\(name)' in the graph\(locked { suggestion(for: name) })")
    }
    return node
  }

  /// A handle to output `index` of `node`.
  public func output(_ node: Node, _ index: Int = 0) -> Output {
    Output(graph: self, nodeID: node.id, index: index)
  }

  /// Every output of `node`.
  public func outputs(of node: Node) -> [Output] {
    (0..<node.outputs.count).map { Output(graph: self, nodeID: node.id, index: $0) }
  }

  /// Ids of the nodes that read an output of node `id` as data.
  public func consumers(of id: Int) -> [Int] { locked { dataConsumers[id] } }

  /// Ids of the nodes that have node `id` as a control input.
  public func controlConsumers(of id: Int) -> [Int] { locked { controlConsumers[id] } }

  /// Node ids in an order where every node follows its data and control
  /// inputs. Builders only reference existing nodes, so this is creation
  /// order.
  public var topologicalOrder: [Int] { Array(0..<nodeCount) }

  /// The ids, in topological order, of the nodes needed to compute
  /// `fetches` and run `targets`: their transitive data and control inputs.
  /// Outputs in `cut` (fed values) are not computed, so their producers'
  /// inputs are not needed on their account.
  public func subgraph(fetches: [Output], targets: [Node] = [], cut: Set<TensorRef> = []) -> [Int] {
    locked {
      var needed = [Bool](repeating: false, count: storage.count)
      var stack: [Int] = []
      func visit(_ id: Int) {
        if !needed[id] {
          needed[id] = true
          stack.append(id)
        }
      }
      for f in fetches where !cut.contains(f.ref) { visit(f.nodeID) }
      for t in targets { visit(t.id) }
      while let id = stack.popLast() {
        let node = storage[id]
        for input in node.inputs where !cut.contains(input) { visit(input.node) }
        for c in node.controlInputs { visit(c) }
      }
      return needed.indices.filter { needed[$0] }
    }
  }

  /// Close names for an unknown-name error: " (did you mean 'x'?)" or "".
  private func suggestion(for name: String) -> String {
    let candidates = nameIndex.keys.filter { editDistance($0, name) <= max(2, name.count / 4) }.sorted()
    guard !candidates.isEmpty else { return "" }
    return " (did you mean " + candidates.prefix(3).map { "'\($0)'" }.joined(separator: ", ") + "?)"
  }

  // MARK: - Collections

  /// Collection names TensorFlow uses, and TensorGraph with them.
  public enum CollectionKey {
    /// Every variable (TensorFlow's `variables`).
    public static let globalVariables = "variables"
    /// Variables an optimizer updates (`trainable_variables`).
    public static let trainableVariables = "trainable_variables"
  }

  /// Adds `node` to the named collection (TensorFlow's graph collections).
  public func addToCollection(_ key: String, _ node: Node) {
    locked { collectionTable[key, default: []].append(node.id) }
  }

  /// The nodes in the named collection, in the order they were added.
  public func collection(_ key: String) -> [Node] {
    locked { (collectionTable[key] ?? []).map { storage[$0] } }
  }

  /// Every collection, by name (what serialization saves).
  public var collections: [String: [Int]] { locked { collectionTable } }

  // MARK: - Name scopes and control dependencies

  /// The current name scope prefix (`outer/inner`), empty at top level.
  public var currentScope: String { locked { scopeStack.last ?? "" } }

  /// Runs `body` with nodes named under `name`/ (TensorFlow's
  /// `tf.name_scope`). A scope name already in use gets a `_1` suffix; a
  /// name ending in `/` re-enters that exact scope.
  public func withNameScope<R>(_ name: String, _ body: () throws -> R) rethrows -> R {
    let scope: String = locked {
      if name.hasSuffix("/") { return String(name.dropLast()) }
      return uniqueName(scoped(name), markUsed: true)
    }
    locked { scopeStack.append(scope) }
    defer { _ = locked { scopeStack.removeLast() } }
    return try body()
  }

  /// Runs `body` so that every node it adds records `site` as its creation
  /// site, whatever its builder says: nodes that library code adds on the
  /// user's behalf (gradients, optimizer updates) point at the user's call.
  public func withSourceLocation<R>(_ site: SourceLocation, _ body: () throws -> R) rethrows -> R {
    let saved: SourceLocation? = locked {
      let s = siteOverride
      if s == nil { siteOverride = site }
      return s
    }
    defer { locked { siteOverride = saved } }
    return try body()
  }

  /// Runs `body` so that every node it adds has `nodes` as control inputs
  /// (TensorFlow's `tf.control_dependencies`).
  public func withControlDependencies<R>(_ nodes: [Node], _ body: () throws -> R) rethrows -> R {
    locked { controlScopeStack.append(nodes.map(\.id)) }
    defer { _ = locked { controlScopeStack.removeLast() } }
    return try body()
  }

  private func scoped(_ name: String) -> String {
    guard let scope = scopeStack.last, !scope.isEmpty else { return name }
    return scope + "/" + name
  }

  /// TensorFlow's `Graph.unique_name`: the first of `name`, `name_1`,
  /// `name_2`, … not in use, compared case-insensitively.
  private func uniqueName(_ name: String, markUsed: Bool) -> String {
    let key = name.lowercased()
    var i = namesInUse[key, default: 0]
    if markUsed { namesInUse[key] = i + 1 }
    guard i > 0 else { return name }
    var candidate = key
    while namesInUse[candidate] != nil {
      candidate = "\(key)_\(i)"
      i += 1
    }
    if markUsed { namesInUse[candidate] = 1 }
    return "\(name)_\(i - 1)"
  }

  /// The name a node created now with base name `base` would get.
  public func uniqueName(for base: String) -> String {
    locked { uniqueName(scoped(base), markUsed: false) }
  }

  // MARK: - Adding nodes

  /// Adds a node running `op` — the generic builder used by loaders,
  /// passes and every builder method.
  ///
  /// Type attributes (`T`) and list lengths (`N`) are inferred from the
  /// inputs when not given; defaults are filled in; output dtypes and shapes
  /// are inferred.
  ///
  /// - Parameters:
  ///   - op: The registered op name (`MatMul`).
  ///   - inputs: Data inputs in signature order; a list argument (`N * T`)
  ///     takes a run of consecutive inputs.
  ///   - controlInputs: Nodes that must run first.
  ///   - attrs: Attributes by TensorFlow name.
  ///   - name: The node's name, relative to the current scope; defaults to
  ///     the op name. A name in use gets a `_1` suffix unless `exactName`.
  ///   - exactName: Use `name` verbatim (no scope, no suffix) and throw if
  ///     it is taken, as a loader needs.
  ///   - site: Where user code asked for the node, shown in its errors.
  /// - Returns: The new node.
  /// - Throws: ``TensorGraphError`` naming the node, op and site when the op
  ///   is unknown, an attribute is missing or invalid, inputs have the wrong
  ///   dtypes or number, or shapes do not fit the op.
  @discardableResult
  public func addNode(
    op: String,
    inputs: [Output] = [],
    controlInputs: [Node] = [],
    attrs: [String: AttrValue] = [:],
    name: String? = nil,
    exactName: Bool = false,
    site: SourceLocation? = nil
  ) throws -> Node {
    for input in inputs where input.graph !== self {
      throw TensorGraphError(
        .invalidArgument, "input \(input.name) belongs to a different graph", node: name, op: op, site: site)
    }
    return try addNode(
      op: op, inputRefs: inputs.map(\.ref), controlInputIDs: controlInputs.map(\.id), attrs: attrs,
      name: name, exactName: exactName, site: site)
  }

  /// ``addNode(op:inputs:controlInputs:attrs:name:exactName:site:)`` with
  /// inputs given by reference, for loaders and passes.
  @discardableResult
  public func addNode(
    op opName: String,
    inputRefs: [TensorRef],
    controlInputIDs: [Int] = [],
    attrs given: [String: AttrValue] = [:],
    name: String? = nil,
    exactName: Bool = false,
    site: SourceLocation? = nil
  ) throws -> Node {
    try locked {
      let site = siteOverride ?? site
      let fullName: String
      var scopedBase: String?
      if exactName, let name {
        guard Graph.isValidNodeName(name) else {
          throw TensorGraphError(
            .invalidArgument,
            "'\(name)' is not a valid node name (letters, digits, '.', '_', '-', '/'; not starting with '_', '-' or '/')",
            node: name, op: opName, site: site)
        }
        guard nameIndex[name] == nil else {
          throw TensorGraphError(.duplicateName, "a node named '\(name)' already exists", node: name, op: opName, site: site)
        }
        fullName = name
      } else {
        let base = name ?? opName
        guard Graph.isValidNodeName(base) else {
          throw TensorGraphError(
            .invalidArgument, "'\(base)' is not a valid node name (letters, digits, '.', '_', '-', '/')",
            node: base, op: opName, site: site)
        }
        scopedBase = scoped(base)
        fullName = uniqueName(scopedBase!, markUsed: false)
      }
      func fail(_ e: TensorGraphError) -> TensorGraphError {
        var e = e
        if e.node == nil { e.node = fullName }
        if e.op == nil { e.op = opName }
        if e.site == nil { e.site = site }
        return e
      }
      guard let def = registry.op(named: opName) else {
        throw fail(TensorGraphError(.unknownOp, "no op named '\(opName)' is registered\(registry.suggestion(for: opName))"))
      }
      for ref in inputRefs {
        guard ref.node >= 0, ref.node < storage.count, ref.index >= 0,
          ref.index < storage[ref.node].outputs.count
        else {
          throw fail(TensorGraphError(.unknownNode, "input \(ref.node):\(ref.index) does not exist in the graph"))
        }
      }
      var controls = controlInputIDs
      for scope in controlScopeStack { controls += scope }
      for c in controls where c < 0 || c >= storage.count {
        throw fail(TensorGraphError(.unknownNode, "control input \(c) does not exist in the graph"))
      }
      var seen = Set<Int>()
      controls = controls.filter { seen.insert($0).inserted }

      let inputTypes = inputRefs.map { storage[$0.node].outputs[$0.index] }
      let attrs: [String: AttrValue]
      let outputDTypes: [DType]
      do {
        attrs = try resolveAttributes(def: def, given: given, inputTypes: inputTypes)
        outputDTypes = def.outputs.flatMap { arg -> [DType] in
          let count = arg.countAttr.map { attrs.int($0) } ?? 1
          let dtype: DType
          switch arg.type {
          case .fixed(let t): dtype = t
          case .attr(let name): dtype = attrs.type(name)
          }
          return Array(repeating: dtype, count: count)
        }
      } catch let e as TensorGraphError {
        throw fail(e)
      }
      let context = ShapeContext(op: opName, attrs: attrs, inputs: inputTypes, inputRefs: inputRefs, graph: self)
      let shapes: [PartialShape]
      do {
        shapes = try def.shapeFunction(context)
      } catch let e as TensorGraphError {
        throw fail(e)
      }
      precondition(
        shapes.count == outputDTypes.count,
        "\(opName) shape function returned \(shapes.count) shapes for \(outputDTypes.count) outputs")

      if let scopedBase { _ = uniqueName(scopedBase, markUsed: true) }
      markUsed(fullName)
      let node = Node(
        id: storage.count, name: fullName, def: def, inputs: inputRefs, controlInputs: controls,
        attrs: attrs, outputs: zip(outputDTypes, shapes).map { TensorType($0, $1) }, site: site)
      storage.append(node)
      nameIndex[fullName] = node.id
      dataConsumers.append([])
      controlConsumers.append([])
      var producers = Set<Int>()
      for ref in inputRefs where producers.insert(ref.node).inserted {
        dataConsumers[ref.node].append(node.id)
      }
      for c in controls { controlConsumers[c].append(node.id) }
      return node
    }
  }

  /// Marks `name` and its scope prefixes as in use, so later builders
  /// neither reuse the name nor open a scope that merges with it.
  private func markUsed(_ name: String) {
    let key = name.lowercased()
    if namesInUse[key] == nil { namesInUse[key] = 1 }
    var prefix = Substring(key)
    while let slash = prefix.lastIndex(of: "/") {
      prefix = prefix[..<slash]
      if namesInUse[String(prefix)] == nil { namesInUse[String(prefix)] = 1 }
    }
  }

  /// TensorFlow's node-name rule: `[A-Za-z0-9.][A-Za-z0-9_.\-/>]*`.
  public static func isValidNodeName(_ name: String) -> Bool {
    guard let first = name.unicodeScalars.first else { return false }
    func isAlnum(_ c: Unicode.Scalar) -> Bool {
      ("a"..."z").contains(c) || ("A"..."Z").contains(c) || ("0"..."9").contains(c)
    }
    guard isAlnum(first) || first == "." else { return false }
    return name.unicodeScalars.allSatisfy { isAlnum($0) || "_.-/>".unicodeScalars.contains($0) }
  }

  /// Infers type attributes from inputs, fills defaults and validates every
  /// attribute against the op definition.
  private func resolveAttributes(def: OpDef, given: [String: AttrValue], inputTypes: [TensorType]) throws
    -> [String: AttrValue]
  {
    var attrs = given
    for key in given.keys where def.attr(named: key) == nil {
      throw TensorGraphError(
        .invalidAttribute,
        "'\(key)' is not an attribute of \(def.name) (attributes: \(def.attrs.map(\.name).joined(separator: ", ")))")
    }
    // Split the flat input list across the signature's arguments. At most
    // one argument is a list; it takes whatever the others leave.
    let listArgs = def.inputs.filter { $0.countAttr != nil }
    precondition(listArgs.count <= 1, "\(def.name): more than one list input is not supported")
    let fixedCount = def.inputs.count - listArgs.count
    let listLength = inputTypes.count - fixedCount
    guard listLength >= 0, listArgs.count == 1 || listLength == 0 else {
      let names = def.inputs.map { $0.countAttr != nil ? "\($0.name)…" : $0.name }.joined(separator: ", ")
      throw TensorGraphError(
        .invalidArgument,
        "\(def.name) takes \(def.inputs.count) input(s) (\(names)) but \(inputTypes.count) were given")
    }
    var position = 0
    for arg in def.inputs {
      let count = arg.countAttr == nil ? 1 : listLength
      let types = inputTypes[position..<(position + count)]
      if let countAttr = arg.countAttr {
        if let v = attrs[countAttr], v != .int(count) {
          throw TensorGraphError(
            .invalidAttribute, "attribute '\(countAttr)' is \(v) but \(count) values were given for '\(arg.name)'")
        }
        attrs[countAttr] = .int(count)
      }
      for (k, t) in types.enumerated() {
        let label = arg.countAttr == nil ? "'\(arg.name)'" : "'\(arg.name)'[\(k)]"
        switch arg.type {
        case .fixed(let want):
          guard t.dtype == want else {
            throw TensorGraphError(.dtypeMismatch, "input \(label) must be \(want) but is \(t.dtype)")
          }
        case .attr(let typeAttr):
          if case .type(let bound)? = attrs[typeAttr] {
            guard bound == t.dtype else {
              throw TensorGraphError(
                .dtypeMismatch,
                "input \(label) is \(t.dtype) but '\(typeAttr)' is \(bound) (from an earlier input or the attributes); inputs sharing a type must agree — insert a Cast")
            }
          } else {
            attrs[typeAttr] = .type(t.dtype)
          }
        }
      }
      position += count
    }
    for a in def.attrs {
      if attrs[a.name] == nil {
        guard let d = a.defaultValue else {
          throw TensorGraphError(.missingAttribute, "required attribute '\(a.name)' (\(a.kind)) is not set")
        }
        attrs[a.name] = d
      }
      if let problem = a.problem(with: attrs[a.name]!) {
        throw TensorGraphError(.invalidAttribute, problem)
      }
    }
    return attrs
  }

  // MARK: - Constant and shape values for shape inference

  /// The value of `ref` when its producer is a `Const`.
  public func constantValue(of ref: TensorRef) -> Tensor? {
    locked {
      let node = storage[ref.node]
      guard node.op == "Const", case .tensor(let t)? = node.attrs["value"] else { return nil }
      return t
    }
  }

  /// `ref`, a rank-1 integer tensor, read as a partial shape; see
  /// ``ShapeContext/inputAsShape(_:)``.
  public func shapeValue(of ref: TensorRef) -> PartialShape {
    locked {
      let node = storage[ref.node]
      if let t = constantValue(of: ref), t.dtype.isInteger, t.rank <= 1 {
        return PartialShape(dims: t.integers().map { $0 < 0 ? .unknown : .known($0) })
      }
      switch node.op {
      case "Shape":
        let src = node.inputs[0]
        return storage[src.node].outputs[src.index].shape
      case "Pack" where node.inputs.allSatisfy({ storage[$0.node].outputs[$0.index].shape.rank == 0 }):
        return PartialShape(dims: node.inputs.map { input in
          if let c = constantValue(of: input), c.dtype.isInteger, let v = c.integers().first, v >= 0 { return .known(v) }
          return .unknown
        })
      default:
        let shape = node.outputs[ref.index].shape
        if shape.rank == 1, let n = shape[0].value { return .unknown(rank: n) }
        return .unknown
      }
    }
  }
}

extension Dictionary: AttributeReading where Key == String, Value == AttrValue {
  public var attrs: [String: AttrValue] { self }
}

/// Levenshtein distance, for "did you mean" suggestions.
func editDistance(_ a: String, _ b: String) -> Int {
  let x = Array(a.utf8), y = Array(b.utf8)
  if x.isEmpty { return y.count }
  if y.isEmpty { return x.count }
  var previous = Array(0...y.count)
  var current = [Int](repeating: 0, count: y.count + 1)
  for i in 1...x.count {
    current[0] = i
    for j in 1...y.count {
      current[j] = Swift.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (x[i - 1] == y[j - 1] ? 0 : 1))
    }
    swap(&previous, &current)
  }
  return previous[y.count]
}
