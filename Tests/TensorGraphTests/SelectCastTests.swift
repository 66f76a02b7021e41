import Testing
import TensorGraph
import TensorGraphTestSupport

@Suite struct SelectTests {
  static let allDTypes = DType.allCases

  /// Picks `t` or `e` per output element by the broadcast condition.
  func reference(_ cond: [Double], _ t: [Double], _ e: [Double], _ shapes: [[Int]]) -> (shape: [Int], values: [Double]) {
    let (shape, indices) = MathFixtures.broadcastIndices(shapes)
    return (shape, indices.map { cond[$0[0]] != 0 ? t[$0[1]] : e[$0[2]] })
  }

  func data(_ count: Int, seed: UInt64, offset: Double = 0) -> [Double] {
    var rng = TestRandom(seed: seed)
    return rng.uniform(count, in: 0...1).map { ($0 * 100).rounded(.down) + offset }
  }

  func bools(_ count: Int, seed: UInt64) -> [Double] {
    var rng = TestRandom(seed: seed)
    return rng.uniform(count, in: -1...1).map { $0 < 0 ? 0 : 1 }
  }

  // MARK: Select

  @Test(arguments: allDTypes)
  func selectWithConditionOfTheSameShapeIsElementwise(dtype: DType) throws {
    let cond = bools(6, seed: 1), t = data(6, seed: 2, offset: 100), e = data(6, seed: 3)
    let (tv, ev) = dtype == .bool ? (t.map { _ in 1.0 }, e.map { _ in 0.0 }) : (t, e)
    let g = Graph()
    let y = try g.select(
      try g.constant(MathFixtures.tensor(cond, [2, 3], .bool)), try g.constant(MathFixtures.tensor(tv, [2, 3], dtype)),
      try g.constant(MathFixtures.tensor(ev, [2, 3], dtype)))
    #expect(y.dtype == dtype && y.shape == [2, 3])
    #expect(try evaluate(y).doubles() == (0..<6).map { cond[$0] != 0 ? tv[$0] : ev[$0] })
  }

  @Test(arguments: [[3], [3, 2], [3, 2, 4], [3, 0]])
  func selectWithVectorConditionPicksRows(shape: [Int]) throws {
    let n = shape.reduce(1, *), rowLength = n / 3
    let cond: [Double] = [1, 0, 1], t = data(n, seed: 4, offset: 100), e = data(n, seed: 5)
    let g = Graph()
    let y = try g.select(
      try g.constant(MathFixtures.tensor(cond, [3], .bool)), try g.constant(MathFixtures.tensor(t, shape, .float64)),
      try g.constant(MathFixtures.tensor(e, shape, .float64)))
    #expect(y.shape == PartialShape(shape))
    #expect(try evaluate(y).doubles() == (0..<n).map { cond[$0 / Swift.max(rowLength, 1)] != 0 ? t[$0] : e[$0] })
  }

  @Test func selectWithScalarConditionPicksAWholeOperand() throws {
    let g = Graph()
    let t = try g.constant(Tensor.f32([1, 2, 3, 4], [2, 2])), e = try g.constant(Tensor.f32([5, 6, 7, 8], [2, 2]))
    let yes = try g.select(try g.constant(Tensor(true)), t, e)
    let no = try g.select(try g.constant(Tensor(false)), t, e)
    #expect(yes.shape == [2, 2])
    expectClose(try evaluate(yes), [1, 2, 3, 4], shape: [2, 2], tolerance: 0)
    expectClose(try evaluate(no), [5, 6, 7, 8], shape: [2, 2], tolerance: 0)
  }

  static let selectShapeErrors: [(cond: [Int], t: [Int], e: [Int], fragments: [String])] = [
    ([2, 3], [2, 3], [3, 2], ["'t' and 'e' must have the same shape", "[2, 3]", "[3, 2]"]),
    ([2], [3, 2], [3, 2], ["one element per row of 't'", "[2]", "[3, 2]"]),
    ([2, 2], [2, 3], [2, 3], ["'condition' must be a scalar", "[2, 2]", "[2, 3]"]),
    ([3], [], [], ["'condition' must be a scalar", "[3]", "[]"]),
  ]

