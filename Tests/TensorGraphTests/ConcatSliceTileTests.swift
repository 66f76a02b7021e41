import Testing
import TensorGraph
import TensorGraphTestSupport

// ConcatV2, Pack, Slice, Tile and BroadcastTo against index-arithmetic
// references.

func referenceConcat(_ parts: [([Double], [Int])], axis: Int) -> ([Double], [Int]) {
  var shape = parts[0].1
  shape[axis] = parts.map { $0.1[axis] }.reduce(0, +)
  let n = shape.reduce(1, *)
  var out = [Double](repeating: 0, count: n)
  for flat in 0..<n {
    var index = unravel(flat, shape)
    var k = 0
    while index[axis] >= parts[k].1[axis] {
      index[axis] -= parts[k].1[axis]
      k += 1
    }
    out[flat] = parts[k].0[ravel(index, parts[k].1)]
  }
  return (out, shape)
}

func referenceSlice(_ x: [Double], _ shape: [Int], begin: [Int], size: [Int]) -> ([Double], [Int]) {
  let outShape = zip(zip(shape, begin), size).map { ($0.1 == -1) ? $0.0.0 - $0.0.1 : $0.1 }
  let n = outShape.reduce(1, *)
  return ((0..<n).map { flat in
    let i = unravel(flat, outShape)
    return x[ravel(zip(i, begin).map(+), shape)]
  }, outShape)
}

/// Broadcasting and tiling in one: out[i] = x[i mod shape] along each
/// dimension of the (left-padded) input.
func referenceRepeat(_ x: [Double], _ shape: [Int], to outShape: [Int]) -> [Double] {
  let padded = Array(repeating: 1, count: outShape.count - shape.count) + shape
  let n = outShape.reduce(1, *)
  return (0..<n).map { flat in
    let i = unravel(flat, outShape)
    return x[ravel(zip(i, padded).map { $0 % $1 }, padded)]
  }
}

@Suite struct ConcatTests {
  static let cases: [([[Int]], Int)] = [
    ([[2, 3], [2, 4]], 1), ([[2, 3], [4, 3]], 0), ([[2, 3], [2, 1], [2, 2]], -1), ([[2, 3, 4], [2, 1, 4]], 1),
    ([[2, 3, 4], [2, 3, 5]], -1), ([[1, 3, 4], [2, 3, 4], [3, 3, 4]], -3), ([[2, 0], [2, 3]], 1), ([[5], [0], [2]], 0),
    ([[2, 20], [2, 3]], 1), ([[3, 17], [3, 17], [3, 1]], 1), ([[4, 1], [4, 1], [4, 1]], 1),
  ]

  @Test(arguments: cases)
  func matchesReference(_ shapes: [[Int]], _ axis: Int) throws {
    let parts = shapes.enumerated().map { (k, s) in (smallIntegers(s.reduce(1, *), seed: UInt64(k + 1)), s) }
    let g = Graph()
    let y = try g.concat(parts.map { try g.constant(Tensor.f32($0.0, $0.1)) }, axis: axis)
    let rank = shapes[0].count
    let expected = referenceConcat(parts, axis: axis < 0 ? axis + rank : axis)
    #expect(y.shape == PartialShape(expected.1))
    expectClose(try evaluate(y), expected.0, shape: expected.1, tolerance: 0)
  }

  @Test(arguments: allDTypes)
  func everyDType(_ dtype: DType) throws {
    let a = smallIntegers(6, in: 0...1), b = smallIntegers(4, in: 0...1, seed: 2)
    let g = Graph()
    let y = try g.concat([g.constant(Tensor.of(a, [2, 3], dtype)), g.constant(Tensor.of(b, [2, 2], dtype))], axis: 1)
    #expect(y.node.name == "concat" && g.node(named: "concat/axis")?.op == "Const")
    let out = try evaluate(y)
    #expect(out.dtype == dtype)
    expectClose(out, referenceConcat([(a, [2, 3]), (b, [2, 2])], axis: 1).0, shape: [2, 5], tolerance: 0)
  }

