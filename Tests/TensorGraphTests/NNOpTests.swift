import Foundation
import Testing
import TensorGraph
import TensorGraphTestSupport

/// Softmax of each row of `values` (rows of length `n`), in Double with
/// the textbook formula (no shift: the test inputs are small).
private func referenceSoftmax(_ values: [Double], rowLength n: Int) -> [Double] {
  guard n > 0 else { return [] }
  return stride(from: 0, to: values.count, by: n).flatMap { start -> [Double] in
    let row = values[start..<(start + n)]
    let sum = row.reduce(0) { $0 + Foundation.exp($1) }
    return row.map { Foundation.exp($0) / sum }
  }
}

private func constant(_ g: Graph, _ values: [Double], _ shape: [Int], _ dtype: DType) throws -> Output {
  try g.constant(MathFixtures.tensor(values, shape, dtype))
}

private func partial(_ s: PartialShape) -> [Int?]? { s.dims.map { $0.map(\.value) } }

// MARK: - BiasAdd

@Suite struct BiasAddTests {
  static let numericDTypes: [DType] = [.float32, .float64, .int32, .int64, .uint8]

  @Test(arguments: [[2, 3], [2, 2, 2, 3], [1, 3], [0, 3], [4, 5, 3]], numericDTypes)
  func nhwcAddsTheBiasAlongTheLastDimension(shape: [Int], dtype: DType) throws {
    var rng = TestRandom(seed: UInt64(shape.count))
    let x = rng.uniform(shape.reduce(1, *), in: 0...100).map { $0.rounded(.down) }
    let b: [Double] = [1, 20, 100]
    let g = Graph()
    let y = try g.biasAdd(try constant(g, x, shape, dtype), try constant(g, b, [3], dtype))
    #expect(y.node.op == "BiasAdd" && y.dtype == dtype && y.shape == PartialShape(shape))
    expectClose(try evaluate(y), x.indices.map { x[$0] + b[$0 % 3] }, shape: shape, tolerance: 0)
  }

  @Test(arguments: [[2, 3, 4], [2, 3, 2, 2], [1, 3, 5, 1, 2], [0, 3, 2], [2, 3, 0]], [DType.float32, .int64])
  func nchwAddsTheBiasAlongDimensionOne(shape: [Int], dtype: DType) throws {
    var rng = TestRandom(seed: UInt64(shape.reduce(1, *)))
    let x = rng.uniform(shape.reduce(1, *), in: 0...100).map { $0.rounded(.down) }
    let b: [Double] = [1, 20, 100]
    let plane = shape.dropFirst(2).reduce(1, *)
    let g = Graph()
    let y = try g.biasAdd(try constant(g, x, shape, dtype), try constant(g, b, [3], dtype), dataFormat: "NCHW")
    #expect(y.shape == PartialShape(shape))
    expectClose(try evaluate(y), x.indices.map { x[$0] + b[($0 / plane) % 3] }, shape: shape, tolerance: 0)
  }

  @Test func integerBiasAddWraps() throws {
    let g = Graph()
    let i32 = try g.biasAdd(try g.constant(try Tensor([[Int32.max, Int32.min]])), try g.constant(Tensor([Int32(1), -1])))
    #expect(try evaluate(i32).scalars(as: Int32.self) == [Int32.min, Int32.max])
    let u8 = try g.biasAdd(try g.constant(try Tensor([[UInt8(250), 3]])), try g.constant(Tensor([UInt8(10), 10])))
    #expect(try evaluate(u8).scalars(as: UInt8.self) == [4, 13])
  }

  static let shapeErrors: [(value: [Int], bias: [Int], format: String, fragments: [String])] = [
    ([3], [3], "NHWC", ["'value' must have rank at least 2", "[3]"]),
    ([2, 3], [3], "NCHW", ["'value' must have rank at least 3 for data_format NCHW", "[2, 3]"]),
    ([2, 3], [2, 3], "NHWC", ["'bias' must be a vector (rank 1)", "[2, 3]"]),
    ([2, 3], [4], "NHWC", ["one element per channel of 'value' (dimension 1)", "[4]", "[2, 3]"]),
    ([2, 3, 4], [4], "NCHW", ["one element per channel of 'value' (dimension 1)", "[4]", "[2, 3, 4]"]),
  ]

