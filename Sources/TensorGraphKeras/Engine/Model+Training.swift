import Foundation

extension Model {
  /// Trains the model for `epochs` passes over the data.
  ///
  ///     let history = try model.fit(xTrain, yTrain, epochs: 5)
  ///     //  Epoch 1/5
  ///     //  1875/1875 [==============================] - 1s 240us/step - loss: 0.4963 - accuracy: 0.8251
  ///
  /// Each step is one session run of the compiled graph: forward pass,
  /// gradients and optimizer updates, fetching the batch's loss and metric
  /// sums. Reported values are Keras's: running means over the examples
  /// seen this epoch, weighted by batch size, in float32.
  ///
  /// - Parameters:
  ///   - x: Inputs, batch first (converted to the input's dtype).
  ///   - y: Targets: class indices for sparse losses (`[n]` or `[n, 1]`),
  ///     else shaped like the output.
  ///   - batchSize: Examples per step (Keras's default 32); the last batch
  ///     of an epoch may be smaller.
  ///   - epochs: Passes over the data.
  ///   - verbose: 0 silent, 1 a progress bar per epoch, 2 one line per epoch.
  ///   - callbacks: Called as training proceeds (``EarlyStopping``,
  ///     ``ModelCheckpoint``, your own).
  ///   - validationSplit: The fraction of the data, taken from the end
  ///     before shuffling (as Keras), held out for validation.
  ///   - validationData: Data to validate on after each epoch instead.
  ///   - shuffle: Shuffle the training examples before each epoch (seeded
  ///     by ``KerasContext/setRandomSeed(_:)``).
  ///   - initialEpoch: The epoch to start at (resuming a run).
  /// - Returns: The ``History`` of the epochs' metrics.
  /// - Throws: ``TensorGraphError`` for bad arguments or data (empty data,
  ///   a batch size of 0, inputs that do not fit the model, labels out of
  ///   range, x and y of different lengths), before any step runs.
  @discardableResult
  public func fit(
    _ x: Tensor, _ y: Tensor, batchSize: Int = 32, epochs: Int = 1, verbose: Int = 1, callbacks: [any Callback] = [],
    validationSplit: Double = 0, validationData: (x: Tensor, y: Tensor)? = nil, shuffle: Bool = true,
    initialEpoch: Int = 0
  ) throws -> History {
    try checkBatchSize(batchSize, "fit")
    guard epochs >= 0, initialEpoch >= 0 else {
      throw TensorGraphError(.invalidArgument, "fit: epochs and initialEpoch must not be negative")
    }
    guard validationSplit >= 0, validationSplit < 1 else {
      throw TensorGraphError(
        .invalidArgument, "fit: validationSplit must be in [0, 1), got \(validationSplit)")
    }
    var xs = try prepareInputs(x, for: "fit")
    let compiled = try requireCompiled("training")
    var ys = try prepareTargets(y, count: xs.shape[0], compiled: compiled, for: "fit")
    var validation: (x: Tensor, y: Tensor)?
    if let validationData {
      let vx = try prepareInputs(validationData.x, for: "fit (validation data)")
      validation = (vx, try prepareTargets(validationData.y, count: vx.shape[0], compiled: compiled, for: "fit (validation data)"))
    } else if validationSplit > 0 {
      let n = xs.shape[0]
      let split = Int((Double(n) * (1 - validationSplit)).rounded(.down))
      guard split > 0, split < n else {
        throw TensorGraphError(
          .invalidArgument,
          "Training data contains \(n) samples, which is not sufficient to split it into a validation and training set as specified by `validationSplit=\(validationSplit)`. Either provide more data, or a different value for the `validationSplit` argument.")
      }
      validation = (try xs.rows(split..<n), try ys.rows(split..<n))
      xs = try xs.rows(0..<split)
      ys = try ys.rows(0..<split)
    }
    try context.initializePendingVariables()

    let n = xs.shape[0]
    let steps = (n + batchSize - 1) / batchSize
    let history = History()
    var list: [any Callback] = []
    if verbose != 0 { list.append(ProgbarLogger(console: console, statefulMetrics: Set(compiled.names))) }
    list += callbacks
    list.append(history)
    let cbs = CallbackList(callbacks: list)
    cbs.setModel(self, params: TrainingParams(verbose: verbose, epochs: epochs, steps: steps))

    let step = try TrainingStep(model: self, compiled: compiled, training: true)
    var generator = context.makeShuffleGenerator()
    var order = Array(0..<n)
    var batch: [Int] = []
    batch.reserveCapacity(batchSize)
    // Batch hooks cost a Logs value per step: skip them when nothing
    // listens (Keras calls them only for verbose 1 or custom callbacks).
    let batchHooks = verbose == 1 || !callbacks.isEmpty
    stopTraining = false
    cbs.trainBegin()
    var epochLogs = Logs()
    for epoch in initialEpoch..<max(initialEpoch, epochs) {
      cbs.epochBegin(epoch)
      if shuffle { order = shuffledIndices(count: n, using: &generator) }
      var means = RunningMeans(names: compiled.names)
      for s in 0..<steps {
        let lo = s * batchSize, hi = min(n, lo + batchSize)
        let xb: Tensor, yb: Tensor
        if shuffle {
          batch.removeAll(keepingCapacity: true)
          batch.append(contentsOf: order[lo..<hi])
          xb = try xs.gatherRows(batch)
          yb = try ys.gatherRows(batch)
        } else {
          xb = try xs.rows(lo..<hi)
          yb = try ys.rows(lo..<hi)
        }
        try step.run(xb, yb, into: &means)
        if batchHooks { cbs.trainBatchEnd(s, means.logs) }
      }
      epochLogs = means.logs
      if let validation {
        let valLogs = try evaluateCompiled(
          validation.x, validation.y, compiled: compiled, batchSize: batchSize, callbacks: cbs)
        epochLogs = epochLogs.merging(valLogs.prefixed("val_"))
      }
      cbs.epochEnd(epoch, epochLogs)
      if stopTraining { break }
    }
    cbs.trainEnd(epochLogs)
    return history
  }

