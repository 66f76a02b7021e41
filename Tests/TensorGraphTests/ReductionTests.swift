import Foundation
import Testing
import TensorGraph
import TensorGraphTestSupport

/// Reduces by grouping elements by their output position, then applying
/// `op` to each group (integer Mean truncates toward zero).
func referenceReduce(
  _ x: [Double], _ shape: [Int], axes: [Int], keepDims: Bool, op: String, integer: Bool = false
) -> ([Double], [Int]) {
  let reduced = Set(axes.map { $0 < 0 ? $0 + shape.count : $0 })
  let keptShape = shape.enumerated().map { reduced.contains($0.offset) ? 1 : $0.element }
  let outShape = keepDims ? keptShape : shape.enumerated().filter { !reduced.contains($0.offset) }.map(\.element)
  var groups = [[Double]](repeating: [], count: keptShape.reduce(1, *))
  for flat in 0..<x.count {
    var index = unravel(flat, shape)
    for a in reduced { index[a] = 0 }
    groups[ravel(index, keptShape)].append(x[flat])
  }
  let values = groups.map { g -> Double in
    switch op {
    case "Sum": return g.reduce(0, +)
    case "Prod": return g.reduce(1, *)
    case "Max": return g.reduce(-.infinity) { Swift.max($0, $1) }
    case "Min": return g.reduce(.infinity) { Swift.min($0, $1) }
    default:
      if integer { return g.isEmpty ? 0 : (g.reduce(0, +) / Double(g.count)).rounded(.towardZero) }
      return g.reduce(0, +) / Double(g.count)
    }
  }
  return (values, outShape)
}

let reductionOps = ["Sum", "Mean", "Max", "Min", "Prod"]

extension Graph {
  /// The builder for reduction `op` with constant axes.
  func reduction(_ op: String, _ x: Output, _ axes: [Int]?, keepDims: Bool = false) throws -> Output {
    switch op {
    case "Sum": return try sum(x, axes: axes, keepDims: keepDims)
    case "Mean": return try mean(x, axes: axes, keepDims: keepDims)
    case "Max": return try reduceMax(x, axes: axes, keepDims: keepDims)
    case "Min": return try reduceMin(x, axes: axes, keepDims: keepDims)
    default: return try prod(x, axes: axes, keepDims: keepDims)
    }
  }
}

@Suite struct ReductionTests {
  /// Every op, every subset of a rank-4 tensor's axes, both keepDims.
  @Test(arguments: reductionOps, [false, true])
  func everyAxisSubsetOfRank4(_ op: String, _ keepDims: Bool) throws {
    let shape = [2, 3, 4, 5]
    let x = smallIntegers(120, in: -3...3, seed: 7)
    let g = Graph()
    let input = try g.constant(Tensor.f64(x, shape))
    for axes in subsets(4) {
      let y = try g.reduction(op, input, axes, keepDims: keepDims)
      let expected = referenceReduce(x, shape, axes: axes, keepDims: keepDims, op: op)
      #expect(y.shape == PartialShape(expected.1), "\(op) over \(axes)")
      expectClose(try evaluate(y), expected.0, shape: expected.1, tolerance: 1e-12)
    }
  }

  @Test(arguments: reductionOps, [DType.float32, .float64, .int32, .int64, .uint8])
  func everyDType(_ op: String, _ dtype: DType) throws {
    let x = smallIntegers(12, in: 1...3, seed: 11)
    let g = Graph()
    let input = try g.constant(Tensor.of(x, [3, 4], dtype))
    for axes in [[0], [1], [0, 1], [-1]] {
      let y = try g.reduction(op, input, axes)
      let out = try evaluate(y)
      #expect(out.dtype == dtype)
      let expected = referenceReduce(x, [3, 4], axes: axes, keepDims: false, op: op, integer: dtype.isInteger)
      expectClose(out, expected.0, shape: expected.1, tolerance: 1e-6)
    }
  }

  /// Sizes that cross the eight-lane row loop and every coalescing case:
  /// whole rows, columns, middle axes, outer-and-inner axes.
  @Test(arguments: [([1001], [0]), ([37, 130], [1]), ([1000, 7], [0]), ([5, 100, 7], [1]), ([5, 100, 7], [0, 2]),
                    ([4, 1, 9, 1, 3], [0, 3]), ([6, 1, 1], [1, 2])])
  func largerShapes(_ shape: [Int], _ axes: [Int]) throws {
    var rng = TestRandom(seed: 5)
    let x = rng.uniform(shape.reduce(1, *))
    let g = Graph()
    let input = try g.constant(Tensor.f64(x, shape))
    for op in ["Sum", "Mean", "Max", "Min"] {
      let expected = referenceReduce(x, shape, axes: axes, keepDims: false, op: op)
      expectClose(try evaluate(g.reduction(op, input, axes)), expected.0, shape: expected.1, tolerance: 1e-12)
    }
  }

