import Testing
import TensorGraph
import TensorGraphTestSupport

/// Transposes by index arithmetic: out[i] = x[j] where j[perm[k]] = i[k].
func referenceTranspose(_ values: [Double], _ shape: [Int], _ perm: [Int]) -> (values: [Double], shape: [Int]) {
  let outShape = perm.map { shape[$0] }
  let n = values.count
  var out = [Double](repeating: 0, count: n)
  for flat in 0..<n {
    let o = unravel(flat, outShape)
    var i = [Int](repeating: 0, count: shape.count)
    for k in 0..<perm.count { i[perm[k]] = o[k] }
    out[flat] = values[ravel(i, shape)]
  }
  return (out, outShape)
}

@Suite struct TransposeTests {
  @Test(arguments: permutations(4))
  func everyPermutationOfRank4(_ perm: [Int]) throws {
    let shape = [2, 3, 4, 5]
    let values = (0..<120).map(Double.init)
    let g = Graph()
    let y = try g.transpose(g.constant(Tensor.f32(values, shape)), perm: perm)
    let expected = referenceTranspose(values, shape, perm)
    #expect(y.shape == PartialShape(expected.shape))
    expectClose(try evaluate(y), expected.values, shape: expected.shape, tolerance: 0)
  }

  /// Shapes that reach every path: size-1 dimensions, tiles larger than the
  /// 32×32 blocks with ragged edges, outer batch dimensions, identity.
  static let cases: [([Int], [Int])] = [
    ([70, 45], [1, 0]), ([1, 45], [1, 0]), ([3, 40, 50], [0, 2, 1]), ([40, 3, 50], [2, 1, 0]),
    ([33, 1, 65], [2, 1, 0]), ([2, 1, 3], [1, 0, 2]), ([5, 6, 7], [0, 1, 2]), ([4, 1, 1, 6], [0, 2, 3, 1]),
    ([2, 3, 2, 3, 2], [4, 2, 0, 3, 1]), ([7], [0]), ([], []),
  ]

  @Test(arguments: cases)
  func stridedPaths(_ shape: [Int], _ perm: [Int]) throws {
    let n = shape.reduce(1, *)
    let values = (0..<n).map { Double($0 % 251) }
    let g = Graph()
    let y = try g.transpose(g.constant(Tensor.f64(values, shape)), perm: perm)
    let expected = referenceTranspose(values, shape, perm)
    expectClose(try evaluate(y), expected.values, shape: expected.shape, tolerance: 0)
  }

  @Test(arguments: allDTypes)
  func everyDType(_ dtype: DType) throws {
    let values = smallIntegers(24, in: 0...1)
    let g = Graph()
    let y = try g.transpose(g.constant(Tensor.of(values, [2, 3, 4], dtype)), perm: [2, 0, 1])
    let out = try evaluate(y)
    #expect(out.dtype == dtype)
    expectClose(out, referenceTranspose(values, [2, 3, 4], [2, 0, 1]).values, shape: [4, 2, 3], tolerance: 0)
  }

  @Test func defaultPermReversesDimensionsAndNamesLikeTensorFlow() throws {
    let g = Graph()
    let x = try g.placeholder(.float32, shape: [nil, 3, 5], name: "x")
    let y = try g.transpose(x)
    #expect(y.shape == [5, 3, .unknown])
    #expect(y.node.name == "transpose")
    #expect(g.node(named: "transpose/perm")?.op == "Const")
    let out = try evaluate(y, feeds: [x: Tensor.f32((0..<30).map(Double.init), [2, 3, 5])])
    expectClose(out, referenceTranspose((0..<30).map(Double.init), [2, 3, 5], [2, 1, 0]).values, shape: [5, 3, 2])
  }

  @Test func emptyTensors() throws {
    let g = Graph()
    let y = try g.transpose(g.constant(try Tensor(zeros: [0, 3, 2])), perm: [2, 0, 1])
    let out = try evaluate(y)
    #expect(out.shape == [2, 0, 3])
  }

