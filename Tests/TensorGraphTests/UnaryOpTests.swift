import Foundation
import Testing
import TensorGraph
import TensorGraphTestSupport

@Suite struct UnaryOpTests {
  /// One unary op: how to build it, its value computed in Double, and an
  /// input range where it is finite.
  struct Case: Sendable, CustomTestStringConvertible {
    let op: String
    let build: @Sendable (Graph, Output) throws -> Output
    let reference: @Sendable (Double) -> Double
    let domain: ClosedRange<Double>
    var testDescription: String { op }
  }

  static let floatCases: [Case] = [
    Case(op: "Neg", build: { try $0.negate($1) }, reference: { -$0 }, domain: -5...5),
    Case(op: "Abs", build: { try $0.abs($1) }, reference: { Swift.abs($0) }, domain: -5...5),
    Case(op: "Square", build: { try $0.square($1) }, reference: { $0 * $0 }, domain: -5...5),
    Case(op: "Sign", build: { try $0.sign($1) }, reference: { $0 < 0 ? -1 : $0 > 0 ? 1 : 0 }, domain: -5...5),
    Case(op: "Exp", build: { try $0.exp($1) }, reference: { Foundation.exp($0) }, domain: -10...10),
    Case(op: "Log", build: { try $0.log($1) }, reference: { Foundation.log($0) }, domain: 0.01...100),
    Case(op: "Sqrt", build: { try $0.sqrt($1) }, reference: { Foundation.sqrt($0) }, domain: 0...100),
    Case(op: "Rsqrt", build: { try $0.rsqrt($1) }, reference: { 1 / Foundation.sqrt($0) }, domain: 0.01...100),
    Case(op: "Reciprocal", build: { try $0.reciprocal($1) }, reference: { 1 / $0 }, domain: 0.1...10),
  ]

  static let integerCases: [Case] = Array(floatCases.prefix(4))

  @Test(arguments: floatCases, [DType.float32, .float64])
  func floatValuesMatchDoubleReference(_ c: Case, dtype: DType) throws {
    var rng = TestRandom(seed: UInt64(c.op.utf8.count * 31 + dtype.byteSize))
    let values = MathFixtures.stored(rng.uniform(24, in: c.domain), dtype)
    let g = Graph()
    let y = try c.build(g, try g.constant(MathFixtures.tensor(values, [2, 3, 4], dtype)))
    #expect(y.node.op == c.op)
    #expect(y.dtype == dtype)
    #expect(y.shape == [2, 3, 4])
    expectClose(try evaluate(y), values.map(c.reference), shape: [2, 3, 4], tolerance: MathFixtures.tolerance(dtype))
  }

  @Test(arguments: integerCases, [DType.int32, .int64])
  func integerValuesMatchReference(_ c: Case, dtype: DType) throws {
    let values: [Double] = [-9, -3, -1, 0, 1, 2, 7, 12]
    let y = try MathFixtures.apply(c.build, to: MathFixtures.tensor(values, [8], dtype))
    #expect(y.dtype == dtype)
    expectClose(y, values.map(c.reference), shape: [8], tolerance: 0)
  }

  @Test func integerNegAbsSquareWrapInsteadOfTrapping() throws {
    let g = Graph()
    let i32 = try g.constant(Tensor([Int32.min, Int32.max, -46341, 46341]))
    #expect(try evaluate(try g.negate(i32)).scalars(as: Int32.self) == [Int32.min, -Int32.max, 46341, -46341])
    #expect(try evaluate(try g.abs(i32)).scalars(as: Int32.self) == [Int32.min, Int32.max, 46341, 46341])
    // 46341² = 2147488281 = 2³¹ + 4633, which wraps to -2³¹ + 4633.
    #expect(try evaluate(try g.square(i32)).scalars(as: Int32.self) == [0, 1, -2_147_479_015, -2_147_479_015])
    let i64 = try g.constant(Tensor([Int64.min, Int64.max, 1 << 32]))
    #expect(try evaluate(try g.negate(i64)).scalars(as: Int64.self) == [Int64.min, -Int64.max, -(1 << 32)])
    #expect(try evaluate(try g.abs(i64)).scalars(as: Int64.self) == [Int64.min, Int64.max, 1 << 32])
    #expect(try evaluate(try g.square(i64)).scalars(as: Int64.self) == [0, 1, 0])
  }

