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
  /// Counters per graph. The weak reference tells a live graph from a new
  /// one that happens to reuse a freed graph's address.
  nonisolated(unsafe) private static var counters: [ObjectIdentifier: (graph: WeakGraph, names: [String: Int])] = [:]

  private final class WeakGraph {
    weak var graph: Graph?
    init(_ graph: Graph) { self.graph = graph }
  }

  /// The next unique name for `base` in `graph`: `base`, then `base_1`,
  /// `base_2`, … (Keras counts per graph; a new graph starts again).
  public static func uniqueName(_ base: String, in graph: Graph) -> String {
    lock.lock()
    defer { lock.unlock() }
    let key = ObjectIdentifier(graph)
    if counters[key]?.graph.graph !== graph {
      counters = counters.filter { $0.value.graph.graph != nil }
      counters[key] = (WeakGraph(graph), [:])
    }
    let n = counters[key]!.names[base, default: 0]
    counters[key]!.names[base] = n + 1
    return n == 0 ? base : "\(base)_\(n)"
  }

  /// Marks `name` as taken in `graph`, so automatic names skip it (a layer
  /// named explicitly, or restored from a saved model). Keras's counter
  /// for the name's base is advanced past it.
  public static func reserve(_ name: String, in graph: Graph) {
    lock.lock()
    defer { lock.unlock() }
    let key = ObjectIdentifier(graph)
    if counters[key]?.graph.graph !== graph { counters[key] = (WeakGraph(graph), [:]) }
    var base = name
    var index = 0
    if let underscore = name.lastIndex(of: "_"), let n = Int(name[name.index(after: underscore)...]) {
      base = String(name[..<underscore])
      index = n
    }
    let next = counters[key]!.names[base, default: 0]
    counters[key]!.names[base] = max(next, index + 1)
  }

  /// Keras's `backend.get_uid(prefix)`: 1, 2, 3, … per graph (input layers
  /// are `input_1`, `input_2`, …).
  public static func nextUID(_ prefix: String, in graph: Graph) -> Int {
    let name = uniqueName("\u{0}uid:" + prefix, in: graph)
    guard let underscore = name.lastIndex(of: "_"), let n = Int(name[name.index(after: underscore)...]) else {
      return 1
    }
    return n + 1
  }
}
