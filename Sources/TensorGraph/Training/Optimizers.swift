// Graph-level optimizers in the manner of TensorFlow 1.x's `tf.train`:
// `minimize(loss)` adds the gradient nodes, slot variables and fused update
// ops, and returns one train op to run per step.

/// Builds update ops that apply gradients to variables.
///
///     let train = try AdamOptimizer(learningRate: 0.01).minimize(loss)
///     for batch in batches { try session.run(targets: [train], feeds: …) }
///
/// Updates write variables in place, so the update of a variable must not
/// run while a node that reads the variable has yet to run: the parallel
/// scheduler would otherwise update a layer's weights while the gradient
/// of an earlier layer (`dx = dy · Wᵀ`) still reads them. Each update takes
/// its gradient through an `Identity` (under `<optimizer>/gradient_gate`)
/// that waits for that gradient and for every node that reads the
/// variable — its `/read` or a view of it (`Reshape`, `Squeeze`, … of the
/// same buffer) — and is not already an ancestor of the gradient. Readers
/// that are ancestors (the forward `MatMul`) finish first anyway and get no
/// control edge, so the remapper still fuses them. TensorFlow's `GATE_OP`
/// is the nearest analogue (each gradient op's outputs are released
/// together, so `dW` waits for `dx`); unlike `GATE_GRAPH`, which
/// TensorGraph used before, an update does not wait for the other
/// variables' gradients, so each gradient's buffer is freed once its own
/// update has run.
///
/// The guarantee covers the readers in the graph when the gradients are
/// applied that a training step runs anyway (what the gradients need), and
/// the others that are computed only from the step's feeds, variables and
/// constants (a weight-norm metric, a second prediction from the same
/// input), which then run in every step. Readers that would bring more into
/// every step — another feed, a stateful op (an `Assign`, a random op), or
/// a value the step computes (such as the gradient of the first layer's
/// input, which `gradients` builds and nothing needs) — are not waited for,
/// nor are readers added later: fetched in the same `Session.run` as the
/// update, they may see the variable before or after it, as under
/// TensorFlow's gating. Slot variables are read only by their update and
/// need no gate.
public protocol Optimizer: Sendable {
  /// The name scope of the update ops and the suffix of slot variables
  /// (`Adam`, `GradientDescent`).
  var name: String { get }

  /// Adds the update of one variable given its gradient; slot variables
  /// are created with ``Graph/slotVariable(for:suffix:)``. Runs inside the
  /// optimizer's name scope.
  func update(_ variable: Variable, gradient: Output, in graph: Graph) throws -> Node

  /// Adds what runs after all updates (Adam's `beta1_power *= beta1`),
  /// given the update nodes; returns extra nodes for the train op.
  func finish(updates: [Node], in graph: Graph) throws -> [Node]
}

// MARK: - Default implementations

extension Optimizer {
  public func finish(updates: [Node], in graph: Graph) throws -> [Node] { updates }

  /// Gradients of `loss` for each variable (trainable variables by
  /// default); `nil` where the loss does not depend on one.
  public func computeGradients(
    _ loss: Output, variables: [Variable]? = nil, file: String = #fileID, line: Int = #line
  ) throws -> [(gradient: Output?, variable: Variable)] {
    let g = loss.graph
    let vars = variables ?? g.trainableVariableHandles
    guard !vars.isEmpty else {
      throw TensorGraphError(
        .invalidArgument, "no variables to optimize: the graph has no trainable variables", op: name,
        site: SourceLocation(fileID: file, line: line))
    }
    let grads = try g.gradients(of: [loss], with: vars.map(\.ref), file: file, line: line)
    return Array(zip(grads, vars)).map { (gradient: $0.0, variable: $0.1) }
  }

  /// Adds update ops for every (gradient, variable) pair with a gradient
  /// and returns the train op: a `NoOp` named after the optimizer that runs
  /// them all.
  public func applyGradients(
    _ pairs: [(gradient: Output?, variable: Variable)], file: String = #fileID, line: Int = #line
  ) throws -> Node {
    let present = pairs.compactMap { p in p.gradient.map { ($0, p.variable) } }
    guard let graph = present.first?.0.graph else {
      throw TensorGraphError(
        .invalidArgument,
        "no gradients to apply: the loss depends on none of the variables (\(pairs.map(\.variable.node.name).joined(separator: ", ")))",
        op: name, site: SourceLocation(fileID: file, line: line))
    }
    let site = SourceLocation(fileID: file, line: line)
    return try graph.withSourceLocation(site) {
      let scope = graph.withNameScope(name) { graph.currentScope }
      return try graph.withNameScope(scope + "/") {
        // Each gradient passes through an Identity that waits for it and for
        // the variable's readers that do not run before it anyway (see
        // `Optimizer`); the gates are computed before any node is added, so
        // one variable's update is no reader of another's (slot variables,
        // created by `update`, stay ungated).
        let gates = graph.updateGates(present.map { (gradient: $0.0, variable: $0.1) })
        let gated = try graph.withNameScope("gradient_gate") {
          try zip(present, gates).map { pair, gate in
            try graph.withControlDependencies(gate) { try graph.identity(pair.0) }
          }
        }
        let updates = try zip(gated, present).map { (gradient, pair) in
          try graph.withNameScope("update_" + pair.1.node.name) { try update(pair.1, gradient: gradient, in: graph) }
        }
        let all = try finish(updates: updates, in: graph)
        return try graph.addNode(op: "NoOp", controlInputs: all, name: scope, exactName: true, site: site)
      }
    }
  }

