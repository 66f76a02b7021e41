import Foundation

/// Runs a graph: holds variable state and a cache of lowered plans.
///
/// `run` computes only what the fetches and targets need, reading fed
/// values instead of computing them:
///
///     let session = Session(graph: g)
///     let y = try session.run(fetches: [probs], feeds: [x: batch])[0]
///
/// Errors name what is wrong: a placeholder that must be fed, a feed of the
/// wrong dtype or shape, a fetch from another graph, a kernel failure (with
/// the node, its op and where it was created). A failed run leaves the
/// session usable.
public final class Session: @unchecked Sendable {
  /// The graph this session runs.
  public let graph: Graph
  /// The options it was created with.
  public let options: SessionOptions
  /// Variables and per-node kernel state.
  public let resources = SessionResources()

  private let lock = NSLock()
  private var plans: [PlanKey: Plan] = [:]

  /// Creates a session on `graph`.
  public init(graph: Graph, options: SessionOptions = SessionOptions()) {
    self.graph = graph
    self.options = options
  }

  // MARK: - Running

  /// Runs the graph and returns the fetched values, in order.
  ///
  /// - Parameters:
  ///   - fetches: Outputs to compute and return.
  ///   - feeds: Values to use for these outputs instead of computing them
  ///     (placeholders must be fed).
  ///   - targets: Nodes to run for their effects (variable updates).
  /// - Throws: ``TensorGraphError`` for a missing or mismatched feed, an
  ///   output from another graph, or a kernel failure.
  public func run(fetches: [Output], feeds: [Output: Tensor] = [:], targets: [Node] = []) throws -> [Tensor] {
    try run(fetches: fetches, feeds: feeds, targets: targets, options: RunOptions()).outputs
  }

  /// Runs the graph with per-call options (tracing, check-numerics) and
  /// returns the fetched values with what the run measured.
  public func run(fetches: [Output], feeds: [Output: Tensor] = [:], targets: [Node] = [], options: RunOptions)
    throws -> (outputs: [Tensor], metadata: RunMetadata)
  {
    let feedList = feeds.sorted { ($0.key.nodeID, $0.key.index) < ($1.key.nodeID, $1.key.index) }
    let plan = try plan(fetches: fetches, feedRefs: feedList.map { $0.key.ref }, targets: targets)
    return try execute(plan, feeds: feedList.map(\.value), options: options)
  }

  /// Runs the graph and returns one fetched value.
  public func run(_ fetch: Output, feeds: [Output: Tensor] = [:]) throws -> Tensor {
    try run(fetches: [fetch], feeds: feeds)[0]
  }

  /// Runs `targets` for their effects.
  public func run(targets: [Node], feeds: [Output: Tensor] = [:]) throws {
    _ = try run(fetches: [], feeds: feeds, targets: targets)
  }

  /// Runs with fetches, feeds and targets given by name (`"x"`, `"x:1"`),
  /// as a command line or a loaded graph needs.
  public func run(fetches: [String], feeds: [String: Tensor] = [:], targets: [String] = []) throws -> [Tensor] {
    let f = try fetches.map { try graph.output(named: $0) }
    var d: [Output: Tensor] = [:]
    for (name, value) in feeds { d[try graph.output(named: name)] = value }
    let t = try targets.map { try graph.requireNode(named: $0) }
    return try run(fetches: f, feeds: d, targets: t)
  }

  /// The plan for a signature, lowered on first use and cached.
  public func plan(fetches: [Output], feedRefs: [TensorRef], targets: [Node]) throws -> Plan {
    for f in fetches where f.graph !== graph {
      throw TensorGraphError(.invalidArgument, "fetch \(f.name) belongs to a different graph than the session's")
    }
    let key = PlanKey(fetches: fetches.map(\.ref), feeds: feedRefs, targets: targets.map(\.id))
    lock.lock()
    if let plan = plans[key] {
      lock.unlock()
      return plan
    }
    lock.unlock()
    let plan = try lower(fetches: fetches, feedRefs: feedRefs, targets: targets)
    lock.lock()
    plans[key] = plan
    lock.unlock()
    return plan
  }

  // MARK: - Variables