  /// Computes the loss and metrics on `x`, `y`, in batches.
  ///
  ///     let result = try model.evaluate(xTest, yTest)
  ///     //  313/313 [==============================] - 0s 120us/step - loss: 0.3523 - accuracy: 0.8741
  ///     result["accuracy"]
  ///
  /// The values are Keras's: means over all examples (each batch weighted
  /// by its size), as `fit` reports them.
  ///
  /// - Returns: `loss`, then each metric (Keras's `return_dict=True`).
  @discardableResult
  public func evaluate(
    _ x: Tensor, _ y: Tensor, batchSize: Int = 32, verbose: Int = 1, callbacks: [any Callback] = []
  ) throws -> Logs {
    try checkBatchSize(batchSize, "evaluate")
    let xs = try prepareInputs(x, for: "evaluate")
    let compiled = try requireCompiled("evaluating")
    let ys = try prepareTargets(y, count: xs.shape[0], compiled: compiled, for: "evaluate")
    try context.initializePendingVariables()
    let steps = (xs.shape[0] + batchSize - 1) / batchSize
    var list: [any Callback] = []
    if verbose != 0 { list.append(ProgbarLogger(console: console, statefulMetrics: Set(compiled.names))) }
    list += callbacks
    let cbs = CallbackList(callbacks: list)
    cbs.setModel(self, params: TrainingParams(verbose: verbose, epochs: 1, steps: steps))
    return try evaluateCompiled(xs, ys, compiled: compiled, batchSize: batchSize, callbacks: cbs)
  }

  /// The evaluation loop on prepared data.
  func evaluateCompiled(_ xs: Tensor, _ ys: Tensor, compiled: CompiledModel, batchSize: Int, callbacks: CallbackList)
    throws -> Logs
  {
    let n = xs.shape[0]
    let steps = (n + batchSize - 1) / batchSize
    let step = try TrainingStep(model: self, compiled: compiled, training: false)
    var means = RunningMeans(names: compiled.names)
    callbacks.testBegin()
    for s in 0..<steps {
      let lo = s * batchSize, hi = min(n, lo + batchSize)
      try step.run(try xs.rows(lo..<hi), try ys.rows(lo..<hi), into: &means)
      callbacks.testBatchEnd(s, means.logs)
    }
    callbacks.testEnd(means.logs)
    return means.logs
  }

  /// The model's outputs for `x`, computed in batches and joined.
  ///
  ///     let probabilities = try model.predict(xTest)     // [10000, 10]
  ///
  /// Dropout is inactive. For a model with several outputs, use
  /// ``predictAll(_:batchSize:verbose:callbacks:)``.
  public func predict(_ x: Tensor, batchSize: Int = 32, verbose: Int = 1, callbacks: [any Callback] = []) throws
    -> Tensor
  {
    try predictAll(x, batchSize: batchSize, verbose: verbose, callbacks: callbacks)[0]
  }

  /// Every output of the model for `x`, computed in batches.
  public func predictAll(_ x: Tensor, batchSize: Int = 32, verbose: Int = 1, callbacks: [any Callback] = []) throws
    -> [Tensor]
  {
    try checkBatchSize(batchSize, "predict")
    let xs = try prepareInputs(x, for: "predict")
    try context.initializePendingVariables()
    let n = xs.shape[0]
    let steps = (n + batchSize - 1) / batchSize
    var list: [any Callback] = []
    if verbose != 0 { list.append(ProgbarLogger(console: console, statefulMetrics: [])) }
    list += callbacks
    let cbs = CallbackList(callbacks: list)
    cbs.setModel(self, params: TrainingParams(verbose: verbose, epochs: 1, steps: steps))
    let fetches = outputs.map(\.output)
    var feeds: [Output: Tensor] = [:]
    if let phase = learningPhaseFeed { feeds[phase] = LearningPhaseValue.inference }
    var results: [TensorAssembler] = []
    cbs.predictBegin()
    for s in 0..<steps {
      let lo = s * batchSize, hi = min(n, lo + batchSize)
      feeds[inputs[0].output] = try xs.rows(lo..<hi)
      let batch = try session.run(fetches: fetches, feeds: feeds)
      if results.isEmpty { results = batch.map { TensorAssembler(rows: n, like: $0) } }
      for (r, b) in zip(results, batch) { try r.append(b) }
      cbs.predictBatchEnd(s)
    }
    cbs.predictEnd()
    return results.map(\.tensor)
  }

