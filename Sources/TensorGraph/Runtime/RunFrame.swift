import Dispatch
import Synchronization

/// The mutable state of one run of a plan: value slots, pending counts,
/// the shared ready queue, error and memory accounting. Frames are reused
/// by later runs of the same plan (one per concurrent run).
final class RunFrame: @unchecked Sendable {
  // The plan owns its frames, so it outlives them.
  unowned(unsafe) let plan: Plan
  let values: UnsafeMutablePointer<Tensor?>
  // Flat copies of the plan's per-step and per-slot tables, read by the
  // hot loop without reference counting.
  private let steps: UnsafeMutablePointer<Unmanaged<PlanStep>>
  private let kernels: UnsafeMutablePointer<KernelFunction>
  private let successorStart: UnsafeMutablePointer<Int32>
  private let successorList: UnsafeMutablePointer<Int32>
  private let cheap: UnsafeMutablePointer<Bool>
  private let slotKept: UnsafeMutablePointer<Bool>
  private let slotConsumers: UnsafeMutablePointer<Int32>
  private let slotTable: UnsafeMutablePointer<Int32>
  let pending: UnsafeMutablePointer<Atomic<Int32>>
  let remaining: UnsafeMutablePointer<Atomic<Int32>>
  let stepCount: Int
  let slotCount: Int

  // Per-run settings.
  var recycles = true
  var reusesInputs = true
  var threadLimit = 1
  var options = RunOptions()

  // Scheduling.
  let stepsLeft = Atomic<Int>(0)
  let failed = Atomic<Bool>(false)
  private let failure = Locked<Error?>(nil)
  private let ready = Locked<ReadyQueue>(ReadyQueue())
  private let wake = DispatchSemaphore(value: 0)
  private let helpers = DispatchGroup()
  private let activeHelpers = Atomic<Int>(0)
  /// Whether the calling thread sleeps for work. Set and cleared under
  /// the ready queue's lock (so a push never misses a sleeper); read
  /// without it by workers deciding whether to share ready nodes.
  private let callerIdle = Atomic<Bool>(false)
  private let nextWorkerID = Atomic<Int>(1)

  // Memory accounting.
  let liveBytes = Atomic<Int>(0)
  let peakBytes = Atomic<Int>(0)
  let allocatedBytes = Atomic<Int>(0)

  // Tracing.
  var traceStart: UInt64 = 0
  var traceRecords: UnsafeMutablePointer<TraceRecord>?

  struct ReadyQueue {
    var items: [Int32] = []
    var finished = false
  }

  struct TraceRecord {
    var start: UInt64 = 0
    var duration: UInt64 = 0
    var thread: Int = -1
    var bytes: Int = 0
  }

  init(plan: Plan) {
    self.plan = plan
    stepCount = plan.steps.count
    slotCount = plan.slotCount
    values = .allocate(capacity: max(slotCount, 1))
    values.initialize(repeating: nil, count: slotCount)
    pending = .allocate(capacity: max(stepCount, 1))
    for i in 0..<stepCount { (pending + i).initialize(to: Atomic(0)) }
    remaining = .allocate(capacity: max(slotCount, 1))
    for i in 0..<slotCount { (remaining + i).initialize(to: Atomic(0)) }
    steps = .allocate(capacity: max(stepCount, 1))
    kernels = .allocate(capacity: max(stepCount, 1))
    cheap = .allocate(capacity: max(stepCount, 1))
    successorStart = .allocate(capacity: stepCount + 1)
    let edges = plan.steps.reduce(0) { $0 + $1.successors.count }
    successorList = .allocate(capacity: max(edges, 1))
    var e = 0
    for (i, step) in plan.steps.enumerated() {
      (steps + i).initialize(to: Unmanaged.passUnretained(step))
      (kernels + i).initialize(to: step.kernel)
      (cheap + i).initialize(to: step.isCheap)
      successorStart[i] = Int32(e)
      for succ in step.successors {
        successorList[e] = succ
        e += 1
      }
    }
    successorStart[stepCount] = Int32(e)
    slotKept = .allocate(capacity: max(slotCount, 1))
    slotKept.initialize(from: plan.slotKept, count: slotCount)
    slotConsumers = .allocate(capacity: max(slotCount, 1))
    slotConsumers.initialize(from: plan.slotConsumers, count: slotCount)
    slotTable = plan.slotTable
  }

