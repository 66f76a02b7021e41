import COpenBLAS
import Dispatch
import Foundation
import Synchronization

/// The process-wide budget of busy threads, shared by the scheduler (which
/// runs independent nodes at once) and by kernels that split their work
/// (intra-op parallelism), so that together they never run more busy
/// threads than there are cores.
///
/// A thread calling `Session.run` always works; it may borrow up to
/// `threadCount - 1` helper threads from the pool while tokens last.
/// The size comes from `TENSORGRAPH_NUM_THREADS` or the number of active
/// processors.
public final class ComputePool: @unchecked Sendable {
  /// The shared pool.
  public static let shared = ComputePool(threadCount: defaultThreadCount)

  /// `TENSORGRAPH_NUM_THREADS` when set to a positive integer, else the
  /// number of active processors.
  public static var defaultThreadCount: Int {
    if let s = ProcessInfo.processInfo.environment["TENSORGRAPH_NUM_THREADS"], let n = Int(s), n > 0 { return n }
    return max(1, ProcessInfo.processInfo.activeProcessorCount)
  }

  /// Threads that may be busy at once (the caller included).
  public let threadCount: Int
  private let spare: Atomic<Int>
  let queue = DispatchQueue.global(qos: .userInitiated)

  /// Creates a pool allowing `threadCount` busy threads.
  public init(threadCount: Int) {
    self.threadCount = max(1, threadCount)
    self.spare = Atomic(self.threadCount - 1)
    // OpenBLAS's own threads would run beside ours unaccounted for: BLAS
    // calls are single-threaded, and large GEMMs are split by the kernel
    // across threads borrowed from this pool.
    openblas_set_num_threads(1)
  }

  /// Takes up to `wanted` helper tokens; returns how many it got.
  @inline(__always)
  func tryAcquire(_ wanted: Int) -> Int {
    guard wanted > 0 else { return 0 }
    var current = spare.load(ordering: .relaxed)
    while current > 0 {
      let take = min(current, wanted)
      let (exchanged, original) = spare.compareExchange(
        expected: current, desired: current - take, ordering: .acquiringAndReleasing)
      if exchanged { return take }
      current = original
    }
    return 0
  }

  /// Returns helper tokens.
  @inline(__always)
  func release(_ count: Int) {
    if count > 0 { spare.add(count, ordering: .acquiringAndReleasing) }
  }

  /// Runs `body(chunk)` for every chunk in `0..<chunks`, on the calling
  /// thread and up to `limit - 1` borrowed helpers. Chunks are claimed in
  /// order from a shared counter; which thread runs a chunk varies, so
  /// `body` must make each chunk's result independent of the others (write
  /// disjoint outputs; combine partial results afterwards in chunk order).
  public func parallelFor(chunks: Int, limit: Int, _ body: (Int) -> Void) {
    let helpers = chunks > 1 && limit > 1 ? tryAcquire(min(chunks, limit) - 1) : 0
    if helpers == 0 {
      for c in 0..<chunks { body(c) }
      return
    }
    let next = Atomic<Int>(0)
    // `body` runs on other threads only while this call waits for them.
    nonisolated(unsafe) let chunkBody = body
    DispatchQueue.concurrentPerform(iterations: helpers + 1) { _ in
      while true {
        let c = next.add(1, ordering: .relaxed).oldValue
        if c >= chunks { break }
        chunkBody(c)
      }
    }
    release(helpers)
  }
}