  @Test func prefixMinusOperatorEmitsNeg() throws {
    let g = Graph()
    let x = try g.constant(Tensor([Float(1.5), -2, 0]))
    let y = try -x
    #expect(y.node.op == "Neg")
    let v = try evaluate(y).scalars(as: Float.self)
    #expect(v == [-1.5, 2, 0])
    #expect(v[2].sign == .minus)
    let n = try g.constant(Tensor([Int64(3), Int64.min]))
    #expect(try evaluate(try -n).scalars(as: Int64.self) == [-3, Int64.min])
  }

  @Test(arguments: [DType.float32, .float64])
  func signedZerosInfinitiesAndNaNFollowIEEE(dtype: DType) throws {
    let special: [Double] = [0, -0.0, .infinity, -.infinity, .nan]
    func run(_ op: (Graph, Output) throws -> Output) throws -> [Double] {
      try MathFixtures.apply(op, to: MathFixtures.tensor(special, [5], dtype)).doubles()
    }
    let neg = try run { try $0.negate($1) }
    #expect(neg[0] == 0 && neg[0].sign == .minus && neg[1].sign == .plus)
    #expect(neg[2] == -.infinity && neg[3] == .infinity && neg[4].isNaN)
    let abs = try run { try $0.abs($1) }
    #expect(abs[1] == 0 && abs[1].sign == .plus && abs[2] == .infinity && abs[3] == .infinity && abs[4].isNaN)
    let sign = try run { try $0.sign($1) }
    #expect(sign[0] == 0 && sign[1] == 0 && sign[2] == 1 && sign[3] == -1 && sign[4].isNaN)
    let exp = try run { try $0.exp($1) }
    #expect(exp[0] == 1 && exp[2] == .infinity && exp[3] == 0 && exp[4].isNaN)
    let log = try run { try $0.log($1) }
    #expect(log[0] == -.infinity && log[1] == -.infinity && log[2] == .infinity && log[3].isNaN)
    let sqrt = try run { try $0.sqrt($1) }
    #expect(sqrt[0] == 0 && sqrt[1] == 0 && sqrt[1].sign == .minus && sqrt[2] == .infinity && sqrt[3].isNaN)
    let rsqrt = try run { try $0.rsqrt($1) }
    #expect(rsqrt[0] == .infinity && rsqrt[1] == -.infinity && rsqrt[2] == 0 && rsqrt[3].isNaN)
    let reciprocal = try run { try $0.reciprocal($1) }
    #expect(reciprocal[0] == .infinity && reciprocal[1] == -.infinity && reciprocal[2] == 0)
    #expect(reciprocal[3] == 0 && reciprocal[3].sign == .minus && reciprocal[4].isNaN)
    // Large arguments overflow to inf, never to NaN.
    let big = try MathFixtures.apply({ try $0.exp($1) }, to: MathFixtures.tensor([1000, -1000], [2], dtype))
    #expect(big.doubles() == [.infinity, 0])
  }

  @Test func sqrtIsCorrectlyRoundedAndRsqrtClose() throws {
    var rng = TestRandom(seed: 12)
    let x = rng.uniform(1000, in: 0...1e6).map { Double(Float($0)) }
    let sqrt = try MathFixtures.apply({ try $0.sqrt($1) }, to: Tensor.f32(x, [1000])).scalars(as: Float.self)
    // Rounding √x from double to float is exact rounding of √x (53 ≥ 2·24 + 2).
    #expect(sqrt == x.map { Float(Foundation.sqrt($0)) })
    let sqrt64 = try MathFixtures.apply({ try $0.sqrt($1) }, to: Tensor.f64(x, [1000])).scalars(as: Double.self)
    #expect(sqrt64 == x.map { Foundation.sqrt($0) })
    let rsqrt = try MathFixtures.apply({ try $0.rsqrt($1) }, to: Tensor.f32(x, [1000]))
    expectClose(rsqrt, x.map { 1 / Foundation.sqrt($0) }, tolerance: 2e-7)
  }

