import Testing
import TensorGraph
import TensorGraphTestSupport

// Pad, SplitV, Unpack and ConcatOffset against index-arithmetic references.

func referencePad(_ x: [Double], _ shape: [Int], _ paddings: [[Int]]) -> ([Double], [Int]) {
  let outShape = shape.indices.map { shape[$0] + paddings[$0][0] + paddings[$0][1] }
  let n = outShape.reduce(1, *)
  return ((0..<n).map { flat in
    let i = unravel(flat, outShape)
    let j = i.indices.map { i[$0] - paddings[$0][0] }
    return j.indices.allSatisfy({ j[$0] >= 0 && j[$0] < shape[$0] }) ? x[ravel(j, shape)] : 0
  }, outShape)
}

@Suite struct PadTests {
  static let cases: [([Int], [[Int]])] = [
    ([2, 3], [[1, 0], [2, 1]]), ([3], [[0, 0]]), ([3], [[2, 3]]), ([2, 1, 2], [[1, 1], [0, 2], [3, 0]]), ([], []),
    ([0, 2], [[1, 1], [0, 0]]), ([2, 40], [[0, 1], [3, 5]]), ([2, 3, 4, 2], [[0, 0], [1, 0], [0, 0], [0, 1]]),
  ]

  @Test(arguments: cases)
  func matchesReference(_ shape: [Int], _ paddings: [[Int]]) throws {
    let x = (0..<shape.reduce(1, *)).map { Double($0 + 1) }
    let g = Graph()
    let y = try g.pad(g.constant(Tensor.f64(x, shape)), paddings: paddings)
    let expected = referencePad(x, shape, paddings)
    #expect(y.shape == PartialShape(expected.1))
    #expect(y.node.name == "Pad" && g.node(named: "Pad/paddings")?.op == "Const")
    expectClose(try evaluate(y), expected.0, shape: expected.1, tolerance: 0)
  }

  @Test(arguments: allDTypes)
  func everyDType(_ dtype: DType) throws {
    let x = smallIntegers(6, in: 1...1)
    let g = Graph()
    let out = try evaluate(g.pad(g.constant(Tensor.of(x, [2, 3], dtype)), paddings: [[1, 0], [0, 1]]))
    #expect(out.dtype == dtype)
    expectClose(out, referencePad(x, [2, 3], [[1, 0], [0, 1]]).0, shape: [3, 4], tolerance: 0)
  }

  @Test func shapeInference() throws {
    let g = Graph()
    let x = try g.placeholder(.float32, shape: [nil, 3], name: "x")
    #expect(try g.pad(x, paddings: [[1, 1], [0, 2]]).shape == [.unknown, 5])
    let p = try g.placeholder(.int32, shape: [2, 2], name: "p")
    #expect(try g.pad(x, paddings: p).shape == .unknown(rank: 2))
    #expect(try g.pad(g.placeholder(.float32, shape: nil), paddings: p).shape == .unknown(rank: 2))
    #expect(try g.pad(g.placeholder(.float32, shape: nil), paddings: [[1, 2]]).shape == [.unknown])
    #expect(try g.pad(g.placeholder(.float32, shape: nil), paddings: g.placeholder(.int64, shape: nil)).shape == .unknown)
  }

  @Test func errors() throws {
    let g = Graph()
    let x = try g.placeholder(.float32, shape: [2, 3], name: "x")
    expectError(.invalidArgument, containing: ["negative entry -1", "dimension 1", "[[0, 0], [-1, 2]]"]) {
      try g.pad(x, paddings: [[0, 0], [-1, 2]])
    }
    expectError(.shapeMismatch, containing: ["3 rows", "rank 2"]) { try g.pad(x, paddings: [[0, 0], [1, 1], [0, 0]]) }
    expectError(.shapeMismatch, containing: ["[rank, 2]", "[2, 3]"]) {
      try g.pad(x, paddings: g.constant(Tensor.i32([0, 0, 0, 1, 1, 1]).reshaped(to: [2, 3])))
    }
    expectError(.invalidArgument, containing: ["two values"]) { try g.pad(x, paddings: [[0, 0], [1]]) }
    // At run time.
    let p = try g.placeholder(.int64, shape: nil, name: "p")
    let y = try g.pad(x, paddings: p)
    let feed = try Tensor(zeros: [2, 3])
    expectError(.invalidArgument, containing: ["negative entry for dimension 0"]) {
      try evaluate(y, feeds: [x: feed, p: try Tensor.i64([-1, 0, 0, 0]).reshaped(to: [2, 2])])
    }
    expectError(.invalidArgument, containing: ["shape [2, 2]", "has shape [4]"]) {
      try evaluate(y, feeds: [x: feed, p: Tensor.i64([1, 0, 0, 0])])
    }
    expectError(.invalidArgument, containing: ["overflows"]) {
      try evaluate(y, feeds: [x: feed, p: try Tensor.i64([Int(Int64.max), 1, 0, 0]).reshaped(to: [2, 2])])
    }
    // Zero paddings forward the input.
    let t = Tensor.f32([1, 2, 3, 4, 5, 6], [2, 3])
    let same = try evaluate(g.pad(g.constant(t), paddings: [[0, 0], [0, 0]]))
    #expect(same.storage === t.storage)
  }
}

