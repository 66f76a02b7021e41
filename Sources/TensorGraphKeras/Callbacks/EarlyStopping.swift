/// Whether a monitored value should go down or up.
public enum MonitorMode: String, Sendable {
  /// Lower is better.
  case min
  /// Higher is better.
  case max
  /// `max` for names ending in `acc`, `accuracy` or `auc`, else `min`
  /// (Keras's rule).
  case auto

  /// `min` or `max` for the value named `monitor`.
  func resolved(for monitor: String, accuracyRule: (String) -> Bool) -> MonitorMode {
    guard self == .auto else { return self }
    return accuracyRule(monitor) ? .max : .min
  }
}

/// Stops training when a monitored value has stopped improving (Keras's
/// `EarlyStopping`), optionally restoring the weights of the best epoch.
///
///     let stop = EarlyStopping(monitor: "val_loss", patience: 3, restoreBestWeights: true)
///     try model.fit(x, y, epochs: 100, validationSplit: 0.1, callbacks: [stop])
///
/// An epoch improves when the value beats the best so far by more than
/// `minDelta`; after `patience` epochs without improvement training stops.
public final class EarlyStopping: Callback {
  /// The value watched (`val_loss`, `accuracy`, …).
  public let monitor: String
  /// The least change that counts as an improvement.
  public let minDelta: Double
  /// Epochs without improvement before stopping.
  public let patience: Int
  /// 1 prints when it stops and restores.
  public let verbose: Int
  /// Whether lower or higher is better.
  public let mode: MonitorMode
  /// A value the monitor must beat before patience starts counting down.
  public let baseline: Double?
  /// Whether to put back the best epoch's weights when training ends.
  public let restoreBestWeights: Bool
  /// Epochs to wait before monitoring.
  public let startFromEpoch: Int

  /// The epoch (0-based) training stopped at, or 0.
  public private(set) var stoppedEpoch = 0
  /// The best epoch so far (0-based).
  public private(set) var bestEpoch = 0
  /// The best value so far.
  public private(set) var best = Double.infinity
  /// Epochs since the last improvement.
  public private(set) var wait = 0

  private weak var model: Model?
  private var bestWeights: [Tensor]?
  private let greater: Bool
  private let delta: Double

  /// Creates the callback with Keras's defaults.
  public init(
    monitor: String = "val_loss", minDelta: Double = 0, patience: Int = 0, verbose: Int = 0,
    mode: MonitorMode = .auto, baseline: Double? = nil, restoreBestWeights: Bool = false, startFromEpoch: Int = 0
  ) {
    self.monitor = monitor
    self.minDelta = abs(minDelta)
    self.patience = patience
    self.verbose = verbose
    self.mode = mode
    self.baseline = baseline
    self.restoreBestWeights = restoreBestWeights
    self.startFromEpoch = startFromEpoch
    greater =
      mode.resolved(for: monitor) { $0.hasSuffix("acc") || $0.hasSuffix("accuracy") || $0.hasSuffix("auc") } == .max
    delta = greater ? abs(minDelta) : -abs(minDelta)
  }

  public func setModel(_ model: Model, params: TrainingParams) { self.model = model }

  public func onTrainBegin(logs: Logs) {
    wait = 0
    stoppedEpoch = 0
    best = greater ? -.infinity : .infinity
    bestWeights = nil
    bestEpoch = 0
  }

  private func isImprovement(_ value: Double, over reference: Double) -> Bool {
    greater ? value - delta > reference : value - delta < reference
  }

  public func onEpochEnd(_ epoch: Int, logs: Logs) {
    guard let current = logs[monitor] else {
      if verbose > 0 {
        model?.console.print(
          "Early stopping conditioned on metric `\(monitor)` which is not available. Available metrics are: \(logs.names.joined(separator: ","))")
      }
      return
    }
    guard epoch >= startFromEpoch else { return }
    if restoreBestWeights && bestWeights == nil {
      bestWeights = try? model?.getWeights()
      bestEpoch = epoch
    }
    wait += 1
    if isImprovement(current, over: best) {
      best = current
      bestEpoch = epoch
      if restoreBestWeights { bestWeights = try? model?.getWeights() }
      if baseline == nil || isImprovement(current, over: baseline!) { wait = 0 }
      return
    }
    if wait >= patience && epoch > 0 {
      stoppedEpoch = epoch
      model?.stopTraining = true
    }
  }

  public func onTrainEnd(logs: Logs) {
    if stoppedEpoch > 0 && verbose > 0 { model?.console.print("Epoch \(stoppedEpoch + 1): early stopping") }
    if restoreBestWeights, let weights = bestWeights {
      if verbose > 0 {
        model?.console.print("Restoring model weights from the end of the best epoch: \(bestEpoch + 1).")
      }
      try? model?.setWeights(weights)
    }
  }
}