  @Test(arguments: shapeErrors)
  func mismatchedShapesThrowWithTheShapes(_ row: (value: [Int], bias: [Int], format: String, fragments: [String]))
    throws
  {
    let g = Graph()
    let v = try constant(g, [Double](repeating: 1, count: row.value.reduce(1, *)), row.value, .float32)
    let b = try constant(g, [Double](repeating: 1, count: row.bias.reduce(1, *)), row.bias, .float32)
    expectError(.shapeMismatch, containing: ["BiasAdd"] + row.fragments) {
      try g.biasAdd(v, b, dataFormat: row.format)
    }
  }

  @Test func shapesKnownOnlyAtRunTimeAreCheckedByTheKernel() throws {
    let g = Graph()
    let v = try g.placeholder(.float64, shape: nil), b = try g.placeholder(.float64, shape: [nil])
    let y = try g.biasAdd(v, b, name: "logits")
    #expect(y.shape == .unknown)
    let bias = Tensor([1.0, 2, 3])
    expectError(.shapeMismatch, containing: ["logits (BiasAdd)", "'bias' has shape [3]", "'value' has shape [2, 4]"]) {
      try evaluate(y, feeds: [v: Tensor.f64([Double](repeating: 0, count: 8), [2, 4]), b: bias])
    }
    expectError(.shapeMismatch, containing: ["rank at least 2", "[3]"]) {
      try evaluate(y, feeds: [v: Tensor([0.0, 0, 0]), b: bias])
    }
    expectClose(try evaluate(y, feeds: [v: Tensor.f64([0, 0, 0], [1, 3]), b: bias]), [1, 2, 3], shape: [1, 3])
  }

  static let shapeTable: [(value: PartialShape, bias: PartialShape, format: String, expected: PartialShape)] = [
    ([.unknown, 3], [.unknown], "NHWC", [.unknown, 3]),
    ([.unknown, .unknown], [5], "NHWC", [.unknown, 5]),
    (.unknown, [5], "NHWC", .unknown),
    ([.unknown, .unknown, 4, 4], [3], "NCHW", [.unknown, 3, 4, 4]),
    ([2, .unknown, 7], .unknown, "NHWC", [2, .unknown, 7]),
  ]

  @Test(arguments: shapeTable)
  func shapeInferenceMergesTheChannelDimension(
    _ row: (value: PartialShape, bias: PartialShape, format: String, expected: PartialShape)
  ) throws {
    let g = Graph()
    let y = try g.biasAdd(
      try g.placeholder(.float32, shape: partial(row.value)), try g.placeholder(.float32, shape: partial(row.bias)),
      dataFormat: row.format)
    #expect(y.shape == row.expected)
  }

  @Test func badDataFormatAndDTypeAreRejected() throws {
    let g = Graph()
    let v = try g.placeholder(.float32, shape: [2, 3]), b = try g.placeholder(.float32, shape: [3])
    expectError(.invalidAttribute, containing: ["'data_format' is 'NCDHW', which is not one of 'NHWC', 'NCHW'"]) {
      try g.biasAdd(v, b, dataFormat: "NCDHW")
    }
    let flags = try g.placeholder(.bool, shape: [2, 3])
    expectError(.invalidAttribute, containing: ["'T' is bool"]) {
      try g.biasAdd(flags, try g.placeholder(.bool, shape: [3]))
    }
  }
}

// MARK: - Softmax and LogSoftmax

