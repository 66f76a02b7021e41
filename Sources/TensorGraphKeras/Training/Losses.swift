/// A loss function: per-example losses from targets and predictions,
/// averaged over the batch by `compile` (Keras's `SUM_OVER_BATCH_SIZE`).
///
/// Give one to ``Model/compile(optimizer:loss:metrics:)`` as an object
/// (`SparseCategoricalCrossentropy(fromLogits: true)`) or by Keras name
/// (`"sparse_categorical_crossentropy"`, `"mse"`, …).
public protocol Loss: Sendable, LossConvertible {
  /// The Keras function name (`sparse_categorical_crossentropy`).
  var name: String { get }
  /// Whether targets are class indices (`[batch]` integers) rather than
  /// values shaped like the predictions.
  var sparseTargets: Bool { get }
  /// Per-example losses (`[batch]`, or the batch and leading axes).
  func perExample(yTrue: Output, yPred: Output, in graph: Graph) throws -> Output
  /// The loss's Keras config (`{"class_name": …, "config": {…}}`).
  var config: ConfigValue { get }
}

extension Loss {
  public var sparseTargets: Bool { false }
  public func makeLoss() throws -> any Loss { self }

  /// The mean loss over the batch, as `compile` adds it.
  public func callAsFunction(yTrue: Output, yPred: Output, in graph: Graph) throws -> Output {
    try graph.mean(try perExample(yTrue: yTrue, yPred: yPred, in: graph), name: "value")
  }
}

/// Something `compile` accepts as a loss: a ``Loss`` or its Keras name.
public protocol LossConvertible {
  /// The loss.
  func makeLoss() throws -> any Loss
}

extension String: LossConvertible {
  /// The loss named by this string (`"categorical_crossentropy"`, `"mse"`).
  ///
  /// - Throws: for an unknown name, with suggestions.
  public func makeLoss() throws -> any Loss {
    switch self {
    case "mean_squared_error", "mse", "MSE": return MeanSquaredError()
    case "mean_absolute_error", "mae", "MAE": return MeanAbsoluteError()
    case "binary_crossentropy", "bce": return BinaryCrossentropy()
    case "categorical_crossentropy": return CategoricalCrossentropy()
    case "sparse_categorical_crossentropy": return SparseCategoricalCrossentropy()
    default:
      throw unknownNameError(
        "loss", self,
        known: ["mean_squared_error", "mse", "mean_absolute_error", "mae", "binary_crossentropy",
                "categorical_crossentropy", "sparse_categorical_crossentropy"])
    }
  }
}

/// Keras's fuzz factor (`backend.epsilon()`): probabilities are clipped to
/// `[ε, 1 − ε]` before their logarithm.
public let kerasEpsilon = 1e-7

// MARK: - Helpers

/// The mean over the last axis (Keras's `backend.mean(…, axis=-1)`).
func meanLastAxis(_ x: Output, in g: Graph) throws -> Output {
  guard let rank = x.shape.rank, rank >= 1 else {
    throw TensorGraphError(.shapeMismatch, "a loss needs predictions of known rank ≥ 1, not \(x.shape)")
  }
  return try g.mean(x, axes: [rank - 1])
}

/// `clip(x, ε, 1 − ε)` (`tf.clip_by_value`).
func clipProbabilities(_ x: Output, in g: Graph) throws -> Output {
  let lo = try g.constant(kerasEpsilon, dtype: x.dtype, name: "Const")
  let hi = try g.constant(1 - kerasEpsilon, dtype: x.dtype, name: "sub")
  return try g.maximum(try g.minimum(x, hi, name: "clip_by_value/Minimum"), lo, name: "clip_by_value")
}

/// The logits behind `output` when it is the output of a `op` node
/// (`Softmax`, `Sigmoid`): Keras computes the loss from them directly,
/// which is both exact and stable (`backend._get_logits`).
func logitsBehind(_ output: Output, op: String) -> Output? {
  let node = output.node
  guard node.op == op, node.inputs.count == 1 else { return nil }
  return output.graph.output(output.graph.node(at: node.inputs[0].node), node.inputs[0].index)
}

/// Checks that targets and predictions have compatible shapes.
func checkSameShape(_ yTrue: Output, _ yPred: Output, _ loss: String) throws {
  guard yTrue.shape.isCompatible(with: yPred.shape) else {
    throw TensorGraphError(
      .shapeMismatch,
      "\(loss): targets of shape \(Shape.tupleDescription(yTrue.shape)) do not match predictions of shape \(Shape.tupleDescription(yPred.shape))")
  }
}