  @Test func shapeInference() throws {
    let g = Graph()
    let a = try g.placeholder(.float32, shape: [nil, 3], name: "a")
    let b = try g.placeholder(.float32, shape: [2, 3], name: "b")
    let c = try g.placeholder(.float32, shape: [nil, 4], name: "c")
    let u = try g.placeholder(.float32, shape: nil, name: "u")
    let axis = try g.placeholder(.int32, shape: [], name: "axis")
    #expect(try g.concat([a, b], axis: 0).shape == [.unknown, 3])
    #expect(try g.concat([a, b], axis: 1).shape == [2, 6])
    #expect(try g.concat([a, c], axis: -1).shape == [.unknown, 7])
    #expect(try g.concat([a, b], axis: axis).shape == .unknown(rank: 2))
    #expect(try g.concat([a, u], axis: 1).shape == [.unknown, .unknown])
    #expect(try g.concat([u, u], axis: 0).shape == .unknown)
    // One value: an Identity.
    let single = try g.concat([b], axis: 1)
    #expect(single.node.op == "Identity" && single.shape == [2, 3])
  }

  @Test func errors() throws {
    let g = Graph()
    let a = try g.placeholder(.float32, shape: [2, 3], name: "a")
    let b = try g.placeholder(.float32, shape: [3, 3], name: "b")
    let v = try g.placeholder(.float32, shape: [3], name: "v")
    let s = try g.placeholder(.float32, shape: [], name: "s")
    expectError(.shapeMismatch, containing: ["values[1] has shape [3, 3]", "axis 1"]) { try g.concat([a, b], axis: 1) }
    expectError(.shapeMismatch, containing: ["same rank", "values[1] has shape [3]"]) { try g.concat([a, v], axis: 0) }
    expectError(.invalidArgument, containing: ["axis 2 is out of range", "[-2, 2)"]) { try g.concat([a, b], axis: 2) }
    expectError(.invalidArgument, containing: ["axis -3"]) { try g.concat([a, b], axis: -3) }
    expectError(.invalidArgument, containing: ["cannot concatenate scalars"]) { try g.concat([s, s], axis: 0) }
    expectError(.invalidArgument, containing: ["axis 3"]) { try g.concat([a], axis: 3) }
    let axis = try g.constant(Tensor.i32([0]))
    expectError(.shapeMismatch, containing: ["'axis' must be a scalar"]) { try g.concat([a, b], axis: axis) }
    expectError(.invalidArgument, containing: ["at least 2 value(s)", "got 1"]) {
      try g.addNode(op: "ConcatV2", inputs: [a, g.constant(Tensor(Int32(0)))])
    }
    // At run time.
    let p = try g.placeholder(.float32, shape: [nil, 3], name: "p")
    let q = try g.placeholder(.float32, shape: [nil, 3], name: "q")
    let y = try g.concat([p, q], axis: 1)
    expectError(.shapeMismatch, containing: ["values[1] has shape [3, 3]", "values[0] has shape [2, 3]"]) {
      try evaluate(y, feeds: [p: try Tensor(zeros: [2, 3]), q: try Tensor(zeros: [3, 3])])
    }
    let dynamicAxis = try g.placeholder(.int64, shape: [], name: "dynamicAxis")
    let z = try g.concat([p, q], axis: dynamicAxis)
    expectError(.invalidArgument, containing: ["axis 7 is out of range"]) {
      try evaluate(z, feeds: [p: try Tensor(zeros: [2, 3]), q: try Tensor(zeros: [2, 3]), dynamicAxis: Tensor(Int64(7))])
    }
    expectClose(
      try evaluate(z, feeds: [p: try Tensor(zeros: [2, 3]), q: try Tensor(zeros: [2, 3]), dynamicAxis: Tensor(Int64(-2))]),
      Array(repeating: 0, count: 12), shape: [4, 3])
  }
}

@Suite struct PackTests {
  @Test(arguments: [0, 1, 2, -1, -2, -3])
  func everyAxisOfRank2Inputs(_ axis: Int) throws {
    let parts = (0..<3).map { k in (smallIntegers(6, seed: UInt64(k + 5)), [2, 3]) }
    let g = Graph()
    let y = try g.stack(parts.map { try g.constant(Tensor.f64($0.0, $0.1)) }, axis: axis)
    // Stacking = concatenating inputs reshaped with a 1 at the axis.
    let a = axis < 0 ? axis + 3 : axis
    var unit = [2, 3]
    unit.insert(1, at: a)
    let expected = referenceConcat(parts.map { ($0.0, unit) }, axis: a)
    #expect(y.shape == PartialShape(expected.1))
    expectClose(try evaluate(y), expected.0, shape: expected.1, tolerance: 0)
  }

  @Test(arguments: allDTypes)
  func scalarsIntoAVectorInEveryDType(_ dtype: DType) throws {
    let g = Graph()
    let y = try g.stack([0, 1, 1].map { try g.constant(Tensor.of([$0], [], dtype)) })
    #expect(y.node.name == "stack")
    let out = try evaluate(y)
    #expect(out.dtype == dtype)
    expectClose(out, [0, 1, 1], shape: [3], tolerance: 0)
  }

