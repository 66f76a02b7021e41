import Synchronization

/// Recycles tensor buffers by exact byte size: when a value dies (its last
/// consumer has run), its buffer returns here, and the next allocation of the
/// same size — later in the same run or in the next step — takes it instead
/// of calling the allocator. Training steps allocate the same sizes every
/// step, so after the first step nearly every allocation is a hit.
///
/// A value the caller fetches leaves the run, so its buffer cannot come back
/// when the run ends. A large one comes back when the caller drops it: its
/// memory returns here (``adopt(_:byteCapacity:)``) instead of to the
/// system, so the next run's output does not fault in fresh pages — on the
/// machines we measure, faulting in 64 MiB costs five times the copy that
/// fills it (Docs/benchmarks.md, "Memory-bound kernels").
final class BufferPool: @unchecked Sendable {
  private let free = Locked<[Int: [TensorBuffer]]>([:])
  /// Memory of dead fetched buffers, by byte size.
  private let released = Locked<[Int: [UnsafeMutableRawPointer]]>([:])

  /// Buffers at least this large return their memory when they die outside
  /// a run; smaller ones come from malloc's own free lists cheaply.
  static let recycleThreshold = 256 << 10
  /// Dead buffers of one size held for reuse; more are freed (a caller who
  /// keeps many results and then drops them all gets the memory back).
  static let releasedPerSize = 4

  /// A buffer of exactly `byteCount` bytes of capacity, recycled if one is
  /// free.
  @inline(__always)
  func take(_ byteCount: Int) -> TensorBuffer {
    if let b = free.withLock({ $0[byteCount]?.popLast() }) { return b }
    guard byteCount >= BufferPool.recycleThreshold else { return TensorBuffer(byteCapacity: byteCount) }
    let buffer: TensorBuffer
    if let memory = released.withLock({ $0[byteCount]?.popLast() }) {
      buffer = TensorBuffer(adopting: memory, byteCapacity: byteCount)
    } else {
      buffer = TensorBuffer(byteCapacity: byteCount)
    }
    buffer.recycler = self
    return buffer
  }

  /// Keeps the memory of a buffer that died outside a run, if fewer than
  /// ``releasedPerSize`` of its size are held; `false` leaves it to the
  /// caller to free.
  func adopt(_ memory: UnsafeMutableRawPointer, byteCapacity: Int) -> Bool {
    released.withLock { held in
      guard held[byteCapacity, default: []].count < BufferPool.releasedPerSize else { return false }
      held[byteCapacity, default: []].append(memory)
      return true
    }
  }

  deinit {
    released.withLock { held in
      for blocks in held.values { for memory in blocks { memory.deallocate() } }
    }
  }

  /// Returns a buffer that nothing else references.
  @inline(__always)
  func put(_ buffer: TensorBuffer) {
    free.withLock { $0[buffer.byteCapacity, default: []].append(buffer) }
  }

  /// Bytes held for reuse.
  var heldBytes: Int {
    free.withLock { $0.reduce(0) { $0 + $1.key * $1.value.count } }
      + released.withLock { $0.reduce(0) { $0 + $1.key * $1.value.count } }
  }
}