  deinit {
    values.deinitialize(count: slotCount)
    values.deallocate()
    pending.deinitialize(count: stepCount)
    pending.deallocate()
    remaining.deinitialize(count: slotCount)
    remaining.deallocate()
    steps.deallocate()
    kernels.deinitialize(count: stepCount)
    kernels.deallocate()
    cheap.deallocate()
    successorStart.deallocate()
    successorList.deallocate()
    slotKept.deallocate()
    slotConsumers.deallocate()
    traceRecords?.deallocate()
  }

  // MARK: - Running

  /// Runs every step; returns the fetched values.
  func run(feeds: [Tensor]) throws -> [Tensor] {
    for s in 0..<stepCount { pending[s].store(steps[s].takeUnretainedValue().dependencyCount, ordering: .relaxed) }
    for s in 0..<slotCount { remaining[s].store(slotConsumers[s], ordering: .relaxed) }
    stepsLeft.store(stepCount, ordering: .relaxed)
    failed.store(false, ordering: .relaxed)
    failure.withLock { $0 = nil }
    ready.withLock { $0 = ReadyQueue() }
    callerIdle.store(false, ordering: .relaxed)
    liveBytes.store(0, ordering: .relaxed)
    peakBytes.store(0, ordering: .relaxed)
    allocatedBytes.store(0, ordering: .relaxed)
    if options.trace {
      if traceRecords == nil { traceRecords = .allocate(capacity: max(stepCount, 1)) }
      traceRecords!.initialize(repeating: TraceRecord(), count: stepCount)
      traceStart = DispatchTime.now().uptimeNanoseconds
    }
    for (k, value) in feeds.enumerated() { values[plan.feedSlots[k]] = value }
    defer {
      for s in 0..<slotCount { values[s] = nil }
    }

    if threadLimit <= 1 {
      // Plan order is topological: run it straight through.
      for s in 0..<stepCount {
        guard execute(s, worker: 0) else { break }
      }
    } else if let first = plan.roots.first {
      push(Array(plan.roots.dropFirst()))
      work(from: first, worker: 0, isCaller: true)
      helpers.wait()
    }
    if let error = failure.withLock({ $0 }) { throw error }
    plan.notePeak(peakBytes.load(ordering: .relaxed))
    return plan.fetchSlots.map { slot in
      let t = values[slot].unsafelyUnwrapped
      return t.storage.isPinned ? t.copy() : t
    }
  }

  /// Runs steps starting with `first`, continuing inline with the steps it
  /// readies; takes work from the shared queue when out of local work. The
  /// caller blocks for more work until the run finishes; helpers exit.
  private func work(from first: Int32?, worker: Int, isCaller: Bool) {
    var local: [Int32] = []
    var next = first
    while true {
      if next == nil { next = local.popLast() }
      if next == nil { next = takeShared(wait: isCaller) }
      guard let s = next else { return }
      next = nil
      guard execute(Int(s), worker: worker) else { return }
      // Cheap successors run here; one expensive successor continues here
      // when nothing cheap is waiting; the rest go to the shared queue.
      var handOff: [Int32] = []
      for e in Int(successorStart[Int(s)])..<Int(successorStart[Int(s) + 1]) {
        let succ = successorList[e]
        guard pending[Int(succ)].subtract(1, ordering: .acquiringAndReleasing).newValue == 0 else { continue }
        if cheap[Int(succ)] {
          local.append(succ)
        } else if next == nil {
          next = succ
        } else {
          handOff.append(succ)
        }
      }
      if let n = next, !local.isEmpty {
        handOff.append(n)
        next = nil
      }
      // Cheap nodes run inline, but when many are ready and a thread is
      // idle — a helper could be borrowed, or the caller sleeps — share
      // them: a wide graph of cheap nodes still uses the cores.
      if local.count > 1
        && (activeHelpers.load(ordering: .relaxed) < threadLimit - 1 || callerIdle.load(ordering: .relaxed))
      {
        handOff.append(contentsOf: local.dropLast())
        local.removeFirst(local.count - 1)
      }
      if !handOff.isEmpty { push(handOff) }
    }
  }

