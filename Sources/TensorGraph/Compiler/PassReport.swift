import Foundation

/// What a pipeline did, pass by pass: nodes, edges, estimated FLOPs and
/// bytes, constant bytes, peak memory (when measured) before and after,
/// and the wall time of the pass. Print it as a table (``table()``) or
/// JSON (``json()``).
///
///     pass                          round  nodes       edges       MFLOP           MB moved        const KB     time
///     (input)                              217         301         5,112.4         20.10           3,175.0
///     pruning                       1      217 → 128   301 → 190   5,112.4 → 52.1  …
public struct PassReport: Sendable, CustomStringConvertible {
  /// One pass's run.
  public struct Entry: Sendable {
    /// The pass's name.
    public var pass: String
    /// The round of a fixed-point group (0 for a single pass).
    public var iteration: Int
    /// The graph before the pass.
    public var before: GraphStatistics
    /// The graph after the pass.
    public var after: GraphStatistics
    /// Wall time of the pass (verification and measurement excluded).
    public var seconds: Double
    /// Whether the pass changed the graph.
    public var changed: Bool
    /// Nodes removed, added and rewired, when recorded.
    public var diff: GraphDiff?
  }

  /// The graph before the first pass.
  public var initial: GraphStatistics
  /// Every pass run, in order.
  public var entries: [Entry]

  /// The graph after the last pass.
  public var final: GraphStatistics { entries.last?.after ?? initial }

  /// Total wall time of the passes.
  public var totalSeconds: Double { entries.reduce(0) { $0 + $1.seconds } }

  /// The fraction of nodes the pipeline removed (0.25: a quarter).
  public var nodeReduction: Double {
    initial.nodes == 0 ? 0 : Double(initial.nodes - final.nodes) / Double(initial.nodes)
  }

  /// A fixed-width table: one row for the input, one per pass (`a → b`
  /// where the pass changed the graph), one for the whole pipeline.
  public func table() -> String {
    func n(_ v: Int) -> String { groupedDigits(v) }
    func mega(_ v: Double) -> String { String(format: "%.2f", v / 1e6) }
    func kilo(_ v: Int) -> String { String(format: "%.1f", Double(v) / 1024) }
    func cells(_ s: GraphStatistics) -> [String] {
      [n(s.nodes), n(s.edges), mega(s.flops), mega(s.bytes), kilo(s.constantBytes), s.peakBytes.map(kilo) ?? "—"]
    }
    func arrows(_ a: [String], _ b: [String]) -> [String] {
      zip(a, b).map { $0 == $1 ? $0 : "\($0) → \($1)" }
    }
    var rows = [["pass", "round", "nodes", "edges", "MFLOP", "MB moved", "const KB", "peak KB", "time"]]
    rows.append(["(input)", ""] + cells(initial) + [""])
    for e in entries {
      let c = e.changed ? arrows(cells(e.before), cells(e.after)) : cells(e.after)
      rows.append([e.pass + (e.changed ? "" : " (no change)"), "\(e.iteration + 1)"] + c + [formatSeconds(e.seconds)])
    }
    rows.append(["(pipeline)", ""] + arrows(cells(initial), cells(final)) + [formatSeconds(totalSeconds)])
    let widths = (0..<rows[0].count).map { col in rows.map { $0[col].count }.max() ?? 0 }
    return rows.map { row in
      zip(row, widths).map { $0 + String(repeating: " ", count: $1 - $0.count) }.joined(separator: "  ")
        .trimmingCharacters(in: .whitespaces)
    }.joined(separator: "\n")
  }

  public var description: String { table() }

  /// The report as JSON: `initial`, `final` and `passes` (each with
  /// `pass`, `round`, `changed`, `seconds`, `before`, `after` and, when
  /// recorded, `removed`, `added`, `rewired` node names).
  public func json() -> String {
    func stats(_ s: GraphStatistics) -> JSONValue {
      var m: [(key: String, value: JSONValue)] = [
        ("nodes", .int(s.nodes)), ("edges", .int(s.edges)), ("flops", .double(s.flops)), ("bytes", .double(s.bytes)),
        ("constant_bytes", .int(s.constantBytes)), ("unestimated_nodes", .int(s.unestimatedNodes)),
      ]
      if let p = s.peakBytes { m.append(("peak_bytes", .int(p))) }
      return .object(JSONObject(m))
    }
    let passes: [JSONValue] = entries.map { e in
      var m: [(key: String, value: JSONValue)] = [
        ("pass", .string(e.pass)), ("round", .int(e.iteration + 1)), ("changed", .bool(e.changed)),
        ("seconds", .double(e.seconds)), ("before", stats(e.before)), ("after", stats(e.after)),
      ]
      if let d = e.diff {
        m.append(("removed", .array(d.removed.map { .string($0.name) })))
        m.append(("added", .array(d.added.map { .string($0.name) })))
        m.append(("rewired", .array(d.changed.map { .string($0.name) })))
      }
      return .object(JSONObject(m))
    }
    let top = JSONValue.object(
      JSONObject([
        ("initial", stats(initial)), ("final", stats(final)), ("total_seconds", .double(totalSeconds)),
        ("passes", .array(passes)),
      ]))
    let layout = JSONWriter.Layout(expandObjectsToDepth: 1, expandArraysToDepth: 1, spaced: true)
    return String(decoding: JSONWriter.encode(top, layout: layout), as: UTF8.self)
  }
}

/// `1234567` → `"1,234,567"`.
func groupedDigits(_ v: Int) -> String {
  let digits = String(v.magnitude)
  var out = ""
  for (i, c) in digits.enumerated() {
    if i > 0 && (digits.count - i) % 3 == 0 { out.append(",") }
    out.append(c)
  }
  return v < 0 ? "-" + out : out
}
