import Testing
import TensorGraph
import TensorGraphTestSupport

// Gradients of the array ops: finite differences on static shapes, then the
// same gradients from graphs built on placeholders with unknown dimensions
// and unknown rank (the in-graph Shape paths).

/// Float64 values in `range` for `shape`.
func randomTensor(_ shape: [Int], seed: UInt64, in range: ClosedRange<Double> = -1...1) -> Tensor {
  var rng = TestRandom(seed: seed)
  return Tensor.f64(rng.uniform(shape.reduce(1, *), in: range), shape)
}

/// The finite-difference check on static shapes, and the same gradients
/// when the placeholders hide their shapes as `hidings` say.
func expectArrayGradients(
  inputs: [Tensor], constants: [Tensor] = [], hidings: [ShapeHiding] = [.dimensions, .rank],
  hideConstants: Bool = false, sourceLocation: Testing.SourceLocation = #_sourceLocation,
  _ build: (Graph, [Output], [Output]) throws -> Output
) {
  expectGradientsMatch(inputs: inputs, constants: constants, sourceLocation: sourceLocation, build)
  for hiding in hidings {
    expectGradientsIndependentOfStaticShapes(
      inputs: inputs, constants: constants, hiding: hiding, hideConstants: hideConstants,
      sourceLocation: sourceLocation, build)
  }
}

/// The ops of `graph`'s gradient nodes.
func gradientOps(_ graph: Graph) -> Set<String> {
  Set(graph.nodes.filter { $0.name.hasPrefix("gradients") }.map(\.op))
}

/// Ops a gradient needs only when shapes are known at run time alone.
let dynamicShapeOps: Set<String> = ["Shape", "ConcatOffset", "InvertPermutation", "BroadcastGradientArgs", "Range", "OneHot"]

@Suite struct ArrayGradientTests {
  @Test(arguments: [[Int]]([[], [3], [2, 3]]))
  func identity(_ shape: [Int]) {
    expectArrayGradients(inputs: [randomTensor(shape, seed: 1)]) { g, x, _ in try g.identity(x[0]) }
  }

  @Test(arguments: [([2, 3], [3, 2]), ([2, 3, 4], [-1, 4]), ([6], [2, 1, 3]), ([1], []), ([2, 2], [4])])
  func reshape(_ shape: [Int], _ target: [Int]) {
    expectArrayGradients(inputs: [randomTensor(shape, seed: 2)]) { g, x, _ in try g.reshape(x[0], target) }
  }

  @Test(arguments: permutations(3) + [[3, 1, 0, 2], [0, 1, 2, 3], [2, 3, 0, 1]])
  func transpose(_ perm: [Int]) {
    let shape = Array([2, 3, 4, 5].prefix(perm.count))
    let x = randomTensor(shape, seed: 3)
    expectArrayGradients(inputs: [x]) { g, x, _ in try g.transpose(x[0], perm: perm) }
    // A perm fed at run time: the inverse comes from InvertPermutation.
    let graph = expectGradientsIndependentOfStaticShapes(
      inputs: [x], constants: [Tensor.i32(perm)], hiding: .rank, hideConstants: true
    ) { g, x, c in try g.transpose(x[0], perm: c[0]) }
    #expect(graph.map { gradientOps($0).contains("InvertPermutation") } == true)
    expectGradientsMatch(inputs: [x], constants: [Tensor.i64(perm)]) { g, x, c in try g.transpose(x[0], perm: c[0]) }
  }

  static let concatCases: [([[Int]], Int)] = [
    ([[2, 3], [2, 4]], 1), ([[2, 3], [4, 3]], 0), ([[2, 3], [2, 1], [2, 2]], -1), ([[2, 3, 4], [2, 1, 4]], 1),
    ([[1, 3, 4], [2, 3, 4], [3, 3, 4]], -3), ([[2, 0], [2, 3]], 1), ([[3], [2]], 0),
  ]

  @Test(arguments: concatCases)
  func concat(_ shapes: [[Int]], _ axis: Int) {
    let inputs = shapes.enumerated().map { randomTensor($1, seed: UInt64($0 + 4)) }
    expectArrayGradients(inputs: inputs) { g, x, _ in try g.concat(x, axis: axis) }
    // The axis fed at run time (int32, and int64 through a Cast).
    for axisTensor in [Tensor(Int32(axis)), Tensor(Int64(axis))] {
      expectArrayGradients(inputs: inputs, constants: [axisTensor], hidings: [.dimensions]) { g, x, c in
        try g.concat(x, axis: c[0])
      }
    }
  }

