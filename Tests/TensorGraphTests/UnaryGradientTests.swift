import Foundation
import Testing
import TensorGraph
import TensorGraphTestSupport

/// One differentiable unary op: how to build it, where to sample it (away
/// from its kinks, inside its domain) and its second derivative in Double.
struct UnaryGradientCase: Sendable, CustomTestStringConvertible {
  let op: String
  let build: @Sendable (Graph, Output) throws -> Output
  let domain: ClosedRange<Double>
  var kinks: [Double] = []
  let secondDerivative: @Sendable (Double) -> Double
  var testDescription: String { op }

  /// `count` values in the domain, at least 0.1 from every kink.
  func values(_ count: Int, seed: UInt64) -> [Double] {
    var rng = TestRandom(seed: seed)
    return rng.uniform(count, in: domain).map { x in
      var v = x
      for k in kinks where Swift.abs(v - k) < 0.1 { v = k + (v >= k ? 0.1 : -0.1) }
      return v
    }
  }

  static func sigmoid(_ x: Double) -> Double { 1 / (1 + Foundation.exp(-x)) }

  static let all: [UnaryGradientCase] = [
    .init(op: "Neg", build: { try $0.negate($1) }, domain: -2...2, secondDerivative: { _ in 0 }),
    .init(op: "Abs", build: { try $0.abs($1) }, domain: -2...2, kinks: [0], secondDerivative: { _ in 0 }),
    .init(op: "Square", build: { try $0.square($1) }, domain: -2...2, secondDerivative: { _ in 2 }),
    .init(op: "Sign", build: { try $0.sign($1) }, domain: -2...2, kinks: [0], secondDerivative: { _ in 0 }),
    .init(op: "Exp", build: { try $0.exp($1) }, domain: -2...2, secondDerivative: { Foundation.exp($0) }),
    .init(op: "Log", build: { try $0.log($1) }, domain: 0.2...3, secondDerivative: { -1 / ($0 * $0) }),
    .init(op: "Sqrt", build: { try $0.sqrt($1) }, domain: 0.2...3, secondDerivative: { -0.25 * Foundation.pow($0, -1.5) }),
    .init(op: "Rsqrt", build: { try $0.rsqrt($1) }, domain: 0.2...3, secondDerivative: { 0.75 * Foundation.pow($0, -2.5) }),
    .init(op: "Reciprocal", build: { try $0.reciprocal($1) }, domain: 0.2...3, secondDerivative: { 2 / ($0 * $0 * $0) }),
    .init(op: "Relu", build: { try $0.relu($1) }, domain: -2...2, kinks: [0], secondDerivative: { _ in 0 }),
    .init(op: "Relu6", build: { try $0.relu6($1) }, domain: -2...8, kinks: [0, 6], secondDerivative: { _ in 0 }),
    .init(op: "Elu", build: { try $0.elu($1) }, domain: -2...2, kinks: [0], secondDerivative: { $0 < 0 ? Foundation.exp($0) : 0 }),
    .init(op: "Softplus", build: { try $0.softplus($1) }, domain: -4...4, secondDerivative: { sigmoid($0) * (1 - sigmoid($0)) }),
    .init(op: "Sigmoid", build: { try $0.sigmoid($1) }, domain: -4...4, secondDerivative: {
      let s = sigmoid($0)
      return s * (1 - s) * (1 - 2 * s)
    }),
    .init(op: "Tanh", build: { try $0.tanh($1) }, domain: -3...3, secondDerivative: {
      let t = Foundation.tanh($0)
      return -2 * t * (1 - t * t)
    }),
  ]

  static let shapes: [[Int]] = [[], [7], [2, 3], [2, 3, 2]]
}

@Suite struct UnaryGradientTests {
  /// The gradient function's own gradient: the first gradient, with an
  /// upstream gradient `v` that is an input too, is built inside the
  /// checked function, and the checker differentiates it with respect to
  /// both `x` and `v` (so both inputs of ReluGrad, TanhGrad, … are checked).
  @Test(arguments: UnaryGradientCase.all)
  func gradientOfGradientMatchesFiniteDifferences(_ c: UnaryGradientCase) {
    let x = Tensor.f64(c.values(6, seed: UInt64(c.op.count + 100)), [2, 3])
    var rng = TestRandom(seed: 5)
    let v = Tensor.f64(rng.uniform(6, in: -2...2), [2, 3])
    expectGradientsMatch(inputs: [x, v]) { g, xs, _ in
      let y = try c.build(g, xs[0])
      return try g.gradients(of: [y], with: [xs[0]], gradYs: [xs[1]], unconnected: .zero)[0]!
    }
  }

  @Test func expGradientReusesTheOutput() throws {
    let g = Graph()
    let x = try g.placeholder(.float64, shape: [3], name: "x")
    let y = try g.exp(x)
    let dx = try #require(try g.gradients(of: y, with: [x])[0])
    #expect(dx.node.op == "Mul" && dx.node.inputs.contains(y.ref))
    #expect(g.nodes.filter { $0.op == "Exp" }.count == 1)
    expectClose(try evaluate(dx, feeds: [x: Tensor.f64([0, 1, -1], [3])]), [1, Foundation.exp(1), Foundation.exp(-1)])
  }

