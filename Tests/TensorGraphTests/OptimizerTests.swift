import Foundation
import Testing
import TensorGraph
import TensorGraphTestSupport

/// One step of each update op against the formulas computed here.
@Suite struct ApplyOpTests {
  func setUp(_ values: [[Double]]) throws -> (Graph, Session, [Variable]) {
    let g = Graph()
    let vars = try values.enumerated().map { i, v in try g.variable(Tensor.f64(v, [v.count]), name: "v\(i)") }
    let s = Session(graph: g)
    try s.run(targets: vars.map(\.initializer))
    return (g, s, vars)
  }

  @Test func gradientDescent() throws {
    let (g, s, v) = try setUp([[1, 2, 3]])
    let op = try g.applyGradientDescent(
      v[0].ref, alpha: try g.constant(0.5, dtype: .float64), delta: try g.constant(Tensor.f64([2, -2, 4], [3])))
    let out = try s.run(op)
    expectClose(out, [0, 3, 1])
    expectClose(try s.run(v[0].value), [0, 3, 1])
  }

  @Test(arguments: [false, true])
  func momentum(nesterov: Bool) throws {
    let (g, s, v) = try setUp([[1, 2], [0.5, -1]])
    let grad = [0.25, 2.0], lr = 0.1, mu = 0.9
    let op = try g.applyMomentum(
      v[0].ref, accum: v[1].ref, lr: try g.constant(lr, dtype: .float64), grad: try g.constant(Tensor.f64(grad, [2])),
      momentum: try g.constant(mu, dtype: .float64), useNesterov: nesterov)
    try s.run(targets: [op.node])
    let accum = zip([0.5, -1], grad).map { $0 * mu + $1 }
    let w = (0..<2).map { i in
      [1.0, 2][i] - (nesterov ? (grad[i] + accum[i] * mu) * lr : lr * accum[i])
    }
    expectClose(try s.run(v[1].value), accum, tolerance: 1e-12)
    expectClose(try s.run(v[0].value), w, tolerance: 1e-12)
  }

  @Test(arguments: [false, true])
  func adam(nesterov: Bool) throws {
    let (g, s, v) = try setUp([[1, -2], [0.1, 0.2], [0.01, 0.04]])
    let (b1, b2, eps, lr, b1p, b2p) = (0.9, 0.999, 1e-7, 0.01, 0.81, 0.998)
    let grad = [0.5, -3.0]
    func c(_ x: Double) throws -> Output { try g.constant(x, dtype: .float64) }
    let op = try g.applyAdam(
      v[0].ref, m: v[1].ref, v: v[2].ref, beta1Power: try c(b1p), beta2Power: try c(b2p), lr: try c(lr),
      beta1: try c(b1), beta2: try c(b2), epsilon: try c(eps), grad: try g.constant(Tensor.f64(grad, [2])),
      useNesterov: nesterov)
    try s.run(targets: [op.node])
    let alpha = lr * (1 - b2p).squareRoot() / (1 - b1p)
    let m = (0..<2).map { [0.1, 0.2][$0] * b1 + grad[$0] * (1 - b1) }
    let vv = (0..<2).map { [0.01, 0.04][$0] * b2 + grad[$0] * grad[$0] * (1 - b2) }
    let w = (0..<2).map { i -> Double in
      let step = nesterov ? (m[i] * b1 + (1 - b1) * grad[i]) : m[i]
      return [1.0, -2][i] - alpha * step / (vv[i].squareRoot() + eps)
    }
    expectClose(try s.run(v[1].value), m, tolerance: 1e-12)
    expectClose(try s.run(v[2].value), vv, tolerance: 1e-12)
    expectClose(try s.run(v[0].value), w, tolerance: 1e-12)
  }

