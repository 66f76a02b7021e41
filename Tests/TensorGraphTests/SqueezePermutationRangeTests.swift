import Testing
import TensorGraph
import TensorGraphTestSupport

// Squeeze, InvertPermutation and Range.

@Suite struct SqueezeTests {
  /// Input shape, squeeze_dims, expected static shape.
  static let shapeCases: [([Int?]?, [Int], PartialShape)] = [
    ([1, 3, 1], [], [3]), ([1, 3, 1], [0], [3, 1]), ([1, 3, 1], [-1], [1, 3]), ([1, 3, 1], [2, 0], [3]),
    ([2, 3], [], [2, 3]), ([1], [], []), ([nil, 1, 3], [1], [.unknown, 3]), ([nil, 1], [0], [1]),
    ([nil, 1], [], .unknown), (nil, [0], .unknown), ([1, 1], [0, -2], [1]),
  ]

  @Test(arguments: shapeCases)
  func shapeInference(_ input: [Int?]?, _ axes: [Int], _ expected: PartialShape) throws {
    let g = Graph()
    #expect(try g.squeeze(g.placeholder(.float32, shape: input), axes: axes).shape == expected)
  }

  @Test(arguments: allDTypes)
  func valuesShareStorage(_ dtype: DType) throws {
    let t = Tensor.of(smallIntegers(6, in: 0...1), [1, 2, 1, 3], dtype)
    let g = Graph()
    let y = try g.squeeze(g.constant(t), axes: [2])
    #expect(y.node.name == "Squeeze")
    let out = try evaluate(y)
    #expect(out.shape == [1, 2, 3] && out.storage === t.storage && out.dtype == dtype)
    #expect(try evaluate(g.squeeze(g.constant(t))).shape == [2, 3])
  }

  @Test func errors() throws {
    let g = Graph()
    let x = try g.placeholder(.float32, shape: [1, 3], name: "x")
    expectError(.invalidArgument, containing: ["cannot squeeze dimension 1", "size is 3"]) { try g.squeeze(x, axes: [1]) }
    expectError(.invalidArgument, containing: ["squeeze_dims[1] = 2 is out of range", "[-2, 2)"]) {
      try g.squeeze(x, axes: [0, 2])
    }
    // At run time.
    let u = try g.placeholder(.float32, shape: [nil, 3], name: "u")
    let y = try g.squeeze(u, axes: [0])
    #expect(y.shape == [3])
    expectError(.invalidArgument, containing: ["cannot squeeze dimension 0", "[2, 3]", "size is 2"]) {
      try evaluate(y, feeds: [u: try Tensor(zeros: [2, 3])])
    }
    let r = try g.placeholder(.float32, shape: nil, name: "r")
    expectError(.invalidArgument, containing: ["squeeze_dims[0] = 3 is out of range"]) {
      try evaluate(g.squeeze(r, axes: [3]), feeds: [r: try Tensor(zeros: [1, 1])])
    }
    #expect(try evaluate(g.squeeze(r), feeds: [r: try Tensor(zeros: [1, 2, 1, 1])]).shape == [2])
  }
}

@Suite struct InvertPermutationTests {
  @Test(arguments: permutations(4) + [[0], []])
  func invertsEveryPermutation(_ perm: [Int]) throws {
    let g = Graph()
    let y = try g.invertPermutation(g.constant(Tensor.i32(perm)))
    let out = try evaluate(y)
    #expect(out.dtype == .int32 && out.shape == [perm.count])
    let inverse = out.integers()
    #expect(perm.indices.allSatisfy { inverse[perm[$0]] == $0 })
  }

  @Test func int64AndErrors() throws {
    let g = Graph()
    let wide = try evaluate(g.invertPermutation(g.constant(Tensor.i64([2, 0, 1]))))
    #expect(wide.dtype == .int64 && wide.integers() == [1, 2, 0])
    expectError(.invalidArgument, containing: ["x [0, 0] is not a permutation", "0 appears twice"]) {
      try g.invertPermutation(g.constant(Tensor.i32([0, 0])))
    }
    expectError(.shapeMismatch, containing: ["'x' must be a vector"]) { try g.invertPermutation(g.constant(Tensor(Int32(0)))) }
    let p = try g.placeholder(.int32, shape: nil, name: "p")
    let y = try g.invertPermutation(p)
    #expect(y.shape == .unknown(rank: 1))
    expectError(.invalidArgument, containing: ["3 is out of range [0, 3)"]) { try evaluate(y, feeds: [p: Tensor.i32([0, 3, 1])]) }
    expectError(.invalidArgument, containing: ["'x' must be a vector but has shape [1, 1]"]) {
      try evaluate(y, feeds: [p: try Tensor.i32([0]).reshaped(to: [1, 1])])
    }
  }
}

