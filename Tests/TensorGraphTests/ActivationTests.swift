import Foundation
import Testing
import TensorGraph
import TensorGraphTestSupport

@Suite struct ActivationTests {
  typealias Case = UnaryOpTests.Case

  static let floatCases: [Case] = [
    Case(op: "Relu", build: { try $0.relu($1) }, reference: { Swift.max($0, 0) }, domain: -8...8),
    Case(op: "Relu6", build: { try $0.relu6($1) }, reference: { Swift.min(Swift.max($0, 0), 6) }, domain: -8...8),
    Case(op: "Elu", build: { try $0.elu($1) }, reference: { $0 < 0 ? Foundation.expm1($0) : $0 }, domain: -8...8),
    Case(
      op: "Softplus", build: { try $0.softplus($1) }, reference: { Foundation.log1p(Foundation.exp($0)) },
      domain: -20...20),
    Case(
      op: "Sigmoid", build: { try $0.sigmoid($1) }, reference: { 1 / (1 + Foundation.exp(-$0)) }, domain: -20...20),
    Case(op: "Tanh", build: { try $0.tanh($1) }, reference: { Foundation.tanh($0) }, domain: -8...8),
  ]

  @Test(arguments: floatCases, [DType.float32, .float64])
  func valuesMatchDoubleReference(_ c: Case, dtype: DType) throws {
    var rng = TestRandom(seed: UInt64(c.op.utf8.count * 17 + dtype.byteSize))
    let values = MathFixtures.stored(rng.uniform(60, in: c.domain), dtype)
    let g = Graph()
    let y = try c.build(g, try g.constant(MathFixtures.tensor(values, [3, 20], dtype)))
    #expect(y.node.op == c.op)
    #expect(y.dtype == dtype && y.shape == [3, 20])
    expectClose(try evaluate(y), values.map(c.reference), shape: [3, 20], tolerance: MathFixtures.tolerance(dtype))
  }

  @Test(arguments: [DType.int32, .int64, .uint8])
  func reluAndRelu6AcceptIntegers(dtype: DType) throws {
    let values: [Double] = dtype == .uint8 ? [0, 1, 5, 6, 7, 255] : [-100, -1, 0, 5, 6, 7, 1000]
    let relu = try MathFixtures.apply({ try $0.relu($1) }, to: MathFixtures.tensor(values, [values.count], dtype))
    let relu6 = try MathFixtures.apply({ try $0.relu6($1) }, to: MathFixtures.tensor(values, [values.count], dtype))
    #expect(relu.dtype == dtype && relu6.dtype == dtype)
    #expect(relu.doubles() == values.map { Swift.max($0, 0) })
    #expect(relu6.doubles() == values.map { Swift.min(Swift.max($0, 0), 6) })
  }

  @Test(arguments: [DType.float32, .float64])
  func softplusAndSigmoidAreStableForLargeMagnitudes(dtype: DType) throws {
    let x: [Double] = [100, -100, 1000, -1000, 50, -50]
    let input = MathFixtures.tensor(x, [6], dtype)
    let softplus = try MathFixtures.apply({ try $0.softplus($1) }, to: input).doubles()
    #expect(softplus[0] == 100 && softplus[2] == 1000 && softplus[4] == 50)
    #expect(softplus.allSatisfy { $0.isFinite && $0 >= 0 })
    // softplus(-100) = log1p(e^-100) ≈ e^-100 (a float32 subnormal).
    #expect(Swift.abs(softplus[1] - Foundation.exp(-100)) <= (dtype == .float32 ? 1e-45 : 1e-57))
    #expect(softplus[3] == 0)
    let sigmoid = try MathFixtures.apply({ try $0.sigmoid($1) }, to: input).doubles()
    #expect(sigmoid.allSatisfy { !$0.isNaN && $0 >= 0 && $0 <= 1 })
    #expect(sigmoid[0] == 1 && sigmoid[2] == 1 && sigmoid[3] == 0)
    #expect(Swift.abs(sigmoid[1] - Foundation.exp(-100)) <= (dtype == .float32 ? 1e-45 : 1e-57))
    expectClose(Tensor.f64([sigmoid[5]], [1]), [1 / (1 + Foundation.exp(50))], tolerance: MathFixtures.tolerance(dtype))
    let tanh = try MathFixtures.apply({ try $0.tanh($1) }, to: input).doubles()
    #expect(tanh == [1, -1, 1, -1, 1, -1])
    let elu = try MathFixtures.apply({ try $0.elu($1) }, to: input).doubles()
    #expect(elu == [100, -1, 1000, -1, 50, -1])
  }