  @Test func negativeScalarAndInt64AxesFromTensors() throws {
    let g = Graph()
    let x = try g.constant(Tensor.f32([1, 2, 3, 4, 5, 6], [2, 3]))
    let scalarAxis = try g.sum(x, axes: g.constant(Tensor(Int32(-1))))
    #expect(scalarAxis.shape == [2])
    expectClose(try evaluate(scalarAxis), [6, 15], shape: [2])
    let axes = try g.placeholder(.int64, shape: [nil], name: "axes")
    let y = try g.reduceMax(x, axes: axes, keepDims: true)
    #expect(y.shape == .unknown(rank: 2))
    expectClose(try evaluate(y, feeds: [axes: Tensor.i64([-2])]), [4, 5, 6], shape: [1, 3])
    expectClose(try evaluate(y, feeds: [axes: Tensor.i64([])]), [1, 2, 3, 4, 5, 6], shape: [2, 3])
    #expect(try g.sum(x, axes: axes).shape == .unknown)
    #expect(try g.mean(x, axes: axes).shape == .unknown && g.reduceMin(x, axes: axes).shape == .unknown)
  }

  @Test func noAxesIsTheIdentityAndSharesStorage() throws {
    let t = Tensor.f32([1, -0.0, 3], [3])
    let g = Graph()
    for op in reductionOps {
      let y = try g.reduction(op, g.constant(t), [])
      #expect(y.shape == [3])
      let out = try evaluate(y)
      #expect(out.storage === t.storage)
    }
    // Only size-1 axes reduced: also no work.
    let u = Tensor.f32([1, 2, 3], [1, 3])
    #expect(try evaluate(g.sum(g.constant(u), axes: [0])).storage === u.storage)
  }

  @Test func emptyReductionsGiveTheIdentity() throws {
    let g = Graph()
    let f = try g.constant(try Tensor(zeros: [0, 3]))
    expectClose(try evaluate(g.sum(f, axes: [0])), [0, 0, 0], shape: [3])
    expectClose(try evaluate(g.prod(f, axes: [0])), [1, 1, 1], shape: [3])
    expectClose(try evaluate(g.reduceMax(f, axes: [0])), Array(repeating: -.infinity, count: 3), shape: [3])
    expectClose(try evaluate(g.reduceMin(f, axes: [0])), Array(repeating: .infinity, count: 3), shape: [3])
    expectClose(try evaluate(g.mean(f, axes: [0])), Array(repeating: .nan, count: 3), shape: [3])
    #expect(try evaluate(g.sum(f, axes: [1])).shape == [0])
    #expect(try evaluate(g.sum(f, axes: [1], keepDims: true)).shape == [0, 1])
    let i = try g.constant(Tensor.of([], [2, 0], .int32))
    expectClose(try evaluate(g.reduceMax(i, axes: [1])), [Double(Int32.min), Double(Int32.min)], shape: [2], tolerance: 0)
    expectClose(try evaluate(g.reduceMin(i, axes: [1])), [Double(Int32.max), Double(Int32.max)], shape: [2], tolerance: 0)
    expectClose(try evaluate(g.mean(i, axes: [1])), [0, 0], shape: [2], tolerance: 0)
    let u = try g.constant(Tensor.of([], [0], .uint8))
    expectClose(try evaluate(g.reduceMin(u)), [255], shape: [], tolerance: 0)
  }

  @Test func integerMeanTruncatesAndSumsIn64Bits() throws {
    let g = Graph()
    expectClose(try evaluate(g.mean(g.constant(Tensor([Int32(1), 2])))), [1], shape: [], tolerance: 0)
    expectClose(try evaluate(g.mean(g.constant(Tensor([Int32(-1), -2])))), [-1], shape: [], tolerance: 0)
    expectClose(try evaluate(g.mean(g.constant(Tensor([Int32.max, Int32.max])))), [Double(Int32.max)], tolerance: 0)
    expectClose(try evaluate(g.mean(g.constant(Tensor([UInt8(255), 255, 254])))), [254], tolerance: 0)
    // int32 Sum wraps, as TensorFlow's.
    let wrapped = try evaluate(g.sum(g.constant(Tensor([Int32.max, 1]))))
    #expect(try wrapped.scalar(as: Int32.self) == Int32.min)
    let product = try evaluate(g.prod(g.constant(Tensor([Int64.max, 2]))))
    #expect(try product.scalar(as: Int64.self) == -2)
  }