@Suite struct SplitVTests {
  static let cases: [([Int], [Int], Int)] = [
    ([5, 3], [2, 3], 0), ([2, 6], [1, -1, 2], 1), ([2, 3, 4], [4], -1), ([2, 5], [0, 5], -1), ([3, 40], [17, 20, 3], 1),
    ([4, 3, 2], [1, 1, 1, 1], 0), ([2, 3, 2], [2, 1], -2), ([6], [-1, 2], 0), ([2, 0], [0, 0], 1),
  ]

  @Test(arguments: cases)
  func matchesReference(_ shape: [Int], _ sizes: [Int], _ axis: Int) throws {
    let x = (0..<shape.reduce(1, *)).map(Double.init)
    let g = Graph()
    let parts = try g.split(g.constant(Tensor.f64(x, shape)), sizes: sizes, axis: axis)
    #expect(parts.count == sizes.count)
    let a = axis < 0 ? axis + shape.count : axis
    let resolved = sizes.map { $0 == -1 ? shape[a] - sizes.filter { $0 != -1 }.reduce(0, +) : $0 }
    var offset = 0
    for (part, size) in zip(parts, resolved) {
      var begin = [Int](repeating: 0, count: shape.count), extent = shape
      begin[a] = offset
      extent[a] = size
      offset += size
      let expected = referenceSlice(x, shape, begin: begin, size: extent)
      #expect(part.shape == PartialShape(expected.1))
      expectClose(try evaluate(part), expected.0, shape: expected.1, tolerance: 0)
    }
  }

  @Test(arguments: allDTypes)
  func everyDType(_ dtype: DType) throws {
    let x = smallIntegers(12, in: 0...1)
    let g = Graph()
    let parts = try g.split(g.constant(Tensor.of(x, [3, 4], dtype)), sizes: [1, 3], axis: 1)
    #expect(parts[0].node.name == "split" && g.node(named: "split/size_splits") != nil && g.node(named: "split/split_dim") != nil)
    let out = try parts.map { try evaluate($0) }
    #expect(out.allSatisfy { $0.dtype == dtype })
    expectClose(out[0], referenceSlice(x, [3, 4], begin: [0, 0], size: [3, 1]).0, shape: [3, 1], tolerance: 0)
    expectClose(out[1], referenceSlice(x, [3, 4], begin: [0, 1], size: [3, 3]).0, shape: [3, 3], tolerance: 0)
  }

  @Test func shapeInference() throws {
    let g = Graph()
    let x = try g.placeholder(.float32, shape: [nil, 6], name: "x")
    #expect(try g.split(x, sizes: [2, -1], axis: 1).map(\.shape) == [[.unknown, 2], [.unknown, 4]])
    #expect(try g.split(x, sizes: [2, -1], axis: 0).map(\.shape) == [[2, 6], [.unknown, 6]])
    #expect(try g.split(x, sizes: [6], axis: 1).map(\.shape) == [[.unknown, 6]])
    let sizes = try g.placeholder(.int32, shape: [2], name: "sizes")
    let axis = try g.placeholder(.int32, shape: [], name: "axis")
    #expect(try g.split(x, sizes: sizes, axis: g.constant(Tensor(Int32(1))), count: 2).map(\.shape) == [[.unknown, .unknown], [.unknown, .unknown]])
    #expect(try g.split(x, sizes: sizes, axis: g.constant(Tensor(Int32(0))), count: 2).map(\.shape) == [[.unknown, 6], [.unknown, 6]])
    #expect(try g.split(x, sizes: sizes, axis: axis, count: 2).map(\.shape) == [.unknown(rank: 2), .unknown(rank: 2)])
    #expect(try g.split(g.placeholder(.float32, shape: nil), sizes: [1, 2], axis: 0).map(\.shape) == [.unknown, .unknown])
  }

