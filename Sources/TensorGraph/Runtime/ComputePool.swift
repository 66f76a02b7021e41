import COpenBLAS
import CTensorKernels
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
///
/// Helper threads come from Dispatch. A helper that finishes its work
/// stays warm for a while (`TENSORGRAPH_SPIN_US`, default 200 µs): it
/// polls for the next job instead of returning to Dispatch, so the next
/// kernel split or ready node starts on it within a fraction of a
/// microsecond instead of after a thread wake-up (tens of microseconds on
/// a virtual machine) — what a training step of small kernels, or a
/// forward pass whose first GEMM splits, is made of.
public final class ComputePool: @unchecked Sendable {
  /// The shared pool.
  public static let shared = ComputePool(threadCount: defaultThreadCount)

  /// `TENSORGRAPH_NUM_THREADS` when set to a positive integer, else the
  /// number of active processors.
  public static var defaultThreadCount: Int {
    if let s = ProcessInfo.processInfo.environment["TENSORGRAPH_NUM_THREADS"], let n = Int(s), n > 0 { return n }
    return max(1, ProcessInfo.processInfo.activeProcessorCount)
  }

  /// `TENSORGRAPH_SPIN_US` when set to a non-negative integer, else 200:
  /// how long an idle helper polls for work before returning its thread to
  /// Dispatch.
  public static var defaultSpinMicroseconds: Int {
    if let s = ProcessInfo.processInfo.environment["TENSORGRAPH_SPIN_US"], let n = Int(s), n >= 0 { return n }
    return 200
  }

  /// Threads that may be busy at once (the caller included).
  public let threadCount: Int
  /// How long an idle helper polls for work, in nanoseconds.
  public let spinNanoseconds: UInt64
  private let spare: Atomic<Int>
  let queue = DispatchQueue.global(qos: .userInitiated)

  /// Warm helpers polling for work and not yet promised a job: a
  /// submitter claims one by decrementing this before posting its job, and
  /// a helper leaves only by decrementing it, so every posted job has a
  /// helper still polling to take it.
  private let unclaimedSpinners = Atomic<Int>(0)
  /// Jobs posted for warm helpers (`posted` mirrors the count, so polling
  /// never takes the lock).
  private let mailbox = Locked<[@Sendable () -> Void]>([])
  private let posted = Atomic<Int>(0)
  private let warmStartCount = Atomic<Int>(0)

  /// Jobs started on a warm (polling) helper rather than a new Dispatch
  /// work item, since the pool was created.
  public var warmStarts: Int { warmStartCount.load(ordering: .relaxed) }

