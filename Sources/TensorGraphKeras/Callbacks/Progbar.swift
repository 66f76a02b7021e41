import Foundation

/// Keras 2's progress bar (`keras.utils.Progbar`), character for character:
///
///     1875/1875 [==============================] - 2s 1ms/step - loss: 0.4963 - accuracy: 0.8251
///
/// With verbosity 1 it redraws one line in place (`\b`… then `\r`) at most
/// every `interval` seconds, showing an ETA until the last update; with
/// verbosity 2 it prints one line when finalized:
///
///     10/10 - 0s - loss: 2.2782 - accuracy: 0.1875 - 45ms/epoch - 5ms/step
public final class Progbar {
  /// Total steps.
  public var target: Int
  /// Bar width in characters.
  public let width: Int
  /// 1: a live bar; 2: one line at the end; 0: nothing.
  public let verbose: Int
  /// Least seconds between redraws (verbosity 1).
  public let interval: Double
  /// The unit of the time per unit (`step`).
  public let unitName: String
  /// Metrics shown as given rather than averaged over updates.
  public var statefulMetrics: Set<String>

  private let console: Console
  private var totalWidth = 0
  private var seenSoFar = 0
  private var values: [String: (sum: Double, count: Double)] = [:]
  private var valuesOrder: [String] = []
  private let start: Double
  private var lastUpdate = -Double.infinity
  private var timeAtEpochStart: Double
  private var timeAtEpochEnd: Double?
  private var timeAfterFirstStep: Double?

  /// Creates a bar for `target` steps, starting its clock now.
  public init(
    target: Int, width: Int = 30, verbose: Int = 1, interval: Double = 0.05, statefulMetrics: Set<String> = [],
    unitName: String = "step", console: Console = .standard
  ) {
    self.target = target
    self.width = width
    self.verbose = verbose
    self.interval = interval
    self.unitName = unitName
    self.statefulMetrics = statefulMetrics
    self.console = console
    start = console.now()
    timeAtEpochStart = start
  }

  /// Updates the bar to step `current` with the latest values.
  ///
  /// - Parameters:
  ///   - current: The steps done.
  ///   - values: Metric values: stateful ones are shown as given, others
  ///     averaged over the steps they cover.
  ///   - finalize: Whether this is the last update (default: `current >=
  ///     target`).
  public func update(_ current: Int, values newValues: Logs = Logs(), finalize: Bool? = nil) {
    let finalize = finalize ?? (current >= target)
    for (k, v) in zip(newValues.names, newValues.values) {
      if !valuesOrder.contains(k) { valuesOrder.append(k) }
      if statefulMetrics.contains(k) {
        values[k] = (v, 1)
      } else {
        let base = Double(max(current - seenSoFar, 1))
        if let old = values[k] {
          values[k] = (old.sum + v * base, old.count + base)
        } else {
          values[k] = (v * base, base)
        }
      }
    }
    seenSoFar = current

    let now = console.now()
    var info = " - " + String(format: "%.0f", now - start) + "s"
    if current == target { timeAtEpochEnd = now }
    if verbose == 1 {
      if now - lastUpdate < interval && !finalize { return }
      let previousWidth = totalWidth
      var message = String(repeating: "\u{8}", count: previousWidth) + "\r"
      let digits = Int(log10(Double(target))) + 1
      var bar = String(format: "%\(digits)d/%d [", current, target)
      let progress = Double(current) / Double(target)
      let progressWidth = Int(Double(width) * progress)
      if progressWidth > 0 {
        bar += String(repeating: "=", count: progressWidth - 1)
        bar += current < target ? ">" : "="
      }
      bar += String(repeating: ".", count: max(0, width - progressWidth))
      bar += "]"
      totalWidth = bar.count
      message += bar

      let timePerUnit = estimateStepDuration(current, now)
      if finalize {
        info += Progbar.formatTime(timePerUnit, unitName)
      } else {
        let eta = timePerUnit * Double(target - current)
        let etaFormat: String
        if eta > 3600 {
          etaFormat = String(
            format: "%d:%02d:%02d", Int(eta / 3600), Int(eta.truncatingRemainder(dividingBy: 3600) / 60),
            Int(eta.truncatingRemainder(dividingBy: 60)))
        } else if eta > 60 {
          etaFormat = String(format: "%d:%02d", Int(eta / 60), Int(eta.truncatingRemainder(dividingBy: 60)))
        } else {
          etaFormat = "\(Int(eta))s"
        }
        info = " - ETA: " + etaFormat
      }
      for k in valuesOrder {
        let (sum, count) = values[k]!
        let average = sum / max(1, count)
        info += " - \(k):" + (abs(average) > 1e-3 ? String(format: " %.4f", average) : String(format: " %.4e", average))
      }
      totalWidth += info.count
      if previousWidth > totalWidth { info += String(repeating: " ", count: previousWidth - totalWidth) }
      if finalize { info += "\n" }
      console.write(message + info)
    } else if verbose == 2 {
      if finalize {
        let digits = Int(log10(Double(target))) + 1
        info = String(format: "%\(digits)d/%d", current, target) + info
        for k in valuesOrder {
          let (sum, count) = values[k]!
          let average = sum / max(1, count)
          info += " - \(k):" + (average > 1e-3 ? String(format: " %.4f", average) : String(format: " %.4e", average))
        }
        if let end = timeAtEpochEnd {
          let perEpoch = end - timeAtEpochStart
          let perStep = perEpoch / Double(target)
          timeAtEpochStart = now
          timeAtEpochEnd = nil
          info += " -" + Progbar.formatTime(perEpoch, "epoch")
          info += " -" + Progbar.formatTime(perStep, unitName)
          info += "\n"
        }
        console.write(info)
      }
    }
    lastUpdate = now
  }

