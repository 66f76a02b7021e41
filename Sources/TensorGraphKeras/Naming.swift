@_exported import TensorGraph
import Foundation

/// Keras's automatic names: a layer class name in snake case (`Dense` →
/// `dense`, `MaxPooling2D` → `max_pooling2d`), made unique per graph with
/// `_1`, `_2`, … suffixes (`backend.unique_object_name`).
public enum KerasNaming {
  /// Keras's `to_snake_case`: `Conv2D` → `conv2d`, `BatchNormalization` →
  /// `batch_normalization`.
  public static func snakeCase(_ name: String) -> String {
    // (.)([A-Z][a-z0-9]+) → \1_\2, then ([a-z])([A-Z]) → \1_\2, lowercased.
    var chars = Array(name)
    var out: [Character] = []
    for (i, c) in chars.enumerated() {
      if i > 0, c.isUppercase, i + 1 < chars.count, chars[i + 1].isLowercase || chars[i + 1].isNumber {
        out.append("_")
      }
      out.append(c)
    }
    chars = out
    out = []
    for (i, c) in chars.enumerated() {
      if i > 0, c.isUppercase, chars[i - 1].isLowercase { out.append("_") }
      out.append(c)
    }
    let s = String(out).lowercased()
    return s.hasPrefix("_") ? "private" + s : s
  }

  private static let lock = NSLock()
  nonisolated(unsafe) private static var counters: [ObjectIdentifier: [String: Int]] = [:]

  /// The next unique name for `base` in `graph`: `base`, then `base_1`,
  /// `base_2`, … (Keras counts per graph; a new graph starts again).
  public static func uniqueName(_ base: String, in graph: Graph) -> String {
    lock.lock()
    defer { lock.unlock() }
    let key = ObjectIdentifier(graph)
    let n = counters[key, default: [:]][base, default: 0]
    counters[key, default: [:]][base] = n + 1
    return n == 0 ? base : "\(base)_\(n)"
  }
}