  @Test(arguments: [DType.float32, .float64])
  func softplusIsAccurateAcrossItsThresholds(dtype: DType) throws {
    // TensorFlow switches formula at ±(log ε + 2): about ±13.9 for float32
    // and ±34.0 for float64. Check both sides of both switches.
    let t = dtype == .float32 ? 13.94 : 34.04
    let x = MathFixtures.stored([-t - 0.01, -t + 0.01, t - 0.01, t + 0.01, -1e-3, 1e-3, 0], dtype)
    let y = try MathFixtures.apply({ try $0.softplus($1) }, to: MathFixtures.tensor(x, [7], dtype))
    expectClose(y, x.map { Foundation.log1p(Foundation.exp($0)) }, tolerance: MathFixtures.tolerance(dtype))
  }

  /// 4001 points over [-20, 20] and 2001 over [-1e-3, 1e-3], checked for
  /// relative error (tiny outputs included): about 8 float32 ulps (Softplus
  /// reaches 7 at TensorFlow's formula switch), a few float64 ulps.
  @Test(arguments: floatCases.dropFirst(2), [DType.float32, .float64])
  func transcendentalActivationsStayWithinAFewUlpsAcrossTheirRange(_ c: Case, dtype: DType) throws {
    let wide = (0...4000).map { -20 + Double($0) / 100 }, narrow = (0...2000).map { -1e-3 + Double($0) * 1e-6 }
    let x = MathFixtures.stored(wide + narrow, dtype)
    let y = try MathFixtures.apply(c.build, to: MathFixtures.tensor(x, [x.count], dtype)).doubles()
    let tolerance = dtype == .float32 ? 1e-6 : 4e-15
    var worst = (error: 0.0, x: 0.0)
    for (xi, yi) in zip(x, y) {
      let want = c.reference(xi)
      let error = Swift.abs(yi - want) / Swift.max(Swift.abs(want), dtype == .float32 ? 1e-38 : 1e-300)
      if error > worst.error { worst = (error, xi) }
    }
    #expect(worst.error <= tolerance, "\(c.op) \(dtype): relative error \(worst.error) at x = \(worst.x)")
  }

  @Test(arguments: [DType.float32, .float64])
  func nanPropagatesThroughEveryActivation(dtype: DType) throws {
    let input = MathFixtures.tensor([.nan, -0.0], [2], dtype)
    for c in Self.floatCases {
      let y = try MathFixtures.apply(c.build, to: input).doubles()
      #expect(y[0].isNaN, "\(c.op)(NaN) is \(y[0])")
      #expect(Swift.abs(y[1] - c.reference(0)) < 1e-7, "\(c.op)(-0) is \(y[1])")
    }
  }

  @Test(arguments: floatCases)
  func emptyAndUnknownShapesFlowThrough(_ c: Case) throws {
    let empty = try MathFixtures.apply(c.build, to: MathFixtures.tensor([], [4, 0], .float64))
    #expect(empty.shape == [4, 0])
    let g = Graph()
    let x = try g.placeholder(.float32, shape: [nil, 3])
    let y = try c.build(g, x)
    #expect(y.shape == [.unknown, 3])
    #expect(try c.build(g, try g.placeholder(.float32, shape: nil)).shape == .unknown)
    let fed = try evaluate(y, feeds: [x: MathFixtures.tensor([-1, 0, 1, 2, 3, 4], [2, 3], .float32)])
    expectClose(fed, [-1, 0, 1, 2, 3, 4].map(c.reference), shape: [2, 3], tolerance: 2e-6)
  }

  static let rejectedDTypes: [(op: String, dtype: DType, allowed: String)] = [
    ("Relu", .bool, "{float32, float64, int32, int64, uint8}"),
    ("Relu6", .bool, "{float32, float64, int32, int64, uint8}"),
    ("Elu", .int32, "{float32, float64}"), ("Softplus", .int64, "{float32, float64}"),
    ("Sigmoid", .int32, "{float32, float64}"), ("Tanh", .uint8, "{float32, float64}"),
  ]

  @Test(arguments: rejectedDTypes)
  func unsupportedDTypesAreRejectedAtBuildTime(_ row: (op: String, dtype: DType, allowed: String)) throws {
    let g = Graph()
    let x = try g.placeholder(row.dtype, shape: [2])
    expectError(.invalidAttribute, containing: ["'T' is \(row.dtype), which is not one of \(row.allowed)"]) {
      try g.addNode(op: row.op, inputs: [x])
    }
  }

  @Test func activationsUseTensorFlowArgumentNames() throws {
    for op in ["Relu", "Relu6", "Elu", "Softplus"] {
      let def = try #require(OpRegistry.standard.op(named: op))
      #expect(def.inputs.map(\.name) == ["features"] && def.outputs.map(\.name) == ["activations"])
    }
    for op in ["Sigmoid", "Tanh"] {
      let def = try #require(OpRegistry.standard.op(named: op))
      #expect(def.inputs.map(\.name) == ["x"] && def.outputs.map(\.name) == ["y"])
    }
  }
}