  /// Creates a pool allowing `threadCount` busy threads, whose idle helpers
  /// poll for work for `spinMicroseconds` before returning to Dispatch.
  public init(threadCount: Int, spinMicroseconds: Int = ComputePool.defaultSpinMicroseconds) {
    self.threadCount = max(1, threadCount)
    self.spinNanoseconds = UInt64(max(0, spinMicroseconds)) * 1000
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

  /// Takes back tokens lent with ``release(_:)`` whether or not they are
  /// free: the budget may go negative until helpers return theirs.
  @inline(__always)
  func reclaim(_ count: Int) {
    spare.subtract(count, ordering: .acquiringAndReleasing)
  }

  /// Returns helper tokens.
  @inline(__always)
  func release(_ count: Int) {
    if count > 0 { spare.add(count, ordering: .acquiringAndReleasing) }
  }

  /// Runs `job` on a helper thread: a warm one when one is polling, else a
  /// new Dispatch work item. The caller holds a helper token for it.
  func submit(_ job: @escaping @Sendable () -> Void) {
    var idle = unclaimedSpinners.load(ordering: .relaxed)
    while idle > 0 {
      let (claimed, original) = unclaimedSpinners.compareExchange(
        expected: idle, desired: idle - 1, ordering: .acquiringAndReleasing)
      if claimed {
        mailbox.withLock { $0.append(job) }
        posted.add(1, ordering: .releasing)
        warmStartCount.add(1, ordering: .relaxed)
        return
      }
      idle = original
    }
    queue.async { [self] in
      job()
      pollForWork()
    }
  }

  /// Keeps a helper thread warm: runs posted jobs until none has come for
  /// `spinNanoseconds`, then returns the thread to Dispatch.
  private func pollForWork() {
    serve(forNanoseconds: spinNanoseconds) { false }
  }

  /// Runs jobs posted to warm helpers on the calling thread until `stop()`
  /// holds or none has come for `nanoseconds`. A run's calling thread that
  /// is out of work serves here before it sleeps, so a kernel split by a
  /// helper (a GEMM's column blocks) gets the idle core at once.
  func serve(forNanoseconds nanoseconds: UInt64, until stop: () -> Bool) {
    guard nanoseconds > 0 else { return }
    unclaimedSpinners.add(1, ordering: .acquiringAndReleasing)
    var deadline = DispatchTime.now().uptimeNanoseconds + nanoseconds
    var polls = 0
    while true {
      if posted.load(ordering: .acquiring) > 0, let job = takePosted() {
        // Taking a job used up this thread's place among the pollers.
        job()
        if stop() { return }
        unclaimedSpinners.add(1, ordering: .acquiringAndReleasing)
        deadline = DispatchTime.now().uptimeNanoseconds + nanoseconds
        polls = 0
        continue
      }
      tg_cpu_relax()
      polls += 1
      if polls & 15 == 0 && stop() && leave() { return }
      guard polls & 63 == 0 else { continue }
      // Every few microseconds, give the core to any other runnable thread
      // (on a loaded machine a poller must not starve the threads doing
      // the work; on an idle one the yield returns at once).
      sched_yield()
      if DispatchTime.now().uptimeNanoseconds > deadline && leave() { return }
    }
  }

  /// Gives up a poller's place unless a submitter has claimed it: a claimed
  /// place means a job is on its way, and some poller must stay to take it.
  private func leave() -> Bool {
    let idle = unclaimedSpinners.load(ordering: .relaxed)
    return idle > 0
      && unclaimedSpinners.compareExchange(
        expected: idle, desired: idle - 1, ordering: .acquiringAndReleasing
      ).exchanged
  }

  private func takePosted() -> (@Sendable () -> Void)? {
    mailbox.withLock { jobs in
      guard !jobs.isEmpty else { return nil }
      posted.subtract(1, ordering: .relaxed)
      return jobs.removeFirst()
    }
  }

  /// Runs `body(chunk)` for every chunk in `0..<chunks`, on the calling
  /// thread and up to `limit - 1` borrowed helpers. The caller claims chunks
  /// from the front, helpers from the back; which thread runs a chunk varies, so
  /// `body` must make each chunk's result independent of the others (write
  /// disjoint outputs; combine partial results afterwards in chunk order).
  public func parallelFor(chunks: Int, limit: Int, _ body: (Int) -> Void) {
    let wanted = chunks > 1 && limit > 1 ? min(chunks, limit) - 1 : 0
    if wanted == 0 {
      for c in 0..<chunks { body(c) }
      return
    }
    // The caller never waits for a helper to wake up: it claims chunks
    // itself from the start (helpers claim from the end), and waits at the
    // end only for chunks a helper has claimed and is still running. A
    // helper that wakes after every chunk is claimed finds nothing to do,
    // never touches `body`, and returns its token. Before each chunk it
    // claims, the caller borrows threads freed since it started, so a
    // kernel that began while the cores were busy still spreads once they
    // free up.
    let state = ParallelForState(chunks: chunks)
    withoutActuallyEscaping(body) { escapable in
      state.body = escapable
      var helpers = 0
      while true {
        if helpers < wanted, state.remaining > 1 {
          let got = tryAcquire(wanted - helpers)
          for _ in 0..<got {
            submit { [self] in
              state.drain()
              release(1)
            }
          }
          helpers += got
        }
        guard state.runOne(fromFront: true) else { break }
      }
      state.waitUntilDone()
      // Every claimed chunk has finished, and no chunk is left to claim:
      // no helper reads `body` from here on.
      state.body = nil
    }
  }
}

/// The shared counters of one ``ComputePool/parallelFor(chunks:limit:_:)``.
///
/// The caller claims chunks from the front, helpers from the back, so that
/// in a kernel run step after step (a GEMM split in column blocks) each
/// thread tends to get the same blocks every time and finds their operands
/// in its own core's cache; they meet wherever the helpers' late start
/// puts them.
private final class ParallelForState: @unchecked Sendable {
  let chunks: Int
  /// The unclaimed chunks `front..<back`, packed as `front | back << 32`.
  let unclaimed: Atomic<Int>
  /// Chunks finished.
  let done = Atomic<Int>(0)
  /// The chunk body, set while chunks may be claimed. Read only by a
  /// thread that has claimed a chunk, which the caller waits for before
  /// clearing it.
  var body: ((Int) -> Void)?

  init(chunks: Int) {
    precondition(chunks < 1 << 31)
    self.chunks = chunks
    unclaimed = Atomic(chunks << 32)
  }

  /// Chunks not yet claimed.
  var remaining: Int {
    let v = unclaimed.load(ordering: .relaxed)
    return (v >> 32) - (v & 0xFFFF_FFFF)
  }

  /// Claims and runs chunks from the back until none are left (helpers).
  func drain() {
    while runOne(fromFront: false) {}
  }

  /// Claims and runs one chunk; `false` when none was left.
  @inline(__always)
  func runOne(fromFront: Bool) -> Bool {
    var v = unclaimed.load(ordering: .relaxed)
    while true {
      let front = v & 0xFFFF_FFFF, back = v >> 32
      if front >= back { return false }
      let (claimed, original) = unclaimed.compareExchange(
        expected: v, desired: fromFront ? v + 1 : v - (1 << 32), ordering: .relaxed)
      if claimed {
        body.unsafelyUnwrapped(fromFront ? front : back - 1)
        done.add(1, ordering: .releasing)
        return true
      }
      v = original
    }
  }

  /// Returns once every chunk has finished (chunks still running on a
  /// helper take at most one chunk's time: spin, then yield).
  func waitUntilDone() {
    var spins = 0
    while done.load(ordering: .acquiring) < chunks {
      spins += 1
      if spins > 64 { sched_yield() }
    }
  }
}
