import Foundation
import Testing
import TensorGraph
import TensorGraphTestSupport

/// A wide random DAG of elementwise ops and matrix products over [8, 8]
/// float32 values: many independent branches, fan-out and fan-in.
func randomDAG(seed: UInt64, nodes: Int = 300) throws -> (Graph, Output, [Output]) {
  var rng = TestRandom(seed: seed)
  let g = Graph()
  let x = try g.placeholder(.float32, shape: [8, 8], name: "x")
  var pool = [x]
  for i in 0..<4 {
    pool.append(try g.constant(Tensor.f32(rng.uniform(64, in: -0.5...0.5), [8, 8]), name: "c\(i)"))
  }
  for _ in 0..<nodes {
    let a = pool[Int.random(in: 0..<pool.count, using: &rng)]
    let b = pool[Int.random(in: max(0, pool.count - 40)..<pool.count, using: &rng)]
    let y: Output
    switch Int.random(in: 0..<6, using: &rng) {
    case 0: y = try g.add(a, b)
    case 1: y = try g.subtract(a, b)
    case 2: y = try g.multiply(a, b)
    case 3: y = try g.matMul(a, b)
    case 4: y = try g.maximum(a, b)
    default: y = try g.minimum(a, b)
    }
    // Keep magnitudes bounded so that values stay finite.
    pool.append(try g.multiply(y, try g.constant(Tensor(Float(0.5)))))
  }
  let fetches = (0..<10).map { _ in pool[Int.random(in: (pool.count / 2)..<pool.count, using: &rng)] }
  return (g, x, fetches)
}

@Suite struct SchedulerTests {
  @Test func parallelRunsAreBitwiseIdenticalToSequential() throws {
    for seed in [1, 2, 3] as [UInt64] {
      let (g, x, fetches) = try randomDAG(seed: seed)
      var rng = TestRandom(seed: 99)
      let feed = Tensor.f32(rng.uniform(64), [8, 8])
      let reference = try Session(graph: g, options: SessionOptions(threads: 1)).run(fetches: fetches, feeds: [x: feed])
      let parallel = Session(graph: g, options: SessionOptions(threads: 2))
      let unplanned = Session(graph: g, options: SessionOptions(threads: 2, memoryPlanning: false))
      for _ in 0..<100 {
        #expect(try parallel.run(fetches: fetches, feeds: [x: feed]) == reference)
      }
      #expect(try unplanned.run(fetches: fetches, feeds: [x: feed]) == reference)
    }
  }

  @Test func memoryPlanningNeverReadsAReusedBuffer() throws {
    // Planned runs recycle buffers and compute in place; comparing every
    // fetch (including intermediate values fetched mid-graph) with an
    // unplanned run catches any value overwritten while still needed.
    let (g, x, fetches) = try randomDAG(seed: 7, nodes: 400)
    let all = g.nodes.filter { $0.op == "Mul" }.map { g.output($0) }
    var rng = TestRandom(seed: 5)
    let feed = Tensor.f32(rng.uniform(64), [8, 8])
    let unplanned = try Session(graph: g, options: SessionOptions(threads: 1, memoryPlanning: false))
      .run(fetches: fetches + all, feeds: [x: feed])
    let planned = Session(graph: g)
    for _ in 0..<20 {
      #expect(try planned.run(fetches: fetches, feeds: [x: feed]) == Array(unplanned.prefix(fetches.count)))
    }
    #expect(try planned.run(fetches: fetches + all, feeds: [x: feed]) == unplanned)
  }

  @Test func plannedPeakMemoryIsBelowUnplanned() throws {
    let g = Graph()
    let x = try g.placeholder(.float32, shape: [64, 64], name: "x")
    var y = x
    for _ in 0..<50 { y = try g.add(try g.multiply(y, y), x) }
    let feed = Tensor.f32(Array(repeating: 0.1, count: 4096), [64, 64])
    let planned = try Session(graph: g).run(fetches: [y], feeds: [x: feed], options: RunOptions())
    let unplanned = try Session(graph: g, options: SessionOptions(memoryPlanning: false))
      .run(fetches: [y], feeds: [x: feed], options: RunOptions())
    #expect(planned.outputs == unplanned.outputs)
    #expect(unplanned.metadata.peakBytes == 100 * 64 * 64 * 4)
    #expect(planned.metadata.peakBytes <= 3 * 64 * 64 * 4)
  }