  @Test(arguments: selectShapeErrors)
  func selectRejectsMismatchedShapesAtBuildAndRunTime(_ row: (cond: [Int], t: [Int], e: [Int], fragments: [String]))
    throws
  {
    let g = Graph()
    func constant(_ shape: [Int], _ dtype: DType) throws -> Output {
      try g.constant(MathFixtures.tensor([Double](repeating: 1, count: shape.reduce(1, *)), shape, dtype))
    }
    expectError(.shapeMismatch, containing: ["Select"] + row.fragments) {
      try g.select(try constant(row.cond, .bool), try constant(row.t, .float32), try constant(row.e, .float32))
    }
    // With shapes unknown at build time the kernel finds the mismatch.
    let c = try g.placeholder(.bool, shape: nil), t = try g.placeholder(.float32, shape: nil)
    let e = try g.placeholder(.float32, shape: nil)
    let y = try g.select(c, t, e)
    #expect(y.shape == .unknown)
    let feeds = [
      c: MathFixtures.tensor([Double](repeating: 1, count: row.cond.reduce(1, *)), row.cond, .bool),
      t: MathFixtures.tensor([Double](repeating: 1, count: row.t.reduce(1, *)), row.t, .float32),
      e: MathFixtures.tensor([Double](repeating: 1, count: row.e.reduce(1, *)), row.e, .float32),
    ]
    expectError(.shapeMismatch, containing: row.fragments) { try evaluate(y, feeds: feeds) }
  }

  @Test func selectConditionMustBeBool() throws {
    let g = Graph()
    let x = try g.constant(Tensor([Float(1)]))
    expectError(.dtypeMismatch, containing: ["input 'condition' must be bool but is float32"]) {
      try g.select(x, x, x)
    }
    let flag = try g.constant(Tensor([true]))
    expectError(.dtypeMismatch, containing: ["input 'e' is int32"]) {
      try g.select(flag, x, try g.constant(Tensor([Int32(1)])))
    }
  }

  static let selectShapeTable: [(PartialShape, PartialShape, PartialShape, PartialShape)] = [
    ([.unknown], [.unknown, 3], [.unknown, 3], [.unknown, 3]),
    ([4], [.unknown, 3], [.unknown, 3], [4, 3]),
    (.unknown, [2, 3], [2, 3], [2, 3]),
    ([.unknown, 3], [2, .unknown], [.unknown, .unknown], [2, 3]),
    ([], [.unknown, 3], [2, .unknown], [2, 3]),
    ([2, 3], .unknown, .unknown, [2, 3]),
  ]

  @Test(arguments: 0..<6)
  func selectShapeInferenceMergesUnknownDimensions(row: Int) throws {
    let (c, t, e, expected) = Self.selectShapeTable[row]
    let g = Graph()
    let y = try g.select(
      try g.placeholder(.bool, shape: c.dims.map { $0.map(\.value) }),
      try g.placeholder(.float32, shape: t.dims.map { $0.map(\.value) }),
      try g.placeholder(.float32, shape: e.dims.map { $0.map(\.value) }))
    #expect(y.shape == expected)
  }

  // MARK: SelectV2

  static let broadcastTriples: [[[Int]]] = [
    [[2, 3], [2, 3], [2, 3]], [[], [2, 3], [2, 3]], [[2, 1], [2, 3], []], [[3], [2, 1], [1, 3]],
    [[4, 1, 3], [1, 5, 1], [5, 3]], [[1], [4], [1]], [[2, 3], [], []], [[0, 3], [3], [1, 3]],
    [[2, 1, 3, 1], [3, 4], [2, 5, 1, 1]],
  ]

  @Test(arguments: broadcastTriples, [DType.float32, .float64, .int32, .int64, .uint8, .bool])
  func selectV2BroadcastsAllThreeOperands(shapes: [[Int]], dtype: DType) throws {
    let counts = shapes.map { $0.reduce(1, *) }
    let cond = bools(counts[0], seed: 6)
    var t = data(counts[1], seed: 7, offset: 100), e = data(counts[2], seed: 8)
    if dtype == .bool { (t, e) = (t.map { _ in 1 }, e.map { _ in 0 }) }
    let expected = reference(cond, t, e, shapes)
    let g = Graph()
    let y = try g.selectV2(
      try g.constant(MathFixtures.tensor(cond, shapes[0], .bool)), try g.constant(MathFixtures.tensor(t, shapes[1], dtype)),
      try g.constant(MathFixtures.tensor(e, shapes[2], dtype)))
    #expect(y.shape == PartialShape(expected.shape))
    let out = try evaluate(y)
    #expect(out.shape == expected.shape)
    #expect(out.doubles() == expected.values, "\(shapes)")
  }

