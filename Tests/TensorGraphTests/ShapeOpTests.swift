import Testing
import TensorGraph
import TensorGraphTestSupport

// Reshape, Shape, Fill, ZerosLike, OnesLike.

@Suite struct ReshapeTests {
  /// (input shape, requested shape, expected inferred shape) — TensorFlow's
  /// `SetOutputShapeForReshape` cases.
  static let inference: [(PartialShape, [Int], PartialShape)] = [
    ([2, 3], [3, 2], [3, 2]),
    ([2, 3], [-1], [6]),
    ([2, 3], [-1, 2], [3, 2]),
    ([2, 3], [1, -1, 1], [1, 6, 1]),
    ([.unknown, 3], [-1], [.unknown]),
    ([.unknown, 3], [-1, 3], [.unknown, 3]),
    ([.unknown, 3], [2, -1], [2, .unknown]),
    ([.unknown, 3], [-1, 6], [.unknown, 6]),
    ([.unknown, 2], [3, 4], [3, 4]),
    ([.unknown, .unknown], [-1, 4], [.unknown, 4]),
    (.unknown, [2, -1], [2, .unknown]),
    ([0, 3], [-1, 3], [0, 3]),
    ([2, 3], [0, -1], [0, .unknown]),
    ([], [1, 1], [1, 1]),
    ([1, 1], [], []),
  ]

  @Test(arguments: inference)
  func shapeInference(_ input: PartialShape, _ requested: [Int], _ expected: PartialShape) throws {
    let g = Graph()
    let x = try g.placeholder(.float32, shape: input.dims.map { $0.map(\.value) }, name: "x")
    #expect(try g.reshape(x, requested).shape == expected)
  }

  @Test(arguments: allDTypes)
  func keepsElementsInEveryDType(_ dtype: DType) throws {
    let values = smallIntegers(12, in: 0...1)
    let g = Graph()
    let y = try g.reshape(g.constant(Tensor.of(values, [3, 4], dtype)), [2, -1, 3])
    let out = try evaluate(y)
    #expect(out.dtype == dtype)
    expectClose(out, values, shape: [2, 2, 3], tolerance: 0)
  }

  @Test func sharesStorageAndNamesLikeTensorFlow() throws {
    let t = Tensor.f32((0..<6).map(Double.init), [2, 3])
    let g = Graph()
    let y = try g.reshape(g.constant(t), [3, 2])
    #expect(y.node.name == "Reshape")
    #expect(g.node(named: "Reshape/shape")?.op == "Const")
    let out = try evaluate(y)
    #expect(out.shape == [3, 2])
    #expect(out.storage === t.storage)
  }

  @Test func shapeFromShapeOfAPartlyKnownTensor() throws {
    let g = Graph()
    let x = try g.placeholder(.float32, shape: [nil, 3], name: "x")
    let flat = try g.placeholder(.float32, shape: [nil], name: "flat")
    let y = try g.reshape(flat, shape: g.shape(of: x))
    #expect(y.shape == [.unknown, 3])
    let out = try evaluate(y, feeds: [x: try Tensor(zeros: [2, 3]), flat: Tensor.f32((0..<6).map(Double.init), [6])])
    expectClose(out, (0..<6).map(Double.init), shape: [2, 3])
    // A Pack of scalars gives one dimension each (known when constant).
    let n = try g.placeholder(.int32, shape: [], name: "n")
    let packed = try g.stack([g.constant(Tensor(Int32(2))), n])
    #expect(try g.reshape(flat, shape: packed).shape == [2, .unknown])
  }

  @Test func emptyTensors() throws {
    let g = Graph()
    let x = try g.constant(try Tensor(zeros: [0, 3]))
    #expect(try evaluate(g.reshape(x, [3, 0])).shape == [3, 0])
    #expect(try evaluate(g.reshape(x, [-1, 3])).shape == [0, 3])
    // A zero in the request leaves the -1 to the non-zero dimensions.
    #expect(try evaluate(g.reshape(x, [0, -1])).shape == [0, 3])
    #expect(try evaluate(g.reshape(x, [-1])).shape == [0])
  }

  @Test func buildTimeErrors() throws {
    let g = Graph()
    let x = try g.placeholder(.float32, shape: [2, 3], name: "x")
    expectError(.shapeMismatch, containing: ["Reshape (Reshape)", "[2, 3] (6 elements)", "[4] (4 elements)"]) {
      try g.reshape(x, [4])
    }
    expectError(.shapeMismatch, containing: ["6 elements", "not a multiple of 4"]) { try g.reshape(x, [-1, 4]) }
    expectError(.invalidArgument, containing: ["more than one -1"]) { try g.reshape(x, [-1, -1]) }
    expectError(.shapeMismatch, containing: ["[2, 3] (6 elements)", "[] (1 elements)"]) { try g.reshape(x, []) }
    expectError(.invalidArgument, containing: ["negative size -2"]) { try g.reshape(x, [-2, 3]) }
    let partial = try g.placeholder(.float32, shape: [nil, 5], name: "p")
    expectError(.shapeMismatch, containing: ["[?, 5]", "12 is not a multiple of 5"]) { try g.reshape(partial, [3, 4]) }
    let matrixShape = try g.constant(Tensor.of([2, 3], [1, 2], .int32))
    expectError(.shapeMismatch, containing: ["'shape' must be a scalar or a vector"]) {
      try g.reshape(x, shape: matrixShape)
    }
  }

