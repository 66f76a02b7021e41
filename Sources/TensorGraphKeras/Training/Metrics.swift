/// A metric reported during training and evaluation: a value per example,
/// averaged over every example seen in the epoch (Keras's
/// `MeanMetricWrapper`: a running sum and count, weighted by batch size).
///
/// Give metrics to ``Model/compile(optimizer:loss:metrics:)`` as objects or
/// by Keras name: `"accuracy"` (binary, categorical or sparse, chosen as
/// Keras chooses from the targets and the output shape), `"mae"`, `"mse"`.
public protocol Metric: Sendable, MetricConvertible {
  /// The name shown in logs and the history (`accuracy`, `mae`).
  var name: String { get }
  /// The metric's value for each example.
  func perExample(yTrue: Output, yPred: Output, in graph: Graph) throws -> Output
}

extension Metric {
  public func makeMetric(sparseTargets: Bool, outputShape: PartialShape) throws -> any Metric { self }
}

/// Something `compile` accepts as a metric: a ``Metric`` or its Keras name.
public protocol MetricConvertible {
  /// The metric, resolved for the compiled model's targets and output.
  func makeMetric(sparseTargets: Bool, outputShape: PartialShape) throws -> any Metric
}

extension String: MetricConvertible {
  /// The metric named by this string. `"accuracy"` (or `"acc"`) is binary
  /// accuracy for a single output unit, sparse categorical accuracy for
  /// integer targets, and categorical accuracy otherwise, as in Keras.
  ///
  /// - Throws: for an unknown name, with suggestions.
  public func makeMetric(sparseTargets: Bool, outputShape: PartialShape) throws -> any Metric {
    switch self {
    case "accuracy", "acc":
      let last = outputShape.rank.flatMap { $0 > 0 ? outputShape[$0 - 1].value : nil }
      if last == 1 { return BinaryAccuracy(name: self) }
      if sparseTargets { return SparseCategoricalAccuracy(name: self) }
      return CategoricalAccuracy(name: self)
    case "binary_accuracy": return BinaryAccuracy()
    case "categorical_accuracy": return CategoricalAccuracy()
    case "sparse_categorical_accuracy": return SparseCategoricalAccuracy()
    case "mae", "mean_absolute_error": return MeanAbsoluteErrorMetric(name: self)
    case "mse", "mean_squared_error": return MeanSquaredErrorMetric(name: self)
    default:
      throw unknownNameError(
        "metric", self,
        known: ["accuracy", "acc", "binary_accuracy", "categorical_accuracy", "sparse_categorical_accuracy", "mae",
                "mean_absolute_error", "mse", "mean_squared_error"])
    }
  }
}

/// `1` where `y_pred > threshold` equals the 0/1 target, averaged over the
/// last axis.
public struct BinaryAccuracy: Metric {
  public let name: String
  /// The decision threshold.
  public var threshold: Double
  /// Creates the metric.
  public init(name: String = "binary_accuracy", threshold: Double = 0.5) {
    self.name = name
    self.threshold = threshold
  }
  public func perExample(yTrue: Output, yPred: Output, in g: Graph) throws -> Output {
    try checkSameShape(yTrue, yPred, name)
    let predicted = try g.cast(try g.greater(yPred, try g.constant(threshold, dtype: yPred.dtype)), to: yTrue.dtype)
    return try meanLastAxis(try g.cast(try g.equal(yTrue, predicted), to: .float32), in: g)
  }
}

/// `1` where the arg-max of the predictions equals the arg-max of the
/// one-hot target.
public struct CategoricalAccuracy: Metric {
  public let name: String
  /// Creates the metric.
  public init(name: String = "categorical_accuracy") { self.name = name }
  public func perExample(yTrue: Output, yPred: Output, in g: Graph) throws -> Output {
    try checkSameShape(yTrue, yPred, name)
    let rank = yPred.shape.rank ?? 2
    let matches = try g.equal(try g.argMax(yTrue, axis: rank - 1), try g.argMax(yPred, axis: rank - 1))
    return try g.cast(matches, to: .float32)
  }
}

/// `1` where the arg-max of the predictions equals the integer target.
public struct SparseCategoricalAccuracy: Metric {
  public let name: String
  /// Creates the metric.
  public init(name: String = "sparse_categorical_accuracy") { self.name = name }
  public func perExample(yTrue: Output, yPred: Output, in g: Graph) throws -> Output {
    let rank = yPred.shape.rank ?? 2
    var labels = yTrue
    if labels.shape.rank == rank { labels = try g.squeeze(labels, axes: [rank - 1]) }
    let predicted = try g.argMax(yPred, axis: rank - 1, outputType: labels.dtype == .int64 ? .int64 : .int32)
    let matches = try g.equal(try g.cast(labels, to: predicted.dtype), predicted)
    return try g.cast(matches, to: .float32)
  }
}

/// `mean(|y_pred − y_true|, axis=-1)` (`"mae"`).
public struct MeanAbsoluteErrorMetric: Metric {
  public let name: String
  /// Creates the metric.
  public init(name: String = "mean_absolute_error") { self.name = name }
  public func perExample(yTrue: Output, yPred: Output, in g: Graph) throws -> Output {
    try MeanAbsoluteError().perExample(yTrue: yTrue, yPred: yPred, in: g)
  }
}

/// `mean((y_pred − y_true)², axis=-1)` (`"mse"`).
public struct MeanSquaredErrorMetric: Metric {
  public let name: String
  /// Creates the metric.
  public init(name: String = "mean_squared_error") { self.name = name }
  public func perExample(yTrue: Output, yPred: Output, in g: Graph) throws -> Output {
    try MeanSquaredError().perExample(yTrue: yTrue, yPred: yPred, in: g)
  }
}

/// A metric by saved name: the string the model was compiled with, or a
/// metric class's default name.
func metricFromName(_ name: String, sparseTargets: Bool, outputShape: PartialShape) throws -> any Metric {
  try name.makeMetric(sparseTargets: sparseTargets, outputShape: outputShape)
}