  @Test(arguments: [DType.float32, .float64])
  func compositionsSatisfyIdentities(dtype: DType) throws {
    var rng = TestRandom(seed: 7)
    let values = MathFixtures.stored(rng.uniform(50, in: 0.05...40), dtype)
    let g = Graph()
    let x = try g.constant(MathFixtures.tensor(values, [5, 10], dtype))
    let tol = MathFixtures.tolerance(dtype) * 4
    expectClose(try evaluate(try g.exp(try g.log(x))), values, shape: [5, 10], tolerance: tol)
    expectClose(try evaluate(try g.log(try g.exp(x))), values, shape: [5, 10], tolerance: tol)
    expectClose(try evaluate(try g.square(try g.sqrt(x))), values, shape: [5, 10], tolerance: tol)
    expectClose(try evaluate(try g.reciprocal(try g.reciprocal(x))), values, shape: [5, 10], tolerance: tol)
    let ones = [Double](repeating: 1, count: 50)
    expectClose(try evaluate(try g.multiply(try g.rsqrt(x), try g.sqrt(x))), ones, shape: [5, 10], tolerance: tol)
    expectClose(try evaluate(try g.multiply(try g.sign(x), try g.abs(x))), values, shape: [5, 10], tolerance: 0)
  }

  @Test(arguments: floatCases)
  func emptyTensorsGiveEmptyResults(_ c: Case) throws {
    let y = try MathFixtures.apply(c.build, to: MathFixtures.tensor([], [0, 3], .float32))
    #expect(y.shape == [0, 3])
    #expect(y.scalarCount == 0)
  }

  @Test(arguments: floatCases)
  func shapeInferencePassesUnknownDimensionsAndRank(_ c: Case) throws {
    let g = Graph()
    let x = try g.placeholder(.float64, shape: [nil, 3])
    let y = try c.build(g, x)
    #expect(y.shape == [.unknown, 3])
    let z = try c.build(g, try g.placeholder(.float32, shape: nil))
    #expect(z.shape == .unknown)
    let fed = MathFixtures.tensor([1, 2, 3, 4, 5, 6], [2, 3], .float64)
    expectClose(try evaluate(y, feeds: [x: fed]), [1, 2, 3, 4, 5, 6].map(c.reference), shape: [2, 3], tolerance: 1e-13)
  }

  static let rejectedDTypes: [(op: String, dtype: DType, allowed: String)] = [
    ("Exp", .int32, "{float32, float64}"), ("Log", .int64, "{float32, float64}"),
    ("Sqrt", .int32, "{float32, float64}"), ("Rsqrt", .uint8, "{float32, float64}"),
    ("Reciprocal", .int32, "{float32, float64}"), ("Neg", .bool, "{float32, float64, int32, int64}"),
    ("Abs", .uint8, "{float32, float64, int32, int64}"), ("Square", .bool, "{float32, float64, int32, int64}"),
    ("Sign", .uint8, "{float32, float64, int32, int64}"),
  ]

  @Test(arguments: rejectedDTypes)
  func unsupportedDTypesAreRejectedAtBuildTime(_ row: (op: String, dtype: DType, allowed: String)) throws {
    let g = Graph()
    let x = try g.placeholder(row.dtype, shape: [2])
    expectError(.invalidAttribute, containing: [row.op, "'T' is \(row.dtype), which is not one of \(row.allowed)"]) {
      try g.addNode(op: row.op, inputs: [x])
    }
  }

  @Test func transcendentalsCarryACostEstimate() throws {
    let context = CostContext(attrs: [:], inputs: [(.float32, [10, 10])], outputs: [(.float32, [10, 10])])
    let exp = try #require(OpRegistry.standard.op(named: "Exp")).cost(context)
    let neg = try #require(OpRegistry.standard.op(named: "Neg")).cost(context)
    #expect(exp.flops == 2000)
    #expect(neg.flops == 100)
    #expect(exp.bytes == 800)
  }
}