@Suite struct SoftmaxTests {
  @Test(arguments: [[5], [2, 5], [2, 3, 4], [1, 1], [3, 17]], [DType.float32, .float64])
  func softmaxAndLogSoftmaxMatchTheReference(shape: [Int], dtype: DType) throws {
    var rng = TestRandom(seed: UInt64(shape.reduce(1, *)))
    let x = MathFixtures.stored(rng.uniform(shape.reduce(1, *), in: -5...5), dtype)
    let n = shape.last!
    let expected = referenceSoftmax(x, rowLength: n)
    let g = Graph()
    let logits = try constant(g, x, shape, dtype)
    let s = try g.softmax(logits), ls = try g.logSoftmax(logits)
    #expect(s.shape == PartialShape(shape) && ls.shape == PartialShape(shape))
    let tol = MathFixtures.tolerance(dtype)
    let sv = try evaluate(s)
    expectClose(sv, expected, shape: shape, tolerance: tol)
    expectClose(try evaluate(ls), expected.map { Foundation.log($0) }, shape: shape, tolerance: tol * 4)
    // Every row sums to 1.
    let values = sv.doubles()
    for start in stride(from: 0, to: values.count, by: n) {
      #expect(Swift.abs(values[start..<(start + n)].reduce(0, +) - 1) <= tol * Double(n))
    }
  }

  @Test(arguments: [DType.float32, .float64])
  func hugeAndInfiniteLogitsStayFinite(dtype: DType) throws {
    let g = Graph()
    let x = try constant(g, [1000, 0, 1000, 1000, -1000, -1000, -.infinity, 0], [4, 2], dtype)
    let s = try evaluate(try g.softmax(x)).doubles()
    #expect(s == [1, 0, 0.5, 0.5, 0.5, 0.5, 0, 1])
    let ls = try evaluate(try g.logSoftmax(x)).doubles()
    #expect(ls[0] == 0 && ls[1] == -1000 && ls[6] == -.infinity && ls[7] == 0)
    expectClose(Tensor.f64(Array(ls[2..<6]), [4]), [Double](repeating: -Foundation.log(2), count: 4), tolerance: 1e-6)
  }

  @Test(arguments: [DType.float32, .float64])
  func softmaxIsInvariantUnderShiftingARow(dtype: DType) throws {
    var rng = TestRandom(seed: 3)
    let x = MathFixtures.stored(rng.uniform(12, in: -3...3), dtype)
    let g = Graph()
    let logits = try constant(g, x, [3, 4], dtype)
    let shifted = try g.add(logits, try g.constant(50, dtype: dtype))
    expectClose(try evaluate(try g.softmax(shifted)), try evaluate(try g.softmax(logits)), tolerance: 1e-5)
  }

  @Test(arguments: [[0, 4], [3, 0], [0]])
  func emptyTensorsGiveEmptyResults(shape: [Int]) throws {
    let g = Graph()
    let x = try constant(g, [], shape, .float32)
    #expect(try evaluate(try g.softmax(x)).shape == shape)
    #expect(try evaluate(try g.logSoftmax(x)).shape == shape)
  }

  @Test func scalarsAndIntegersAreRejected() throws {
    let g = Graph()
    let scalar = try g.constant(Tensor(Float(1)))
    expectError(.shapeMismatch, containing: ["Softmax", "'logits' must have rank at least 1, but is a scalar"]) {
      try g.softmax(scalar)
    }
    expectError(.shapeMismatch, containing: ["LogSoftmax", "rank at least 1"]) { try g.logSoftmax(scalar) }
    let unknown = try g.placeholder(.float32, shape: nil)
    let y = try g.softmax(unknown)
    #expect(y.shape == .unknown)
    expectError(.shapeMismatch, containing: ["rank at least 1"]) { try evaluate(y, feeds: [unknown: Tensor(Float(2))]) }
    expectError(.invalidAttribute, containing: ["'T' is int32, which is not one of {float32, float64}"]) {
      try g.softmax(try g.constant(Tensor([Int32(1)])))
    }
  }

  @Test func shapeInferenceKeepsUnknownDimensions() throws {
    let g = Graph()
    let x = try g.placeholder(.float32, shape: [nil, 3])
    #expect(try g.softmax(x).shape == [.unknown, 3])
    #expect(try g.logSoftmax(x).shape == [.unknown, 3])
    expectClose(
      try evaluate(try g.softmax(x), feeds: [x: Tensor.f32([0, 0, 0], [1, 3])]), [1.0 / 3, 1.0 / 3, 1.0 / 3],
      shape: [1, 3])
  }

