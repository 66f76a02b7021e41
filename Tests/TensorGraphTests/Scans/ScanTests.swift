import Testing
import TensorGraph
import TensorGraphTestSupport

/// Hand-worked values and identities of the scans and selections; the
/// nested-loop rows are in KernelCheckTable+Scans, TensorFlow's values in
/// Fixtures/ops/scans.safetensors.
@Suite struct CumulativeTests {
  @Test func everyModeByHand() throws {
    let g = Graph()
    let x = try g.constant(Tensor.f64([1, 2, 3, 4], [4]))
    expectClose(try evaluate(g.cumsum(x)), [1, 3, 6, 10], shape: [4], tolerance: 0)
    expectClose(try evaluate(g.cumsum(x, exclusive: true)), [0, 1, 3, 6], shape: [4], tolerance: 0)
    expectClose(try evaluate(g.cumsum(x, reverse: true)), [10, 9, 7, 4], shape: [4], tolerance: 0)
    expectClose(try evaluate(g.cumsum(x, exclusive: true, reverse: true)), [9, 7, 4, 0], shape: [4], tolerance: 0)
    expectClose(try evaluate(g.cumprod(x)), [1, 2, 6, 24], shape: [4], tolerance: 0)
    expectClose(try evaluate(g.cumprod(x, exclusive: true)), [1, 1, 2, 6], shape: [4], tolerance: 0)
    expectClose(try evaluate(g.cumprod(x, reverse: true)), [24, 24, 12, 4], shape: [4], tolerance: 0)
    expectClose(try evaluate(g.cumprod(x, exclusive: true, reverse: true)), [24, 12, 4, 1], shape: [4], tolerance: 0)
  }

  /// The last element of an inclusive cumsum is the Sum; reversing the
  /// input reverses the reversed scan.
  @Test func identitiesAgainstALoop() throws {
    var rng = TestRandom(seed: 7)
    let values = rng.uniform(5 * 37, in: -3...3)
    let g = Graph()
    let x = try g.constant(Tensor.f64(values, [5, 37]))
    let scanned = try evaluate(g.cumsum(x, axis: 1)).doubles()
    for r in 0..<5 {
      var acc = 0.0
      for j in 0..<37 {
        acc += values[r * 37 + j]
        #expect(scanned[r * 37 + j] == acc, "row \(r) column \(j)")
      }
    }
    let sums = try evaluate(g.sum(x, axes: [1])).doubles()
    for r in 0..<5 { #expect(Swift.abs(scanned[r * 37 + 36] - sums[r]) < 1e-12) }
  }

  @Test func signedZeroStartsAtTheIdentity() throws {
    // TensorFlow: cumsum([-0.0]) is +0 (0 + -0), cumprod([-0.0]) is -0.
    let g = Graph()
    let x = try g.constant(Tensor.f64([-0.0, -0.0], [2]))
    let s = try evaluate(g.cumsum(x)).doubles(), p = try evaluate(g.cumprod(x)).doubles()
    #expect(s[0] == 0 && s[0].sign == .plus && s[1].sign == .plus)
    #expect(p[0].sign == .minus && p[1].sign == .plus)
  }

  @Test func shapesAndErrorsNameTheNode() throws {
    let g = Graph()
    let x = try g.placeholder(.float32, shape: [nil, 3], name: "x")
    #expect(try g.cumsum(x, axis: 1).shape == [.unknown, 3])
    #expect(try g.cumprod(g.placeholder(.float64, shape: nil), axis: 5).shape == .unknown)
    expectError(.invalidArgument, containing: ["running_total", "[-2, 2)", "got 2", "[?, 3]"]) {
      try g.cumsum(x, axis: 2, name: "running_total")
    }
    let a = try g.placeholder(.int32, shape: nil, name: "a")
    let dynamic = try g.cumprod(x, axis: a, name: "products")
    expectError(.invalidArgument, containing: ["products", "Cumprod", "got -3", "[2, 3]"]) {
      try evaluate(dynamic, feeds: [x: try Tensor(zeros: [2, 3]), a: Tensor(Int32(-3))])
    }
    expectError(.invalidArgument, containing: ["products", "axis must be a scalar"]) {
      try evaluate(dynamic, feeds: [x: try Tensor(zeros: [2, 3]), a: Tensor([Int32(1)])])
    }
  }
}

@Suite struct TopKTests {
  @Test func tiesKeepTheLowerIndexFirst() throws {
    let g = Graph()
    let x = try g.constant(Tensor.f32([2, 1, 2, 1, 2, 0, 5, -0.0, 5, 0, 5, 5], [2, 6]))
    let top = try g.topK(x, k: 4)
    expectClose(try evaluate(top.values), [2, 2, 2, 1, 5, 5, 5, 5], shape: [2, 4], tolerance: 0)
    expectClose(try evaluate(top.indices), [0, 2, 4, 1, 0, 2, 4, 5], shape: [2, 4], tolerance: 0)
    #expect(top.indices.dtype == .int32 && top.values.node.name == "TopKV2")
  }