  @Test func concatPicksSplitVWhenSizesAreKnownAndConcatOffsetOtherwise() throws {
    let inputs = [randomTensor([2, 3], seed: 1), randomTensor([4, 3], seed: 2), randomTensor([1, 3], seed: 3)]
    // Static: one SplitV.
    let (_, known) = try GradientChecker.symbolicGradients(inputs: inputs) { g, x, _ in try g.concat(x, axis: 0) }
    #expect(gradientOps(known).contains("SplitV") && gradientOps(known).isDisjoint(with: dynamicShapeOps))
    // One unknown size along the axis: still one SplitV, with -1 there.
    let oneUnknown: (Graph, [Output], [Output]) throws -> Output = { g, x, _ in
      try g.concat([x[0], try g.placeholderLike(x[1], unknownDims: [0]), x[2]], axis: 0)
    }
    expectGradientsMatch(inputs: inputs, oneUnknown)
    let (_, graph) = try GradientChecker.symbolicGradients(inputs: inputs, oneUnknown)
    #expect(gradientOps(graph).contains("SplitV") && !gradientOps(graph).contains("ConcatOffset"))
    // Two unknown sizes: ConcatOffset + Slice.
    let hidden = expectGradientsIndependentOfStaticShapes(inputs: inputs) { g, x, _ in try g.concat(x, axis: -2) }
    #expect(hidden.map { gradientOps($0).isSuperset(of: ["ConcatOffset", "Slice"]) } == true)
  }

  static let sliceCases: [([Int], [Int], [Int])] = [
    ([4, 5], [1, 2], [2, 3]), ([4, 5], [0, 1], [-1, 2]), ([3, 4, 5], [1, 0, 2], [2, -1, 2]), ([6], [2], [0]),
    ([2, 3, 4], [0, 0, 0], [2, 3, 4]), ([3, 3], [3, 0], [0, 3]),
  ]

  @Test(arguments: sliceCases)
  func slice(_ shape: [Int], _ begin: [Int], _ size: [Int]) {
    let x = randomTensor(shape, seed: 5)
    expectArrayGradients(inputs: [x]) { g, x, _ in try g.slice(x[0], begin: begin, size: size) }
    // begin and size fed at run time, int32 and int64.
    for (b, s) in [(Tensor.i32(begin), Tensor.i32(size)), (Tensor.i64(begin), Tensor.i64(size))] {
      expectArrayGradients(inputs: [x], constants: [b, s], hidings: [.rank], hideConstants: true) { g, x, c in
        try g.slice(x[0], begin: c[0], size: c[1])
      }
    }
  }

  @Test(arguments: [([2, 3], 0), ([2, 3], 1), ([2, 3], 2), ([2, 3], -1), ([2, 3], -3), ([], 0), ([4], -1)])
  func pack(_ shape: [Int], _ axis: Int) {
    let inputs = (0..<3).map { randomTensor(shape, seed: UInt64($0 + 6)) }
    expectArrayGradients(inputs: inputs) { g, x, _ in try g.stack(x, axis: axis) }
  }

  @Test(arguments: [([3, 2], 0), ([2, 3], 1), ([2, 3, 4], -1), ([4], 0), ([1, 2], 0)])
  func unpack(_ shape: [Int], _ axis: Int) {
    let a = axis < 0 ? axis + shape.count : axis
    let x = randomTensor(shape, seed: 7)
    // Weighted differently, so each output's gradient lands in its own place.
    expectArrayGradients(inputs: [x]) { g, x, _ in
      let parts = try g.unstack(x[0], num: shape[a], axis: axis)
      return try g.addN(try parts.enumerated().map { i, p in try g.multiply(p, try g.constant(Double(i + 1), dtype: .float64)) })
    }
    // Outputs without a gradient get zeros.
    expectArrayGradients(inputs: [x]) { g, x, _ in
      let parts = try g.unstack(x[0], num: shape[a], axis: axis)
      return try g.multiply(parts[0], parts[0])
    }
  }

  @Test(arguments: [([5, 3], [2, 3], 0), ([2, 6], [1, -1, 2], 1), ([2, 3, 4], [4], -1), ([2, 5], [0, 5], -1)])
  func splitV(_ shape: [Int], _ sizes: [Int], _ axis: Int) {
    let x = randomTensor(shape, seed: 8)
    expectArrayGradients(inputs: [x]) { g, x, _ in
      let parts = try g.split(x[0], sizes: sizes, axis: axis)
      return try g.concat(try parts.reversed().map { try g.multiply($0, $0) }, axis: axis)
    }
    expectArrayGradients(inputs: [x]) { g, x, _ in
      let last = try g.split(x[0], sizes: sizes, axis: axis).last!
      return try g.sum(try g.multiply(last, last))
    }
  }

