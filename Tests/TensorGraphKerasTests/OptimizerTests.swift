import Testing
import TensorGraphKeras
import TensorGraphTestSupport

/// Three full-batch epochs of each optimizer on a Dense(1) regression,
/// against tf_keras 2.21 (`KerasReference.optimizers`, from
/// scripts/make-keras-fixtures.py: kernel and bias after the last epoch,
/// and each epoch's loss).
@Suite struct KerasOptimizerTests {
  /// The optimizer a fixture row describes: by its Keras name, or built
  /// from Keras's hyperparameters (each one must be used).
  static func optimizer(_ c: KerasReference.OptimizerCase) throws -> any KerasOptimizer {
    if c.byName { return try c.name.lowercased().makeOptimizer() }
    var h = c.hyperparameters
    func take(_ key: String) throws -> Double {
      guard let v = h.removeValue(forKey: key) else {
        throw TensorGraphError(.invalidArgument, "\(c.label): the fixture has no \(key)")
      }
      return v
    }
    let optimizer: any KerasOptimizer
    switch c.name {
    case "SGD":
      optimizer = SGD(learningRate: try take("learning_rate"), momentum: try take("momentum"), nesterov: try take("nesterov") != 0)
    case "Adam":
      optimizer = Adam(
        learningRate: try take("learning_rate"), beta1: try take("beta_1"), beta2: try take("beta_2"), epsilon: try take("epsilon"))
    case "RMSprop":
      optimizer = RMSprop(
        learningRate: try take("learning_rate"), rho: try take("rho"), momentum: try take("momentum"), epsilon: try take("epsilon"))
    default:
      throw TensorGraphError(.invalidArgument, "no Swift optimizer for \(c.name)")
    }
    #expect(h.isEmpty, "\(c.label): unused hyperparameters \(h)")
    return optimizer
  }

  @Test(arguments: KerasReference.optimizers)
  func matchesKeras(_ c: KerasReference.OptimizerCase) throws {
    let optimizer = try Self.optimizer(c)
    try KerasContext().run {
      let x = Tensor.f32(KerasReference.optimizerX, [3, 2]), y = Tensor.f32(KerasReference.optimizerY, [3, 1])
      let model = try Sequential([Dense(1, inputShape: [2])])
      let start = KerasReference.optimizerStart
      try model.layers[0].setWeights([Tensor.f32(Array(start[0..<2]), [2, 1]), Tensor.f32(Array(start[2...]), [1])])
      try model.compile(optimizer: optimizer, loss: "mse")
      let history = try model.fit(x, y, batchSize: 3, epochs: 3, verbose: 0, shuffle: false)
      let got = try model.getWeights().flatMap { $0.doubles() }
      #expect(c.weights.count == 3 && c.losses.count == 3)
      expectClose(got, c.weights)
      expectClose(history["loss"], c.losses)
    }
  }

  /// Each optimizer's defaults are Keras's (its `get_config()`), compared in
  /// float32 as Keras keeps them.
  @Test func defaultsAreKeras() throws {
    let ours: [String: [String: Double]] = [
      "SGD": { let o = SGD(); return ["learning_rate": o.learningRate, "momentum": o.momentum, "nesterov": o.nesterov ? 1 : 0] }(),
      "Adam": {
        let o = Adam()
        return ["learning_rate": o.learningRate, "beta_1": o.beta1, "beta_2": o.beta2, "epsilon": o.epsilon]
      }(),
      "RMSprop": {
        let o = RMSprop()
        return ["learning_rate": o.learningRate, "rho": o.rho, "momentum": o.momentum, "epsilon": o.epsilon]
      }(),
    ]
    #expect(Set(KerasReference.optimizerDefaults.map(\.name)) == Set(ours.keys))
    for d in KerasReference.optimizerDefaults {
      let mine = try #require(ours[d.name])
      #expect(Set(mine.keys) == Set(d.hyperparameters.keys), "\(d.name)")
      for (k, v) in d.hyperparameters {
        #expect(mine[k].map { Float($0) } == Float(v), "\(d.name).\(k): \(mine[k] ?? .nan) vs Keras \(v)")
      }
    }
  }
}
