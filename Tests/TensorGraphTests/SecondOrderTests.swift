import Foundation
import Testing
import TensorGraph
import TensorGraphTestSupport

/// Gradients of gradients: the first gradient's nodes are differentiated
/// like any others, and checked against hand formulas and finite
/// differences.
@Suite struct SecondOrderTests {
  static let points: [Double] = [-1.5, -0.3, 0.5, 1, 2]

  /// First and second derivatives of `f` at `points`, built as gradients of
  /// gradients.
  func derivatives(_ f: (Graph, Output) throws -> Output) throws -> (first: [Double], second: [Double]) {
    let g = Graph()
    let x = try g.placeholder(.float64, shape: [Self.points.count], name: "x")
    let y = try f(g, x)
    let d1 = try #require(try g.gradients(of: y, with: [x])[0])
    let d2 = try #require(try g.gradients(of: d1, with: [x], unconnected: .zero)[0])
    let out = try Session(graph: g).run(fetches: [d1, d2], feeds: [x: Tensor.f64(Self.points, [Self.points.count])])
    return (out[0].doubles(), out[1].doubles())
  }

  /// 3x³ − 2x² + x with Mul, Square, Sub and AddV2: x is used several
  /// times, so the first gradient sums its parts with AddN.
  @Test
  func polynomialWithRepeatedUses() throws {
    let (d1, d2) = try derivatives { g, x in
      let cube = try g.multiply(try g.multiply(try g.constant(3, dtype: .float64), x), try g.square(x))
      let quadratic = try g.multiply(try g.constant(2, dtype: .float64), try g.square(x))
      return try g.add(try g.subtract(cube, quadratic), x)
    }
    expectClose(Tensor.f64(d1, [d1.count]), Self.points.map { 9 * $0 * $0 - 4 * $0 + 1 }, tolerance: 1e-12)
    expectClose(Tensor.f64(d2, [d2.count]), Self.points.map { 18 * $0 - 4 }, tolerance: 1e-12)
  }

  /// 3x³ − 2x² + x as Σₖ cₖ·xᵉᵏ with Pow: x is broadcast once against the
  /// exponents, so every gradient node has one consumer (no AddN), and the
  /// seed is a constant (no gradient through shape ops).
  @Test func polynomialWithPow() throws {
    let g = Graph()
    let n = Self.points.count
    let x = try g.placeholder(.float64, shape: [n, 1], name: "x")
    let powers = try g.pow(
      try g.multiply(x, try g.constant(Tensor.f64([1, 1, 1], [1, 3]))), try g.constant(Tensor.f64([3, 2, 1], [3])))
    let y = try g.sum(try g.multiply(powers, try g.constant(Tensor.f64([3, -2, 1], [3]))), axes: [1])
    let ones = try g.constant(Tensor.f64(Array(repeating: 1, count: n), [n]))
    let d1 = try #require(try g.gradients(of: [y], with: [x], gradYs: [ones])[0])
    let column = try g.constant(Tensor.f64(Array(repeating: 1, count: n), [n, 1]))
    let d2 = try #require(try g.gradients(of: [d1], with: [x], gradYs: [column])[0])
    let out = try Session(graph: g).run(fetches: [d1, d2], feeds: [x: Tensor.f64(Self.points, [n, 1])])
    expectClose(out[0], Self.points.map { 9 * $0 * $0 - 4 * $0 + 1 }, shape: [n, 1], tolerance: 1e-12)
    expectClose(out[1], Self.points.map { 18 * $0 - 4 }, shape: [n, 1], tolerance: 1e-12)
  }

  @Test func tanh() throws {
    let (d1, d2) = try derivatives { g, x in try g.tanh(x) }
    let t = Self.points.map { Foundation.tanh($0) }
    expectClose(Tensor.f64(d1, [d1.count]), t.map { 1 - $0 * $0 }, tolerance: 1e-14)
    expectClose(Tensor.f64(d2, [d2.count]), t.map { -2 * $0 * (1 - $0 * $0) }, tolerance: 1e-14)
  }

  /// Every differentiable unary op's second derivative against its formula.
  @Test(arguments: UnaryGradientCase.all)
  func unaryOpMatchesHandFormula(_ c: UnaryGradientCase) throws {
    let points = c.values(Self.points.count, seed: 3)
    let g = Graph()
    let x = try g.placeholder(.float64, shape: [points.count], name: "x")
    let d1 = try #require(try g.gradients(of: try c.build(g, x), with: [x])[0])
    let d2 = try #require(try g.gradients(of: d1, with: [x], unconnected: .zero)[0])
    let v = try evaluate(d2, feeds: [x: Tensor.f64(points, [points.count])])
    expectClose(v, points.map(c.secondDerivative), shape: [points.count], tolerance: 1e-12)
  }

  // MARK: - Finite-difference checks of first gradients