  /// The heap path (k well below n) against a full stable sort.
  @Test func longRowsMatchAStableSort() throws {
    var rng = TestRandom(seed: 11)
    let values = rng.uniform(4 * 500, in: -5...5).map { $0.rounded() }
    let g = Graph()
    let top = try g.topK(try g.constant(Tensor.f64(values, [4, 500])), k: 9, indexType: .int64)
    let want = ScanReference.topK(values, [4, 500], k: 9)
    expectClose(try evaluate(top.values), want.values, shape: [4, 9], tolerance: 0)
    expectClose(try evaluate(top.indices), want.indices, shape: [4, 9], tolerance: 0)
  }

  @Test func nanComesAfterEveryNumber() throws {
    let g = Graph()
    let top = try g.topK(try g.constant(Tensor.f64([.nan, 1, .nan, -.infinity], [4])), k: 3)
    let v = try evaluate(top.values).doubles()
    #expect(v[0] == 1 && v[1] == -.infinity && v[2].isNaN)
    expectClose(try evaluate(top.indices), [1, 3, 0], shape: [3], tolerance: 0)
  }

  @Test func errorsNameTheNodeAndShape() throws {
    let g = Graph()
    let x = try g.constant(Tensor.f64([1, 2, 3, 4, 5, 6], [2, 3]))
    expectError(.invalidArgument, containing: ["best", "TopKV2", "at least k columns", "Had 3, needed 4", "[2, 3]"]) {
      try g.topK(x, k: 4, name: "best")
    }
    expectError(.invalidArgument, containing: ["Need k >= 0, got -1"]) { try g.topK(x, k: -1) }
    let p = try g.placeholder(.float64, shape: nil, name: "p")
    let k = try g.placeholder(.int32, shape: nil, name: "k")
    let top = try g.topK(p, k: k, name: "fed")
    #expect(top.values.shape == .unknown)
    expectError(.invalidArgument, containing: ["fed", "Had 3, needed 5", "[2, 3]"]) {
      try Session(graph: g).run(fetches: [top.values], feeds: [p: Tensor.f64([1, 2, 3, 4, 5, 6], [2, 3]), k: Tensor(Int32(5))])
    }
    expectError(.invalidArgument, containing: ["fed", "input must be >= 1-D"]) {
      try Session(graph: g).run(fetches: [top.values], feeds: [p: Tensor.f64([1], []), k: Tensor(Int32(1))])
    }
    let partial = try g.placeholder(.float32, shape: [nil, 7])
    #expect(try g.topK(partial, k: 2).indices.shape == [.unknown, 2])
  }

  /// The gradient lands on the positions the values came from, even with
  /// int64 indices (where TensorFlow's _TopKGrad fails).
  @Test func gradientScattersIntoThePositions() throws {
    for indexType in [DType.int32, .int64] {
      let g = Graph()
      let x = try g.constant(Tensor.f64([3, 9, 1, 7, 4, 6], [2, 3]))
      let top = try g.topK(x, k: 2, indexType: indexType)
      let w = try g.constant(Tensor.f64([10, 20, 30, 40], [2, 2]))
      let dx = try g.gradients(of: try g.sum(try g.multiply(top.values, w)), with: [x])[0]!
      expectClose(try evaluate(dx), [20, 10, 0, 30, 0, 40], shape: [2, 3], tolerance: 0)
    }
  }
}

@Suite struct ArgMinTests {
  /// TensorFlow's ArgMin and ArgMax ignore NaN (checked against TensorFlow
  /// 2.21: argmax([1, NaN, 3, 2]) = 2, argmin([NaN, 1, 3]) = 1), and a
  /// row where nothing beats the starting value gives 0.
  @Test func nanIsIgnored() throws {
    let g = Graph()
    let x = try g.constant(Tensor.f64([1, .nan, 3, 2, .nan, 1, 3, -1, .nan, .nan, .nan, .nan], [3, 4]))
    expectClose(try evaluate(g.argMin(x, axis: 1)), [0, 3, 0], shape: [3], tolerance: 0)
    expectClose(try evaluate(g.argMax(x, axis: 1)), [2, 2, 0], shape: [3], tolerance: 0)
    expectClose(try evaluate(g.argMin(x, axis: 0)), [0, 1, 0, 1], shape: [4], tolerance: 0)
    expectClose(try evaluate(g.argMax(x, axis: 0)), [0, 1, 0, 0], shape: [4], tolerance: 0)
  }

