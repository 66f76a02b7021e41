import Synchronization

/// Recycles tensor buffers by exact byte size: when a value dies (its last
/// consumer has run), its buffer returns here, and the next allocation of the
/// same size — later in the same run or in the next step — takes it instead
/// of calling the allocator. Training steps allocate the same sizes every
/// step, so after the first step nearly every allocation is a hit.
final class BufferPool: @unchecked Sendable {
  private let free = Locked<[Int: [TensorBuffer]]>([:])

  /// A buffer of exactly `byteCount` bytes of capacity, recycled if one is
  /// free.
  @inline(__always)
  func take(_ byteCount: Int) -> TensorBuffer {
    if let b = free.withLock({ $0[byteCount]?.popLast() }) { return b }
    return TensorBuffer(byteCapacity: byteCount)
  }

  /// Returns a buffer that nothing else references.
  @inline(__always)
  func put(_ buffer: TensorBuffer) {
    free.withLock { $0[buffer.byteCapacity, default: []].append(buffer) }
  }

  /// Bytes held for reuse.
  var heldBytes: Int {
    free.withLock { $0.reduce(0) { $0 + $1.key * $1.value.count } }
  }
}
