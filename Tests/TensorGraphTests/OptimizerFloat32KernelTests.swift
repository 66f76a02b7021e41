import Foundation
import Testing
import TensorGraph
import TensorGraphTestSupport

/// The float32 update kernels run C loops compiled per ISA level (AVX-512,
/// AVX2, baseline); they must give, bit for bit, what a plain scalar
/// float32 loop gives with the same formula. Each test checks one step on
/// 40,013 elements: several chunks split across threads, and a length that
/// leaves a vector tail.
@Suite struct OptimizerFloat32KernelTests {
  static let count = 40_013

  /// Float32 variables with the given values, initialized in a session.
  func setUp(_ values: [[Float]]) throws -> (Graph, Session, [Variable]) {
    let g = Graph()
    let vars = try values.enumerated().map { i, v in
      try g.variable(try Tensor(shape: [v.count], scalars: v), name: "v\(i)")
    }
    let s = Session(graph: g)
    try s.run(targets: vars.map(\.initializer))
    return (g, s, vars)
  }

  func random(_ seed: UInt64, in range: ClosedRange<Double> = -1...1) -> [Float] {
    var rng = TestRandom(seed: seed)
    return rng.uniform(Self.count, in: range).map { Float($0) }
  }

  func values(_ s: Session, _ v: Variable) throws -> [Float] {
    try s.run(v.value).scalars(as: Float.self)
  }

  /// Bitwise equality, naming the first differing element.
  func expectBitwise(_ got: [Float], _ want: [Float], _ label: String) {
    #expect(got.count == want.count, "\(label): \(got.count) elements, expected \(want.count)")
    if let i = got.indices.first(where: { i in i < want.count && got[i].bitPattern != want[i].bitPattern }) {
      Issue.record("\(label)[\(i)] = \(got[i]), expected \(want[i])")
    }
  }

  @Test func gradientDescent() throws {
    var w = random(1)
    let d = random(2)
    let (g, s, v) = try setUp([w])
    let alpha: Float = 0.037
    let op = try g.applyGradientDescent(
      v[0].ref, alpha: try g.constant(Double(alpha), dtype: .float32),
      delta: try g.constant(Tensor(shape: [Self.count], scalars: d)))
    try s.run(targets: [op.node])
    for i in w.indices { w[i] -= alpha * d[i] }
    expectBitwise(try values(s, v[0]), w, "w")
  }

  @Test(arguments: [false, true])
  func momentum(nesterov: Bool) throws {
    var w = random(3), a = random(4)
    let grad = random(5)
    let (g, s, v) = try setUp([w, a])
    let lr: Float = 0.01, mu: Float = 0.9
    let op = try g.applyMomentum(
      v[0].ref, accum: v[1].ref, lr: try g.constant(Double(lr), dtype: .float32),
      grad: try g.constant(Tensor(shape: [Self.count], scalars: grad)),
      momentum: try g.constant(Double(mu), dtype: .float32), useNesterov: nesterov)
    try s.run(targets: [op.node])
    for i in w.indices {
      a[i] = a[i] * mu + grad[i]
      if nesterov { w[i] -= (grad[i] + a[i] * mu) * lr } else { w[i] -= lr * a[i] }
    }
    expectBitwise(try values(s, v[1]), a, "accum")
    expectBitwise(try values(s, v[0]), w, "w")
  }

  @Test(arguments: [false, true])
  func adam(nesterov: Bool) throws {
    var w = random(6), m = random(7, in: -0.1...0.1), vv = random(8, in: 0...0.01)
    let grad = random(9)
    let (g, s, v) = try setUp([w, m, vv])
    let (b1, b2, eps, lr, b1p, b2p): (Float, Float, Float, Float, Float, Float) = (
      0.9, 0.999, 1e-7, 0.001, 0.729, 0.997
    )
    func c(_ x: Float) throws -> Output { try g.constant(Double(x), dtype: .float32) }
    let op = try g.applyAdam(
      v[0].ref, m: v[1].ref, v: v[2].ref, beta1Power: try c(b1p), beta2Power: try c(b2p), lr: try c(lr),
      beta1: try c(b1), beta2: try c(b2), epsilon: try c(eps),
      grad: try g.constant(Tensor(shape: [Self.count], scalars: grad)), useNesterov: nesterov)
    try s.run(targets: [op.node])
    // TensorFlow's ApplyAdam: the bias corrections folded into the step.
    let alpha = lr * (1 - b2p).squareRoot() / (1 - b1p)
    let c1 = 1 - b1, c2 = 1 - b2
    for i in w.indices {
      m[i] = m[i] + (grad[i] - m[i]) * c1
      vv[i] = vv[i] + (grad[i] * grad[i] - vv[i]) * c2
      let step = nesterov ? m[i] * b1 + c1 * grad[i] : m[i]
      w[i] -= alpha * step / (vv[i].squareRoot() + eps)
    }
    expectBitwise(try values(s, v[1]), m, "m")
    expectBitwise(try values(s, v[2]), vv, "v")
    expectBitwise(try values(s, v[0]), w, "w")
  }

  @Test func rmsProp() throws {
    var w = random(10), ms = random(11, in: 0...0.01), mom = random(12, in: -0.1...0.1)
    let grad = random(13)
    let (g, s, v) = try setUp([w, ms, mom])
    let (lr, rho, mu, eps): (Float, Float, Float, Float) = (0.001, 0.9, 0.5, 1e-7)
    func c(_ x: Float) throws -> Output { try g.constant(Double(x), dtype: .float32) }
    let op = try g.applyRMSProp(
      v[0].ref, ms: v[1].ref, mom: v[2].ref, lr: try c(lr), rho: try c(rho), momentum: try c(mu),
      epsilon: try c(eps), grad: try g.constant(Tensor(shape: [Self.count], scalars: grad)))
    try s.run(targets: [op.node])
    for i in w.indices {
      ms[i] = ms[i] + (grad[i] * grad[i] - ms[i]) * (1 - rho)
      mom[i] = mom[i] * mu + lr * grad[i] / (ms[i] + eps).squareRoot()
      w[i] -= mom[i]
    }
    expectBitwise(try values(s, v[1]), ms, "ms")
    expectBitwise(try values(s, v[2]), mom, "mom")
    expectBitwise(try values(s, v[0]), w, "w")
  }
}