  @Test(arguments: [(false, false), (true, false), (false, true), (true, true)])
  func matMulThroughSigmoid(transposeA: Bool, transposeB: Bool) {
    // d/dW Σ v·σ(x·W), differentiated again with respect to x, W and v.
    var rng = TestRandom(seed: 21)
    let a = Tensor.f64(rng.uniform(6), transposeA ? [3, 2] : [2, 3])
    let b = Tensor.f64(rng.uniform(12), transposeB ? [4, 3] : [3, 4])
    let v = Tensor.f64(rng.uniform(8), [2, 4])
    expectGradientsMatch(inputs: [a, b, v]) { g, x, _ in
      let y = try g.sigmoid(try g.matMul(x[0], x[1], transposeA: transposeA, transposeB: transposeB))
      let grads = try g.gradients(of: [y], with: [x[0], x[1]], gradYs: [x[2]])
      // Both gradients feed the checked value.
      return try g.add(try g.sum(try g.square(grads[0]!)), try g.sum(try g.multiply(grads[1]!, grads[1]!)))
    }
  }

  @Test(arguments: ["NHWC", "NCHW"])
  func biasAddThroughTanh(format: String) {
    var rng = TestRandom(seed: 22)
    let shape = format == "NHWC" ? [2, 3, 4] : [2, 4, 3]
    let x = Tensor.f64(rng.uniform(24), shape)
    let b = Tensor.f64(rng.uniform(4), [4])
    expectGradientsMatch(inputs: [x, b]) { g, p, _ in
      let y = try g.tanh(try g.biasAdd(p[0], p[1], dataFormat: format))
      let grads = try g.gradients(of: y, with: [p[0], p[1]])
      // BiasAddGrad's gradient is checked through the bias's gradient.
      return try g.add(try g.sum(try g.square(grads[1]!)), try g.sum(grads[0]!))
    }
  }

  @Test(arguments: ["Softmax", "LogSoftmax"])
  func softmaxHessianVectorProduct(op: String) {
    var rng = TestRandom(seed: 23)
    let x = Tensor.f64(rng.uniform(8, in: -2...2), [2, 4])
    let v = Tensor.f64(rng.uniform(8), [2, 4])
    expectGradientsMatch(inputs: [x, v]) { g, p, _ in
      let y = g.output(try g.addNode(op: op, inputs: [p[0]]))
      return try g.gradients(of: [y], with: [p[0]], gradYs: [p[1]])[0]!
    }
  }

  /// The Hessian of the cross-entropy with respect to the logits goes
  /// through the backprop output's gradient (the softmax Jacobian term).
  @Test func sparseCrossEntropyHessian() {
    var rng = TestRandom(seed: 24)
    let logits = Tensor.f64(rng.uniform(12, in: -2...2), [3, 4])
    let labels = try! Tensor(shape: [3], scalars: [Int32(3), 0, 1])
    expectGradientsMatch(inputs: [logits], constants: [labels]) { g, p, c in
      let loss = try g.sparseSoftmaxCrossEntropyWithLogits(logits: p[0], labels: c[0]).loss
      return try g.gradients(of: loss, with: [p[0]])[0]!
    }
  }

  @Test func denseCrossEntropyHessianAndLabelsCrossTerm() {
    var rng = TestRandom(seed: 25)
    let logits = Tensor.f64(rng.uniform(12, in: -2...2), [3, 4])
    let raw = rng.uniform(12, in: 0.1...1)
    var rows: [Double] = []
    for r in 0..<3 {
      let row = Array(raw[(r * 4)..<(r * 4 + 4)])
      let total = row.reduce(0, +)
      rows += row.map { $0 / total }
    }
    expectGradientsMatch(inputs: [logits, Tensor.f64(rows, [3, 4])]) { g, p, _ in
      let loss = try g.softmaxCrossEntropyWithLogits(logits: p[0], labels: p[1]).loss
      return try g.gradients(of: loss, with: [p[0]])[0]!
    }
  }
}

@Suite struct GradientPathTests {
  /// The second derivative of sum(tanh(x)): the first gradient's seed comes
  /// from OnesLike, which stops gradients, so nothing downstream of it needs
  /// a gradient rule.
  @Test func secondDerivativeThroughAReduction() throws {
    let g = Graph()
    let x = try g.placeholder(.float64, shape: [3], name: "x")
    let y = try g.sum(try g.tanh(x))
    let dx = try #require(try g.gradients(of: y, with: [x])[0])
    let d2x = try #require(try g.gradients(of: try g.sum(dx), with: [x])[0])
    let xs = [-0.5, 0.1, 1.2]
    let out = try Session(graph: g).run(d2x, feeds: [x: Tensor.f64(xs, [3])])
    expectClose(out, xs.map { let t = Foundation.tanh($0); return -2 * t * (1 - t * t) }, tolerance: 1e-12)
  }
}