  @Test func nanPropagatesThroughMaxAndMin() throws {
    let g = Graph()
    let x = try g.constant(Tensor.f32([1, .nan, 3, 4, 5, 6], [2, 3]))
    for op in ["Max", "Min"] {
      expectClose(try evaluate(g.reduction(op, x, [1])), [.nan, op == "Max" ? 6 : 4], shape: [2])
      let columns = try evaluate(g.reduction(op, x, [0]))
      expectClose(columns, [op == "Max" ? 4 : 1, .nan, op == "Max" ? 6 : 3], shape: [3])
      expectClose(try evaluate(g.reduction(op, x, nil)), [.nan], shape: [])
    }
  }

  @Test func shapeInferenceAndNames() throws {
    let g = Graph()
    let x = try g.placeholder(.float32, shape: [nil, 3], name: "x")
    #expect(try g.sum(x, axes: [1]).shape == [.unknown])
    #expect(try g.sum(x, axes: [1], keepDims: true).shape == [.unknown, 1])
    #expect(try g.sum(x, axes: [0]).shape == [3])
    #expect(try g.sum(x).shape == .scalar)
    #expect(try g.sum(x, keepDims: true).shape == [1, 1])
    #expect(g.node(named: "Sum/reduction_indices")?.op == "Const")
    #expect(g.node(named: "Sum_1/reduction_indices") != nil)
    let m = try g.mean(x, axes: [0], name: "loss")
    #expect(m.node.name == "loss" && g.node(named: "loss/reduction_indices") != nil)
    let u = try g.placeholder(.float32, shape: nil, name: "u")
    #expect(try g.sum(u, axes: [0]).shape == .unknown)
    // Every axis of an unknown rank: the flattened input is reduced.
    let all = try g.sum(u)
    #expect(all.shape == .scalar)
    expectClose(try evaluate(all, feeds: [u: Tensor.f32([1, 2, 3, 4], [2, 2])]), [10], shape: [])
    expectError(.invalidArgument, containing: ["keepDims", "rank"]) { try g.sum(u, keepDims: true) }
  }

  @Test func axisErrors() throws {
    let g = Graph()
    let x = try g.placeholder(.float32, shape: [2, 3], name: "x")
    expectError(.invalidArgument, containing: ["Sum (Sum)", "axis 2 is out of range", "[2, 3]", "[-2, 2)"]) {
      try g.sum(x, axes: [2])
    }
    expectError(.invalidArgument, containing: ["axes [0, -2]", "dimension 0 more than once"]) { try g.mean(x, axes: [0, -2]) }
    let axes = try g.placeholder(.int32, shape: [nil], name: "axes")
    let y = try g.prod(x, axes: axes)
    let feed = try Tensor(zeros: [2, 3])
    expectError(.invalidArgument, containing: ["dimension 1 more than once"]) {
      try evaluate(y, feeds: [x: feed, axes: Tensor.i32([1, 1])])
    }
    expectError(.invalidArgument, containing: ["axis -3 is out of range"]) {
      try evaluate(y, feeds: [x: feed, axes: Tensor.i32([-3])])
    }
    let matrix = try g.constant(Tensor.of([0, 1], [1, 2], .int32))
    expectError(.shapeMismatch, containing: ["'reduction_indices' must be a scalar or a vector"]) {
      try g.sum(x, axes: matrix)
    }
    let flags = try g.constant(Tensor([true]))
    expectError(.invalidAttribute, containing: ["'T' is bool"]) { try g.sum(flags) }
  }
}

/// ArgMax by scanning as TensorFlow's kernel does: the first index of the
/// maximum, starting from index 0 at the lowest finite value; NaN never
/// wins.
func referenceArgMax(_ x: [Double], _ shape: [Int], axis: Int) -> ([Double], [Int]) {
  var outShape = shape
  outShape.remove(at: axis)
  let n = outShape.reduce(1, *)
  return ((0..<n).map { flat in
    var index = unravel(flat, outShape)
    index.insert(0, at: axis)
    var best = 0, bestValue = -Double.greatestFiniteMagnitude
    for j in 0..<shape[axis] {
      index[axis] = j
      let v = x[ravel(index, shape)]
      if v > bestValue {
        best = j
        bestValue = v
      }
    }
    return Double(best)
  }, outShape)
}

