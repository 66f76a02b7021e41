import Testing
import TensorGraph
import TensorGraphTestSupport

@Suite struct ComparisonTests {
  struct Case: Sendable, CustomTestStringConvertible {
    let op: String
    let build: @Sendable (Graph, Output, Output) throws -> Output
    let reference: @Sendable (Double, Double) -> Bool
    var testDescription: String { op }
  }

  static let cases: [Case] = [
    Case(op: "Equal", build: { try $0.equal($1, $2) }, reference: { $0 == $1 }),
    Case(op: "NotEqual", build: { try $0.notEqual($1, $2) }, reference: { $0 != $1 }),
    Case(op: "Less", build: { try $0.less($1, $2) }, reference: { $0 < $1 }),
    Case(op: "LessEqual", build: { try $0.lessEqual($1, $2) }, reference: { $0 <= $1 }),
    Case(op: "Greater", build: { try $0.greater($1, $2) }, reference: { $0 > $1 }),
    Case(op: "GreaterEqual", build: { try $0.greaterEqual($1, $2) }, reference: { $0 >= $1 }),
  ]

  static let shapePairs: [([Int], [Int])] = [
    ([2, 3], [2, 3]), ([2, 3], []), ([], [2, 3]), ([2, 3], [3]), ([2, 3], [2, 1]), ([4, 1, 3], [1, 5, 1]),
    ([0, 3], [3]), ([1], [5]),
  ]

  static let numericDTypes: [DType] = [.float32, .float64, .int32, .int64, .uint8]

  @Test(arguments: cases, numericDTypes)
  func matchesReferenceWithBroadcasting(_ c: Case, dtype: DType) throws {
    for (k, (sa, sb)) in Self.shapePairs.enumerated() {
      // Small integers: exact in every dtype, and ties are common.
      var rng = TestRandom(seed: UInt64(k))
      let a = rng.uniform(sa.reduce(1, *), in: 0...3).map { $0.rounded(.down) }
      let b = rng.uniform(sb.reduce(1, *), in: 0...3).map { $0.rounded(.down) }
      let (shape, indices) = MathFixtures.broadcastIndices([sa, sb])
      let g = Graph()
      let z = try c.build(g, try g.constant(MathFixtures.tensor(a, sa, dtype)), try g.constant(MathFixtures.tensor(b, sb, dtype)))
      #expect(z.node.op == c.op)
      #expect(z.dtype == .bool)
      #expect(z.shape == PartialShape(shape))
      let expected = indices.map { c.reference(a[$0[0]], b[$0[1]]) }
      #expect(try evaluate(z).scalars(as: Bool.self) == expected, "\(sa) vs \(sb)")
    }
  }

  @Test(arguments: [DType.float32, .float64])
  func nanComparesUnequalToEverything(dtype: DType) throws {
    let x = MathFixtures.tensor([.nan, .nan, 1, -0.0], [4], dtype)
    let y = MathFixtures.tensor([.nan, 1, .nan, 0], [4], dtype)
    for c in Self.cases {
      let g = Graph()
      let z = try evaluate(try c.build(g, try g.constant(x), try g.constant(y))).scalars(as: Bool.self)
      #expect(z == [0, 1, 2, 3].map { c.reference(x.doubles()[$0], y.doubles()[$0]) }, "\(c.op)")
    }
  }

  @Test func equalityAcceptsBoolsWithBroadcasting() throws {
    let g = Graph()
    let a = try g.constant(try Tensor(shape: [2, 2], scalars: [true, false, true, true]))
    let b = try g.constant(Tensor([true, false]))
    #expect(try evaluate(try g.equal(a, b)).scalars(as: Bool.self) == [true, true, true, false])
    #expect(try evaluate(try g.notEqual(a, b)).scalars(as: Bool.self) == [false, false, false, true])
  }

  @Test func orderingRejectsBools() throws {
    let g = Graph()
    let a = try g.constant(Tensor([true]))
    for op in ["Less", "LessEqual", "Greater", "GreaterEqual"] {
      expectError(.invalidAttribute, containing: ["'T' is bool"]) { try g.addNode(op: op, inputs: [a, a]) }
    }
  }

