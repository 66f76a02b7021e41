/// A Keras optimizer: hyperparameters, and the graph optimizer (fused
/// `Apply*` update ops with slot variables) `compile` builds from them.
///
/// Give one to ``Model/compile(optimizer:loss:metrics:)`` as an object
/// (`Adam(learningRate: 0.01)`) or by name (`"adam"`, `"sgd"`, `"rmsprop"`).
/// The updates are tf_keras 2.21's, computed by TensorFlow's fused ops:
/// they agree with Keras's formulas up to floating-point rounding.
public protocol KerasOptimizer: Sendable, OptimizerConvertible {
  /// The Keras class name (`Adam`), also the default name of its slot
  /// variables (`dense/kernel/Adam`).
  var className: String { get }
  /// The step size.
  var learningRate: Double { get }
  /// The graph optimizer; `name` scopes its update ops and names its slots.
  func graphOptimizer(name: String) -> any Optimizer
  /// The hyperparameters, as Keras's `get_config()` names them.
  var config: [String: ConfigValue] { get }
}

extension KerasOptimizer {
  public func makeOptimizer() throws -> any KerasOptimizer { self }
}

/// Something `compile` accepts as an optimizer: a ``KerasOptimizer`` or its
/// name.
public protocol OptimizerConvertible {
  /// The optimizer.
  func makeOptimizer() throws -> any KerasOptimizer
}

extension String: OptimizerConvertible {
  /// The optimizer named by this string with Keras's defaults (`"adam"`,
  /// `"sgd"`, `"rmsprop"`, case-insensitive).
  ///
  /// - Throws: for an unknown name, with suggestions.
  public func makeOptimizer() throws -> any KerasOptimizer {
    switch lowercased() {
    case "sgd": return SGD()
    case "adam": return Adam()
    case "rmsprop": return RMSprop()
    default: throw unknownNameError("optimizer", self, known: ["sgd", "adam", "rmsprop"])
    }
  }
}

/// Stochastic gradient descent, with optional (Nesterov) momentum.
///
/// Keras: `m = momentum·m − lr·g; w += m` (Nesterov: `w += momentum·m −
/// lr·g`), computed as TensorFlow's `ApplyMomentum` (`a = momentum·a + g;
/// w −= lr·a`, the same update with `m = −lr·a`); plain
/// `ApplyGradientDescent` without momentum.
public struct SGD: KerasOptimizer {
  public var learningRate: Double
  /// The momentum factor (0: none).
  public var momentum: Double
  /// Whether to use Nesterov momentum.
  public var nesterov: Bool
  /// Creates the optimizer with Keras's defaults.
  public init(learningRate: Double = 0.01, momentum: Double = 0, nesterov: Bool = false) {
    self.learningRate = learningRate
    self.momentum = momentum
    self.nesterov = nesterov
  }
  public var className: String { "SGD" }
  public func graphOptimizer(name: String) -> any Optimizer {
    if momentum == 0 && !nesterov { return GradientDescentOptimizer(learningRate: learningRate, name: name) }
    return MomentumOptimizer(learningRate: learningRate, momentum: momentum, useNesterov: nesterov, name: name)
  }
  public var config: [String: ConfigValue] {
    ["learning_rate": .double(learningRate), "momentum": .double(momentum), "nesterov": .bool(nesterov)]
  }
}

/// Adam: `m += (g − m)(1 − β1); v += (g² − v)(1 − β2);
/// w −= lr·√(1 − β2ᵗ)/(1 − β1ᵗ) · m / (√v + ε)` (TensorFlow's `ApplyAdam`,
/// with `beta1_power`/`beta2_power` counting the steps).
public struct Adam: KerasOptimizer {
  public var learningRate: Double
  /// The decay of the first moment.
  public var beta1: Double
  /// The decay of the second moment.
  public var beta2: Double
  /// Added to `√v` (Keras's default 1e-7, not TensorFlow 1's 1e-8).
  public var epsilon: Double
  /// Creates the optimizer with Keras's defaults.
  public init(learningRate: Double = 0.001, beta1: Double = 0.9, beta2: Double = 0.999, epsilon: Double = 1e-7) {
    self.learningRate = learningRate
    self.beta1 = beta1
    self.beta2 = beta2
    self.epsilon = epsilon
  }
  public var className: String { "Adam" }
  public func graphOptimizer(name: String) -> any Optimizer {
    AdamOptimizer(learningRate: learningRate, beta1: beta1, beta2: beta2, epsilon: epsilon, name: name)
  }
  public var config: [String: ConfigValue] {
    ["learning_rate": .double(learningRate), "beta_1": .double(beta1), "beta_2": .double(beta2),
     "epsilon": .double(epsilon), "amsgrad": .bool(false)]
  }
}

