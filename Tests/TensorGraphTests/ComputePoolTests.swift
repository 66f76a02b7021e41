import Dispatch
import Foundation
import Synchronization
import Testing
import TensorGraph

/// The pool's helper hand-off: jobs reach warm (polling) helpers through a
/// mailbox, helpers leave after their polling time, and every chunk of
/// every `parallelFor` runs exactly once whichever way its helper came.
/// (The suite name contains "SchedulerTests" so the README's
/// ThreadSanitizer filter runs it.)
@Suite struct ComputePoolSchedulerTests {
  /// Runs `rounds` parallelFors of `chunks` chunks on `pool`; returns how
  /// many times each (round, chunk) ran.
  func runRounds(_ pool: ComputePool, rounds: Int, chunks: Int, pause: Double = 0) -> [Int] {
    let counts = UnsafeMutablePointer<Atomic<Int>>.allocate(capacity: rounds * chunks)
    for i in 0..<(rounds * chunks) { (counts + i).initialize(to: Atomic(0)) }
    defer { counts.deallocate() }
    for r in 0..<rounds {
      pool.parallelFor(chunks: chunks, limit: pool.threadCount) { c in
        // A little work, so that helpers claim chunks too.
        var x = 0.0
        for i in 0..<200 { x += Double(i * c) }
        if x >= 0 { counts[r * chunks + c].add(1, ordering: .relaxed) }
      }
      if pause > 0 { Thread.sleep(forTimeInterval: pause) }
    }
    return (0..<(rounds * chunks)).map { counts[$0].load(ordering: .relaxed) }
  }

  @Test func everyChunkRunsOnceWithWarmHelpers() {
    let pool = ComputePool(threadCount: 2, spinMicroseconds: 50_000)
    let counts = runRounds(pool, rounds: 2_000, chunks: 8)
    #expect(counts.allSatisfy { $0 == 1 })
    // Back-to-back splits find the helper of the previous one still
    // polling. On a loaded machine (the test suite runs in parallel) the
    // first Dispatch helper may start only after all of the rounds above
    // are over, so keep splitting until one has been warm, for at most a
    // minute: never having a warm start in that time is a defect.
    let deadline = Date().addingTimeInterval(60)
    var allOnce = true
    while pool.warmStarts == 0 && Date() < deadline {
      allOnce = allOnce && runRounds(pool, rounds: 100, chunks: 8).allSatisfy { $0 == 1 }
    }
    #expect(allOnce)
    #expect(pool.warmStarts > 0)
  }

  @Test func everyChunkRunsOnceWithoutPolling() {
    let pool = ComputePool(threadCount: 2, spinMicroseconds: 0)
    let counts = runRounds(pool, rounds: 500, chunks: 8)
    #expect(counts.allSatisfy { $0 == 1 })
    #expect(pool.warmStarts == 0)
  }

  @Test func helpersThatLeftAreReplaced() {
    // Pauses longer than the polling time: helpers return to Dispatch
    // between rounds, and later rounds still get (new) helpers.
    let pool = ComputePool(threadCount: 2, spinMicroseconds: 200)
    let counts = runRounds(pool, rounds: 40, chunks: 8, pause: 0.002)
    #expect(counts.allSatisfy { $0 == 1 })
  }

  @Test func concurrentCallersShareThePool() async {
    let pool = ComputePool(threadCount: 3, spinMicroseconds: 2_000)
    let results = await withTaskGroup(of: Bool.self) { group in
      for _ in 0..<4 {
        group.addTask { runRounds(pool, rounds: 300, chunks: 6).allSatisfy { $0 == 1 } }
      }
      var all: [Bool] = []
      for await ok in group { all.append(ok) }
      return all
    }
    #expect(results == [true, true, true, true])
  }
}