  /// Keras's `_format_time`: ` 2s/epoch`, ` 22ms/step`, ` 850us/step`.
  static func formatTime(_ t: Double, _ unit: String) -> String {
    if t >= 1 || t == 0 { return String(format: " %.0fs/", t) + unit }
    if t >= 1e-3 { return String(format: " %.0fms/", t * 1000) + unit }
    return String(format: " %.0fus/", t * 1_000_000) + unit
  }

  /// Keras's `_estimate_step_duration`: time per step, leaving out the
  /// first step (which includes one-time setup) once there are more.
  private func estimateStepDuration(_ current: Int, _ now: Double) -> Double {
    guard current > 0 else { return 0 }
    let perUnit: Double
    if let first = timeAfterFirstStep, current > 1 {
      perUnit = (now - first) / Double(current - 1)
    } else {
      perUnit = (now - start) / Double(current)
    }
    if current == 1 { timeAfterFirstStep = now }
    return perUnit
  }
}

/// Prints a progress bar per epoch, evaluation and prediction (Keras's
/// `ProgbarLogger` counting steps), and "Epoch 1/5" lines when there are
/// several epochs. `fit` adds one when `verbose` is 1 or 2.
public final class ProgbarLogger: Callback {
  private var progbar: Progbar?
  private var params = TrainingParams(verbose: 1, epochs: 1, steps: 0)
  private var calledInFit = false
  private var seen = 0
  private let console: Console
  private let statefulMetrics: Set<String>

  /// A logger writing to `console`; `statefulMetrics` are the model's
  /// metric names (shown as the model's running values).
  public init(console: Console, statefulMetrics: Set<String>) {
    self.console = console
    self.statefulMetrics = statefulMetrics
  }

  public func setModel(_ model: Model, params: TrainingParams) { self.params = params }

  private func makeBar() {
    if progbar == nil {
      progbar = Progbar(
        target: params.steps, verbose: params.verbose, statefulMetrics: statefulMetrics, console: console)
    }
  }

  public func onTrainBegin(logs: Logs) { calledInFit = true }

  public func onTestBegin(logs: Logs) {
    if !calledInFit {
      progbar = nil
      seen = 0
      makeBar()
    }
  }

  public func onPredictBegin(logs: Logs) {
    progbar = nil
    seen = 0
    makeBar()
  }

  public func onEpochBegin(_ epoch: Int, logs: Logs) {
    progbar = nil
    seen = 0
    makeBar()
    if params.verbose > 0 && params.epochs > 1 { console.print("Epoch \(epoch + 1)/\(params.epochs)") }
  }

  public func onTrainBatchEnd(_ batch: Int, logs: Logs) { batchUpdate(batch, logs) }
  public func onEpochEnd(_ epoch: Int, logs: Logs) { finalize(logs) }
  public func onTestBatchEnd(_ batch: Int, logs: Logs) { if !calledInFit { batchUpdate(batch, logs) } }
  public func onTestEnd(logs: Logs) { if !calledInFit { finalize(logs) } }
  public func onPredictBatchEnd(_ batch: Int, logs: Logs) { batchUpdate(batch, Logs()) }
  public func onPredictEnd(logs: Logs) { finalize(logs) }

  private func batchUpdate(_ batch: Int, _ logs: Logs) {
    makeBar()
    seen = batch + 1
    if params.verbose == 1 { progbar?.update(seen, values: logs, finalize: false) }
  }

  private func finalize(_ logs: Logs) {
    makeBar()
    progbar?.update(params.steps, values: logs, finalize: true)
  }
}