  @Test func gradientsPointAtTheirGradOps() throws {
    for (op, gradOp) in [
      ("Sqrt", "SqrtGrad"), ("Rsqrt", "RsqrtGrad"), ("Reciprocal", "ReciprocalGrad"), ("Relu", "ReluGrad"),
      ("Relu6", "Relu6Grad"), ("Elu", "EluGrad"), ("Softplus", "SoftplusGrad"), ("Sigmoid", "SigmoidGrad"),
      ("Tanh", "TanhGrad"),
    ] {
      let g = Graph()
      let x = try g.placeholder(.float32, shape: [nil, 4], name: "x")
      let y = g.output(try g.addNode(op: op, inputs: [x]))
      let dx = try #require(try g.gradients(of: y, with: [x])[0])
      #expect(dx.node.op == gradOp)
      #expect(dx.dtype == .float32 && dx.shape == [.unknown, 4])
      // Sigmoid, Tanh and the Sqrt family read the forward output, as do
      // Relu, Relu6 and Elu; Softplus reads its input.
      let forward = op == "Softplus" ? x.ref : y.ref
      #expect(dx.node.inputs.contains(forward), "\(gradOp) should read \(op == "Softplus" ? "x" : "y")")
      #expect(g.nodes.filter { $0.op == op }.count == 1, "\(op) was recomputed")
    }
  }

  @Test func signGradientIsZerosAsInTensorFlow() throws {
    let g = Graph()
    let x = try g.placeholder(.float64, shape: [3], name: "x")
    let dx = try #require(try g.gradients(of: try g.sum(try g.sign(x)), with: [x])[0])
    expectClose(try evaluate(dx, feeds: [x: Tensor.f64([-2, 0, 3], [3])]), [0, 0, 0], shape: [3])
  }

  @Test func integerInputsGetNoGradient() throws {
    let g = Graph()
    let x = try g.placeholder(.float64, shape: [3], name: "x")
    let i = try g.placeholder(.int32, shape: [3], name: "i")
    let y = try g.add(try g.square(x), try g.cast(try g.abs(try g.negate(i)), to: .float64))
    let grads = try g.gradients(of: try g.sum(y), with: [x, i])
    #expect(grads[0] != nil && grads[1] == nil)
  }
}

// MARK: - Gradient ops

/// One elementwise gradient op: its two inputs' ranges and its value in
/// Double.
struct GradientOpCase: Sendable, CustomTestStringConvertible {
  let op: String
  let domains: (ClosedRange<Double>, ClosedRange<Double>)
  var kinks: [Double] = []
  let reference: @Sendable (Double, Double) -> Double
  var testDescription: String { op }

  func values(_ count: Int, seed: UInt64) -> ([Double], [Double]) {
    var rng = TestRandom(seed: seed)
    let a = rng.uniform(count, in: domains.0)
    let b = rng.uniform(count, in: domains.1).map { x in
      var v = x
      for k in kinks where Swift.abs(v - k) < 0.1 { v = k + (v >= k ? 0.1 : -0.1) }
      return v
    }
    return (a, b)
  }

  static let all: [GradientOpCase] = [
    .init(op: "ReluGrad", domains: (-2...2, -2...2), kinks: [0], reference: { g, f in f > 0 ? g : 0 }),
    .init(op: "Relu6Grad", domains: (-2...2, -2...8), kinks: [0, 6], reference: { g, f in f > 0 && f < 6 ? g : 0 }),
    .init(op: "EluGrad", domains: (-2...2, -0.9...2), kinks: [0], reference: { g, y in y < 0 ? g * (y + 1) : g }),
    .init(op: "SoftplusGrad", domains: (-2...2, -4...4), reference: { g, f in g / (1 + Foundation.exp(-f)) }),
    .init(op: "SigmoidGrad", domains: (0.05...0.95, -2...2), reference: { y, dy in dy * y * (1 - y) }),
    .init(op: "TanhGrad", domains: (-0.95...0.95, -2...2), reference: { y, dy in dy * (1 - y * y) }),
    .init(op: "SqrtGrad", domains: (0.3...3, -2...2), reference: { y, dy in dy * 0.5 / y }),
    .init(op: "RsqrtGrad", domains: (0.3...3, -2...2), reference: { y, dy in dy * -0.5 * y * y * y }),
    .init(op: "ReciprocalGrad", domains: (-3...3, -2...2), reference: { y, dy in -dy * y * y }),
  ]
}