  /// Calls the model on a batch, as `model(x_train[:1])` does: its output
  /// for every row of `x`, in one run (dropout inactive).
  ///
  ///     let logits = try model(xTrain.rows(0..<1))    // [1, 10]
  public func callAsFunction(_ x: Tensor) throws -> Tensor {
    let xs = try prepareInputs(x, for: "calling the model")
    try context.initializePendingVariables()
    guard outputs.count == 1 else {
      throw TensorGraphError(.invalidArgument, "model '\(name)' has \(outputs.count) outputs; use predictAll")
    }
    var feeds: [Output: Tensor] = [inputs[0].output: xs]
    if let phase = learningPhaseFeed { feeds[phase] = LearningPhaseValue.inference }
    return try session.run(outputs[0].output, feeds: feeds)
  }
}

extension Model {
  /// The compiled training step as a function of one prepared batch
  /// (float32 inputs, targets as the target placeholder takes them), for
  /// benchmarks that time the graph's step without `fit`'s loop.
  public func trainingStepForBenchmark() throws -> (Tensor, Tensor) throws -> Void {
    let compiled = try requireCompiled("training")
    try context.initializePendingVariables()
    let step = try TrainingStep(model: self, compiled: compiled, training: true)
    return { x, y in
      var means = RunningMeans(names: compiled.names)
      try step.run(x, y, into: &means)
    }
  }
}

/// One training or evaluation step: the compiled fetches, the targets
/// (the train op when training) and the feeds, set up once; ``run`` is the
/// per-batch hot path (two dictionary stores and one session run).
final class TrainingStep {
  let session: Session
  let fetches: [Output]
  let targets: [Node]
  let input: Output
  let target: Output
  private var feeds: [Output: Tensor] = [:]

  init(model: Model, compiled: CompiledModel, training: Bool) throws {
    session = model.session
    fetches = compiled.fetches
    targets = training ? compiled.trainOp.map { [$0] } ?? [] : []
    input = model.inputs[0].output
    target = compiled.target
    if let phase = model.learningPhaseFeed {
      feeds[phase] = training ? LearningPhaseValue.training : LearningPhaseValue.inference
    }
  }

  /// Runs the step on a batch and adds its loss and metric sums.
  func run(_ x: Tensor, _ y: Tensor, into means: inout RunningMeans) throws {
    feeds[input] = x
    feeds[target] = y
    let out = try session.run(fetches: fetches, feeds: feeds, targets: targets)
    means.add(out, batch: x.shape[0])
  }
}

/// Keras's epoch metrics: float32 running totals and a shared example
/// count (the loss weighted by batch size; metrics summed per example).
struct RunningMeans {
  let names: [String]
  private var totals: [Float]
  private var count: Float = 0

  init(names: [String]) {
    self.names = names
    totals = Array(repeating: 0, count: names.count)
  }

  /// Adds a step's fetches: the mean loss, then the metric sums.
  mutating func add(_ fetched: [Tensor], batch: Int) {
    let b = Float(batch)
    for (i, t) in fetched.enumerated() {
      let v = t.storage.data.load(as: Float.self)
      totals[i] += i == 0 ? v * b : v
    }
    count += b
  }

  /// The current means (`total / count` in float32, as Keras's `Mean`).
  var logs: Logs {
    Logs(names: names, values: totals.map { Double(count == 0 ? 0 : $0 / count) })
  }
}

/// Joins batches of one output into a single tensor.
final class TensorAssembler {
  let tensor: Tensor
  private var filled = 0
  private let rowBytes: Int

  init(rows: Int, like batch: Tensor) {
    let shape = [rows] + batch.shape.dropFirst()
    let bytes = shape.reduce(1, *) * batch.dtype.byteSize
    tensor = Tensor(dtype: batch.dtype, shape: shape, buffer: TensorBuffer(byteCapacity: max(bytes, 1)))
    rowBytes = batch.shape.dropFirst().reduce(1, *) * batch.dtype.byteSize
  }

  func append(_ batch: Tensor) throws {
    let rows = batch.shape.first ?? 0
    guard batch.dtype == tensor.dtype, Array(batch.shape.dropFirst()) == Array(tensor.shape.dropFirst()),
      filled + rows <= tensor.shape[0]
    else {
      throw TensorGraphError(.shapeMismatch, "predict: a batch output of shape \(batch.shape) does not fit \(tensor.shape)")
    }
    (tensor.storage.data + filled * rowBytes).copyMemory(from: batch.storage.data, byteCount: rows * rowBytes)
    filled += rows
  }
}
