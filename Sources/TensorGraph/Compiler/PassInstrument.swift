import Foundation

/// Hooks a ``PassManager`` calls around every pass: dump the graph, time
/// it, collect statistics. Both methods default to doing nothing.
///
///     var manager = PassManager.default
///     manager.instruments.append(PassHooks(after: { pass, _, after, entry in
///       print("\(pass): \(entry.before.nodes) → \(after.nodeCount) nodes")
///     }))
public protocol PassInstrument: Sendable {
  /// Called before `pass` runs on `graph`.
  func willRun(pass: String, graph: Graph)
  /// Called after `pass` turned `before` into `after` (the same graph when
  /// it changed nothing), with the report entry.
  func didRun(pass: String, before: Graph, after: Graph, entry: PassReport.Entry)
}

// MARK: - Default implementations

extension PassInstrument {
  public func willRun(pass: String, graph: Graph) {}
  public func didRun(pass: String, before: Graph, after: Graph, entry: PassReport.Entry) {}
}

/// An instrument made of closures.
public struct PassHooks: PassInstrument {
  private let before: (@Sendable (String, Graph) -> Void)?
  private let after: (@Sendable (String, Graph, Graph, PassReport.Entry) -> Void)?

  /// Creates hooks; either may be `nil`.
  public init(
    before: (@Sendable (_ pass: String, _ graph: Graph) -> Void)? = nil,
    after: (@Sendable (_ pass: String, _ before: Graph, _ after: Graph, _ entry: PassReport.Entry) -> Void)? = nil
  ) {
    self.before = before
    self.after = after
  }

  public func willRun(pass: String, graph: Graph) { before?(pass, graph) }

  public func didRun(pass: String, before: Graph, after: Graph, entry: PassReport.Entry) {
    self.after?(pass, before, after, entry)
  }

  /// Prints each pass's diff (nodes removed, added, rewired) with `print`,
  /// or hands it to `write`.
  public static func printDiffs(_ write: @escaping @Sendable (String) -> Void = { print($0) }) -> PassHooks {
    PassHooks(after: { pass, before, after, entry in
      guard entry.changed else { return }
      write("== \(pass) (round \(entry.iteration + 1)): \(entry.before.nodes) → \(entry.after.nodes) nodes")
      write((entry.diff ?? GraphDiff(before, after)).description)
    })
  }

  /// Prints each pass's wall time and node counts.
  public static func printTimes(_ write: @escaping @Sendable (String) -> Void = { print($0) }) -> PassHooks {
    PassHooks(after: { pass, _, _, entry in
      write("\(pass): \(formatSeconds(entry.seconds)), \(entry.before.nodes) → \(entry.after.nodes) nodes")
    })
  }
}

/// Seconds with a unit that keeps three or four significant digits.
func formatSeconds(_ s: Double) -> String {
  if s.isNaN { return "—" }
  if s < 1e-3 { return String(format: "%.1f µs", s * 1e6) }
  if s < 1 { return String(format: "%.2f ms", s * 1e3) }
  return String(format: "%.3f s", s)
}