  @Test func buffersAreReusedAcrossRuns() throws {
    let g = Graph()
    let x = try g.placeholder(.float32, shape: [256], name: "x")
    var y = x
    for _ in 0..<10 { y = try g.multiply(try g.add(y, x), x) }
    let s = Session(graph: g)
    let feed = Tensor.f32(Array(repeating: 0.5, count: 256), [256])
    _ = try s.run(fetches: [y], feeds: [x: feed], options: RunOptions())
    let second = try s.run(fetches: [y], feeds: [x: feed], options: RunOptions())
    // The fetched value is the only new buffer once the pool is warm.
    #expect(second.metadata.allocatedBytes <= 256 * 4)
  }

  /// A large fetched output leaves the run; once the caller drops it, its
  /// memory serves the next run's output instead of fresh pages from the
  /// system. One still held is never reused.
  @Test func droppedFetchedOutputsAreReusedByTheNextRun() throws {
    let g = Graph()
    let n = 512 * 512  // 1 MiB of float32, above BufferPool.recycleThreshold
    let x = try g.placeholder(.float32, shape: [n], name: "x")
    let y = try g.multiply(x, x)
    let s = Session(graph: g)
    let feed = Tensor.f32((0..<n).map { Double($0 % 7) }, [n])
    var reference: [Float] = []
    do {
      let first = try s.run(fetches: [y], feeds: [x: feed], options: RunOptions())
      #expect(first.metadata.allocatedBytes == n * 4)
      let second = try s.run(fetches: [y], feeds: [x: feed], options: RunOptions())
      #expect(second.metadata.allocatedBytes == n * 4, "a held output's memory must not be reused")
      #expect(second.outputs == first.outputs)
      reference = try first.outputs[0].scalars(as: Float.self)
    }
    // Both outputs are dead now: their memory is back in the session's pool.
    let third = try s.run(fetches: [y], feeds: [x: feed], options: RunOptions())
    #expect(third.metadata.allocatedBytes == 0)
    #expect(try third.outputs[0].scalars(as: Float.self) == reference)
    #expect(reference[6] == 36)
  }

  @Test func kernelErrorStopsTheRunAndTheSessionStaysUsable() throws {
    let g = Graph()
    let a = try g.placeholder(.float32, shape: nil, name: "a")
    let b = try g.placeholder(.float32, shape: nil, name: "b")
    var branches: [Output] = []
    for i in 0..<20 { branches.append(try g.multiply(try g.add(a, a), a, name: "ok\(i)")) }
    let bad = try g.add(a, b, name: "bad")
    let s = Session(graph: g, options: SessionOptions(threads: 2))
    for _ in 0..<20 {
      expectError(.shapeMismatch, containing: ["bad (AddV2)"]) {
        try s.run(fetches: branches + [bad], feeds: [a: Tensor.f32([1, 2], [2]), b: Tensor.f32([1, 2, 3], [3])])
      }
      let ok = try s.run(fetches: branches + [bad], feeds: [a: Tensor.f32([1, 2], [2]), b: Tensor.f32([1, 1], [2])])
      expectClose(ok[0], [2, 8])
      expectClose(ok[20], [2, 3])
    }
  }