  @Test func errors() throws {
    let g = Graph()
    let x = try g.placeholder(.float32, shape: [2, 6], name: "x")
    expectError(.invalidArgument, containing: ["add up to 5", "6 elements"]) { try g.split(x, sizes: [2, 3], axis: 1) }
    expectError(.invalidArgument, containing: ["add up to 7, more than the 6"]) { try g.split(x, sizes: [7, -1], axis: 1) }
    expectError(.invalidArgument, containing: ["more than one -1"]) { try g.split(x, sizes: [-1, -1], axis: 1) }
    expectError(.invalidArgument, containing: ["negative size -2"]) { try g.split(x, sizes: [-2, 8], axis: 1) }
    expectError(.invalidArgument, containing: ["split_dim 2 is out of range", "[-2, 2)"]) { try g.split(x, sizes: [1, 1], axis: 2) }
    expectError(.invalidAttribute, containing: ["num_split", "at least 1"]) { try g.split(x, sizes: [], axis: 0) }
    expectError(.shapeMismatch, containing: ["3 entries", "num_split is 2"]) {
      try g.split(x, sizes: g.constant(Tensor.i32([1, 1, 0])), axis: g.constant(Tensor(Int32(0))), count: 2)
    }
    expectError(.shapeMismatch, containing: ["cannot split a scalar"]) {
      try g.split(g.placeholder(.float32, shape: []), sizes: [1], axis: 0)
    }
    // At run time.
    let sizes = try g.placeholder(.int64, shape: nil, name: "sizes")
    let axis = try g.placeholder(.int32, shape: nil, name: "axis")
    let parts = try g.split(x, sizes: sizes, axis: axis, count: 2)
    let feed = try Tensor(zeros: [2, 6])
    expectError(.invalidArgument, containing: ["add up to 4", "6 elements"]) {
      try evaluate(parts[0], feeds: [x: feed, sizes: Tensor.i64([1, 3]), axis: Tensor(Int32(1))])
    }
    expectError(.invalidArgument, containing: ["3 entries but num_split is 2"]) {
      try evaluate(parts[0], feeds: [x: feed, sizes: Tensor.i64([1, 3, 2]), axis: Tensor(Int32(1))])
    }
    expectError(.invalidArgument, containing: ["split_dim -3 is out of range"]) {
      try evaluate(parts[0], feeds: [x: feed, sizes: Tensor.i64([1, 1]), axis: Tensor(Int32(-3))])
    }
    expectClose(
      try evaluate(parts[1], feeds: [x: Tensor.f32((0..<12).map(Double.init), [2, 6]), sizes: Tensor.i64([-1, 1]), axis: Tensor(Int32(0))]),
      [6, 7, 8, 9, 10, 11], shape: [1, 6])
  }
}

@Suite struct UnpackTests {
  @Test(arguments: [([3, 2], 0), ([2, 3], 1), ([2, 3, 4], -1), ([2, 3, 4], 1), ([4], 0), ([1, 2], 0), ([2, 40, 3], 1), ([2, 0], 0)])
  func matchesReference(_ shape: [Int], _ axis: Int) throws {
    let x = (0..<shape.reduce(1, *)).map(Double.init)
    let a = axis < 0 ? axis + shape.count : axis
    let g = Graph()
    let parts = try g.unstack(g.constant(Tensor.f64(x, shape)), axis: axis)
    #expect(parts.count == shape[a] && parts[0].node.name == "unstack")
    var outShape = shape
    outShape.remove(at: a)
    for (i, part) in parts.enumerated() {
      var begin = [Int](repeating: 0, count: shape.count), size = shape
      begin[a] = i
      size[a] = 1
      #expect(part.shape == PartialShape(outShape))
      expectClose(try evaluate(part), referenceSlice(x, shape, begin: begin, size: size).0, shape: outShape, tolerance: 0)
    }
  }