  @Test func selectV2WithShapesKnownOnlyAtRunTime() throws {
    let g = Graph()
    let c = try g.placeholder(.bool, shape: [nil, nil]), t = try g.placeholder(.float64, shape: [nil])
    let y = try g.selectV2(c, t, try g.constant(Tensor(-1.0)))
    #expect(y.shape == [.unknown, .unknown])
    let column = try Tensor([[true], [false]])
    let out = try evaluate(y, feeds: [c: column, t: Tensor([1.0, 2, 3])])
    expectClose(out, [1, 2, 3, -1, -1, -1], shape: [2, 3], tolerance: 0)
    let wide = try Tensor([[true, false, true], [false, true, false]])
    expectError(.shapeMismatch, containing: ["SelectV2", "[2, 3], [2] and []"]) {
      try evaluate(y, feeds: [c: wide, t: Tensor([1.0, 2])])
    }
  }

  static let selectV2ShapeTable: [(PartialShape, PartialShape, PartialShape, PartialShape?)] = [
    ([.unknown, 1], [3], [], [.unknown, 3]),
    ([.unknown, 3], [.unknown, 3], [1, 3], [.unknown, 3]),
    (.unknown, [2], [2], .unknown),
    ([2], [3], [3], nil),
    ([3], [2, 3], [4, 1], nil),
  ]

  @Test(arguments: 0..<5)
  func selectV2ShapeInference(row: Int) throws {
    let (c, t, e, expected) = Self.selectV2ShapeTable[row]
    let g = Graph()
    let build = {
      try g.selectV2(
        try g.placeholder(.bool, shape: c.dims.map { $0.map(\.value) }),
        try g.placeholder(.int32, shape: t.dims.map { $0.map(\.value) }),
        try g.placeholder(.int32, shape: e.dims.map { $0.map(\.value) }))
    }
    if let expected {
      #expect(try build().shape == expected)
    } else {
      expectError(.shapeMismatch, containing: ["must broadcast to a common shape", "\(c)", "\(t)", "\(e)"]) {
        try build()
      }
    }
  }
}

@Suite struct CastTests {
  /// A scalar as the test sees it, independent of the kernel's types.
  enum Value: Equatable, CustomStringConvertible {
    case int(Int64), float(Double), bool(Bool)

    static func == (a: Value, b: Value) -> Bool {
      switch (a, b) {
      case (.int(let x), .int(let y)): return x == y
      case (.bool(let x), .bool(let y)): return x == y
      case (.float(let x), .float(let y)): return (x.isNaN && y.isNaN) || (x == y && x.sign == y.sign)
      default: return false
      }
    }

    var description: String {
      switch self {
      case .int(let v): return "\(v)"
      case .float(let v): return "\(v)"
      case .bool(let v): return "\(v)"
      }
    }
  }

  static func sources(_ dtype: DType) -> [Value] {
    switch dtype {
    case .float32, .float64:
      let v: [Double] = [
        0, -0.0, 1, -1, 2.5, -2.5, 0.9999, 255, 256, 300.7, -129.5, 3e9, -3e9, 1e19, -1e19, 0.1, .nan, .infinity,
        -.infinity,
      ]
      return MathFixtures.stored(v, dtype).map(Value.float)
    case .int32: return ([0, 1, -1, 127, 128, 255, 256, -129, Int64(Int32.max), Int64(Int32.min)] as [Int64]).map(Value.int)
    case .int64: return ([0, 1, -1, 255, 256, 1 << 31, -(1 << 31) - 1, (1 << 40) + 3, .max, .min] as [Int64]).map(Value.int)
    case .uint8: return ([0, 1, 127, 128, 255] as [Int64]).map(Value.int)
    case .bool: return [true, false].map(Value.bool)
    }
  }

  static func tensor(_ values: [Value], _ dtype: DType) -> Tensor {
    func ints() -> [Int64] { values.map { if case .int(let v) = $0 { v } else { 0 } } }
    switch dtype {
    case .float32, .float64:
      return MathFixtures.tensor(values.map { if case .float(let v) = $0 { v } else { 0 } }, [values.count], dtype)
    case .int32: return Tensor(ints().map { Int32($0) })
    case .int64: return Tensor(ints())
    case .uint8: return Tensor(ints().map { UInt8($0) })
    case .bool: return Tensor(values.map { $0 == .bool(true) })
    }
  }

  static func values(_ t: Tensor) throws -> [Value] {
    switch t.dtype {
    case .float32, .float64: return t.doubles().map(Value.float)
    case .int32: return try t.scalars(as: Int32.self).map { .int(Int64($0)) }
    case .int64: return try t.scalars(as: Int64.self).map(Value.int)
    case .uint8: return try t.scalars(as: UInt8.self).map { .int(Int64($0)) }
    case .bool: return try t.scalars(as: Bool.self).map(Value.bool)
    }
  }