  @Test func shapeInferenceEmptyAndErrors() throws {
    let g = Graph()
    let a = try g.placeholder(.float32, shape: [nil, 3], name: "a")
    let b = try g.placeholder(.float32, shape: [2, nil], name: "b")
    #expect(try g.stack([a, b], axis: 1).shape == [2, 2, 3])
    #expect(try g.stack([a, g.placeholder(.float32, shape: nil)]).shape == [2, .unknown, 3])
    let e = try g.constant(try Tensor(zeros: [0, 2]))
    #expect(try evaluate(g.stack([e, e], axis: 1)).shape == [0, 2, 2])
    let c = try g.placeholder(.float32, shape: [4], name: "c")
    expectError(.shapeMismatch, containing: ["same shape", "[4]"]) { try g.stack([a, c]) }
    expectError(.invalidArgument, containing: ["axis 3 is out of range", "[-3, 3)"]) { try g.stack([a, b], axis: 3) }
    let p = try g.placeholder(.float32, shape: nil, name: "p")
    let y = try g.stack([p, p, c])
    expectError(.shapeMismatch, containing: ["values[2] has shape [4]", "values[0] has shape [3]"]) {
      try evaluate(y, feeds: [p: try Tensor(zeros: [3]), c: try Tensor(zeros: [4])])
    }
  }
}

@Suite struct SliceTests {
  static let cases: [([Int], [Int], [Int])] = [
    ([4, 5], [1, 2], [2, 3]), ([4, 5], [0, 1], [-1, 2]), ([4, 5], [0, 0], [4, 5]), ([3, 4, 5], [1, 0, 2], [2, -1, 2]),
    ([3, 4, 5], [0, 1, 0], [3, 2, 5]), ([3, 4, 5], [2, 3, 4], [1, 1, 1]), ([6], [2], [0]), ([2, 3, 4, 5], [1, 1, 1, 1], [1, 2, 3, 4]),
    ([4, 5], [4, 5], [0, 0]), ([4, 5], [0, 0], [-1, -1]),
  ]

  @Test(arguments: cases)
  func matchesReference(_ shape: [Int], _ begin: [Int], _ size: [Int]) throws {
    let x = (0..<shape.reduce(1, *)).map(Double.init)
    let g = Graph()
    let y = try g.slice(g.constant(Tensor.f32(x, shape)), begin: begin, size: size)
    let expected = referenceSlice(x, shape, begin: begin, size: size)
    #expect(y.shape == PartialShape(expected.1))
    expectClose(try evaluate(y), expected.0, shape: expected.1, tolerance: 0)
  }

  @Test(arguments: allDTypes)
  func everyDType(_ dtype: DType) throws {
    let x = smallIntegers(20, in: 0...1)
    let g = Graph()
    let y = try g.slice(g.constant(Tensor.of(x, [4, 5], dtype)), begin: [1, 1], size: [2, -1])
    #expect(y.node.name == "Slice" && g.node(named: "Slice/begin") != nil && g.node(named: "Slice/size") != nil)
    let out = try evaluate(y)
    #expect(out.dtype == dtype)
    expectClose(out, referenceSlice(x, [4, 5], begin: [1, 1], size: [2, -1]).0, shape: [2, 4], tolerance: 0)
  }

  @Test func fullSliceSharesStorage() throws {
    let t = Tensor.f32((0..<6).map(Double.init), [2, 3])
    let g = Graph()
    let out = try evaluate(g.slice(g.constant(t), begin: [0, 0], size: [-1, 3]))
    #expect(out.storage === t.storage)
  }

  @Test func shapeInference() throws {
    let g = Graph()
    let x = try g.placeholder(.float32, shape: [nil, 5], name: "x")
    #expect(try g.slice(x, begin: [0, 1], size: [-1, 2]).shape == [.unknown, 2])
    #expect(try g.slice(x, begin: [1, 1], size: [2, -1]).shape == [2, 4])
    let begin = try g.placeholder(.int32, shape: [2], name: "begin")
    let size = try g.placeholder(.int32, shape: [2], name: "size")
    #expect(try g.slice(x, begin: begin, size: size).shape == .unknown(rank: 2))
    #expect(try g.slice(x, begin: begin, size: g.constant(Tensor.i32([3, -1]))).shape == [3, .unknown])
    let n = try g.placeholder(.int32, shape: [], name: "n")
    let packed = try g.stack([n, g.constant(Tensor(Int32(2)))])
    #expect(try g.slice(x, begin: begin, size: packed).shape == [.unknown, 2])
  }