  /// The state of the variable named `name`, created on first use.
  ///
  /// - Throws: when no such node exists or it is not a variable.
  public func variable(named name: String) throws -> VariableState {
    let node = try graph.requireNode(named: name)
    guard node.op == "VariableV2" else {
      throw node.error(.invalidArgument, "'\(name)' is a \(node.op), not a variable")
    }
    return resources.variable(for: node)
  }

  // MARK: - Lowering

  private func lower(fetches: [Output], feedRefs: [TensorRef], targets: [Node]) throws -> Plan {
    let nodes = graph.nodes
    let needed = graph.subgraph(fetches: fetches, targets: targets, cut: Set(feedRefs))
    for id in needed where nodes[id].op == "Placeholder" {
      let node = nodes[id]
      throw node.error(
        .missingFeed,
        "placeholder '\(node.name)' (\(node.outputs[0])) must be fed: the fetches depend on it; pass it in feeds")
    }
    // Slots: feeds first, then every output of every needed node.
    var slotOf: [TensorRef: Int] = [:]
    var slotCount = 0
    for ref in feedRefs {
      slotOf[ref] = slotCount
      slotCount += 1
    }
    var outputBase = [Int](repeating: -1, count: nodes.count)
    for id in needed {
      outputBase[id] = slotCount
      slotCount += nodes[id].outputs.count
    }
    func slot(_ ref: TensorRef) -> Int {
      slotOf[ref] ?? (outputBase[ref.node] + ref.index)
    }
    // A variable whose every consumer takes it by reference (Assign, the
    // Apply ops) is not read, so it needs no step: that is what lets an
    // initializer run before the variable has a value.
    var isRead = Set(fetches.map(\.nodeID)).union(targets.map(\.id))
    for id in needed {
      let node = nodes[id]
      var position = 0
      for arg in node.def.inputs {
        let count = arg.countAttr.map { node.int($0) } ?? 1
        if !arg.isRef {
          for k in position..<(position + count) { isRead.insert(node.inputs[k].node) }
        }
        position += count
      }
    }
    // How many step inputs read each slot: a kernel may take over a value
    // only when it is the value's one reader (and it is not fed or fetched).
    var readers: [Int: Int] = [:]
    for id in needed where nodes[id].op != "VariableV2" || isRead.contains(id) {
      for ref in nodes[id].inputs { readers[slot(ref), default: 0] += 1 }
    }
    for ref in feedRefs { readers[slotOf[ref]!, default: 0] += 2 }
    for f in fetches { readers[slot(f.ref), default: 0] += 2 }
    var table: [Int32] = []
    var steps: [PlanStep] = []
    steps.reserveCapacity(needed.count)
    for id in needed where nodes[id].op != "VariableV2" || isRead.contains(id) {
      let node = nodes[id]
      guard let factory = node.def.kernel else {
        throw node.error(.noKernel, "op \(node.op) has no kernel")
      }
      let inputTypes = node.inputs.map { nodes[$0.node].outputs[$0.index] }
      var variables: [VariableState?] = Array(repeating: nil, count: node.inputs.count)
      var position = 0
      for arg in node.def.inputs {
        let count = arg.countAttr.map { node.int($0) } ?? 1
        if arg.isRef {
          for k in position..<(position + count) {
            let producer = nodes[node.inputs[k].node]
            guard producer.op == "VariableV2" else {
              throw node.error(
                .invalidArgument,
                "input '\(arg.name)' must be a variable (VariableV2) but comes from \(producer.name) (\(producer.op))")
            }
            variables[k] = resources.variable(for: producer)
          }
        }
        position += count
      }
      let kernel: KernelFunction
      do {
        kernel = try factory(KernelBuildContext(node: node, inputs: inputTypes, resources: resources))
      } catch var e as TensorGraphError {
        if e.node == nil { (e.node, e.op, e.site) = (node.name, node.op, node.site) }
        throw e
      }
      let inputOffset = table.count
      table += node.inputs.map { Int32(slot($0)) }
      let outputOffset = table.count
      table += (0..<node.outputs.count).map { Int32(outputBase[id] + $0) }
      steps.append(
        PlanStep(
          node: node, kernel: kernel, inputOffset: inputOffset, inputCount: node.inputs.count,
          outputOffset: outputOffset, outputCount: node.outputs.count, variables: variables,
          consumable: node.inputs.map { (readers[slot($0)] ?? 0) == 1 && variables.allSatisfy { $0 == nil } },
          isCheap: node.def.flags.contains(.cheap) || Session.estimatedSeconds(node, inputTypes) < Session.dispatchThreshold))
    }
    return Plan(
      steps: steps, slotCount: slotCount, slotTable: table, feedSlots: feedRefs.map { slotOf[$0]! },
      feedRefs: feedRefs, feedTypes: feedRefs.map { nodes[$0.node].outputs[$0.index] },
      feedNames: feedRefs.map { "\(nodes[$0.node].name):\($0.index)" },
      fetchSlots: fetches.map { slot($0.ref) })
  }