@Suite struct RangeTests {
  static let intCases: [(Int, Int, Int)] = [
    (0, 5, 1), (2, 11, 3), (10, 0, -3), (5, 5, 1), (-4, 4, 2), (0, 1, 100), (3, -3, -1), (7, 6, -10),
  ]

  @Test(arguments: intCases)
  func integerRanges(_ start: Int, _ limit: Int, _ delta: Int) throws {
    let expected = Array(stride(from: start, to: limit, by: delta)).map(Double.init)
    let g = Graph()
    let y = try g.range(start: start, limit: limit, delta: delta)
    #expect(y.node.name == "range" && g.node(named: "range/delta") != nil)
    #expect(y.shape == [.known(expected.count)])
    let out = try evaluate(y)
    #expect(out.dtype == .int32)
    expectClose(out, expected, shape: [expected.count], tolerance: 0)
  }

  @Test func int64AndWideBounds() throws {
    let g = Graph()
    let big = Int(Int64.max) - 2
    let out = try evaluate(g.range(start: big - 6, limit: big, delta: 3))
    #expect(out.dtype == .int64 && out.integers() == [big - 6, big - 3])
    // The span overflows an Int but the elements do not.
    let far = try evaluate(g.range(start: Int(Int64.min), limit: Int(Int64.max), delta: 1 << 62))
    #expect(far.integers() == [Int(Int64.min), Int(Int64.min) + (1 << 62), 0, 1 << 62])
  }

  @Test(arguments: [DType.float32, .float64])
  func floatRanges(_ dtype: DType) throws {
    let g = Graph()
    let (s, l, d) = (try g.constant(0.5, dtype: dtype), try g.constant(2.0, dtype: dtype), try g.constant(0.25, dtype: dtype))
    let y = try g.range(start: s, limit: l, delta: d)
    #expect(y.shape == [6])
    let out = try evaluate(y)
    #expect(out.dtype == dtype)
    expectClose(out, [0.5, 0.75, 1, 1.25, 1.5, 1.75], tolerance: 0)
    // A fractional count rounds up; a negative delta counts down.
    let down = try evaluate(g.range(start: try g.constant(1, dtype: dtype), limit: try g.constant(-0.1, dtype: dtype), delta: try g.constant(-0.5, dtype: dtype)))
    expectClose(down, [1, 0.5, 0], shape: [3], tolerance: 0)
  }

  @Test func shapeInferenceAndErrors() throws {
    let g = Graph()
    let n = try g.placeholder(.int32, shape: [], name: "n")
    let one = try g.constant(Tensor(Int32(1))), zero = try g.constant(Tensor(Int32(0)))
    let y = try g.range(start: zero, limit: n, delta: one)
    #expect(y.shape == .unknown(rank: 1))
    expectClose(try evaluate(y, feeds: [n: Tensor(Int32(3))]), [0, 1, 2], shape: [3], tolerance: 0)
    expectError(.invalidArgument, containing: ["delta must not be 0"]) { try g.range(limit: 3, delta: 0) }
    expectError(.invalidArgument, containing: ["never ends", "delta 1.0"]) { try g.range(start: 3, limit: 0) }
    expectError(.invalidArgument, containing: ["never ends"]) { try g.range(start: 0, limit: 3, delta: -1) }
    expectError(.shapeMismatch, containing: ["'limit' must be a scalar"]) {
      try g.range(start: zero, limit: g.constant(Tensor.i32([3])), delta: one)
    }
    expectError(.dtypeMismatch) { try g.range(start: zero, limit: g.constant(3, dtype: .int64), delta: one) }
    expectError(.invalidArgument, containing: ["must be finite"]) {
      try g.range(start: g.constant(0, dtype: .float64), limit: g.constant(.infinity, dtype: .float64), delta: g.constant(1, dtype: .float64))
    }
    // At run time.
    expectError(.invalidArgument, containing: ["never ends"]) { try evaluate(y, feeds: [n: Tensor(Int32(-2))]) }
    let d = try g.placeholder(.int32, shape: nil, name: "d")
    let z = try g.range(start: zero, limit: n, delta: d)
    expectError(.invalidArgument, containing: ["delta must not be 0"]) {
      try evaluate(z, feeds: [n: Tensor(Int32(2)), d: Tensor(Int32(0))])
    }
    expectError(.invalidArgument, containing: ["'delta' must be a scalar"]) {
      try evaluate(z, feeds: [n: Tensor(Int32(2)), d: Tensor.i32([1])])
    }
    let huge = try g.range(start: g.constant(Tensor(Int64(0))), limit: g.constant(Tensor(Int64.max)), delta: g.constant(Tensor(Int64(1))))
    expectError(.invalidArgument, containing: ["too many elements"]) { try evaluate(huge) }
  }
}