  @Test func errors() throws {
    let g = Graph()
    let x = try g.placeholder(.float32, shape: [4, 5], name: "x")
    expectError(.invalidArgument, containing: ["out of range along axis 1", "begin 3 with size 3", "dimension 5"]) {
      try g.slice(x, begin: [0, 3], size: [1, 3])
    }
    expectError(.invalidArgument, containing: ["begin 5", "dimension 4"]) { try g.slice(x, begin: [5, 0], size: [-1, 1]) }
    expectError(.invalidArgument, containing: ["negative entry -1"]) { try g.slice(x, begin: [-1, 0], size: [1, 1]) }
    expectError(.invalidArgument, containing: ["negative entry -2"]) { try g.slice(x, begin: [0, 0], size: [-2, 1]) }
    expectError(.shapeMismatch, containing: ["3 entries", "rank 2"]) { try g.slice(x, begin: [0, 0, 0], size: [1, 1, 1]) }
    expectError(.shapeMismatch, containing: ["same length"]) {
      try g.slice(x, begin: g.constant(Tensor.i32([0, 0])), size: g.constant(Tensor.i32([1])))
    }
    // At run time.
    let begin = try g.placeholder(.int64, shape: [nil], name: "begin")
    let size = try g.placeholder(.int64, shape: [nil], name: "size")
    let y = try g.slice(x, begin: begin, size: size)
    let feed = try Tensor(zeros: [4, 5])
    expectError(.invalidArgument, containing: ["out of range along axis 0", "begin 3 with size 2"]) {
      try evaluate(y, feeds: [x: feed, begin: Tensor.i64([3, 0]), size: Tensor.i64([2, 1])])
    }
    expectError(.invalidArgument, containing: ["begin -1"]) {
      try evaluate(y, feeds: [x: feed, begin: Tensor.i64([-1, 0]), size: Tensor.i64([1, 1])])
    }
    expectError(.invalidArgument, containing: ["one entry per dimension"]) {
      try evaluate(y, feeds: [x: feed, begin: Tensor.i64([0]), size: Tensor.i64([1])])
    }
    expectError(.invalidArgument, containing: ["size \(Int64.max)"]) {
      try evaluate(y, feeds: [x: feed, begin: Tensor.i64([1, 0]), size: Tensor.i64([Int(Int64.max), 1])])
    }
  }
}

@Suite struct TileTests {
  static let cases: [([Int], [Int])] = [
    ([2, 3], [1, 1]), ([2, 3], [2, 1]), ([2, 3], [1, 3]), ([2, 3], [3, 2]), ([1, 3], [4, 1]), ([3, 1], [1, 5]),
    ([2, 1, 3], [2, 3, 2]), ([5], [7]), ([2, 3], [0, 2]), ([0, 3], [2, 2]), ([], []), ([2, 2, 1, 2], [1, 2, 3, 1]),
  ]

  @Test(arguments: cases)
  func matchesReference(_ shape: [Int], _ multiples: [Int]) throws {
    let x = (0..<shape.reduce(1, *)).map(Double.init)
    let g = Graph()
    let y = try g.tile(g.constant(Tensor.f64(x, shape)), multiples: multiples)
    let outShape = zip(shape, multiples).map(*)
    #expect(y.shape == PartialShape(outShape))
    expectClose(try evaluate(y), referenceRepeat(x, shape, to: outShape), shape: outShape, tolerance: 0)
  }

  @Test(arguments: allDTypes)
  func everyDType(_ dtype: DType) throws {
    let x = smallIntegers(6, in: 0...1)
    let g = Graph()
    let y = try g.tile(g.constant(Tensor.of(x, [2, 3], dtype)), multiples: [2, 2])
    #expect(y.node.name == "Tile" && g.node(named: "Tile/multiples") != nil)
    let out = try evaluate(y)
    #expect(out.dtype == dtype)
    expectClose(out, referenceRepeat(x, [2, 3], to: [4, 6]), shape: [4, 6], tolerance: 0)
  }