  /// Adds ready steps to the shared queue, wakes the caller if it waits,
  /// and borrows a helper thread if the budget allows.
  private func push(_ items: [Int32]) {
    guard !items.isEmpty else { return }
    ready.withLock { q in
      q.items.append(contentsOf: items)
      wakeCaller()
    }
    var wanted = min(items.count, threadLimit - 1 - activeHelpers.load(ordering: .relaxed))
    while wanted > 0, ComputePool.shared.tryAcquire(1) == 1 {
      wanted -= 1
      activeHelpers.add(1, ordering: .relaxed)
      let id = nextWorkerID.add(1, ordering: .relaxed).oldValue
      helpers.enter()
      ComputePool.shared.submit { [self] in
        work(from: nil, worker: id, isCaller: false)
        activeHelpers.subtract(1, ordering: .relaxed)
        ComputePool.shared.release(1)
        helpers.leave()
      }
    }
  }

  /// The next queued step; `nil` when the run is over (or, for a helper,
  /// when the queue is empty).
  private func takeShared(wait: Bool) -> Int32? {
    while true {
      enum Outcome { case item(Int32), over, sleep }
      let outcome: Outcome = ready.withLock { q in
        if let s = q.items.popLast() { return .item(s) }
        if q.finished || !wait { return .over }
        callerIdle.store(true, ordering: .relaxed)
        return .sleep
      }
      switch outcome {
      case .item(let s): return s
      case .over: return nil
      case .sleep:
        // A waiting caller is not busy: lend its place in the thread
        // budget, so that a helper running a large kernel can split it
        // across the cores, and take it back on waking (which may
        // oversubscribe by one thread until that kernel's helper returns).
        // Before sleeping, serve the pool's jobs for a while: a helper's
        // kernel that splits then runs its chunks here at once.
        let pool = ComputePool.shared
        pool.release(1)
        pool.serve(forNanoseconds: pool.spinNanoseconds) { !callerIdle.load(ordering: .relaxed) }
        wake.wait()
        pool.reclaim(1)
      }
    }
  }

  /// Wakes the caller if it sleeps. Call with the ready queue locked.
  private func wakeCaller() {
    if callerIdle.load(ordering: .relaxed) {
      callerIdle.store(false, ordering: .relaxed)
      wake.signal()
    }
  }

  private func finish() {
    ready.withLock { q in
      q.finished = true
      wakeCaller()
    }
  }

  /// Runs one step and releases the values it was the last to read.
  /// Returns `false` when the run has failed.
  @inline(__always)
  private func execute(_ s: Int, worker: Int) -> Bool {
    if failed.load(ordering: .relaxed) { return false }
    let step = steps[s].takeUnretainedValue()
    let table = slotTable
    let context = KernelContext(
      frame: self, step: step, inputSlots: table + step.inputOffset, outputSlots: table + step.outputOffset)
    let start = options.trace ? DispatchTime.now().uptimeNanoseconds : 0
    do {
      try kernels[s](context)
      if options.checkNumerics { try checkNumerics(step) }
    } catch {
      var annotated = error
      if var e = error as? TensorGraphError, e.node == nil {
        (e.node, e.op, e.site) = (step.node.name, step.node.op, step.node.site)
        annotated = e
      }
      fail(annotated)
      return false
    }
    if let records = traceRecords, options.trace {
      var bytes = 0
      for k in 0..<step.outputCount { bytes += values[Int(table[step.outputOffset + k])]?.byteCount ?? 0 }
      records[s] = TraceRecord(
        start: start - traceStart, duration: DispatchTime.now().uptimeNanoseconds - start, thread: worker,
        bytes: bytes)
    }
    if recycles {
      for k in 0..<step.inputCount {
        let slot = Int(table[step.inputOffset + k])
        if !slotKept[slot] && remaining[slot].subtract(1, ordering: .acquiringAndReleasing).newValue == 0 {
          recycle(slot)
        }
      }
      for k in 0..<step.outputCount {
        let slot = Int(table[step.outputOffset + k])
        if slotConsumers[slot] == 0 && !slotKept[slot] { recycle(slot) }
      }
    }
    if stepsLeft.subtract(1, ordering: .acquiringAndReleasing).newValue == 0 { finish() }
    return true
  }