/// RMSprop as tf_keras 2.21 computes it: `v = ρ·v + (1 − ρ)·g²` with `v`
/// starting at zero, `w −= lr·g / √(v + ε)` (with momentum:
/// `mom = momentum·mom + lr·g/√(v + ε); w −= mom`) — TensorFlow's
/// `ApplyRMSProp` with a zero-initialized `ms` slot.
public struct RMSprop: KerasOptimizer {
  public var learningRate: Double
  /// The decay of the squared-gradient average.
  public var rho: Double
  /// The momentum factor (0: none).
  public var momentum: Double
  /// Added under the square root.
  public var epsilon: Double
  /// Creates the optimizer with Keras's defaults.
  public init(learningRate: Double = 0.001, rho: Double = 0.9, momentum: Double = 0, epsilon: Double = 1e-7) {
    self.learningRate = learningRate
    self.rho = rho
    self.momentum = momentum
    self.epsilon = epsilon
  }
  public var className: String { "RMSprop" }
  public func graphOptimizer(name: String) -> any Optimizer {
    KerasRMSPropOptimizer(learningRate: learningRate, rho: rho, momentum: momentum, epsilon: epsilon, name: name)
  }
  public var config: [String: ConfigValue] {
    ["learning_rate": .double(learningRate), "rho": .double(rho), "momentum": .double(momentum),
     "epsilon": .double(epsilon), "centered": .bool(false)]
  }
}

/// The graph side of ``RMSprop``: `ApplyRMSProp` with zero-initialized
/// slots `<var>/<name>` (`ms`) and `<var>/<name>_1` (`mom`).
struct KerasRMSPropOptimizer: Optimizer {
  var learningRate: Double
  var rho: Double
  var momentum: Double
  var epsilon: Double
  var name: String

  func update(_ variable: Variable, gradient: Output, in graph: Graph) throws -> Node {
    let t = variable.ref.dtype
    let ms = try graph.slotVariable(for: variable, suffix: name)
    let mom = try graph.slotVariable(for: variable, suffix: name + "_1")
    return try graph.applyRMSProp(
      variable.ref, ms: ms.ref, mom: mom.ref, lr: try graph.constant(learningRate, dtype: t, name: "learning_rate"),
      rho: try graph.constant(rho, dtype: t, name: "rho"), momentum: try graph.constant(momentum, dtype: t, name: "momentum"),
      epsilon: try graph.constant(epsilon, dtype: t, name: "epsilon"), grad: gradient
    ).node
  }
}

/// An optimizer from its saved class name and config.
func optimizerFromConfig(className: String, config: ConfigValue) throws -> any KerasOptimizer {
  let c = ConfigReader(config, context: "optimizer \(className)")
  func d(_ key: String, _ fallback: Double) -> Double { c.optional(key)?.doubleValue ?? fallback }
  switch className {
  case "SGD":
    return SGD(learningRate: d("learning_rate", 0.01), momentum: d("momentum", 0),
               nesterov: c.optional("nesterov")?.boolValue ?? false)
  case "Adam":
    return Adam(learningRate: d("learning_rate", 0.001), beta1: d("beta_1", 0.9), beta2: d("beta_2", 0.999),
                epsilon: d("epsilon", 1e-7))
  case "RMSprop":
    return RMSprop(learningRate: d("learning_rate", 0.001), rho: d("rho", 0.9), momentum: d("momentum", 0),
                   epsilon: d("epsilon", 1e-7))
  default: throw unknownNameError("optimizer class", className, known: ["SGD", "Adam", "RMSprop"])
  }
}
