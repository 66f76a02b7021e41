import Foundation

/// Reference-counted, 64-byte-aligned raw storage behind a ``Tensor``.
///
/// Tensors share buffers freely (reshape is free) and copy on write. A buffer
/// owned by a variable is *pinned*: kernels that update variables write into
/// it in place (TensorFlow's ref semantics), so values that leave a session
/// run are copied out of pinned buffers first.
public final class TensorBuffer: @unchecked Sendable {
  /// Start of the storage; aligned to ``alignment`` bytes.
  public let data: UnsafeMutableRawPointer
  /// Capacity in bytes.
  public let byteCapacity: Int
  /// Set when the buffer holds a variable's value.
  public internal(set) var isPinned = false
  /// Set once a session run has counted the buffer in its memory figures.
  var isCounted = false
  /// The session pool the memory returns to when the buffer dies outside a
  /// run (a fetched output the caller has dropped); `nil` frees it. Weak:
  /// a buffer must not keep a finished session's pool alive.
  weak var recycler: BufferPool?

  /// Alignment of every buffer: one AVX-512 vector, one cache line.
  public static let alignment = 64

  /// Allocates `byteCount` bytes, uninitialized.
  public init(byteCapacity: Int) {
    // Allocating at least one vector keeps `data` valid for empty tensors.
    let size = Swift.max(byteCapacity, TensorBuffer.alignment)
    self.data = UnsafeMutableRawPointer.allocate(byteCount: size, alignment: TensorBuffer.alignment)
    self.byteCapacity = byteCapacity
  }

  /// Takes over `data`, `byteCapacity` bytes a pool got back from a dead
  /// buffer; already counted as the session's memory.
  init(adopting data: UnsafeMutableRawPointer, byteCapacity: Int) {
    self.data = data
    self.byteCapacity = byteCapacity
    self.isCounted = true
  }

  /// Allocates `byteCount` bytes set to zero.
  public convenience init(zeroedByteCapacity byteCount: Int) {
    self.init(byteCapacity: byteCount)
    data.initializeMemory(as: UInt8.self, repeating: 0, count: byteCount)
  }

  deinit {
    if let recycler, recycler.adopt(data, byteCapacity: byteCapacity) { return }
    data.deallocate()
  }
}