  private func fail(_ error: Error) {
    failure.withLock { if $0 == nil { $0 = error } }
    failed.store(true, ordering: .releasing)
    finish()
  }

  // MARK: - Memory

  /// A buffer for `byteCount` bytes: recycled when planning, else new.
  @inline(__always)
  func allocate(_ byteCount: Int) -> TensorBuffer {
    let buffer: TensorBuffer
    if recycles {
      buffer = plan.buffers.take(byteCount)
    } else {
      buffer = TensorBuffer(byteCapacity: byteCount)
    }
    if !buffer.isCounted {
      allocatedBytes.add(byteCount, ordering: .relaxed)
    }
    buffer.isCounted = true
    let live = liveBytes.add(byteCount, ordering: .relaxed).newValue
    var peak = peakBytes.load(ordering: .relaxed)
    while live > peak {
      let (done, original) = peakBytes.compareExchange(expected: peak, desired: live, ordering: .relaxed)
      if done { break }
      peak = original
    }
    return buffer
  }

  /// Empties `slot`; if nothing else holds its buffer, the buffer goes back
  /// to the pool.
  @inline(__always)
  private func recycle(_ slot: Int) {
    guard var t = values[slot].take() else { return }
    if t.isUniquelyOwned() {
      if t.buffer.isCounted { liveBytes.subtract(t.buffer.byteCapacity, ordering: .relaxed) }
      plan.buffers.put(t.buffer)
    }
  }

  // MARK: - Check numerics

  private func checkNumerics(_ step: PlanStep) throws {
    let table = plan.slotTable
    for k in 0..<step.outputCount {
      guard let t = values[Int(table[step.outputOffset + k])], t.dtype.isFloatingPoint,
        let bad = t.firstNonFinite()
      else { continue }
      var ranges: [String] = []
      for i in 0..<step.inputCount {
        guard let x = values[Int(table[step.inputOffset + i])] else { continue }
        let label = step.node.def.inputs.count > i ? step.node.def.inputs[i].name : "input \(i)"
        ranges.append("\(label): \(x.dtype)\(x.shape) \(x.rangeDescription())")
      }
      throw step.node.error(
        .runtime,
        "check-numerics: output \(k) (\(t.dtype)\(t.shape)) holds \(bad.value) at flat index \(bad.index); inputs: \(ranges.isEmpty ? "none" : ranges.joined(separator: "; "))"
      )
    }
  }
}

extension Tensor {
  /// Whether no other tensor shares this tensor's buffer and no variable
  /// owns it.
  @inline(__always)
  mutating func isUniquelyOwned() -> Bool {
    isKnownUniquelyReferenced(&buffer) && !buffer.isPinned
  }

  /// The first NaN or infinity, if any.
  func firstNonFinite() -> (index: Int, value: Double)? {
    for i in 0..<scalarCount {
      let v = element(at: i)
      if !v.isFinite { return (i, v) }
    }
    return nil
  }

  /// "in [min, max]" over the finite elements, noting NaN/Inf counts.
  func rangeDescription() -> String {
    guard dtype.isNumeric || dtype == .bool else { return "" }
    var lo = Double.infinity, hi = -Double.infinity, nan = 0, inf = 0
    for i in 0..<scalarCount {
      let v = element(at: i)
      if v.isNaN { nan += 1 } else if v.isInfinite { inf += 1 } else {
        lo = Swift.min(lo, v)
        hi = Swift.max(hi, v)
      }
    }
    var s = scalarCount == 0 ? "empty" : (lo <= hi ? "in [\(lo), \(hi)]" : "no finite values")
    if nan > 0 { s += ", \(nan) NaN" }
    if inf > 0 { s += ", \(inf) Inf" }
    return s
  }
}
