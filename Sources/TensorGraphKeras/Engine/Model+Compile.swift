/// What `compile` added to the graph: the target placeholder, the loss and
/// metric nodes, the train op and the optimizer's variables.
final class CompiledModel {
  let optimizer: any KerasOptimizer
  /// The graph optimizer's name (`Adam`, or `Adam_1` when a graph has
  /// several): its scope and slot-variable suffix.
  let optimizerName: String
  let loss: any Loss
  let metrics: [any Metric]
  /// `loss` followed by the metric names.
  let names: [String]
  /// Fed with the targets of a batch.
  let target: Output
  /// The batch's mean loss.
  let lossValue: Output
  /// Per metric, the sum of its per-example values over the batch.
  let metricSums: [Output]
  /// Runs forward, gradients and updates (nil without trainable weights).
  let trainOp: Node?
  /// Variables the optimizer created (slots, step counters), by creation.
  let optimizerVariables: [Variable]
  /// The number of classes, for sparse targets.
  let classes: Int?

  init(
    optimizer: any KerasOptimizer, optimizerName: String, loss: any Loss, metrics: [any Metric], target: Output,
    lossValue: Output, metricSums: [Output], trainOp: Node?, optimizerVariables: [Variable], classes: Int?
  ) {
    self.optimizer = optimizer
    self.optimizerName = optimizerName
    self.loss = loss
    self.metrics = metrics
    names = ["loss"] + metrics.map(\.name)
    self.target = target
    self.lossValue = lossValue
    self.metricSums = metricSums
    self.trainOp = trainOp
    self.optimizerVariables = optimizerVariables
    self.classes = classes
  }

  /// Everything one evaluation step fetches: the loss, then the metric sums.
  var fetches: [Output] { [lossValue] + metricSums }
}

extension Model {
  /// Configures the model for training: adds the loss, the metrics and the
  /// optimizer's update ops to the graph, so that one training step is one
  /// session run.
  ///
  ///     try model.compile(optimizer: "adam", loss: "sparse_categorical_crossentropy", metrics: ["accuracy"])
  ///     try model.compile(optimizer: SGD(learningRate: 0.1, momentum: 0.9),
  ///                       loss: CategoricalCrossentropy(fromLogits: true))
  ///
  /// The graph gets a target placeholder `<output layer>_target`, the
  /// loss under `loss/`, each metric under `metrics/<name>/`, gradients
  /// under `gradients/`, and the optimizer's slots beside each weight
  /// (`dense/kernel/Adam`). Compiling again replaces the configuration
  /// (with fresh optimizer state).
  ///
  /// - Parameters:
  ///   - optimizer: An optimizer or its name (default `"rmsprop"`, as Keras).
  ///   - loss: A loss or its name.
  ///   - metrics: Metrics or their names (`"accuracy"`, `"mae"`, `"mse"`).
  /// - Throws: ``TensorGraphError`` for an unknown name (with suggestions),
  ///   a model that is not built or has several outputs, or targets that
  ///   do not fit the loss.
  public func compile(
    optimizer: some OptimizerConvertible = "rmsprop", loss: some LossConvertible,
    metrics: [any MetricConvertible] = []
  ) throws {
    let optimizer = try optimizer.makeOptimizer()
    let loss = try loss.makeLoss()
    let optimizerName = KerasNaming.uniqueName(optimizer.className, in: graph)
    try compile(optimizer: optimizer, optimizerName: optimizerName, loss: loss, metricSpecs: metrics)
  }

  /// Compiles with a given optimizer name (restoring a saved model).
  func compile(
    optimizer: any KerasOptimizer, optimizerName: String, loss: any Loss, metricSpecs: [any MetricConvertible]
  ) throws {
    pendingCompile = PendingCompile(
      optimizer: optimizer, optimizerName: optimizerName, loss: loss, metricSpecs: metricSpecs)
    compiled = nil
    if network != nil { try finishCompile() }
  }

  /// Builds the compiled graph once the model is built (a ``Sequential``
  /// model compiled before it knows its input shape finishes here, on its
  /// first `fit` or `evaluate`).
  func finishCompile() throws {
    guard compiled == nil, let pending = pendingCompile else { return }
    guard outputs.count == 1 else {
      throw TensorGraphError(
        .invalidArgument, "model '\(name)' has \(outputs.count) outputs; compile supports models with one output")
    }
    let g = graph
    let output = outputs[0].output
    let loss = pending.loss
    let metrics = try pending.metricSpecs.map {
      try $0.makeMetric(sparseTargets: loss.sparseTargets, outputShape: output.shape)
    }
    let outputLayer = outputs[0].layer?.name ?? name
    let variablesBefore = Set(g.globalVariables.map(\.id))
    let built: CompiledModel = try context.run {
      try g.withNameScope("/") {
        let classes: Int?
        let target: Output
        if loss.sparseTargets {
          classes = try requireKnownLast(output)
          let dims = (output.shape.dims ?? []).dropLast().map(\.value)
          target = try g.placeholder(.int32, shape: dims, name: outputLayer + "_target")
        } else {
          classes = nil
          target = try g.placeholder(output.dtype, shape: (output.shape.dims ?? []).map(\.value), name: outputLayer + "_target")
        }
        let lossValue = try g.withNameScope("loss") {
          try loss(yTrue: target, yPred: output, in: g)
        }
        let sums = try metrics.map { m in
          try g.withNameScope("metrics") {
            try g.withNameScope(m.name) {
              try g.sum(try g.cast(try m.perExample(yTrue: target, yPred: output, in: g), to: .float32), name: "total")
            }
          }
        }
        let variables = trainableWeights
        var trainOp: Node?
        if !variables.isEmpty {
          let graphOptimizer = pending.optimizer.graphOptimizer(name: pending.optimizerName)
          trainOp = try graphOptimizer.minimize(lossValue, variables: variables)
        }
        // Layers' training-time updates (moving statistics) run in the
        // same step as the optimizer's.
        let layerUpdates = updates
        if !layerUpdates.isEmpty {
          trainOp = try g.group((trainOp.map { [$0] } ?? []) + layerUpdates, name: "training_updates")
        }
        let created = g.globalVariables.filter { !variablesBefore.contains($0.id) }.map { g.variableHandle($0) }
        for v in created { context.registerInitializer(v.initializer) }
        return CompiledModel(
          optimizer: pending.optimizer, optimizerName: pending.optimizerName, loss: loss, metrics: metrics,
          target: target, lossValue: lossValue, metricSums: sums, trainOp: trainOp, optimizerVariables: created,
          classes: classes)
      }
    }
    compiled = built
  }

  /// The compiled state, finishing a deferred compile.
  func requireCompiled(_ what: String) throws -> CompiledModel {
    try finishCompile()
    guard let compiled else {
      throw TensorGraphError(
        .invalidArgument, "You must compile your model before \(what). Call `compile(optimizer:loss:metrics:)` first.")
    }
    return compiled
  }

  /// The optimizer `compile` was given, if any.
  public var optimizer: (any KerasOptimizer)? { pendingCompile?.optimizer }

  /// The names of what `evaluate` returns: `loss`, then each metric.
  public var metricsNames: [String] {
    guard let pending = pendingCompile else { return [] }
    if let compiled { return compiled.names }
    return ["loss"] + pending.metricSpecs.compactMap { ($0 as? String) ?? ($0 as? any Metric)?.name }
  }
}

/// A `compile` call remembered until the model is built.
struct PendingCompile {
  var optimizer: any KerasOptimizer
  var optimizerName: String
  var loss: any Loss
  var metricSpecs: [any MetricConvertible]
}
