import Foundation

/// Saves the model (or its weights) after each epoch, optionally only when
/// a monitored value improves (Keras's `ModelCheckpoint`).
///
///     let checkpoint = ModelCheckpoint("checkpoints/model-{epoch:02d}-{val_loss:.2f}", saveBestOnly: true)
///
/// `filepath` may hold `{epoch}` (1-based, `{epoch:02d}` zero-padded) and
/// `{name}` / `{name:.2f}` for any logged value. Whole models are saved
/// with ``Model/save(to:)`` (a directory, replaced atomically), weights
/// with ``Model/saveWeights(to:)`` (one safetensors file, written
/// atomically), so an interrupted save never leaves a broken checkpoint.
public final class ModelCheckpoint: Callback {
  /// Where to save, with `{…}` placeholders.
  public let filepath: String
  /// The value compared when `saveBestOnly`.
  public let monitor: String
  /// 1 prints a line for each save decision.
  public let verbose: Int
  /// Save only when the monitored value improves.
  public let saveBestOnly: Bool
  /// Save weights only (a safetensors file) rather than the whole model.
  public let saveWeightsOnly: Bool
  /// The best value so far.
  public private(set) var best: Double
  /// The paths written, in order.
  public private(set) var savedPaths: [String] = []

  private let greater: Bool
  private weak var model: Model?

  /// Creates the callback with Keras's defaults.
  public init(
    _ filepath: String, monitor: String = "val_loss", verbose: Int = 0, saveBestOnly: Bool = false,
    saveWeightsOnly: Bool = false, mode: MonitorMode = .auto, initialValueThreshold: Double? = nil
  ) {
    self.filepath = filepath
    self.monitor = monitor
    self.verbose = verbose
    self.saveBestOnly = saveBestOnly
    self.saveWeightsOnly = saveWeightsOnly
    greater = mode.resolved(for: monitor) { $0.contains("acc") || $0.hasPrefix("fmeasure") } == .max
    best = initialValueThreshold ?? (greater ? -.infinity : .infinity)
  }

  public func setModel(_ model: Model, params: TrainingParams) { self.model = model }

  /// Saving failures stop training: they are reported through
  /// ``lastError`` and the model's console.
  public private(set) var lastError: Error?

  public func onEpochEnd(_ epoch: Int, logs: Logs) {
    guard let model else { return }
    let path = ModelCheckpoint.format(filepath, epoch: epoch + 1, logs: logs)
    if saveBestOnly {
      guard let current = logs[monitor] else {
        model.console.print("Can save best model only with \(monitor) available, skipping.")
        return
      }
      let improved = greater ? current > best : current < best
      if !improved {
        if verbose > 0 {
          model.console.print("\nEpoch \(epoch + 1): \(monitor) did not improve from \(String(format: "%.5f", best))")
        }
        return
      }
      if verbose > 0 {
        model.console.print(
          "\nEpoch \(epoch + 1): \(monitor) improved from \(String(format: "%.5f", best)) to \(String(format: "%.5f", current)), saving model to \(path)")
      }
      best = current
    } else if verbose > 0 {
      model.console.print("\nEpoch \(epoch + 1): saving model to \(path)")
    }
    do {
      let url = URL(fileURLWithPath: path)
      if saveWeightsOnly {
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try model.saveWeights(to: url)
      } else {
        try model.save(to: url)
      }
      savedPaths.append(path)
    } catch {
      lastError = error
      model.console.print("ModelCheckpoint: could not save to \(path): \(error)")
      model.stopTraining = true
    }
  }

  /// `pattern` with `{epoch}`, `{epoch:02d}`, `{name}` and `{name:.Nf}`
  /// filled from the epoch number (1-based) and the logs.
  public static func format(_ pattern: String, epoch: Int, logs: Logs) -> String {
    var out = ""
    var rest = Substring(pattern)
    while let open = rest.firstIndex(of: "{"), let close = rest[open...].firstIndex(of: "}") {
      out += rest[..<open]
      let field = rest[rest.index(after: open)..<close]
      let parts = field.split(separator: ":", maxSplits: 1).map(String.init)
      let key = parts.first ?? ""
      let spec = parts.count > 1 ? parts[1] : ""
      let value: Double? = key == "epoch" ? Double(epoch) : logs[key]
      if let value {
        if key == "epoch" {
          let width = Int(spec.filter(\.isNumber)) ?? 0
          out += spec.hasPrefix("0") ? String(format: "%0\(width)d", epoch) : String(epoch)
        } else if spec.hasSuffix("f"), let digits = Int(spec.dropFirst().dropLast()) {
          out += String(format: "%.\(digits)f", value)
        } else {
          out += String(value)
        }
      } else {
        out += "{" + field + "}"
      }
      rest = rest[rest.index(after: close)...]
    }
    return out + rest
  }
}