  @Test func softmaxCarriesACostEstimate() throws {
    let c = CostContext(attrs: [:], inputs: [(.float32, [8, 10])], outputs: [(.float32, [8, 10])])
    #expect(try #require(OpRegistry.standard.op(named: "Softmax")).cost(c).flops > 80 * 10)
  }
}

// MARK: - SoftmaxCrossEntropyWithLogits

@Suite struct SoftmaxCrossEntropyTests {
  /// Loss `-Σ labels · log_softmax(features)` and backprop `softmax -
  /// labels` per row, from the reference softmax.
  func reference(_ f: [Double], _ l: [Double], classes n: Int) -> (loss: [Double], backprop: [Double]) {
    let p = referenceSoftmax(f, rowLength: n)
    let loss = stride(from: 0, to: f.count, by: n).map { start in
      -(start..<(start + n)).reduce(0) { $0 + l[$1] * Foundation.log(p[$1]) }
    }
    return (loss, f.indices.map { p[$0] - l[$0] })
  }

  @Test func handComputedExample() throws {
    let g = Graph()
    let (loss, backprop) = try g.softmaxCrossEntropyWithLogits(
      logits: try g.constant(Tensor.f64([0, 0, 1, 2], [2, 2])), labels: try g.constant(Tensor.f64([1, 0, 0.25, 0.75], [2, 2])))
    #expect(loss.shape == [2] && backprop.shape == [2, 2])
    // Row 0: -log(1/2). Row 1: softmax([1, 2]) = [1/(1+e), e/(1+e)].
    let p = 1 / (1 + M_E)
    let row1 = -(0.25 * Foundation.log(p) + 0.75 * Foundation.log(1 - p))
    expectClose(try evaluate(loss), [Foundation.log(2), row1], shape: [2], tolerance: 1e-12)
    expectClose(try evaluate(backprop), [-0.5, 0.5, p - 0.25, 1 - p - 0.75], shape: [2, 2], tolerance: 1e-12)
  }

  @Test(arguments: [DType.float32, .float64], [(4, 7), (1, 1), (3, 100)])
  func matchesReferenceForRandomRows(dtype: DType, size: (batch: Int, classes: Int)) throws {
    var rng = TestRandom(seed: UInt64(size.batch * 1000 + size.classes))
    let count = size.batch * size.classes
    let f = MathFixtures.stored(rng.uniform(count, in: -4...4), dtype)
    // Labels: each row a probability distribution.
    let raw = rng.uniform(count, in: 0...1)
    let l = MathFixtures.stored(raw.indices.map { i in
      let start = i / size.classes * size.classes
      return raw[i] / raw[start..<(start + size.classes)].reduce(0, +)
    }, dtype)
    let shape = [size.batch, size.classes]
    let g = Graph()
    let (loss, backprop) = try g.softmaxCrossEntropyWithLogits(
      logits: try constant(g, f, shape, dtype), labels: try constant(g, l, shape, dtype))
    let expected = reference(f, l, classes: size.classes)
    let tol = MathFixtures.tolerance(dtype) * 4
    expectClose(try evaluate(loss), expected.loss, shape: [size.batch], tolerance: tol)
    expectClose(try evaluate(backprop), expected.backprop, shape: shape, tolerance: tol)
  }

  static let broadcastCases: [(features: [Int], labels: [Int])] = [
    ([3, 4], [1, 4]), ([3, 4], [4]), ([1, 4], [3, 4]), ([3, 1], [3, 4]), ([3, 4], [3, 1]),
  ]

  @Test(arguments: broadcastCases)
  func labelsAndFeaturesBroadcastToAMatrix(_ shapes: (features: [Int], labels: [Int])) throws {
    var rng = TestRandom(seed: 11)
    let f = rng.uniform(shapes.features.reduce(1, *), in: -2...2)
    let l = rng.uniform(shapes.labels.reduce(1, *), in: 0...1)
    let (shape, indices) = MathFixtures.broadcastIndices([shapes.features, shapes.labels])
    let g = Graph()
    let (loss, backprop) = try g.softmaxCrossEntropyWithLogits(
      logits: try constant(g, f, shapes.features, .float64), labels: try constant(g, l, shapes.labels, .float64))
    #expect(backprop.shape == PartialShape(shape) && loss.shape == PartialShape([shape[0]]))
    let expected = reference(indices.map { f[$0[0]] }, indices.map { l[$0[1]] }, classes: shape[1])
    expectClose(try evaluate(loss), expected.loss, shape: [shape[0]], tolerance: 1e-12)
    expectClose(try evaluate(backprop), expected.backprop, shape: shape, tolerance: 1e-12)
  }