@Suite struct ArgMaxTests {
  @Test(arguments: [0, 1, 2, -1])
  func everyAxisWithTies(_ axis: Int) throws {
    let shape = [3, 4, 5]
    let x = smallIntegers(60, in: 0...3, seed: 13)
    let g = Graph()
    let y = try g.argMax(g.constant(Tensor.f32(x, shape)), axis: axis)
    #expect(y.dtype == .int64 && y.node.name == "ArgMax" && g.node(named: "ArgMax/dimension") != nil)
    let expected = referenceArgMax(x, shape, axis: axis < 0 ? axis + 3 : axis)
    #expect(y.shape == PartialShape(expected.1))
    expectClose(try evaluate(y), expected.0, shape: expected.1, tolerance: 0)
  }

  @Test(arguments: [DType.float32, .float64, .int32, .int64, .uint8], [DType.int32, .int64])
  func everyDType(_ dtype: DType, _ outputType: DType) throws {
    let x = smallIntegers(12, in: 0...5, seed: 17)
    let g = Graph()
    let y = try g.argMax(g.constant(Tensor.of(x, [3, 4], dtype)), axis: 1, outputType: outputType)
    let out = try evaluate(y)
    #expect(out.dtype == outputType)
    expectClose(out, referenceArgMax(x, [3, 4], axis: 1).0, shape: [3], tolerance: 0)
  }

  /// TensorFlow 2.21's ArgMax ignores NaN (it never beats the running
  /// maximum); a row of NaNs gives 0.
  @Test func nanIsIgnored() throws {
    let g = Graph()
    let x = try g.constant(Tensor.f64([1, .nan, 3, .nan, 7, 2, .nan, .nan, .nan], [3, 3]))
    expectClose(try evaluate(g.argMax(x, axis: 1)), [2, 1, 0], shape: [3], tolerance: 0)
    expectClose(try evaluate(g.argMax(x, axis: 0)), [0, 1, 0], shape: [3], tolerance: 0)
  }

  @Test func shapeInferenceAndErrors() throws {
    let g = Graph()
    let x = try g.placeholder(.float32, shape: [nil, 3], name: "x")
    #expect(try g.argMax(x, axis: 1).shape == [.unknown])
    #expect(try g.argMax(x, axis: 0).shape == [3])
    let d = try g.placeholder(.int32, shape: [], name: "d")
    let dynamic = try g.argMax(x, axis: d)
    #expect(dynamic.shape == .unknown(rank: 1))
    #expect(try g.argMax(g.placeholder(.float32, shape: [nil]), axis: 0).shape == .scalar)
    expectError(.invalidArgument, containing: ["dimension 2 is out of range", "[-2, 2)"]) { try g.argMax(x, axis: 2) }
    let empty = try g.constant(try Tensor(zeros: [2, 0]))
    expectError(.invalidArgument, containing: ["axis 1", "empty"]) { try g.argMax(empty, axis: 1) }
    expectError(.invalidArgument, containing: ["dimension -3"]) {
      try evaluate(dynamic, feeds: [x: try Tensor(zeros: [2, 3]), d: Tensor(Int32(-3))])
    }
    expectError(.invalidArgument, containing: ["the axis is empty"]) {
      try evaluate(dynamic, feeds: [x: try Tensor(zeros: [0, 3]), d: Tensor(Int32(0))])
    }
    // Empty outputs along a non-empty axis are fine.
    #expect(try evaluate(g.argMax(g.constant(try Tensor(zeros: [0, 3])), axis: 1)).shape == [0])
  }
}

@Suite struct HugeEmptyTensorTests {
  /// A tensor of shape [2⁴⁰, 0, 2⁴⁰] holds no elements, but reducing or
  /// reordering away its zero leaves an unrepresentable shape: a thrown
  /// error, never a trap.
  @Test func unrepresentableResultsThrow() throws {
    let big = 1 << 40
    let x = try Tensor(zeros: [big, 0, big])
    let g = Graph()
    let c = try g.constant(x)
    expectError(.invalidArgument, containing: ["too many elements"]) { try evaluate(g.sum(c, axes: [1])) }
    expectError(.invalidArgument, containing: ["too many elements"]) { try evaluate(g.transpose(c, perm: [0, 2, 1])) }
    #expect(try evaluate(g.sum(c, axes: [0, 2])).shape == [0])
    #expect(try evaluate(g.transpose(c, perm: [1, 0, 2])).shape == [0, big, big])
  }
}