  @Test func rmsProp() throws {
    let (g, s, v) = try setUp([[1, 2], [1, 1], [0, 0.5]])
    let (lr, rho, mu, eps) = (0.01, 0.9, 0.5, 1e-10)
    let grad = [0.3, -0.7]
    func c(_ x: Double) throws -> Output { try g.constant(x, dtype: .float64) }
    let op = try g.applyRMSProp(
      v[0].ref, ms: v[1].ref, mom: v[2].ref, lr: try c(lr), rho: try c(rho), momentum: try c(mu), epsilon: try c(eps),
      grad: try g.constant(Tensor.f64(grad, [2])))
    try s.run(targets: [op.node])
    let ms = (0..<2).map { rho * 1 + (1 - rho) * grad[$0] * grad[$0] }
    let mom = (0..<2).map { [0, 0.5][$0] * mu + lr * grad[$0] / (ms[$0] + eps).squareRoot() }
    expectClose(try s.run(v[1].value), ms, tolerance: 1e-12)
    expectClose(try s.run(v[2].value), mom, tolerance: 1e-12)
    expectClose(try s.run(v[0].value), [1 - mom[0], 2 - mom[1]], tolerance: 1e-12)
  }

  @Test func errors() throws {
    let g = Graph()
    let w = try g.variable(Tensor.f32([1, 2], [2]), name: "w")
    expectError(.shapeMismatch, containing: ["input 2 has shape [3]", "variable has shape [2]"]) {
      try g.applyGradientDescent(w.ref, alpha: try g.constant(0.1), delta: try g.constant(Tensor.f32([1, 2, 3], [3])))
    }
    expectError(.shapeMismatch, containing: ["must be a scalar"]) {
      try g.applyGradientDescent(w.ref, alpha: try g.constant(Tensor.f32([1, 2], [2])), delta: try g.constant(Tensor.f32([1, 2], [2])))
    }
    let op = try g.applyGradientDescent(w.ref, alpha: try g.constant(0.1), delta: try g.constant(Tensor.f32([1, 2], [2])))
    expectError(.uninitializedVariable, containing: ["'w'"]) { try Session(graph: g).run(op) }
  }
}

@Suite struct MinimizeTests {
  /// Minimizes (w − target)² elementwise; every optimizer must get close.
  static let optimizers: [any Optimizer] = [
    GradientDescentOptimizer(learningRate: 0.1),
    MomentumOptimizer(learningRate: 0.05, momentum: 0.9),
    MomentumOptimizer(learningRate: 0.05, momentum: 0.9, useNesterov: true),
    AdamOptimizer(learningRate: 0.1),
    RMSPropOptimizer(learningRate: 0.05),
  ]

  @Test(arguments: 0..<5)
  func quadraticConverges(_ index: Int) throws {
    let optimizer = Self.optimizers[index]
    let g = Graph()
    let w = try g.variable(Tensor.f32([0, 0, 0], [3]), name: "w")
    let target = try g.constant(Tensor.f32([1, -2, 3], [3]))
    let loss = try g.sum(try g.squaredDifference(w.value, target))
    let train = try optimizer.minimize(loss)
    #expect(train.name == optimizer.name)
    let s = Session(graph: g)
    try s.run(targets: [try g.globalVariablesInitializer()])
    let first = try s.run(loss).doubles()[0]
    for _ in 0..<300 { try s.run(targets: [train]) }
    let last = try s.run(loss).doubles()[0]
    #expect(first == 14)
    #expect(last < 1e-3, "\(optimizer.name): loss \(first) → \(last)")
  }