  @Test(arguments: [DType.float32, .float64])
  func hugeLogitsGiveFiniteLoss(dtype: DType) throws {
    let g = Graph()
    let (loss, backprop) = try g.softmaxCrossEntropyWithLogits(
      logits: try constant(g, [1000, 0, -1000, 1000], [2, 2], dtype), labels: try constant(g, [0, 1, 0, 1], [2, 2], dtype))
    #expect(try evaluate(loss).doubles() == [1000, 0])
    #expect(try evaluate(backprop).doubles() == [1, -1, 0, 0])
  }

  @Test func emptyBatchGivesEmptyResults() throws {
    let g = Graph()
    let x = try constant(g, [], [0, 5], .float32)
    let (loss, backprop) = try g.softmaxCrossEntropyWithLogits(logits: x, labels: x)
    #expect(try evaluate(loss).shape == [0])
    #expect(try evaluate(backprop).shape == [0, 5])
  }

  static let shapeErrors: [(features: [Int], labels: [Int], fragments: [String])] = [
    ([2, 3, 4], [2, 3, 4], ["must be matrices [batch, classes]", "[2, 3, 4]"]),
    ([2, 3], [2, 4], ["'features' and 'labels' must have the same shape", "[2, 3]", "[2, 4]"]),
    ([6], [6], ["must be matrices [batch, classes]", "[6]"]),
  ]

  @Test(arguments: shapeErrors)
  func shapesThatAreNotMatricesThrow(_ row: (features: [Int], labels: [Int], fragments: [String])) throws {
    let g = Graph()
    let f = try constant(g, [Double](repeating: 0, count: row.features.reduce(1, *)), row.features, .float32)
    let l = try constant(g, [Double](repeating: 0, count: row.labels.reduce(1, *)), row.labels, .float32)
    expectError(.shapeMismatch, containing: ["SoftmaxCrossEntropyWithLogits"] + row.fragments) {
      try g.softmaxCrossEntropyWithLogits(logits: f, labels: l)
    }
    // Unknown shapes at build time: the kernel throws with the shapes.
    let pf = try g.placeholder(.float32, shape: nil), pl = try g.placeholder(.float32, shape: nil)
    let (loss, _) = try g.softmaxCrossEntropyWithLogits(logits: pf, labels: pl)
    let feeds = [
      pf: MathFixtures.tensor([Double](repeating: 0, count: row.features.reduce(1, *)), row.features, .float32),
      pl: MathFixtures.tensor([Double](repeating: 0, count: row.labels.reduce(1, *)), row.labels, .float32),
    ]
    expectError(.shapeMismatch, containing: ["\(row.features)", "\(row.labels)"]) { try evaluate(loss, feeds: feeds) }
  }

  static let shapeTable: [(features: PartialShape, labels: PartialShape, loss: PartialShape, backprop: PartialShape)] = [
    ([.unknown, 10], [.unknown, 10], [.unknown], [.unknown, 10]),
    ([.unknown, 10], [1, 10], [.unknown], [.unknown, 10]),
    ([4, .unknown], [.unknown, 3], [4], [4, 3]),
    (.unknown, .unknown, [.unknown], [.unknown, .unknown]),
  ]

  @Test(arguments: shapeTable)
  func shapeInferenceHandlesUnknownDimensions(
    _ row: (features: PartialShape, labels: PartialShape, loss: PartialShape, backprop: PartialShape)
  ) throws {
    let g = Graph()
    let (loss, backprop) = try g.softmaxCrossEntropyWithLogits(
      logits: try g.placeholder(.float32, shape: partial(row.features)),
      labels: try g.placeholder(.float32, shape: partial(row.labels)))
    #expect(loss.shape == row.loss && backprop.shape == row.backprop)
  }