  @Test func runTimeErrors() throws {
    let g = Graph()
    let x = try g.placeholder(.float32, shape: [nil, 3], name: "x")
    let s = try g.placeholder(.int32, shape: [nil], name: "s")
    let y = try g.reshape(x, shape: s)
    let six = Tensor.f32((0..<6).map(Double.init), [2, 3])
    expectClose(try evaluate(y, feeds: [x: six, s: Tensor.i32([3, -1])]), (0..<6).map(Double.init), shape: [3, 2])
    expectError(.invalidArgument, containing: ["[2, 3] (6 elements)", "[4] (4 elements)"]) {
      try evaluate(y, feeds: [x: six, s: Tensor.i32([4])])
    }
    expectError(.invalidArgument, containing: ["not a multiple of 4"]) {
      try evaluate(y, feeds: [x: six, s: Tensor.i32([-1, 4])])
    }
    expectError(.invalidArgument, containing: ["more than one -1"]) {
      try evaluate(y, feeds: [x: six, s: Tensor.i32([-1, -1])])
    }
    expectError(.invalidArgument, containing: ["negative size -3"]) {
      try evaluate(y, feeds: [x: six, s: Tensor.i32([-3, -2])])
    }
    expectError(.invalidArgument, containing: ["too many elements"]) {
      try evaluate(y, feeds: [x: six, s: Tensor.i32([1 << 30, 1 << 30, 1 << 30])])
    }
  }

  @Test func hugeConstantShapesThrowInsteadOfTrapping() throws {
    let g = Graph()
    let x = try g.placeholder(.float32, shape: [2, 3], name: "x")
    let huge = try g.constant(Tensor.i64([Int(Int64.max), 2]))
    expectError(.invalidArgument, containing: ["overflows"]) { try g.reshape(x, shape: huge) }
  }
}

@Suite struct ShapeOpTests {
  @Test(arguments: [DType.int32, .int64])
  func valuesAndInference(_ outType: DType) throws {
    let g = Graph()
    let x = try g.placeholder(.float32, shape: [nil, 3, 4], name: "x")
    let s = try g.shape(of: x, outType: outType)
    #expect(s.dtype == outType)
    #expect(s.shape == [3])
    let out = try evaluate(s, feeds: [x: try Tensor(zeros: [2, 3, 4])])
    #expect(out.dtype == outType)
    expectClose(out, [2, 3, 4], shape: [3], tolerance: 0)
    #expect(try g.shape(of: g.placeholder(.float32, shape: nil)).shape == [.unknown])
    let scalar = try evaluate(g.shape(of: g.constant(Tensor(Float(1)))))
    #expect(scalar.shape == [0])
    expectClose(try evaluate(g.shape(of: g.constant(try Tensor(zeros: [0, 5])))), [0, 5], shape: [2], tolerance: 0)
  }

  @Test func notDifferentiable() throws {
    for op in ["Shape", "ZerosLike", "OnesLike", "OneHot", "ArgMax"] {
      guard case .notDifferentiable = OpRegistry.standard.op(named: op)!.gradient else {
        Issue.record("\(op) should be marked not differentiable")
        continue
      }
    }
  }
}

@Suite struct FillTests {
  @Test(arguments: allDTypes)
  func everyDType(_ dtype: DType) throws {
    let g = Graph()
    let y = try g.fill(dims: [2, 3], value: g.constant(Tensor.of([1], [], dtype)))
    #expect(y.shape == [2, 3])
    let out = try evaluate(y)
    #expect(out.dtype == dtype)
    expectClose(out, Array(repeating: 1, count: 6), shape: [2, 3], tolerance: 0)
    #expect(y.node.name == "Fill")
    #expect(g.node(named: "Fill/dims")?.op == "Const")
  }

  @Test func partlyKnownDimsAndEmptyResults() throws {
    let g = Graph()
    let x = try g.placeholder(.float32, shape: [nil, 3], name: "x")
    let y = try g.fill(dims: g.shape(of: x), value: g.constant(7.5))
    #expect(y.shape == [.unknown, 3])
    expectClose(try evaluate(y, feeds: [x: try Tensor(zeros: [1, 3])]), [7.5, 7.5, 7.5], shape: [1, 3])
    #expect(try evaluate(g.fill(dims: [0, 4], value: g.constant(1))).shape == [0, 4])
    #expect(try evaluate(g.fill(dims: [], value: g.constant(2))).shape == [])
  }

