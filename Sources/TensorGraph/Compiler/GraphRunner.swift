// Helpers shared by the differential check, experiments and peak-memory
// measurement: setting variables, resolving feeds by name, and making
// seeded random feeds of the right dtypes and shapes.

enum GraphRunner {
  /// Sets every variable of `session`'s graph: to `values[name]` when
  /// given, otherwise by running its initializer (`name/Assign`); variables
  /// with neither stay unset.
  static func setVariables(_ session: Session, values: [String: Tensor]) throws {
    let graph = session.graph
    var initializers: [Node] = []
    var given: [String: Tensor] = [:]
    for node in graph.nodes where node.op == "VariableV2" {
      if let v = values[node.name] {
        given[node.name] = v
      } else if let assign = graph.node(named: node.name + "/Assign"), assign.op == "Assign",
        assign.inputs.first?.node == node.id
      {
        initializers.append(assign)
      }
    }
    if !initializers.isEmpty { try session.run(targets: initializers) }
    if !given.isEmpty { try session.restoreVariables(given, requireAll: false) }
  }

  /// The current value of every initialized variable, copied.
  static func variableValues(_ session: Session) -> [String: Tensor] {
    var out: [String: Tensor] = [:]
    for node in session.graph.nodes where node.op == "VariableV2" {
      if let v = session.resources.existingVariable(node.id)?.value { out[node.name] = v.copy() }
    }
    return out
  }

  /// `feeds` keyed by outputs of `graph`.
  static func resolveFeeds(_ feeds: [String: Tensor], in graph: Graph) throws -> [Output: Tensor] {
    var out: [Output: Tensor] = [:]
    for (name, value) in feeds { out[try graph.output(named: name)] = value }
    return out
  }

  /// The outputs a run of `keep` in `graph` must be fed: the placeholders
  /// it needs and the outputs `keep` marks as fed, as names.
  static func requiredFeeds(_ graph: Graph, keep: KeepSet) throws -> [String] {
    let fed = try keep.fed.sorted().compactMap { name -> Output? in
      let (nodeName, _) = KeepSet.split(name)
      return graph.node(named: nodeName) == nil ? nil : try graph.output(named: name)
    }
    let needed = graph.subgraph(
      fetches: try keep.fetches(in: graph), targets: try keep.targets(in: graph), cut: Set(fed.map(\.ref)))
    var names = fed.map(\.name)
    for id in needed where graph.node(at: id).op == "Placeholder" { names.append(graph.node(at: id).name + ":0") }
    return names
  }
}

/// Seeded random values for a graph's placeholders: the right dtype,
/// unknown dimensions filled in, floats uniform in [-1, 1), integers in a
/// range — for labels of `SparseSoftmaxCrossEntropyWithLogits` and indices
/// of `OneHot`, a valid one read from the graph.
public struct RandomFeeds: Sendable {
  /// The seed; the same seed gives the same values.
  public var seed: UInt64
  /// The size of every unknown dimension (and of the one dimension of an
  /// unknown rank).
  public var unknownDimension: Int
  /// The range of integer values where the graph does not imply one.
  public var integerRange: Range<Int>

  /// Creates a generator.
  public init(seed: UInt64 = 1, unknownDimension: Int = 4, integerRange: Range<Int> = 0..<2) {
    self.seed = seed
    self.unknownDimension = unknownDimension
    self.integerRange = integerRange
  }

  /// A value for output `name` of `graph` (`"x"` or `"x:1"`), drawn from
  /// the stream `stream` (e.g. a training step).
  public func value(for name: String, in graph: Graph, stream: Int = 0) throws -> Tensor {
    let output = try graph.output(named: name)
    let type = output.node.outputs[output.index]
    let shape = type.shape.dims.map { $0.map { $0.value ?? unknownDimension } } ?? [unknownDimension]
    var hash = UInt64(truncatingIfNeeded: seed) &* 0x9E37_79B9_7F4A_7C15 &+ UInt64(truncatingIfNeeded: stream)
    for b in output.name.utf8 { hash = (hash ^ UInt64(b)) &* 0x100_0000_01B3 }
    var rng = SplitMix64(seed: hash)
    let count = shape.reduce(1, *)
    let range = impliedRange(of: output) ?? integerRange
    func ints() -> [Int] { (0..<count).map { _ in Int.random(in: range, using: &rng) } }
    switch type.dtype {
    case .float32:
      return try Tensor(shape: shape, scalars: (0..<count).map { _ in Float.random(in: -1..<1, using: &rng) })
    case .float64:
      return try Tensor(shape: shape, scalars: (0..<count).map { _ in Double.random(in: -1..<1, using: &rng) })
    case .int32: return try Tensor(shape: shape, scalars: ints().map { Int32(truncatingIfNeeded: $0) })
    case .int64: return try Tensor(shape: shape, scalars: ints().map { Int64($0) })
    case .uint8: return try Tensor(shape: shape, scalars: ints().map { UInt8(truncatingIfNeeded: $0) })
    case .bool: return try Tensor(shape: shape, scalars: (0..<count).map { _ in Bool.random(using: &rng) })
    }
  }

  /// The valid range of an integer output that feeds labels or indices.
  func impliedRange(of output: Output) -> Range<Int>? {
    let graph = output.graph
    for c in graph.consumers(of: output.nodeID) {
      let consumer = graph.node(at: c)
      guard let k = consumer.inputs.firstIndex(of: output.ref) else { continue }
      switch (consumer.op, k) {
      case ("SparseSoftmaxCrossEntropyWithLogits", 1):
        let logits = consumer.inputs[0]
        if let classes = graph.node(at: logits.node).outputs[logits.index].shape.dims?.last?.value, classes > 0 {
          return 0..<classes
        }
      case ("OneHot", 0):
        if let depth = graph.constantValue(of: consumer.inputs[1])?.integers().first, depth > 0 { return 0..<depth }
      default: continue
      }
    }
    return nil
  }
}

/// SplitMix64: a small, fast, seedable generator.
struct SplitMix64: RandomNumberGenerator {
  private var state: UInt64
  init(seed: UInt64) { state = seed }
  mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }
}