  @Test func concurrentRunsFromManyThreads() async throws {
    let (g, x, fetches) = try randomDAG(seed: 11, nodes: 150)
    let v = try g.variable(Tensor.f32([0], [1]), name: "counter")
    // A locking update: the unlocked one (TensorFlow's default) is a data
    // race by design, which ThreadSanitizer, running these tests, reports.
    let bump = try g.assignAdd(v.ref, try g.constant(Tensor.f32([1], [1])), useLocking: true).node
    let s = Session(graph: g)
    try s.run(targets: [v.initializer])
    var rng = TestRandom(seed: 3)
    let feeds = (0..<4).map { _ in Tensor.f32(rng.uniform(64), [8, 8]) }
    let expected = try feeds.map { try Session(graph: g, options: SessionOptions(threads: 1)).run(fetches: fetches, feeds: [x: $0]) }
    try await withThrowingTaskGroup(of: Bool.self) { group in
      for t in 0..<8 {
        group.addTask {
          var ok = true
          for i in 0..<25 {
            let k = (t + i) % 4
            ok = try ok && (s.run(fetches: fetches, feeds: [x: feeds[k]]) == expected[k])
            try s.run(targets: [bump])
          }
          return ok
        }
      }
      for try await ok in group { #expect(ok) }
    }
    // AssignAdd without locking may lose updates under contention, as in
    // TensorFlow; the value is whole and within range. With locking, none
    // is lost.
    let count = try s.run(v.value).doubles()[0]
    #expect(count >= 1 && count <= 200)
    #expect(count == 200)
  }

  @Test func traceRecordsEveryNodeAndWritesChromeJSON() throws {
    let g = Graph()
    let x = try g.placeholder(.float32, shape: [4], name: "x")
    let y = try g.add(x, x, name: "double")
    let z = try g.multiply(y, y, name: "square")
    let result = try Session(graph: g).run(fetches: [z], feeds: [x: Tensor.f32([1, 2, 3, 4], [4])], options: RunOptions(trace: true))
    let trace = try #require(result.metadata.trace)
    #expect(trace.events.map(\.node) == ["double", "square"])
    #expect(trace.events.allSatisfy { $0.outputBytes == 16 })
    let json = try JSONSerialization.jsonObject(with: Data(trace.chromeTraceJSON().utf8)) as? [String: Any]
    let events = try #require(json?["traceEvents"] as? [[String: Any]])
    #expect(events.filter { $0["ph"] as? String == "X" }.compactMap { $0["name"] as? String } == ["double", "square"])
  }

  @Test func checkNumericsNamesTheFirstBadNode() throws {
    let g = Graph()
    let x = try g.placeholder(.float32, shape: [3], name: "x")
    let zero = try g.constant(Tensor.f32([0, 1, 0], [3]), name: "zero")
    let q = try g.divide(x, zero, name: "ratio")
    let r = try g.multiply(q, zero, name: "after")
    let s = Session(graph: g)
    let e = expectError(.runtime, containing: ["ratio (RealDiv)", "check-numerics", "inf", "x: float32[3] in [-1.0, 2.0]", "y: float32[3] in [0.0, 1.0]"]) {
      try s.run(fetches: [r], feeds: [x: Tensor.f32([1, 2, -1], [3])], options: RunOptions(checkNumerics: true))
    }
    #expect(e?.site?.fileID.hasSuffix("SchedulerTests.swift") == true)
    // Without the option the run completes with non-finite values.
    let v = try s.run(r, feeds: [x: Tensor.f32([1, 2, -1], [3])]).doubles()
    #expect(v[0].isNaN && v[1] == 2)
  }
}

@Suite struct ParallelKernelDeterminismTests {
  /// Large GEMMs split across threads, elementwise loops split in chunks,
  /// and single-row products on gemv: all must give the same bits with one
  /// thread or two.
  @Test func splitKernelsAreBitwiseIdenticalAcrossThreadCounts() throws {
    var rng = TestRandom(seed: 21)
    let g = Graph()
    let x = try g.placeholder(.float32, shape: [nil, 300], name: "x")
    let w = try g.constant(Tensor.f32(rng.uniform(300 * 400), [300, 400]))
    let v = try g.constant(Tensor.f32(rng.uniform(400 * 70), [70, 400]))
    let h = try g.tanh(try g.matMul(x, w))                    // split by columns
    let z = try g.matMul(h, v, transposeB: true)              // split by rows (n = 70)
    let s = try g.add(try g.multiply(z, z), z)                // chunked elementwise
    let rowVector = try g.matMul(try g.slice(x, begin: [0, 0], size: [1, 300]), w)  // gemv
    let feed = Tensor.f32(rng.uniform(200 * 300), [200, 300])
    let one = try Session(graph: g, options: SessionOptions(threads: 1)).run(fetches: [s, rowVector], feeds: [x: feed])
    let two = Session(graph: g, options: SessionOptions(threads: 2))
    for _ in 0..<5 { #expect(try two.run(fetches: [s, rowVector], feeds: [x: feed]) == one) }
    // And the GEMM matches a plain sgemm-free reference.
    let ref = MatMulTests.reference(feed.doubles().prefix(300).map { $0 }, w.node.attrs.tensor("value").doubles(), m: 1, n: 400, k: 300, ta: false, tb: false)
    expectClose(one[1], ref, shape: [1, 400], tolerance: 1e-4)
  }
}