  /// The conversion written out case by case: integers wrap modulo 2ⁿ,
  /// floats truncate toward zero and saturate (NaN → 0), bool is `!= 0`.
  static func convert(_ v: Value, to dtype: DType) -> Value {
    func saturate(_ d: Double, _ lo: Double, _ hi: Double) -> Value {
      if d.isNaN { return .int(0) }
      if d <= lo { return .int(Int64(lo)) }
      if d >= hi { return .int(hi == 0x1p63 ? .max : Int64(hi)) }
      return .int(Int64(d.rounded(.towardZero)))
    }
    switch (v, dtype) {
    case (.bool(let b), .bool): return .bool(b)
    case (.bool(let b), .float32), (.bool(let b), .float64): return .float(b ? 1 : 0)
    case (.bool(let b), _): return .int(b ? 1 : 0)
    case (.int(let i), .float32): return .float(Double(Float(i)))
    case (.int(let i), .float64): return .float(Double(i))
    case (.int(let i), .int32):
      let low = i & 0xFFFF_FFFF
      return .int(low >= 0x8000_0000 ? low - 0x1_0000_0000 : low)
    case (.int(let i), .int64): return .int(i)
    case (.int(let i), .uint8): return .int(i & 0xFF)
    case (.int(let i), .bool): return .bool(i != 0)
    case (.float(let d), .float32): return .float(Double(Float(d)))
    case (.float(let d), .float64): return .float(d)
    case (.float(let d), .int32): return saturate(d, -2_147_483_648, 2_147_483_647)
    case (.float(let d), .int64): return saturate(d, -0x1p63, 0x1p63)
    case (.float(let d), .uint8): return saturate(d, 0, 255)
    case (.float(let d), .bool): return .bool(d != 0)
    }
  }

  @Test(arguments: DType.allCases, DType.allCases)
  func castConvertsEveryPairOfDTypes(from source: DType, to destination: DType) throws {
    let input = Self.sources(source)
    let g = Graph()
    let y = try g.cast(try g.constant(Self.tensor(input, source)), to: destination)
    #expect(y.node.op == "Cast")
    #expect(y.node.attrs["SrcT"] == .type(source) && y.node.attrs["DstT"] == .type(destination))
    #expect(y.dtype == destination && y.shape == PartialShape([input.count]))
    let expected = input.map { Self.convert($0, to: destination) }
    let actual = try Self.values(try evaluate(y))
    for (k, (a, e)) in zip(actual, expected).enumerated() where a != e {
      Issue.record("cast \(source) \(input[k]) → \(destination) gave \(a), expected \(e)")
    }
  }

  @Test func truncateDropsLowBitsOfFloat64ToFloat32() throws {
    let tie = 1 + 0x1p-24 + 0x1p-30  // Rounds up to 1 + 2⁻²³, truncates to 1.
    let x = Tensor([tie, -tie, 0.1, .nan, .infinity])
    let g = Graph()
    let rounded = try evaluate(try g.cast(try g.constant(x), to: .float32)).scalars(as: Float.self)
    let truncated = try evaluate(try g.cast(try g.constant(x), to: .float32, truncate: true)).scalars(as: Float.self)
    #expect(rounded[0] == 1 + 0x1p-23 && rounded[1] == -(1 + 0x1p-23) && rounded[2] == Float(0.1))
    #expect(truncated[0] == 1 && truncated[1] == -1 && truncated[2] == Float(0.1).nextDown)
    #expect(truncated[3].isNaN && truncated[4] == .infinity)
  }

  @Test func castToTheSameDTypeReturnsTheValue() throws {
    let g = Graph()
    let x = Tensor([Int32(3), -4])
    #expect(try evaluate(try g.cast(try g.constant(x), to: .int32)) == x)
  }

  @Test func castInfersShapesAndHandlesEmptyTensors() throws {
    let g = Graph()
    let x = try g.placeholder(.float32, shape: [nil, 3])
    let y = try g.cast(x, to: .int64)
    #expect(y.dtype == .int64 && y.shape == [.unknown, 3])
    #expect(try g.cast(try g.placeholder(.uint8, shape: nil), to: .bool).shape == .unknown)
    let empty = try evaluate(y, feeds: [x: Tensor.f32([], [0, 3])])
    #expect(empty.dtype == .int64 && empty.shape == [0, 3])
    let fed = try evaluate(y, feeds: [x: Tensor.f32([1.9, -1.9, 7, 0, -0.5, 1e30], [2, 3])])
    #expect(try fed.scalars(as: Int64.self) == [1, -1, 7, 0, 0, .max])
  }
}
