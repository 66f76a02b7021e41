/// One step of a plan: a node with its kernel and where its inputs and
/// outputs live in the run's value slots.
public final class PlanStep: @unchecked Sendable {
  /// The node.
  public let node: Node
  let kernel: KernelFunction
  /// Offset of the first input slot in the plan's slot table.
  let inputOffset: Int
  let inputCount: Int
  let outputOffset: Int
  let outputCount: Int
  /// For each input: the variable behind it when it is a reference input.
  let variables: [VariableState?]

  init(
    node: Node, kernel: @escaping KernelFunction, inputOffset: Int, inputCount: Int, outputOffset: Int,
    outputCount: Int, variables: [VariableState?]
  ) {
    self.node = node
    self.kernel = kernel
    self.inputOffset = inputOffset
    self.inputCount = inputCount
    self.outputOffset = outputOffset
    self.outputCount = outputCount
    self.variables = variables
  }
}

/// A graph lowered for one (fetches, feeds, targets) signature: the pruned
/// nodes in topological order with their kernels built and every value
/// assigned a slot. Built once per signature and cached by the session, so
/// a run does no name look-ups, hashing or attribute parsing per node.
public final class Plan: @unchecked Sendable {
  /// Steps in execution order.
  public let steps: [PlanStep]
  /// Number of value slots a run needs.
  let slotCount: Int
  /// Slot table: step inputs and outputs index into it.
  let slotTable: UnsafeMutablePointer<Int32>
  let slotTableCount: Int
  /// Slots receiving the feeds, in the order of ``feedRefs``.
  let feedSlots: [Int]
  /// The fed outputs, sorted.
  let feedRefs: [TensorRef]
  /// The partial types the feeds must match.
  let feedTypes: [TensorType]
  let feedNames: [String]
  /// Slots holding the fetches, in request order.
  let fetchSlots: [Int]

  init(
    steps: [PlanStep], slotCount: Int, slotTable: [Int32], feedSlots: [Int], feedRefs: [TensorRef],
    feedTypes: [TensorType], feedNames: [String], fetchSlots: [Int]
  ) {
    self.steps = steps
    self.slotCount = slotCount
    self.slotTableCount = slotTable.count
    self.slotTable = .allocate(capacity: max(slotTable.count, 1))
    self.slotTable.initialize(from: slotTable, count: slotTable.count)
    self.feedSlots = feedSlots
    self.feedRefs = feedRefs
    self.feedTypes = feedTypes
    self.feedNames = feedNames
    self.fetchSlots = fetchSlots
  }

  deinit {
    slotTable.deallocate()
  }

  /// Number of steps.
  public var stepCount: Int { steps.count }
}