@Suite struct GradientOpTests {
  @Test(arguments: GradientOpCase.all, [DType.float32, .float64])
  func valuesMatchHandFormula(_ c: GradientOpCase, dtype: DType) throws {
    let (a, b) = c.values(24, seed: UInt64(c.op.count))
    let (sa, sb) = (MathFixtures.stored(a, dtype), MathFixtures.stored(b, dtype))
    let g = Graph()
    let ta = try g.constant(MathFixtures.tensor(sa, [2, 3, 4], dtype))
    let tb = try g.constant(MathFixtures.tensor(sb, [2, 3, 4], dtype))
    let z = g.output(try g.addNode(op: c.op, inputs: [ta, tb]))
    #expect(z.dtype == dtype && z.shape == [2, 3, 4])
    let tolerance = MathFixtures.tolerance(dtype) * 4
    expectClose(try evaluate(z), zip(sa, sb).map(c.reference), shape: [2, 3, 4], tolerance: tolerance)
  }

  @Test(arguments: [DType.int32, .int64, .uint8])
  func reluGradsAcceptIntegers(dtype: DType) throws {
    let grads: [Double] = [3, 4, 5, 6, 7, 8]
    let features: [Double] = dtype == .uint8 ? [0, 1, 5, 6, 7, 200] : [-3, 0, 1, 5, 6, 7]
    for (op, pass) in [("ReluGrad", { (f: Double) in f > 0 }), ("Relu6Grad", { (f: Double) in f > 0 && f < 6 })] {
      let g = Graph()
      let a = try g.constant(MathFixtures.tensor(grads, [6], dtype))
      let b = try g.constant(MathFixtures.tensor(features, [6], dtype))
      let z = g.output(try g.addNode(op: op, inputs: [a, b]))
      let v = try evaluate(z)
      #expect(v.dtype == dtype)
      #expect(v.doubles() == zip(grads, features).map { pass($1) ? $0 : 0 })
    }
  }

  @Test func reluGradPropagatesNaNGradientsAsTensorFlow() throws {
    // TensorFlow multiplies by the mask: NaN·0 is NaN.
    let g = Graph()
    let z = g.output(
      try g.addNode(
        op: "ReluGrad", inputs: [try g.constant(Tensor.f64([.nan, 2], [2])), try g.constant(Tensor.f64([-1, -1], [2]))]))
    let v = try evaluate(z).doubles()
    #expect(v[0].isNaN && v[1] == 0)
  }

  @Test func inputsMustHaveTheSameShape() throws {
    let g = Graph()
    let y = try g.placeholder(.float32, shape: [2, 3], name: "y")
    let dy = try g.placeholder(.float32, shape: [3], name: "dy")
    expectError(.shapeMismatch, containing: ["'y' and 'dy' must have the same shape", "[2, 3]", "[3]"]) {
      try g.addNode(op: "TanhGrad", inputs: [y, dy])
    }
    // Unknown dimensions merge at graph time and are checked when it runs.
    let a = try g.placeholder(.float32, shape: [nil], name: "a")
    let b = try g.placeholder(.float32, shape: [nil], name: "b")
    let z = g.output(try g.addNode(op: "ReluGrad", inputs: [a, b]))
    #expect(z.shape == [.unknown])
    expectError(.shapeMismatch, containing: ["'gradients' and 'features' must have the same shape", "[2]", "[3]"]) {
      try evaluate(z, feeds: [a: Tensor.f32([1, 2], [2]), b: Tensor.f32([1, 2, 3], [3])])
    }
  }

  @Test func largeInputsSplitIntoChunksGiveTheSameResult() throws {
    // Above the elementwise grain the loop runs in chunks (and in place
    // when the input dies): compare with the formula everywhere.
    let n = 100_003
    let y = (0..<n).map { Double($0 % 17) / 17 - 0.5 }
    let dy = (0..<n).map { Double($0 % 5) - 2 }
    let g = Graph()
    let yIn = try g.placeholder(.float64, shape: [n], name: "y")
    let dyIn = try g.placeholder(.float64, shape: [n], name: "dy")
    let z = try g.sigmoidGradForTest(try g.multiply(yIn, try g.constant(1, dtype: .float64)), dyIn)
    let v = try evaluate(z, feeds: [yIn: Tensor.f64(y, [n]), dyIn: Tensor.f64(dy, [n])])
    expectClose(v, zip(y, dy).map { $1 * $0 * (1 - $0) }, shape: [n], tolerance: 1e-15)
  }
}

extension Graph {
  /// `SigmoidGrad` through the generic builder (the builder method is
  /// internal).
  fileprivate func sigmoidGradForTest(_ y: Output, _ dy: Output) throws -> Output {
    output(try addNode(op: "SigmoidGrad", inputs: [y, dy]))
  }
}

// MARK: - Registry

@Suite struct MathGradientRegistryTests {
  static let stopping = [
    "Equal", "NotEqual", "Less", "LessEqual", "Greater", "GreaterEqual", "LogicalNot", "LogicalAnd", "LogicalOr",
  ]

  @Test(arguments: stopping)
  func comparisonsAndLogicalOpsStopGradients(_ name: String) throws {
    let def = try #require(OpRegistry.standard.op(named: name))
    guard case .notDifferentiable = def.gradient else {
      Issue.record("\(name) should be marked not differentiable")
      return
    }
  }
}