  /// Gradients of `loss` applied to the variables: the train op.
  public func minimize(
    _ loss: Output, variables: [Variable]? = nil, file: String = #fileID, line: Int = #line
  ) throws -> Node {
    try applyGradients(try computeGradients(loss, variables: variables, file: file, line: line), file: file, line: line)
  }
}

extension Graph {
  /// The handle of a variable node (its `name/read` value and `name/Assign`
  /// initializer when they exist).
  public func variableHandle(_ node: Node) -> Variable {
    let ref = output(node, 0)
    let read = self.node(named: node.name + "/read").map { output($0, 0) } ?? ref
    let initializer = self.node(named: node.name + "/Assign") ?? node
    let trainable = trainableVariables.contains { $0.id == node.id }
    return Variable(node: node, ref: ref, value: read, initializer: initializer, trainable: trainable)
  }

  /// Handles of the trainable variables.
  public var trainableVariableHandles: [Variable] { trainableVariables.map(variableHandle) }

  /// A zero-initialized, non-trainable variable shaped like `variable`,
  /// named `<variable>/<suffix>` (TensorFlow's optimizer slots:
  /// `dense/kernel/Adam`, `dense/kernel/Adam_1`).
  public func slotVariable(for variable: Variable, suffix: String) throws -> Variable {
    guard let shape = variable.ref.shape.concrete else {
      throw variable.node.error(
        .invalidArgument, "an optimizer slot needs a fully known variable shape, not \(variable.ref.shape)")
    }
    return try withNameScope(variable.node.name + "/") {
      try self.variable(suffix, shape: shape, initializer: .zeros, dtype: variable.ref.dtype, trainable: false)
    }
  }

  /// A scalar constant of `dtype` (hyperparameters of update ops).
  func hyperparameter(_ value: Double, _ dtype: DType, _ name: String) throws -> Output {
    try constant(value, dtype: dtype, name: name)
  }
}

// MARK: - Optimizers

/// `var -= learning_rate · gradient` (`tf.compat.v1.train.GradientDescentOptimizer`).
public struct GradientDescentOptimizer: Optimizer {
  /// The step size.
  public var learningRate: Double
  public var name: String

  /// Creates the optimizer.
  public init(learningRate: Double, name: String = "GradientDescent") {
    self.learningRate = learningRate
    self.name = name
  }

  public func update(_ variable: Variable, gradient: Output, in graph: Graph) throws -> Node {
    let lr = try graph.hyperparameter(learningRate, variable.ref.dtype, "learning_rate")
    return try graph.applyGradientDescent(variable.ref, alpha: lr, delta: gradient).node
  }
}

/// Momentum SGD, optionally Nesterov (`tf.compat.v1.train.MomentumOptimizer`).
public struct MomentumOptimizer: Optimizer {
  public var learningRate: Double
  public var momentum: Double
  public var useNesterov: Bool
  public var name: String

  /// Creates the optimizer.
  public init(learningRate: Double, momentum: Double, useNesterov: Bool = false, name: String = "Momentum") {
    self.learningRate = learningRate
    self.momentum = momentum
    self.useNesterov = useNesterov
    self.name = name
  }

  public func update(_ variable: Variable, gradient: Output, in graph: Graph) throws -> Node {
    let accum = try graph.slotVariable(for: variable, suffix: name)
    let t = variable.ref.dtype
    return try graph.applyMomentum(
      variable.ref, accum: accum.ref, lr: try graph.hyperparameter(learningRate, t, "learning_rate"), grad: gradient,
      momentum: try graph.hyperparameter(momentum, t, "momentum"), useNesterov: useNesterov
    ).node
  }
}

/// Adam (`tf.compat.v1.train.AdamOptimizer`): slots `m`, `v` per variable
/// and the shared `beta1_power`, `beta2_power` variables, updated after all
/// variables.
public struct AdamOptimizer: Optimizer {
  public var learningRate: Double
  public var beta1: Double
  public var beta2: Double
  public var epsilon: Double
  public var useNesterov: Bool
  public var name: String