  @Test func incompatibleShapesThrowUnlessEqualityIsAskedNotTo() throws {
    let g = Graph()
    let a = try g.constant(Tensor([Float(1), 2]))
    let b = try g.constant(Tensor([Float(1), 2, 3]))
    expectError(.shapeMismatch, containing: ["Equal", "incompatible shapes for broadcasting: [2] and [3]"]) {
      try g.equal(a, b)
    }
    expectError(.shapeMismatch, containing: ["Less", "[2] and [3]"]) { try g.less(a, b) }
    let eq = try g.equal(a, b, incompatibleShapeError: false)
    let ne = try g.notEqual(a, b, incompatibleShapeError: false)
    #expect(eq.shape == .unknown && ne.shape == .unknown)
    let e = try evaluate(eq), n = try evaluate(ne)
    #expect(e.shape == [] && n.shape == [])
    #expect(try e.scalar(as: Bool.self) == false && n.scalar(as: Bool.self) == true)
    // Compatible shapes still compare elementwise.
    let same = try g.equal(a, a, incompatibleShapeError: false)
    #expect(try evaluate(same).scalars(as: Bool.self) == [true, true])
  }

  @Test func shapesThatOnlyDisagreeAtRunTimeThrowThere() throws {
    let g = Graph()
    let x = try g.placeholder(.int32, shape: [nil])
    let y = try g.placeholder(.int32, shape: [nil])
    let strict = try g.greater(x, y)
    let lenient = try g.notEqual(x, y, incompatibleShapeError: false)
    #expect(strict.shape == [.unknown])
    let feeds = [x: Tensor([Int32(1), 2]), y: Tensor([Int32(1), 2, 3])]
    expectError(.shapeMismatch, containing: ["Greater", "[2] and [3]"]) { try evaluate(strict, feeds: feeds) }
    #expect(try evaluate(lenient, feeds: feeds).scalars(as: Bool.self) == [true])
  }

  static let shapeTable: [(PartialShape, PartialShape, PartialShape)] = [
    ([.unknown, 3], [3], [.unknown, 3]),
    ([.unknown, 1], [1, 4], [.unknown, 4]),
    ([5], [.unknown], [5]),
    (.unknown, [2], .unknown),
    ([0, 3], [1], [0, 3]),
  ]

  @Test(arguments: cases, 0..<5)
  func shapeInferenceHandlesUnknownDimensions(_ c: Case, row: Int) throws {
    let (sa, sb, expected) = Self.shapeTable[row]
    let g = Graph()
    let a = try g.placeholder(.float32, shape: sa.dims.map { $0.map(\.value) })
    let b = try g.placeholder(.float32, shape: sb.dims.map { $0.map(\.value) })
    let z = try c.build(g, a, b)
    #expect(z.shape == expected)
    #expect(z.dtype == .bool)
  }

  @Test func comparisonsAndLogicalOpsAreNotDifferentiable() throws {
    for op in Self.cases.map(\.op) + ["LogicalNot", "LogicalAnd", "LogicalOr"] {
      let def = try #require(OpRegistry.standard.op(named: op))
      guard case .notDifferentiable = def.gradient else {
        Issue.record("\(op) should be marked not differentiable")
        continue
      }
    }
  }

  // MARK: Logical ops

  @Test func logicalOpsFollowTruthTablesWithBroadcasting() throws {
    let g = Graph()
    let a = try g.constant(try Tensor(shape: [2, 2], scalars: [false, false, true, true]))
    let b = try g.constant(Tensor([false, true]))
    #expect(try evaluate(try g.logicalAnd(a, b)).scalars(as: Bool.self) == [false, false, false, true])
    #expect(try evaluate(try g.logicalOr(a, b)).scalars(as: Bool.self) == [false, true, true, true])
    #expect(try evaluate(try g.logicalNot(a)).scalars(as: Bool.self) == [true, true, false, false])
    let scalar = try g.constant(Tensor(true))
    #expect(try evaluate(try g.logicalAnd(scalar, a)).scalars(as: Bool.self) == [false, false, true, true])
    let empty = try g.constant(try Tensor(shape: [0, 2], scalars: [Bool]()))
    #expect(try evaluate(try g.logicalOr(empty, b)).shape == [0, 2])
  }

  @Test func logicalOpsRequireBools() throws {
    let g = Graph()
    let f = try g.constant(Tensor([Float(1)]))
    let t = try g.constant(Tensor([true]))
    expectError(.dtypeMismatch, containing: ["LogicalAnd", "input 'x' must be bool but is float32"]) {
      try g.logicalAnd(f, t)
    }
    expectError(.dtypeMismatch, containing: ["input 'y' must be bool but is float32"]) { try g.logicalOr(t, f) }
    expectError(.dtypeMismatch, containing: ["input 'x' must be bool but is float32"]) { try g.logicalNot(f) }
    let wide = try g.constant(Tensor([true, false, true]))
    let narrow = try g.constant(Tensor([true, false]))
    expectError(.shapeMismatch, containing: ["[3] and [2]"]) { try g.logicalAnd(wide, narrow) }
  }
}