func lossConfig(_ className: String, _ name: String, fromLogits: Bool? = nil) -> ConfigValue {
  var config: [String: ConfigValue] = ["name": .string(name), "reduction": .string("auto")]
  if let fromLogits { config["from_logits"] = .bool(fromLogits) }
  return .object(["class_name": .string(className), "config": .object(config)])
}

// MARK: - Regression losses

/// `mean((y_pred − y_true)², axis=-1)` per example.
public struct MeanSquaredError: Loss {
  /// Creates the loss.
  public init() {}
  public var name: String { "mean_squared_error" }
  public func perExample(yTrue: Output, yPred: Output, in g: Graph) throws -> Output {
    try checkSameShape(yTrue, yPred, name)
    return try meanLastAxis(try g.squaredDifference(yPred, yTrue), in: g)
  }
  public var config: ConfigValue { lossConfig("MeanSquaredError", name) }
}

/// `mean(|y_pred − y_true|, axis=-1)` per example.
public struct MeanAbsoluteError: Loss {
  /// Creates the loss.
  public init() {}
  public var name: String { "mean_absolute_error" }
  public func perExample(yTrue: Output, yPred: Output, in g: Graph) throws -> Output {
    try checkSameShape(yTrue, yPred, name)
    return try meanLastAxis(try g.abs(try g.subtract(yPred, yTrue)), in: g)
  }
  public var config: ConfigValue { lossConfig("MeanAbsoluteError", name) }
}

// MARK: - Cross-entropies

/// Binary cross-entropy, averaged over the last axis.
///
/// From logits `x` (or when the predictions are a `Sigmoid`'s output, whose
/// input is used): `max(x, 0) − x·z + log(1 + e^−|x|)`. From
/// probabilities `p`: `−(z·log(p + ε) + (1 − z)·log(1 − p + ε))` with `p`
/// clipped to `[ε, 1 − ε]`.
public struct BinaryCrossentropy: Loss {
  /// Whether predictions are logits rather than probabilities.
  public var fromLogits: Bool
  /// Creates the loss.
  public init(fromLogits: Bool = false) { self.fromLogits = fromLogits }
  public var name: String { "binary_crossentropy" }
  public func perExample(yTrue: Output, yPred: Output, in g: Graph) throws -> Output {
    try checkSameShape(yTrue, yPred, name)
    if let logits = logitsBehind(yPred, op: "Sigmoid") ?? (fromLogits ? yPred : nil) {
      // sigmoid_cross_entropy_with_logits: relu(x) − x·z + softplus(−|x|).
      let linear = try g.subtract(try g.relu(logits), try g.multiply(logits, yTrue))
      let log1pExp = try g.softplus(try g.negate(try g.abs(logits)))
      return try meanLastAxis(try g.add(linear, log1pExp, name: "logistic_loss"), in: g)
    }
    let p = try clipProbabilities(yPred, in: g)
    let eps = try g.constant(kerasEpsilon, dtype: p.dtype, name: "epsilon")
    let one = try g.constant(1, dtype: p.dtype, name: "one")
    let positive = try g.multiply(yTrue, try g.log(try g.add(p, eps)))
    let negative = try g.multiply(try g.subtract(one, yTrue), try g.log(try g.add(try g.subtract(one, p), eps)))
    return try meanLastAxis(try g.negate(try g.add(positive, negative)), in: g)
  }
  public var config: ConfigValue { lossConfig("BinaryCrossentropy", name, fromLogits: fromLogits) }
}

/// Categorical cross-entropy with one-hot (or soft) targets: `−Σ y·log p`.
///
/// From logits (or when the predictions are a `Softmax`'s output, whose
/// input is used) it is TensorFlow's fused `SoftmaxCrossEntropyWithLogits`;
/// from probabilities, `p` is renormalized to sum to 1 and clipped to
/// `[ε, 1 − ε]` first.
public struct CategoricalCrossentropy: Loss {
  /// Whether predictions are logits rather than probabilities.
  public var fromLogits: Bool
  /// Creates the loss.
  public init(fromLogits: Bool = false) { self.fromLogits = fromLogits }
  public var name: String { "categorical_crossentropy" }
  public func perExample(yTrue: Output, yPred: Output, in g: Graph) throws -> Output {
    try checkSameShape(yTrue, yPred, name)
    guard let rank = yPred.shape.rank, rank >= 1 else {
      throw TensorGraphError(.shapeMismatch, "\(name) needs predictions of known rank, not \(yPred.shape)")
    }
    if let logits = logitsBehind(yPred, op: "Softmax") ?? (fromLogits ? yPred : nil) {
      if rank == 2 {
        return try g.softmaxCrossEntropyWithLogits(logits: logits, labels: yTrue).loss
      }
      let classes = try requireKnownLast(yPred)
      return try g.softmaxCrossEntropyWithLogits(
        logits: try g.reshape(logits, [-1, classes]), labels: try g.reshape(yTrue, [-1, classes])
      ).loss
    }
    let p = try g.divide(yPred, try g.sum(yPred, axes: [rank - 1], keepDims: true))
    let logP = try g.log(try clipProbabilities(p, in: g))
    return try g.negate(try g.sum(try g.multiply(yTrue, logP), axes: [rank - 1]))
  }
  public var config: ConfigValue { lossConfig("CategoricalCrossentropy", name, fromLogits: fromLogits) }
}