  /// Creates the optimizer; the defaults are TensorFlow 1.x's (Keras uses
  /// ε = 1e-7).
  public init(
    learningRate: Double = 0.001, beta1: Double = 0.9, beta2: Double = 0.999, epsilon: Double = 1e-8,
    useNesterov: Bool = false, name: String = "Adam"
  ) {
    self.learningRate = learningRate
    self.beta1 = beta1
    self.beta2 = beta2
    self.epsilon = epsilon
    self.useNesterov = useNesterov
    self.name = name
  }

  /// The `beta1_power`/`beta2_power` variables of this optimizer in
  /// `graph`, created (outside any scope) on first use.
  func powers(_ graph: Graph, _ dtype: DType) throws -> (Variable, Variable) {
    let names = (name == "Adam" ? "" : name + "/") + "beta1_power"
    let names2 = (name == "Adam" ? "" : name + "/") + "beta2_power"
    if let b1 = graph.node(named: names), let b2 = graph.node(named: names2) {
      return (graph.variableHandle(b1), graph.variableHandle(b2))
    }
    return try graph.withNameScope("/") {
      (try graph.variable(Tensor.scalar(beta1, dtype: dtype), name: names, trainable: false),
       try graph.variable(Tensor.scalar(beta2, dtype: dtype), name: names2, trainable: false))
    }
  }

  public func update(_ variable: Variable, gradient: Output, in graph: Graph) throws -> Node {
    let t = variable.ref.dtype
    let m = try graph.slotVariable(for: variable, suffix: name)
    let v = try graph.slotVariable(for: variable, suffix: name + "_1")
    let (b1p, b2p) = try powers(graph, t)
    return try graph.applyAdam(
      variable.ref, m: m.ref, v: v.ref, beta1Power: b1p.value, beta2Power: b2p.value,
      lr: try graph.hyperparameter(learningRate, t, "learning_rate"), beta1: try graph.hyperparameter(beta1, t, "beta1"),
      beta2: try graph.hyperparameter(beta2, t, "beta2"), epsilon: try graph.hyperparameter(epsilon, t, "epsilon"),
      grad: gradient, useNesterov: useNesterov
    ).node
  }

  public func finish(updates: [Node], in graph: Graph) throws -> [Node] {
    guard let first = updates.first else { return updates }
    let (b1p, b2p) = try powers(graph, first.outputs[0].dtype)
    let t = first.outputs[0].dtype
    return try graph.withControlDependencies(updates) {
      let u1 = try graph.assign(
        b1p.ref, try graph.multiply(b1p.value, try graph.hyperparameter(beta1, t, "beta1")), name: "update_beta1")
      let u2 = try graph.assign(
        b2p.ref, try graph.multiply(b2p.value, try graph.hyperparameter(beta2, t, "beta2")), name: "update_beta2")
      return updates + [u1.node, u2.node]
    }
  }
}

/// RMSProp (`tf.compat.v1.train.RMSPropOptimizer`): slots `ms` (initialized
/// to ones, as TensorFlow does) and `mom`.
public struct RMSPropOptimizer: Optimizer {
  public var learningRate: Double
  public var decay: Double
  public var momentum: Double
  public var epsilon: Double
  public var name: String

  /// Creates the optimizer with TensorFlow 1.x's defaults (ρ = 0.9,
  /// ε = 1e-10); Keras's RMSprop uses ε = 1e-7 and zero-initialized `ms`.
  public init(
    learningRate: Double = 0.001, decay: Double = 0.9, momentum: Double = 0, epsilon: Double = 1e-10,
    name: String = "RMSProp"
  ) {
    self.learningRate = learningRate
    self.decay = decay
    self.momentum = momentum
    self.epsilon = epsilon
    self.name = name
  }

  public func update(_ variable: Variable, gradient: Output, in graph: Graph) throws -> Node {
    let t = variable.ref.dtype
    guard let shape = variable.ref.shape.concrete else {
      throw variable.node.error(.invalidArgument, "RMSProp needs a fully known variable shape")
    }
    let ms = try graph.withNameScope(variable.node.name + "/") {
      try graph.variable(name, shape: shape, initializer: .ones, dtype: t, trainable: false)
    }
    let mom = try graph.slotVariable(for: variable, suffix: name + "_1")
    return try graph.applyRMSProp(
      variable.ref, ms: ms.ref, mom: mom.ref, lr: try graph.hyperparameter(learningRate, t, "learning_rate"),
      rho: try graph.hyperparameter(decay, t, "decay"), momentum: try graph.hyperparameter(momentum, t, "momentum"),
      epsilon: try graph.hyperparameter(epsilon, t, "epsilon"), grad: gradient
    ).node
  }
}