  @Test func identityPermutationSharesStorage() throws {
    let t = Tensor.f32([1, 2, 3, 4, 5, 6], [2, 1, 3])
    let g = Graph()
    // [2, 1, 3] → [1, 2, 3] moves only a size-1 dimension: no copy needed.
    let y = try g.transpose(g.constant(t), perm: [1, 0, 2])
    let out = try evaluate(y)
    #expect(out.shape == [1, 2, 3])
    #expect(out.storage === t.storage)
  }

  /// (input shape, perm shape or nil for a constant perm, expected).
  @Test func shapeInference() throws {
    let g = Graph()
    let known = try g.placeholder(.float32, shape: [nil, 3], name: "a")
    let unknownRank = try g.placeholder(.float32, shape: nil, name: "b")
    let perm = try g.placeholder(.int32, shape: [2], name: "perm")
    let anyPerm = try g.placeholder(.int32, shape: [nil], name: "anyPerm")
    #expect(try g.transpose(known, perm: [1, 0]).shape == [3, .unknown])
    #expect(try g.transpose(known, perm: perm).shape == .unknown(rank: 2))
    #expect(try g.transpose(unknownRank, perm: perm).shape == .unknown(rank: 2))
    #expect(try g.transpose(unknownRank, perm: [2, 0, 1]).shape == .unknown(rank: 3))
    #expect(try g.transpose(unknownRank, perm: anyPerm).shape == .unknown)
    #expect(try g.transpose(known, perm: anyPerm).shape == .unknown(rank: 2))
  }

  @Test func errors() throws {
    let g = Graph()
    let x = try g.placeholder(.float32, shape: [2, 3], name: "x")
    expectError(.invalidArgument, containing: ["perm [0, 0]", "appears twice"]) { try g.transpose(x, perm: [0, 0]) }
    expectError(.invalidArgument, containing: ["perm [0, 2]", "out of range"]) { try g.transpose(x, perm: [0, 2]) }
    expectError(.invalidArgument, containing: ["-1"]) { try g.transpose(x, perm: [-1, 0]) }
    expectError(.shapeMismatch, containing: ["3 entries", "[2, 3]"]) { try g.transpose(x, perm: [0, 1, 2]) }
    let unknown = try g.placeholder(.float32, shape: nil, name: "u")
    expectError(.invalidArgument, containing: ["explicit perm"]) { try g.transpose(unknown) }
    // At run time, from a fed perm.
    let perm = try g.placeholder(.int32, shape: [2], name: "perm")
    let y = try g.transpose(x, perm: perm)
    let feedX = Tensor.f32([1, 2, 3, 4, 5, 6], [2, 3])
    expectError(.invalidArgument, containing: ["transpose", "appears twice"]) {
      try evaluate(y, feeds: [x: feedX, perm: Tensor.i32([1, 1])])
    }
    expectError(.invalidArgument, containing: ["out of range"]) {
      try evaluate(y, feeds: [x: feedX, perm: Tensor.i32([5, 0])])
    }
    let u = try g.transpose(unknown, perm: perm)
    expectError(.invalidArgument, containing: ["2 entries", "[2, 2, 2]"]) {
      try evaluate(u, feeds: [unknown: try Tensor(zeros: [2, 2, 2]), perm: Tensor.i32([1, 0])])
    }
  }

  @Test func int64PermFromAPlaceholder() throws {
    let g = Graph()
    let x = try g.constant(Tensor.f32((0..<6).map(Double.init), [2, 3]))
    let perm = try g.placeholder(.int64, shape: [2], name: "perm")
    let y = try g.transpose(x, perm: perm)
    expectClose(try evaluate(y, feeds: [perm: Tensor.i64([1, 0])]), [0, 3, 1, 4, 2, 5], shape: [3, 2])
  }
}
