import Testing
import TensorGraph
import TensorGraphTestSupport

/// One-hot by index arithmetic: output index `o` with the new axis at
/// `axis` is on when its coordinate there equals the index at the others.
func referenceOneHot(_ indices: [Int], _ shape: [Int], depth: Int, axis: Int, on: Double, off: Double)
  -> ([Double], [Int])
{
  var outShape = shape
  let a = axis == -1 ? shape.count : axis
  outShape.insert(depth, at: a)
  let n = outShape.reduce(1, *)
  return ((0..<n).map { flat in
    var i = unravel(flat, outShape)
    let d = i.remove(at: a)
    return indices[ravel(i, shape)] == d ? on : off
  }, outShape)
}

@Suite struct OneHotTests {
  @Test(arguments: [-1, 0, 1, 2])
  func everyAxisOfA2DIndexTensor(_ axis: Int) throws {
    let indices = [0, 2, -1, 3, 1, 2]  // -1 and 3 are out of range: all-off
    let g = Graph()
    let y = try g.oneHot(g.constant(Tensor.i64(indices).reshaped(to: [2, 3])), depth: 3, onValue: 5, offValue: -1, axis: axis)
    let expected = referenceOneHot(indices, [2, 3], depth: 3, axis: axis, on: 5, off: -1)
    #expect(y.shape == PartialShape(expected.1))
    expectClose(try evaluate(y), expected.0, shape: expected.1, tolerance: 0)
  }

  @Test(arguments: [DType.uint8, .int32, .int64])
  func indexTypes(_ ti: DType) throws {
    let g = Graph()
    let y = try g.oneHot(g.constant(Tensor.of([2, 0, 7], [3], ti)), depth: 3)
    #expect(y.dtype == .float32 && y.node.name == "one_hot")
    #expect(g.node(named: "one_hot/depth") != nil && g.node(named: "one_hot/on_value") != nil)
    expectClose(try evaluate(y), [0, 0, 1, 1, 0, 0, 0, 0, 0], shape: [3, 3], tolerance: 0)
  }

  @Test(arguments: allDTypes)
  func valueTypes(_ dtype: DType) throws {
    let g = Graph()
    let y = try g.oneHot(g.constant(Tensor.i32([1, 0])), depth: 2, dtype: dtype)
    let out = try evaluate(y)
    #expect(out.dtype == dtype)
    expectClose(out, [0, 1, 1, 0], shape: [2, 2], tolerance: 0)
  }

  @Test func shapeInferenceEmptyAndErrors() throws {
    let g = Graph()
    let labels = try g.placeholder(.int64, shape: [nil], name: "labels")
    #expect(try g.oneHot(labels, depth: 10).shape == [.unknown, 10])
    #expect(try g.oneHot(labels, depth: 10, axis: 0).shape == [10, .unknown])
    #expect(try g.oneHot(g.placeholder(.int32, shape: nil), depth: 4).shape == .unknown)
    let depth = try g.placeholder(.int32, shape: [], name: "depth")
    let on = try g.constant(1.0), off = try g.constant(0.0)
    let dynamic = try g.output(g.addNode(op: "OneHot", inputs: [labels, depth, on, off]), 0)
    #expect(dynamic.shape == [.unknown, .unknown])
    #expect(try evaluate(g.oneHot(g.constant(Tensor.i64([])), depth: 3)).shape == [0, 3])
    #expect(try evaluate(g.oneHot(g.constant(Tensor.i64([1, 2])), depth: 0)).shape == [2, 0])
    expectError(.invalidArgument, containing: ["axis -2"]) { try g.oneHot(labels, depth: 3, axis: -2) }
    expectError(.invalidArgument, containing: ["axis 2 is out of range"]) { try g.oneHot(labels, depth: 3, axis: 2) }
    expectError(.invalidArgument, containing: ["depth must be non-negative", "-3"]) { try g.oneHot(labels, depth: -3) }
    expectError(.invalidArgument, containing: ["depth must be non-negative"]) {
      try evaluate(dynamic, feeds: [labels: Tensor.i64([0]), depth: Tensor(Int32(-1))])
    }
    let vectorOn = try g.constant(Tensor.f32([1, 2], [2]))
    expectError(.shapeMismatch, containing: ["'on_value' must be a scalar"]) {
      try g.addNode(op: "OneHot", inputs: [labels, depth, vectorOn, off])
    }
  }
}

@Suite struct AddNTests {
  @Test(arguments: [DType.float32, .float64, .int32, .int64, .uint8])
  func sumsEveryDType(_ dtype: DType) throws {
    let parts = (0..<4).map { smallIntegers(6, seed: UInt64($0 + 1)) }
    let g = Graph()
    let y = try g.addN(parts.map { try g.constant(Tensor.of($0, [2, 3], dtype)) })
    let out = try evaluate(y)
    #expect(out.dtype == dtype && y.node.name == "AddN")
    expectClose(out, (0..<6).map { i in parts.map { $0[i] }.reduce(0, +) }, shape: [2, 3], tolerance: 0)
  }

  @Test func largeInputsCrossBlocks() throws {
    var rng = TestRandom(seed: 3)
    let n = 5000
    let parts = (0..<3).map { _ in rng.uniform(n) }
    let g = Graph()
    let y = try g.addN(parts.map { try g.constant(Tensor.f64($0, [n])) })
    // Left to right, as the kernel promises.
    expectClose(try evaluate(y), (0..<n).map { i in (parts[0][i] + parts[1][i]) + parts[2][i] }, shape: [n], tolerance: 0)
  }

  @Test func wrapsIntegersAndForwardsASingleInput() throws {
    let g = Graph()
    let big = try g.constant(Tensor([Int32.max, 5]))
    expectClose(try evaluate(g.addN([big, big])), [-2, 10], shape: [2], tolerance: 0)
    let t = Tensor.f32([1, 2], [2])
    #expect(try evaluate(g.addN([g.constant(t)])).storage === t.storage)
  }

  @Test func shapesMergeAndMismatchesThrow() throws {
    let g = Graph()
    let a = try g.placeholder(.float32, shape: [nil, 3], name: "a")
    let b = try g.placeholder(.float32, shape: [2, nil], name: "b")
    #expect(try g.addN([a, b]).shape == [2, 3])
    let c = try g.placeholder(.float32, shape: [3], name: "c")
    expectError(.shapeMismatch, containing: ["inputs[1] has shape [3]"]) { try g.addN([a, c]) }
    let y = try g.addN([a, a, b])
    expectClose(
      try evaluate(y, feeds: [a: Tensor.f32([1, 2, 3, 4, 5, 6], [2, 3]), b: Tensor.f32([1, 1, 1, 1, 1, 1], [2, 3])]),
      [3, 5, 7, 9, 11, 13], shape: [2, 3])
    let p = try g.placeholder(.float32, shape: nil, name: "p")
    let z = try g.addN([p, p, c])
    expectError(.shapeMismatch, containing: ["inputs[2] has shape [3]", "inputs[0] has shape [4]"]) {
      try evaluate(z, feeds: [p: try Tensor(zeros: [4]), c: try Tensor(zeros: [3])])
    }
    expectError(.invalidArgument, containing: ["at least 1"]) { try g.addNode(op: "AddN", inputs: [], attrs: ["T": .type(.float32)]) }
    #expect(try evaluate(g.addN([g.constant(try Tensor(zeros: [0, 2])), g.constant(try Tensor(zeros: [0, 2]))])).shape == [0, 2])
  }
}