  // MARK: - Executing

  private func execute(_ plan: Plan, feeds: [Tensor], options: RunOptions) throws
    -> (outputs: [Tensor], metadata: RunMetadata)
  {
    for (k, value) in feeds.enumerated() {
      let want = plan.feedTypes[k]
      guard value.dtype == want.dtype else {
        throw TensorGraphError(
          .invalidFeed, "feed for '\(plan.feedNames[k])' is \(value.dtype) but '\(plan.feedNames[k])' is \(want.dtype)")
      }
      guard want.shape.accepts(value.shape) else {
        throw TensorGraphError(
          .invalidFeed,
          "feed for '\(plan.feedNames[k])' has shape \(value.shape), which does not match \(want.shape)")
      }
    }
    let frame = plan.frames.withLock { $0.popLast() } ?? RunFrame(plan: plan)
    defer { plan.frames.withLock { $0.append(frame) } }
    frame.options = options
    frame.recycles = self.options.memoryPlanning
    // Check-numerics reports input ranges after a node ran, so inputs must
    // stay intact.
    frame.reusesInputs = self.options.memoryPlanning && !options.checkNumerics
    frame.threadLimit = max(1, min(self.options.threads ?? ComputePool.shared.threadCount, ComputePool.shared.threadCount))
    let outputs = try frame.run(feeds: feeds)
    var metadata = RunMetadata(
      trace: nil, peakBytes: frame.peakBytes.load(ordering: .relaxed),
      allocatedBytes: frame.allocatedBytes.load(ordering: .relaxed))
    if options.trace, let records = frame.traceRecords {
      var events: [RunTrace.Event] = []
      for (s, step) in plan.steps.enumerated() where records[s].thread >= 0 {
        let r = records[s]
        events.append(
          RunTrace.Event(
            node: step.node.name, op: step.node.op, startNanoseconds: r.start, durationNanoseconds: r.duration,
            thread: r.thread, outputBytes: r.bytes))
      }
      events.sort { $0.startNanoseconds < $1.startNanoseconds }
      metadata.trace = RunTrace(events: events)
    }
    return (outputs, metadata)
  }
}

extension Session {
  /// Steps estimated to take less than this run inline on the thread that
  /// readied them: handing a step to another thread costs a wake-up (several
  /// microseconds), which only pays for longer steps.
  static let dispatchThreshold = 20e-6

  /// A rough duration of `node` from its cost function, at 100 GFLOP/s and
  /// 20 GB/s, with unknown dimensions taken as 32 (a typical batch).
  static func estimatedSeconds(_ node: Node, _ inputs: [TensorType]) -> Double {
    func concrete(_ s: PartialShape) -> [Int]? { s.dims.map { $0.map { $0.value ?? 32 } } }
    guard let ins = inputs.map({ t in concrete(t.shape).map { (t.dtype, $0) } }) as [(DType, [Int])?]?,
      let outs = node.outputs.map({ t in concrete(t.shape).map { (t.dtype, $0) } }) as [(DType, [Int])?]?,
      !ins.contains(where: { $0 == nil }), !outs.contains(where: { $0 == nil })
    else { return .infinity }
    let cost = node.def.cost(
      CostContext(
        attrs: node.attrs, inputs: ins.map { (dtype: $0!.0, shape: $0!.1) },
        outputs: outs.map { (dtype: $0!.0, shape: $0!.1) }))
    return cost.flops / 1e11 + cost.bytes / 2e10
  }
}

/// Cache key of a plan.
struct PlanKey: Hashable {
  var fetches: [TensorRef]
  var feeds: [TensorRef]
  var targets: [Int]
}