  @Test func integerInputsAreRejected() throws {
    let g = Graph()
    let x = try g.placeholder(.int32, shape: [2, 2])
    expectError(.invalidAttribute, containing: ["'T' is int32, which is not one of {float32, float64}"]) {
      try g.softmaxCrossEntropyWithLogits(logits: x, labels: x)
    }
  }
}

// MARK: - SparseSoftmaxCrossEntropyWithLogits

@Suite struct SparseSoftmaxCrossEntropyTests {
  func labels(_ values: [Int], _ dtype: DType) -> Tensor {
    dtype == .int32 ? Tensor(values.map { Int32($0) }) : Tensor(values.map { Int64($0) })
  }

  @Test(arguments: [DType.float32, .float64], [DType.int32, .int64])
  func matchesNegativeLogSoftmaxOfTheLabel(dtype: DType, labelType: DType) throws {
    var rng = TestRandom(seed: 5)
    let f = MathFixtures.stored(rng.uniform(50, in: -4...4), dtype)
    let y = [3, 0, 9, 9, 5]
    let g = Graph()
    let (loss, backprop) = try g.sparseSoftmaxCrossEntropyWithLogits(
      logits: try constant(g, f, [5, 10], dtype), labels: try g.constant(labels(y, labelType)))
    #expect(loss.dtype == dtype && loss.shape == [5] && backprop.shape == [5, 10])
    #expect(loss.node.attrs["Tlabels"] == .type(labelType))
    let p = referenceSoftmax(f, rowLength: 10)
    let tol = MathFixtures.tolerance(dtype) * 4
    expectClose(try evaluate(loss), (0..<5).map { -Foundation.log(p[$0 * 10 + y[$0]]) }, shape: [5], tolerance: tol)
    expectClose(
      try evaluate(backprop), p.indices.map { p[$0] - ($0 % 10 == y[$0 / 10] ? 1 : 0) }, shape: [5, 10], tolerance: tol)
  }

  @Test func agreesWithTheDenseOpOnOneHotLabels() throws {
    var rng = TestRandom(seed: 9)
    let f = rng.uniform(12, in: -3...3), y = [2, 0, 3]
    let g = Graph()
    let logits = try constant(g, f, [3, 4], .float64)
    let sparse = try g.sparseSoftmaxCrossEntropyWithLogits(logits: logits, labels: try g.constant(labels(y, .int64)))
    let oneHot = (0..<12).map { $0 % 4 == y[$0 / 4] ? 1.0 : 0 }
    let dense = try g.softmaxCrossEntropyWithLogits(logits: logits, labels: try constant(g, oneHot, [3, 4], .float64))
    expectClose(try evaluate(sparse.loss), try evaluate(dense.loss), tolerance: 1e-12)
    expectClose(try evaluate(sparse.backprop), try evaluate(dense.backprop), tolerance: 1e-12)
  }

  @Test(arguments: [(12, 1), (-1, 0), (10, 2), (1 << 40, 1)])
  func labelsOutOfRangeThrowNamingTheLabelAndRow(_ bad: (label: Int, row: Int)) throws {
    var y = [1, 2, 3]
    y[bad.row] = bad.label
    let g = Graph()
    let (loss, _) = try g.sparseSoftmaxCrossEntropyWithLogits(
      logits: try constant(g, [Double](repeating: 0, count: 30), [3, 10], .float32),
      labels: try g.constant(labels(y, bad.label > Int(Int32.max) ? .int64 : .int32)), name: "xent")
    expectError(
      .runtime,
      containing: [
        "xent (SparseSoftmaxCrossEntropyWithLogits)",
        "Received a label value of \(bad.label) which is outside the valid range of [0, 10)", "row \(bad.row)",
      ]
    ) { try evaluate(loss) }
  }