  static let tileCases: [([Int], [Int])] = [
    ([2, 3], [1, 1]), ([2, 3], [2, 1]), ([2, 3], [3, 2]), ([1, 3], [4, 1]), ([2, 1, 3], [1, 3, 2]), ([3], [4]),
    ([2, 3], [0, 2]), ([], []),
  ]

  @Test(arguments: tileCases)
  func tile(_ shape: [Int], _ multiples: [Int]) {
    let x = randomTensor(shape, seed: 9)
    expectArrayGradients(inputs: [x]) { g, x, _ in try g.tile(x[0], multiples: multiples) }
    // Multiples fed at run time; with the rank hidden too, the axes to sum
    // come from a Range.
    let graph = expectGradientsIndependentOfStaticShapes(
      inputs: [x], constants: [Tensor.i32(multiples)], hiding: .rank, hideConstants: true
    ) { g, x, c in try g.tile(x[0], multiples: c[0]) }
    #expect(graph.map { gradientOps($0).contains("Range") } == true)
    expectGradientsIndependentOfStaticShapes(inputs: [x], constants: [Tensor.i64(multiples)]) { g, x, c in
      try g.tile(x[0], multiples: c[0])
    }
  }

  @Test func tileWithOneUnknownDimensionStaysStatic() throws {
    let x = randomTensor([3, 2], seed: 10)
    let build: (Graph, [Output], [Output]) throws -> Output = { g, x, _ in
      try g.tile(try g.placeholderLike(x[0], unknownDims: [0]), multiples: [2, 3])
    }
    expectGradientsMatch(inputs: [x], build)
    let (_, graph) = try GradientChecker.symbolicGradients(inputs: [x], build)
    #expect(gradientOps(graph).isDisjoint(with: dynamicShapeOps))
  }

  @Test(arguments: [
    ([3], [2, 3]), ([1, 3], [4, 3]), ([2, 1], [2, 5]), ([], [2, 2]), ([2, 1, 3], [4, 2, 5, 3]), ([2, 3], [2, 3]),
  ])
  func broadcastTo(_ shape: [Int], _ target: [Int]) {
    expectArrayGradients(inputs: [randomTensor(shape, seed: 11)]) { g, x, _ in try g.broadcastTo(x[0], shape: target) }
  }

  @Test(arguments: [1, 2, 4])
  func addN(_ n: Int) {
    let inputs = (0..<n).map { randomTensor([2, 3], seed: UInt64($0 + 12)) }
    expectArrayGradients(inputs: inputs) { g, x, _ in try g.addN(x) }
    // An input listed twice gets the gradient twice.
    expectArrayGradients(inputs: inputs) { g, x, _ in try g.addN(x + [x[0]]) }
  }

  @Test func fill() {
    expectArrayGradients(inputs: [randomTensor([], seed: 13)]) { g, x, _ in try g.fill(dims: [2, 3], value: x[0]) }
    // dims fed at run time.
    expectArrayGradients(inputs: [randomTensor([], seed: 13)], constants: [Tensor.i32([3, 1, 2])], hidings: []) {
      g, x, c in try g.fill(dims: c[0], value: x[0])
    }
  }

  @Test(arguments: [([1, 3, 1], []), ([1, 3, 1], [0]), ([1, 3, 1], [-1]), ([2, 1, 3], [1]), ([1], []), ([1, 1], [0, 1])])
  func squeeze(_ shape: [Int], _ axes: [Int]) {
    expectArrayGradients(inputs: [randomTensor(shape, seed: 14)]) { g, x, _ in try g.squeeze(x[0], axes: axes) }
  }

  @Test(arguments: [([2, 3], 0), ([2, 3], -1), ([], 0), ([2, 3], 1)])
  func expandDims(_ shape: [Int], _ axis: Int) {
    expectArrayGradients(inputs: [randomTensor(shape, seed: 15)]) { g, x, _ in try g.expandDims(x[0], axis: axis) }
  }

  @Test(arguments: [([2, 3], [[1, 0], [2, 1]]), ([3], [[0, 0]]), ([2, 1, 2], [[1, 1], [0, 2], [3, 0]]), ([], [])])
  func pad(_ shape: [Int], _ paddings: [[Int]]) {
    let x = randomTensor(shape, seed: 16)
    expectArrayGradients(inputs: [x]) { g, x, _ in try g.pad(x[0], paddings: paddings) }
    let flat = paddings.flatMap { $0 }
    for table in [Tensor.i32(flat), Tensor.i64(flat)] {
      let p = try! table.reshaped(to: [paddings.count, 2])
      expectArrayGradients(inputs: [x], constants: [p], hidings: [.rank], hideConstants: true) { g, x, c in
        try g.pad(x[0], paddings: c[0])
      }
    }
  }