  @Test func slotsAndPowersHaveTensorFlowNames() throws {
    let g = Graph()
    let w = try g.withNameScope("dense") { try g.variable("kernel", shape: [3, 2], initializer: .glorotUniform, seed: 1) }
    #expect(w.node.name == "dense/kernel")
    let x = try g.placeholder(.float32, shape: [nil, 3], name: "x")
    let loss = try g.sum(try g.matMul(x, w.value))
    let train = try AdamOptimizer().minimize(loss)
    let names = Set(g.nodes.map(\.name))
    for n in ["dense/kernel/Adam", "dense/kernel/Adam_1", "beta1_power", "beta2_power", "Adam"] {
      #expect(names.contains(n), "missing \(n)")
    }
    #expect(g.nodes.contains { $0.op == "ApplyAdam" && $0.name.hasPrefix("Adam/update_dense/kernel/") })
    #expect(!g.trainableVariables.map(\.name).contains("dense/kernel/Adam"))
    // beta powers advance once per step.
    let s = Session(graph: g)
    try s.run(targets: [try g.globalVariablesInitializer()])
    try s.run(targets: [train], feeds: [x: Tensor.f32([1, 2, 3], [1, 3])])
    try s.run(targets: [train], feeds: [x: Tensor.f32([1, 2, 3], [1, 3])])
    expectClose(try s.run(try g.output(named: "beta1_power/read")), [0.9 * 0.9 * 0.9])
  }

  @Test func noVariablesOrNoGradientsAreErrors() throws {
    let g = Graph()
    let x = try g.placeholder(.float32, shape: [2], name: "x")
    let loss = try g.sum(x)
    expectError(.invalidArgument, containing: ["no trainable variables"]) { try AdamOptimizer().minimize(loss) }
    _ = try g.variable(Tensor.f32([1], [1]), name: "unused")
    expectError(.invalidArgument, containing: ["depends on none of the variables", "unused"]) {
      try GradientDescentOptimizer(learningRate: 0.1).minimize(loss)
    }
  }
}

@Suite struct InitializerTests {
  @Test func fansFollowKeras() {
    #expect(Initializer.fans([784, 128]) == (784, 128))
    #expect(Initializer.fans([3, 3, 32, 64]) == (288, 576))
    #expect(Initializer.fans([10]) == (10, 10))
  }

  @Test func glorotUniformStaysWithinItsLimitWithTheRightVariance() throws {
    let g = Graph()
    let v = try g.variable("w", shape: [400, 600], initializer: .glorotUniform, seed: 3)
    let s = Session(graph: g)
    try s.run(targets: [v.initializer])
    let values = try s.run(v.value).doubles()
    let limit = (6.0 / 1000).squareRoot()
    #expect(values.allSatisfy { abs($0) <= limit })
    let variance = values.map { $0 * $0 }.reduce(0, +) / Double(values.count)
    #expect(abs(variance - limit * limit / 3) < 0.02 * limit * limit / 3)
    #expect(g.node(named: "w/Initializer/random_uniform/RandomUniform") != nil)
  }

  @Test func heNormalHasTheRightStandardDeviation() throws {
    let g = Graph()
    let v = try g.variable("w", shape: [500, 400], initializer: .heNormal, seed: 5)
    let s = Session(graph: g)
    try s.run(targets: [v.initializer])
    let values = try s.run(v.value).doubles()
    let sd = (values.map { $0 * $0 }.reduce(0, +) / Double(values.count)).squareRoot()
    #expect(abs(sd - (2.0 / 500).squareRoot()) < 0.02 * (2.0 / 500).squareRoot())
    #expect(values.allSatisfy { abs($0) <= 2 * (2.0 / 500).squareRoot() / 0.87962566103423978 + 1e-6 })
  }

  @Test func constantInitializers() throws {
    let g = Graph()
    let z = try g.variable("z", shape: [2, 2], initializer: .zeros)
    let o = try g.variable("o", shape: [3], initializer: .ones, dtype: .float64)
    let c = try g.variable("c", shape: [2], initializer: .constant(0.25))
    let s = Session(graph: g)
    try s.run(targets: [try g.globalVariablesInitializer()])
    expectClose(try s.run(z.value), [0, 0, 0, 0])
    expectClose(try s.run(o.value), [1, 1, 1])
    expectClose(try s.run(c.value), [0.25, 0.25])
    #expect(Initializer(name: "glorot_uniform") == .glorotUniform)
    #expect(Initializer(name: "nope") == nil)
  }
}