  @Test func errors() throws {
    let g = Graph()
    let v = try g.constant(1)
    expectError(.invalidArgument, containing: ["negative dimension -1", "≥ 0"]) { try g.fill(dims: [2, -1], value: v) }
    let vector = try g.constant(Tensor.f32([1, 2], [2]))
    expectError(.shapeMismatch, containing: ["'value' must be a scalar", "[2]"]) { try g.fill(dims: [2], value: vector) }
    let dims = try g.placeholder(.int32, shape: [nil], name: "dims")
    let y = try g.fill(dims: dims, value: v)
    expectError(.invalidArgument, containing: ["negative dimension -4"]) { try evaluate(y, feeds: [dims: Tensor.i32([-4])]) }
    expectError(.invalidArgument, containing: ["too many elements"]) {
      try evaluate(y, feeds: [dims: Tensor.i32([1 << 30, 1 << 30, 1 << 30])])
    }
  }
}

@Suite struct ZerosOnesLikeTests {
  @Test(arguments: allDTypes)
  func everyDType(_ dtype: DType) throws {
    let g = Graph()
    let x = try g.placeholder(dtype, shape: [nil, 3], name: "x")
    let zeros = try g.zerosLike(x), ones = try g.onesLike(x)
    #expect(zeros.shape == [.unknown, 3] && ones.shape == [.unknown, 3])
    #expect(zeros.node.name == "zeros_like" && ones.node.name == "ones_like")
    let feed = Tensor.of([1, 0, 1, 1, 1, 0], [2, 3], dtype)
    let s = Session(graph: g)
    let (z, o) = try { let r = try s.run(fetches: [zeros, ones], feeds: [x: feed]); return (r[0], r[1]) }()
    #expect(z.dtype == dtype && o.dtype == dtype)
    expectClose(z, Array(repeating: 0, count: 6), shape: [2, 3], tolerance: 0)
    expectClose(o, Array(repeating: 1, count: 6), shape: [2, 3], tolerance: 0)
    let empty = try s.run(fetches: [zeros, ones], feeds: [x: Tensor.of([], [0, 3], dtype)])
    #expect(empty.map(\.shape) == [[0, 3], [0, 3]])
  }
}

@Suite struct ShapeInputDTypeTests {
  /// Every op taking a shape, sizes or multiples accepts int32 and int64.
  @Test(arguments: [DType.int32, .int64])
  func shapeInputsOfBothIndexTypes(_ index: DType) throws {
    let g = Graph()
    func vector(_ v: [Int]) throws -> Output {
      try g.constant(index == .int32 ? Tensor.i32(v) : Tensor.i64(v))
    }
    let x = try g.constant(Tensor.f32([1, 2, 3, 4, 5, 6], [2, 3]))
    expectClose(try evaluate(g.reshape(x, shape: vector([3, -1]))), [1, 2, 3, 4, 5, 6], shape: [3, 2])
    expectClose(try evaluate(g.tile(x, multiples: vector([1, 2]))), [1, 2, 3, 1, 2, 3, 4, 5, 6, 4, 5, 6], shape: [2, 6])
    expectClose(try evaluate(g.broadcastTo(x, shape: vector([2, 2, 3]))), [1, 2, 3, 4, 5, 6, 1, 2, 3, 4, 5, 6], shape: [2, 2, 3])
    expectClose(try evaluate(g.fill(dims: vector([2]), value: g.constant(3))), [3, 3], shape: [2])
    expectClose(try evaluate(g.slice(x, begin: vector([1, 1]), size: vector([1, -1]))), [5, 6], shape: [1, 2])
    expectClose(try evaluate(g.transpose(x, perm: vector([1, 0]))), [1, 4, 2, 5, 3, 6], shape: [3, 2])
    expectClose(try evaluate(g.sum(x, axes: vector([0]))), [5, 7, 9], shape: [3])
    #expect(try evaluate(g.randomUniform(shape: vector([2, 2]), seed: 1)).shape == [2, 2])
  }

  @Test(arguments: allDTypes)
  func shapeOfEveryDType(_ dtype: DType) throws {
    let g = Graph()
    let s = try g.shape(of: g.constant(Tensor.of([0, 1, 0, 1, 0, 1], [3, 2], dtype)))
    expectClose(try evaluate(s), [3, 2], shape: [2], tolerance: 0)
  }

  @Test func helperNodesFollowNameScopes() throws {
    let g = Graph()
    let x = try g.placeholder(.float32, shape: [2, 3], name: "x")
    let y = try g.withNameScope("layer") { try g.sum(x, axes: [1]) }
    #expect(y.node.name == "layer/Sum")
    #expect(g.node(named: "layer/Sum/reduction_indices") != nil)
    let t = try g.withNameScope("layer") { try g.transpose(x, name: "flip") }
    #expect(t.node.name == "layer_1/flip" && g.node(named: "layer_1/flip/perm") != nil)
    let z = try g.withNameScope("layer_1/") { try g.reshape(x, [-1]) }
    #expect(z.node.name == "layer_1/Reshape")
  }
}
