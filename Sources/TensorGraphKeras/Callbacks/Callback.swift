/// Hooks `fit`, `evaluate` and `predict` call as they run (Keras's
/// `Callback`). Every method has an empty default; implement the ones you
/// need.
///
///     final class PrintLoss: Callback {
///       func onEpochEnd(_ epoch: Int, logs: Logs) { print(epoch, logs.loss ?? 0) }
///     }
///     try model.fit(x, y, epochs: 5, callbacks: [PrintLoss()])
public protocol Callback: AnyObject {
  /// Called before training with the model and the run's parameters.
  func setModel(_ model: Model, params: TrainingParams)
  /// Training starts.
  func onTrainBegin(logs: Logs)
  /// Training ended (after the last epoch, or an early stop).
  func onTrainEnd(logs: Logs)
  /// Epoch `epoch` (0-based) starts.
  func onEpochBegin(_ epoch: Int, logs: Logs)
  /// Epoch `epoch` ended; `logs` has the epoch's metrics and validation
  /// metrics (`val_loss`, …).
  func onEpochEnd(_ epoch: Int, logs: Logs)
  /// Training batch `batch` ended; `logs` has the epoch's running metrics.
  func onTrainBatchEnd(_ batch: Int, logs: Logs)
  /// An evaluation starts (also validation inside `fit`).
  func onTestBegin(logs: Logs)
  /// An evaluation ended, with its metrics.
  func onTestEnd(logs: Logs)
  /// Evaluation batch `batch` ended, with the running metrics.
  func onTestBatchEnd(_ batch: Int, logs: Logs)
  /// A prediction starts.
  func onPredictBegin(logs: Logs)
  /// A prediction ended.
  func onPredictEnd(logs: Logs)
  /// Prediction batch `batch` ended.
  func onPredictBatchEnd(_ batch: Int, logs: Logs)
}

// MARK: - Default implementations

extension Callback {
  public func setModel(_ model: Model, params: TrainingParams) {}
  public func onTrainBegin(logs: Logs) {}
  public func onTrainEnd(logs: Logs) {}
  public func onEpochBegin(_ epoch: Int, logs: Logs) {}
  public func onEpochEnd(_ epoch: Int, logs: Logs) {}
  public func onTrainBatchEnd(_ batch: Int, logs: Logs) {}
  public func onTestBegin(logs: Logs) {}
  public func onTestEnd(logs: Logs) {}
  public func onTestBatchEnd(_ batch: Int, logs: Logs) {}
  public func onPredictBegin(logs: Logs) {}
  public func onPredictEnd(logs: Logs) {}
  public func onPredictBatchEnd(_ batch: Int, logs: Logs) {}
}

/// What a callback learns about a run (Keras's `params`).
public struct TrainingParams: Sendable, Equatable {
  /// The verbosity (0, 1 or 2).
  public var verbose: Int
  /// The number of epochs.
  public var epochs: Int
  /// Batches per epoch (or per evaluation / prediction).
  public var steps: Int

  /// Creates the parameters.
  public init(verbose: Int, epochs: Int, steps: Int) {
    self.verbose = verbose
    self.epochs = epochs
    self.steps = steps
  }
}

/// The record `fit` returns: each epoch's metrics (Keras's `History`).
///
///     let history = try model.fit(x, y, epochs: 5, validationSplit: 0.1)
///     history.history["val_accuracy"]    // five values
public final class History: Callback {
  /// Metric name → one value per epoch (`loss`, `accuracy`, `val_loss`, …).
  public private(set) var history: [String: [Double]] = [:]
  /// The metric names in the order Keras reports them.
  public private(set) var keys: [String] = []
  /// The epochs run (0-based).
  public private(set) var epoch: [Int] = []
  /// The run's parameters.
  public private(set) var params = TrainingParams(verbose: 0, epochs: 0, steps: 0)

  /// An empty history.
  public init() {}

  public func setModel(_ model: Model, params: TrainingParams) { self.params = params }

  public func onTrainBegin(logs: Logs) { epoch = [] }

  public func onEpochEnd(_ epoch: Int, logs: Logs) {
    self.epoch.append(epoch)
    for (name, value) in zip(logs.names, logs.values) {
      if history[name] == nil { keys.append(name) }
      history[name, default: []].append(value)
    }
  }

  /// The values of `name`, one per epoch (empty when unknown).
  public subscript(name: String) -> [Double] { history[name] ?? [] }
}

/// Runs a list of callbacks.
struct CallbackList {
  var callbacks: [any Callback]

  func setModel(_ model: Model, params: TrainingParams) { for c in callbacks { c.setModel(model, params: params) } }
  func trainBegin() { for c in callbacks { c.onTrainBegin(logs: Logs()) } }
  func trainEnd(_ logs: Logs) { for c in callbacks { c.onTrainEnd(logs: logs) } }
  func epochBegin(_ e: Int) { for c in callbacks { c.onEpochBegin(e, logs: Logs()) } }
  func epochEnd(_ e: Int, _ logs: Logs) { for c in callbacks { c.onEpochEnd(e, logs: logs) } }
  func trainBatchEnd(_ b: Int, _ logs: Logs) { for c in callbacks { c.onTrainBatchEnd(b, logs: logs) } }
  func testBegin() { for c in callbacks { c.onTestBegin(logs: Logs()) } }
  func testEnd(_ logs: Logs) { for c in callbacks { c.onTestEnd(logs: logs) } }
  func testBatchEnd(_ b: Int, _ logs: Logs) { for c in callbacks { c.onTestBatchEnd(b, logs: logs) } }
  func predictBegin() { for c in callbacks { c.onPredictBegin(logs: Logs()) } }
  func predictEnd() { for c in callbacks { c.onPredictEnd(logs: Logs()) } }
  func predictBatchEnd(_ b: Int) { for c in callbacks { c.onPredictBatchEnd(b, logs: Logs()) } }
}