  @Test func infinitiesNeverWinTheirOwnSide() throws {
    // argmin([NaN, +inf]) = 0 and argmax([NaN, -inf]) = 0, as TensorFlow:
    // +inf is not below the highest finite value.
    let g = Graph()
    let x = try g.constant(Tensor.f32([.nan, .infinity, .nan, -.infinity, .infinity, 5], [3, 2]))
    expectClose(try evaluate(g.argMin(x, axis: 1)), [0, 1, 1], shape: [3], tolerance: 0)
    expectClose(try evaluate(g.argMax(x, axis: 1)), [1, 0, 0], shape: [3], tolerance: 0)
  }

  @Test func longRowsWithNaNMatchTheScan() throws {
    var values = (0..<100).map { Double(($0 * 37) % 23) }
    for i in [0, 5, 64, 99] { values[i] = .nan }
    let g = Graph()
    let x = try g.constant(Tensor.f32(values, [2, 50]))
    let start = Double(Float.greatestFiniteMagnitude)
    let want = ScanReference.arg(values, [2, 50], axis: 1, max: false, start: start)
    expectClose(try evaluate(g.argMin(x, axis: 1)), want.values, shape: [2], tolerance: 0)
    let wantMax = ScanReference.arg(values, [2, 50], axis: 1, max: true, start: -start)
    expectClose(try evaluate(g.argMax(x, axis: 1)), wantMax.values, shape: [2], tolerance: 0)
  }

  @Test func errorsNameTheNode() throws {
    let g = Graph()
    let empty = try g.constant(try Tensor(zeros: [2, 0]))
    expectError(.invalidArgument, containing: ["smallest", "argmin", "axis 1", "empty"]) {
      try g.argMin(empty, axis: 1, name: "smallest")
    }
    let x = try g.placeholder(.float32, shape: nil, name: "x")
    let d = try g.placeholder(.int32, shape: [], name: "d")
    let dynamic = try g.argMin(x, axis: d, name: "where_lowest")
    expectError(.invalidArgument, containing: ["where_lowest", "dimension 2 is out of range", "[2, 2]"]) {
      try evaluate(dynamic, feeds: [x: try Tensor(zeros: [2, 2]), d: Tensor(Int32(2))])
    }
  }
}

@Suite struct LogicalReductionTests {
  @Test func byHand() throws {
    let g = Graph()
    let x = try g.constant(try Tensor(shape: [2, 3], scalars: [true, false, true, true, true, true]))
    expectClose(try evaluate(g.reduceAll(x, axes: [1])), [0, 1], shape: [2], tolerance: 0)
    expectClose(try evaluate(g.reduceAny(x, axes: [0])), [1, 1, 1], shape: [3], tolerance: 0)
    expectClose(try evaluate(g.reduceAll(x)), [0], shape: [], tolerance: 0)
    expectClose(try evaluate(g.reduceAll(x, axes: [0], keepDims: true)), [1, 0, 1], shape: [1, 3], tolerance: 0)
    let empty = try g.constant(try Tensor(shape: [2, 0], scalars: [Bool]()))
    expectClose(try evaluate(g.reduceAll(empty, axes: [1])), [1, 1], shape: [2], tolerance: 0)
    expectClose(try evaluate(g.reduceAny(empty, axes: [1])), [0, 0], shape: [2], tolerance: 0)
    expectError(.invalidArgument, containing: ["checks", "axis 2 is out of range"]) {
      try g.reduceAll(x, axes: [2], name: "checks")
    }
    let f = try g.constant(Tensor.f32([1], [1]))
    expectError(.dtypeMismatch) { try g.reduceAny(f) }
  }
}

@Suite struct InTopKTests {
  @Test func tiesCountAsInAndNonFiniteRowsAreOut() throws {
    let g = Graph()
    let p = try g.constant(Tensor.f32([0.1, 0.5, 0.5, 0.2, 0.3, .infinity, 0.1, 0.2], [2, 4]))
    let t = try g.constant(Tensor([Int32(2), 0]))
    expectClose(try evaluate(g.inTopK(targets: t, predictions: p, k: 1)), [1, 0], shape: [2], tolerance: 0)
    let t64 = try g.constant(Tensor([Int64(7), 1]))
    expectClose(try evaluate(g.inTopK(targets: t64, predictions: p, k: 4)), [0, 0], shape: [2], tolerance: 0)
    expectError(.shapeMismatch, containing: ["in_top_k", "First dimension"]) {
      try g.inTopK(targets: try g.constant(Tensor([Int32(0)])), predictions: p, k: 1)
    }
  }
}