/// Categorical cross-entropy with integer class targets (`[batch]`, or
/// `[batch, 1]`): `−log p[label]`.
///
/// From logits (or a `Softmax`'s input) it is TensorFlow's fused
/// `SparseSoftmaxCrossEntropyWithLogits`; from probabilities, the fused op
/// runs on `log(clip(p, ε, 1 − ε))`, as Keras does. A label outside
/// `[0, classes)` is an error.
public struct SparseCategoricalCrossentropy: Loss {
  /// Whether predictions are logits rather than probabilities.
  public var fromLogits: Bool
  /// Creates the loss.
  public init(fromLogits: Bool = false) { self.fromLogits = fromLogits }
  public var name: String { "sparse_categorical_crossentropy" }
  public var sparseTargets: Bool { true }
  public func perExample(yTrue: Output, yPred: Output, in g: Graph) throws -> Output {
    let classes = try requireKnownLast(yPred)
    var logits: Output
    if let l = logitsBehind(yPred, op: "Softmax") ?? (fromLogits ? yPred : nil) {
      logits = l
    } else {
      logits = try g.log(try clipProbabilities(yPred, in: g))
    }
    var labels = yTrue
    if logits.shape.rank != 2 { logits = try g.reshape(logits, [-1, classes]) }
    if labels.shape.rank != 1 { labels = try g.reshape(labels, [-1]) }
    return try g.sparseSoftmaxCrossEntropyWithLogits(logits: logits, labels: labels).loss
  }
  public var config: ConfigValue { lossConfig("SparseCategoricalCrossentropy", name, fromLogits: fromLogits) }
}

/// The size of the last axis of predictions (the classes).
func requireKnownLast(_ yPred: Output) throws -> Int {
  guard let rank = yPred.shape.rank, rank >= 1, let c = yPred.shape[rank - 1].value else {
    throw TensorGraphError(
      .shapeMismatch, "a cross-entropy needs predictions with a known class dimension, not \(yPred.shape)")
  }
  return c
}

/// A loss from its Keras config (as saved by a model).
func lossFromConfig(_ config: ConfigValue) throws -> any Loss {
  if let name = config.stringValue { return try name.makeLoss() }
  let r = ConfigReader(config, context: "loss")
  let className = try r.string("class_name")
  let c = ConfigReader(config["config"] ?? .object([:]), context: "loss \(className)")
  let fromLogits = c.optional("from_logits")?.boolValue ?? false
  switch className {
  case "MeanSquaredError": return MeanSquaredError()
  case "MeanAbsoluteError": return MeanAbsoluteError()
  case "BinaryCrossentropy": return BinaryCrossentropy(fromLogits: fromLogits)
  case "CategoricalCrossentropy": return CategoricalCrossentropy(fromLogits: fromLogits)
  case "SparseCategoricalCrossentropy": return SparseCategoricalCrossentropy(fromLogits: fromLogits)
  default:
    throw unknownNameError(
      "loss class", className,
      known: ["MeanSquaredError", "MeanAbsoluteError", "BinaryCrossentropy", "CategoricalCrossentropy",
              "SparseCategoricalCrossentropy"])
  }
}

extension Loss {
  /// The loss of concrete predictions, computed in a small graph of its
  /// own (`loss_fn(y_train[:1], predictions)` in the TensorFlow quickstart).
  public func callAsFunction(_ yTrue: Tensor, _ yPred: Tensor) throws -> Double {
    let g = Graph()
    let t = try g.constant(sparseTargets ? yTrue.converted(to: .int32) : yTrue.converted(to: yPred.dtype))
    let value = try self(yTrue: t, yPred: try g.constant(yPred), in: g)
    return try Session(graph: g).run(value).doubles()[0]
  }
}
