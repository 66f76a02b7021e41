import Synchronization

/// One step of a plan: a node with its kernel, where its inputs and outputs
/// live in the run's value slots, and which steps it unblocks.
public final class PlanStep: @unchecked Sendable {
  /// The node.
  public let node: Node
  let kernel: KernelFunction
  let inputOffset: Int
  let inputCount: Int
  let outputOffset: Int
  let outputCount: Int
  /// For each input: the variable behind it when it is a reference input.
  let variables: [VariableState?]
  /// For each input: whether this step is the value's only consumer, so the
  /// kernel may take it over (write its output into the input's buffer).
  let consumable: UnsafeMutablePointer<Bool>
  /// Whether the scheduler runs it inline rather than handing it to another
  /// thread.
  let isCheap: Bool
  /// Steps waiting on this one (data or control), each listed once.
  fileprivate(set) var successors: [Int32] = []
  /// Number of distinct steps this one waits on.
  fileprivate(set) var dependencyCount: Int32 = 0

  init(
    node: Node, kernel: @escaping KernelFunction, inputOffset: Int, inputCount: Int, outputOffset: Int,
    outputCount: Int, variables: [VariableState?], consumable: [Bool], isCheap: Bool
  ) {
    self.node = node
    self.kernel = kernel
    self.inputOffset = inputOffset
    self.inputCount = inputCount
    self.outputOffset = outputOffset
    self.outputCount = outputCount
    self.variables = variables
    self.consumable = .allocate(capacity: max(1, consumable.count))
    self.consumable.initialize(from: consumable, count: consumable.count)
    self.isCheap = isCheap
  }

  deinit {
    consumable.deallocate()
  }
}

/// A graph lowered for one (fetches, feeds, targets) signature: the pruned
/// nodes in topological order with their kernels built, every value
/// assigned a slot, dependency counts and value lifetimes computed. Built
/// once per signature and cached by the session, so a run does no name
/// look-ups, hashing or attribute parsing per node.
public final class Plan: @unchecked Sendable {
  /// Steps in a topological order.
  public let steps: [PlanStep]
  let slotCount: Int
  /// Step inputs and outputs index into this table of slot numbers.
  let slotTable: UnsafeMutablePointer<Int32>
  /// Per slot: how many step inputs read it.
  let slotConsumers: [Int32]
  /// Per slot: whether it must outlive the run's steps (feeds, fetches).
  let slotKept: [Bool]
  /// Per slot: the step producing it (-1 for feeds).
  let slotProducer: [Int32]
  /// Steps with no dependencies.
  let roots: [Int32]
  /// Slots receiving the feeds, in the order of ``feedRefs``.
  let feedSlots: [Int]
  /// The fed outputs, sorted.
  let feedRefs: [TensorRef]
  let feedTypes: [TensorType]
  let feedNames: [String]
  /// Slots holding the fetches, in request order.
  let fetchSlots: [Int]
  /// Buffers recycled across this plan's runs.
  let buffers = BufferPool()
  /// Frames of finished runs, reused by the next ones.
  let frames = Locked<[RunFrame]>([])

  init(
    steps: [PlanStep], slotCount: Int, slotTable: [Int32], feedSlots: [Int], feedRefs: [TensorRef],
    feedTypes: [TensorType], feedNames: [String], fetchSlots: [Int]
  ) {
    self.steps = steps
    self.slotCount = slotCount
    self.slotTable = .allocate(capacity: max(slotTable.count, 1))
    self.slotTable.initialize(from: slotTable, count: slotTable.count)
    self.feedSlots = feedSlots
    self.feedRefs = feedRefs
    self.feedTypes = feedTypes
    self.feedNames = feedNames
    self.fetchSlots = fetchSlots

    var consumers = [Int32](repeating: 0, count: slotCount)
    var producer = [Int32](repeating: -1, count: slotCount)
    for (s, step) in steps.enumerated() {
      for k in 0..<step.inputCount { consumers[Int(slotTable[step.inputOffset + k])] += 1 }
      for k in 0..<step.outputCount { producer[Int(slotTable[step.outputOffset + k])] = Int32(s) }
    }
    // Kept slots are never recycled: feeds and fetches outlive the run, and
    // constants and variable reads alias storage the run does not own (so
    // their readers also skip the shared countdown, which many threads
    // would otherwise contend on).
    var kept = [Bool](repeating: false, count: slotCount)
    for s in feedSlots { kept[s] = true }
    for s in fetchSlots { kept[s] = true }
    for step in steps where step.node.op == "Const" || step.node.op == "VariableV2" {
      for k in 0..<step.outputCount { kept[Int(slotTable[step.outputOffset + k])] = true }
    }
    slotConsumers = consumers
    slotKept = kept
    slotProducer = producer

    // Dependencies: producers of input slots, plus control inputs that are
    // steps of this plan.
    var stepOfNode: [Int: Int32] = [:]
    for (s, step) in steps.enumerated() { stepOfNode[step.node.id] = Int32(s) }
    var roots: [Int32] = []
    for (s, step) in steps.enumerated() {
      var deps = Set<Int32>()
      for k in 0..<step.inputCount {
        let p = producer[Int(slotTable[step.inputOffset + k])]
        if p >= 0 { deps.insert(p) }
      }
      for c in step.node.controlInputs { if let p = stepOfNode[c] { deps.insert(p) } }
      step.dependencyCount = Int32(deps.count)
      for d in deps.sorted() { steps[Int(d)].successors.append(Int32(s)) }
      if deps.isEmpty { roots.append(Int32(s)) }
    }
    self.roots = roots
  }

  deinit {
    slotTable.deallocate()
  }

  /// Number of steps.
  public var stepCount: Int { steps.count }

  /// The largest number of bytes any finished run of this plan held at once.
  public internal(set) var observedPeakBytes: Int {
    get { peak.load(ordering: .relaxed) }
    set { peak.store(newValue, ordering: .relaxed) }
  }
  private let peak = Atomic<Int>(0)

  func notePeak(_ bytes: Int) {
    var current = peak.load(ordering: .relaxed)
    while bytes > current {
      let (done, original) = peak.compareExchange(expected: current, desired: bytes, ordering: .relaxed)
      if done { break }
      current = original
    }
  }
}