  /// Second order through Slice → Pad → Slice: the gradient of a gradient.
  @Test func padAndSliceGradientsDifferentiateAgain() throws {
    let g = Graph()
    let x = try g.placeholder(.float64, shape: [3, 4], name: "x")
    let y = try g.sum(try g.pow(try g.slice(x, begin: [1, 1], size: [2, 2]), try g.constant(3, dtype: .float64)))
    let dx = try #require(try g.gradients(of: y, with: [x])[0])
    let ddx = try #require(try g.gradients(of: try g.sum(dx), with: [x])[0])
    let values = (0..<12).map { Double($0) / 4 }
    let out = try Session(graph: g).run(ddx, feeds: [x: Tensor.f64(values, [3, 4])])
    // d²/dx² Σ x³ = 6x inside the slice, 0 outside.
    let expected = values.indices.map { i in (i / 4 >= 1 && i / 4 <= 2 && i % 4 >= 1 && i % 4 <= 2) ? 6 * values[i] : 0 }
    expectClose(out, expected, shape: [3, 4], tolerance: 1e-12)
  }

  /// Reshape → Transpose → Concat → Slice → Tile → Sum, checked end to end.
  @Test func composedArrayGraph() {
    let inputs = [randomTensor([2, 6], seed: 17), randomTensor([4, 2], seed: 18)]
    expectArrayGradients(inputs: inputs) { g, x, _ in
      let r = try g.reshape(x[0], [3, 4])
      let t = try g.transpose(r, perm: [1, 0])
      let c = try g.concat([t, x[1]], axis: 1)
      let s = try g.slice(c, begin: [1, 1], size: [2, 3])
      let tiled = try g.tile(s, multiples: [2, 2])
      return try g.sum(try g.multiply(tiled, tiled), axes: [1])
    }
  }

  @Test func staticShapesBuildNoShapeOps() throws {
    let inputs = [randomTensor([2, 6], seed: 19), randomTensor([4, 2], seed: 20)]
    let (_, graph) = try GradientChecker.symbolicGradients(inputs: inputs) { g, x, _ in
      let r = try g.squeeze(try g.expandDims(try g.reshape(x[0], [3, 4]), axis: 0))
      let c = try g.concat([try g.transpose(r, perm: [1, 0]), x[1]], axis: 1)
      let p = try g.pad(try g.slice(c, begin: [1, 1], size: [2, 3]), paddings: [[1, 0], [0, 2]])
      let parts = try g.unstack(try g.tile(p, multiples: [2, 1]), axis: 1)
      return try g.reduceMax(try g.broadcastTo(try g.stack(parts, axis: 0), shape: [2, 5, 6]), axes: [0])
    }
    let ops = gradientOps(graph)
    #expect(ops.isDisjoint(with: dynamicShapeOps), "static gradient built \(ops.intersection(dynamicShapeOps))")
  }

  @Test func integerAndShapeOpsStopGradients() throws {
    for name in [
      "ZerosLike", "OnesLike", "Shape", "OneHot", "ArgMax", "StopGradient", "InvertPermutation", "ConcatOffset",
      "Range",
    ] {
      let op = try #require(OpRegistry.standard.op(named: name))
      guard case .notDifferentiable = op.gradient else {
        Issue.record("\(name) should be marked not differentiable")
        continue
      }
    }
    // A float fed through OneHot's on_value gets no gradient.
    let g = Graph()
    let x = try g.placeholder(.float64, shape: [], name: "x")
    let hot = try g.addNode(
      op: "OneHot", inputs: [try g.constant(Tensor.i64([0, 2])), try g.constant(Tensor(Int32(3))), x, try g.constant(0, dtype: .float64)])
    let y = try g.add(try g.sum(g.output(hot)), try g.sum(try g.onesLike(x)))
    #expect(try g.gradients(of: y, with: [x])[0] == nil)
  }
}

extension Graph {
  /// `x` passed through a Reshape whose target hides the dimensions
  /// `unknownDims` from shape inference (it is built from `Shape(x)`, so
  /// the values are unchanged).
  func placeholderLike(_ x: Output, unknownDims: Set<Int>) throws -> Output {
    let dims = x.shape.concrete!
    let shape = try stack(try dims.indices.map { i -> Output in
      if unknownDims.contains(i) { return try reshape(try slice(try self.shape(of: x), begin: [i], size: [1]), []) }
      return try constant(Tensor(Int32(dims[i])))
    })
    return try reshape(x, shape: shape)
  }
}