  @Test(arguments: allDTypes)
  func everyDType(_ dtype: DType) throws {
    let x = smallIntegers(6, in: 0...1)
    let g = Graph()
    let parts = try g.unstack(g.constant(Tensor.of(x, [2, 3], dtype)), axis: 1)
    let out = try parts.map { try evaluate($0) }
    #expect(out.allSatisfy { $0.dtype == dtype })
    for j in 0..<3 { expectClose(out[j], [x[j], x[3 + j]], shape: [2], tolerance: 0) }
  }

  @Test func shapeInferenceAndErrors() throws {
    let g = Graph()
    let x = try g.placeholder(.float32, shape: [nil, 3], name: "x")
    #expect(try g.unstack(x, axis: 1).map(\.shape) == Array(repeating: [.unknown], count: 3))
    #expect(try g.unstack(x, num: 2).map(\.shape) == [[3], [3]])
    #expect(try g.unstack(g.placeholder(.float32, shape: nil), num: 2).map(\.shape) == [.unknown, .unknown])
    expectError(.invalidArgument, containing: ["needs num", "[?, 3]"]) { try g.unstack(x) }
    expectError(.shapeMismatch, containing: ["into 2 tensors", "size is 3"]) { try g.unstack(x, num: 2, axis: 1) }
    expectError(.invalidArgument, containing: ["axis 2 is out of range", "[-2, 2)"]) { try g.unstack(x, num: 2, axis: 2) }
    expectError(.shapeMismatch, containing: ["cannot unstack a scalar"]) { try g.unstack(g.placeholder(.float32, shape: []), num: 1) }
    // At run time.
    let parts = try g.unstack(x, num: 2)
    expectError(.invalidArgument, containing: ["into 2 tensors", "size is 4"]) {
      try evaluate(parts[0], feeds: [x: try Tensor(zeros: [4, 3])])
    }
  }
}

@Suite struct ConcatOffsetTests {
  @Test func offsetsAlongTheAxis() throws {
    let g = Graph()
    let shapes = [[2, 3, 5], [2, 1, 5], [2, 4, 5]].map { try! g.constant(Tensor.i32($0)) }
    for (axis, expected) in [(1, [[0, 0, 0], [0, 3, 0], [0, 4, 0]]), (-2, [[0, 0, 0], [0, 3, 0], [0, 4, 0]])] {
      let offsets = try g.concatOffset(axis: g.constant(Tensor(Int32(axis))), shapes: shapes)
      #expect(offsets.map(\.shape) == Array(repeating: [3], count: 3))
      for (o, e) in zip(offsets, expected) { expectClose(try evaluate(o), e.map(Double.init), shape: [3], tolerance: 0) }
    }
    let wide = try g.concatOffset(
      axis: g.constant(Tensor(Int32(0))), shapes: [g.constant(Tensor.i64([3, 2])), g.constant(Tensor.i64([4, 2]))])
    let out = try evaluate(wide[1])
    #expect(out.dtype == .int64)
    expectClose(out, [3, 0], tolerance: 0)
  }

  @Test func errors() throws {
    let g = Graph()
    let a = try g.constant(Tensor.i32([2, 3])), b = try g.constant(Tensor.i32([3, 3]))
    let zero = try g.constant(Tensor(Int32(0))), one = try g.constant(Tensor(Int32(1)))
    expectError(.invalidArgument, containing: ["concat_dim 2 is out of range"]) {
      try g.concatOffset(axis: g.constant(Tensor(Int32(2))), shapes: [a, b])
    }
    expectError(.shapeMismatch, containing: ["same rank", "shape[1] has 3"]) {
      try g.concatOffset(axis: zero, shapes: [a, g.constant(Tensor.i32([1, 2, 3]))])
    }
    expectError(.invalidAttribute, containing: ["'N' is 1", "at least 2"]) { try g.concatOffset(axis: zero, shapes: [a]) }
    expectError(.shapeMismatch, containing: ["shape[1] is [3, 3] but shape[0] is [2, 3]", "concat_dim 1"]) {
      try evaluate(g.concatOffset(axis: one, shapes: [a, b])[1])
    }
    let s = try g.placeholder(.int32, shape: nil, name: "s")
    expectError(.invalidArgument, containing: ["shape[1] must be a vector"]) {
      try evaluate(g.concatOffset(axis: zero, shapes: [a, s])[0], feeds: [s: Tensor(Int32(3))])
    }
  }
}