  @Test(arguments: [DType.float32, .float64])
  func hugeLogitsGiveFiniteLoss(dtype: DType) throws {
    let g = Graph()
    let (loss, backprop) = try g.sparseSoftmaxCrossEntropyWithLogits(
      logits: try constant(g, [1000, 0, -1000, 1000], [2, 2], dtype), labels: try g.constant(Tensor([Int32(1), 1])))
    #expect(try evaluate(loss).doubles() == [1000, 0])
    #expect(try evaluate(backprop).doubles() == [1, -1, 0, 0])
  }

  @Test func emptyBatchGivesEmptyResults() throws {
    let g = Graph()
    let (loss, backprop) = try g.sparseSoftmaxCrossEntropyWithLogits(
      logits: try constant(g, [], [0, 10], .float32), labels: try g.constant(Tensor([Int64]())))
    #expect(try evaluate(loss).shape == [0])
    #expect(try evaluate(backprop).shape == [0, 10])
  }

  static let shapeErrors: [(features: [Int], labels: [Int], fragments: [String])] = [
    ([2, 3, 4], [2], ["'features' must be a matrix [batch, classes]", "[2, 3, 4]"]),
    ([4, 10], [4, 1], ["'labels' must be a vector [batch]", "[4, 1]"]),
    ([4, 10], [3], ["one label per row of 'features'", "[3]", "[4, 10]"]),
  ]

  @Test(arguments: shapeErrors)
  func mismatchedShapesThrowAtBuildAndRunTime(_ row: (features: [Int], labels: [Int], fragments: [String])) throws {
    let g = Graph()
    let f = MathFixtures.tensor([Double](repeating: 0, count: row.features.reduce(1, *)), row.features, .float32)
    let y = MathFixtures.tensor([Double](repeating: 0, count: row.labels.reduce(1, *)), row.labels, .int32)
    expectError(.shapeMismatch, containing: ["SparseSoftmaxCrossEntropyWithLogits"] + row.fragments) {
      try g.sparseSoftmaxCrossEntropyWithLogits(logits: try g.constant(f), labels: try g.constant(y))
    }
    let pf = try g.placeholder(.float32, shape: nil), py = try g.placeholder(.int32, shape: nil)
    let (loss, _) = try g.sparseSoftmaxCrossEntropyWithLogits(logits: pf, labels: py)
    expectError(.shapeMismatch, containing: ["\(row.features)"]) { try evaluate(loss, feeds: [pf: f, py: y]) }
  }

  @Test func zeroClassesAndFloatLabelsAreRejected() throws {
    let g = Graph()
    let (loss, _) = try g.sparseSoftmaxCrossEntropyWithLogits(
      logits: try constant(g, [], [2, 0], .float32), labels: try g.constant(Tensor([Int32(0), 0])))
    expectError(.shapeMismatch, containing: ["at least one class", "[2, 0]"]) { try evaluate(loss) }
    expectError(.invalidAttribute, containing: ["'Tlabels' is float32, which is not one of {int32, int64}"]) {
      try g.sparseSoftmaxCrossEntropyWithLogits(
        logits: try constant(g, [0, 0], [1, 2], .float32), labels: try constant(g, [0], [1], .float32))
    }
  }

  static let shapeTable: [(features: PartialShape, labels: PartialShape, loss: PartialShape, backprop: PartialShape)] = [
    ([.unknown, 10], [.unknown], [.unknown], [.unknown, 10]),
    ([.unknown, 10], [4], [4], [4, 10]),
    (.unknown, .unknown, [.unknown], [.unknown, .unknown]),
    ([4, .unknown], .unknown, [4], [4, .unknown]),
  ]

  @Test(arguments: shapeTable)
  func shapeInferenceMergesTheBatchDimension(
    _ row: (features: PartialShape, labels: PartialShape, loss: PartialShape, backprop: PartialShape)
  ) throws {
    let g = Graph()
    let (loss, backprop) = try g.sparseSoftmaxCrossEntropyWithLogits(
      logits: try g.placeholder(.float64, shape: partial(row.features)),
      labels: try g.placeholder(.int64, shape: partial(row.labels)))
    #expect(loss.shape == row.loss && backprop.shape == row.backprop)
  }
}