  @Test func shapeInferenceAndErrors() throws {
    let g = Graph()
    let x = try g.placeholder(.float32, shape: [nil, 3], name: "x")
    #expect(try g.tile(x, multiples: [2, 2]).shape == [.unknown, 6])
    #expect(try g.tile(x, multiples: [1, 0]).shape == [.unknown, 0])
    #expect(try g.tile(x, multiples: [0, 1]).shape == [0, 3])
    let m = try g.placeholder(.int32, shape: [2], name: "m")
    #expect(try g.tile(x, multiples: m).shape == .unknown(rank: 2))
    #expect(try g.tile(g.placeholder(.float32, shape: nil), multiples: [2, 1, 1]).shape == .unknown(rank: 3))
    expectError(.invalidArgument, containing: ["negative entry -1"]) { try g.tile(x, multiples: [-1, 1]) }
    expectError(.shapeMismatch, containing: ["3 entries", "[?, 3]"]) { try g.tile(x, multiples: [1, 1, 1]) }
    let y = try g.tile(x, multiples: m)
    expectError(.invalidArgument, containing: ["negative entry -2"]) {
      try evaluate(y, feeds: [x: try Tensor(zeros: [1, 3]), m: Tensor.i32([1, -2])])
    }
    expectClose(try evaluate(y, feeds: [x: Tensor.f32([1, 2, 3], [1, 3]), m: Tensor.i32([2, 1])]), [1, 2, 3, 1, 2, 3], shape: [2, 3])
  }
}

@Suite struct BroadcastToTests {
  static let cases: [([Int], [Int])] = [
    ([3], [2, 3]), ([2, 1], [2, 3]), ([], [2, 2]), ([2, 1, 3], [4, 2, 5, 3]), ([1, 1], [3, 4]), ([2, 3], [2, 3]),
    ([1, 4], [0, 4]), ([1], [5]), ([3, 1, 1], [3, 2, 2]),
  ]

  @Test(arguments: cases)
  func matchesReference(_ shape: [Int], _ target: [Int]) throws {
    let x = (0..<shape.reduce(1, *)).map(Double.init)
    let g = Graph()
    let y = try g.broadcastTo(g.constant(Tensor.f32(x, shape)), shape: target)
    #expect(y.shape == PartialShape(target))
    expectClose(try evaluate(y), referenceRepeat(x, shape, to: target), shape: target, tolerance: 0)
  }

  @Test(arguments: allDTypes)
  func everyDType(_ dtype: DType) throws {
    let g = Graph()
    let y = try g.broadcastTo(g.constant(Tensor.of([1, 0], [2, 1], dtype)), shape: [2, 3])
    let out = try evaluate(y)
    #expect(out.dtype == dtype)
    expectClose(out, [1, 1, 1, 0, 0, 0], shape: [2, 3], tolerance: 0)
  }

  @Test func shapeInferenceAndErrors() throws {
    let g = Graph()
    let v = try g.placeholder(.float32, shape: [3], name: "v")
    let x = try g.placeholder(.float32, shape: [nil, 3], name: "x")
    #expect(try g.broadcastTo(v, shape: g.shape(of: x)).shape == [.unknown, 3])
    let n = try g.placeholder(.int32, shape: [], name: "n")
    #expect(try g.broadcastTo(v, shape: g.stack([n, n])).shape == [.unknown, 3])
    #expect(try g.broadcastTo(g.placeholder(.float32, shape: nil), shape: [2, 2]).shape == [2, 2])
    expectError(.shapeMismatch, containing: ["[2, 3]", "[4, 3]"]) {
      try g.broadcastTo(g.placeholder(.float32, shape: [2, 3]), shape: [4, 3])
    }
    expectError(.shapeMismatch, containing: ["lower-rank"]) { try g.broadcastTo(x, shape: [3]) }
    expectError(.invalidArgument, containing: ["negative dimension -3"]) { try g.broadcastTo(v, shape: [-3, 3]) }
    let s = try g.placeholder(.int32, shape: [nil], name: "s")
    let y = try g.broadcastTo(x, shape: s)
    expectError(.invalidArgument, containing: ["cannot broadcast a tensor of shape [2, 3] to shape [2, 4]"]) {
      try evaluate(y, feeds: [x: try Tensor(zeros: [2, 3]), s: Tensor.i32([2, 4])])
    }
    expectError(.invalidArgument, containing: ["negative dimension"]) {
      try evaluate(y, feeds: [x: try Tensor(zeros: [2, 3]), s: Tensor.i32([-1, 3])])
    }
    // Same shape: the input's storage is forwarded.
    let t = Tensor.f32([1, 2, 3], [1, 3])
    let same = try evaluate(g.broadcastTo(g.constant(t), shape: [1, 3]))
    #expect(same.storage === t.storage)
  }
}
