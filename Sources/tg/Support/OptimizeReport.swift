import Foundation
import TensorGraph

// What `tg optimize` prints: text (a line per pass that changed the graph,
// or the full table with --report; diffs with --diff) or JSON.

extension Optimize {
  /// The text report.
  func textReport(_ report: PassReport, keep: KeepSet, verification: Verification?, written: [String]) -> String {
    var lines = ["passes: " + pipelineNames.joined(separator: ", ") + (fixedPoint ? " (to a fixed point)" : "")]
    lines.append("kept: " + Self.describe(keep))
    if self.report {
      lines += ["", report.table(), ""]
    }
    for entry in report.entries where entry.changed {
      if !self.report {
        let round = entry.iteration > 0 || report.entries.contains { $0.pass == entry.pass && $0.iteration > 0 }
          ? " (round \(entry.iteration + 1))" : ""
        let changes = entry.diff.map { d in
          [(d.removed.count, "removed"), (d.added.count, "added"), (d.changed.count, "rewired")]
            .filter { $0.0 > 0 }.map { "\($0.0) \($0.1)" }.joined(separator: ", ")
        }
        lines.append(
          "\(entry.pass)\(round): \(entry.before.nodes) → \(entry.after.nodes) nodes" + (changes.map { " (\($0))" } ?? ""))
      }
      if diff, let d = entry.diff {
        if self.report { lines.append("\(entry.pass) (round \(entry.iteration + 1)):") }
        lines += d.description.split(separator: "\n").map { "  " + $0 }
      }
    }
    let initial = report.initial, final = report.final
    let percent = initial.nodes == 0 ? 0 : 100 * Double(final.nodes - initial.nodes) / Double(initial.nodes)
    lines.append(
      "total: \(initial.nodes) → \(final.nodes) nodes (\(String(format: "%+.1f", percent))%), "
        + "\(GraphReport.flops(initial.flops)) → \(GraphReport.flops(final.flops)) at batch \(batch), "
        + "\(report.entries.count) pass runs in \(Self.seconds(report.totalSeconds))")
    if let verification { lines.append(verification.summary) }
    if !written.isEmpty { lines.append("wrote " + written.joined(separator: " and ")) }
    return lines.joined(separator: "\n")
  }

  /// The JSON report: the input and output files, the pipeline, what was
  /// kept, the pass report (see `PassReport.json()`) and the verification.
  func jsonReport(_ report: PassReport, keep: KeepSet, verification: Verification?, written: [String]) throws -> String {
    var top: [String: Any] = [
      "graph": input.graph,
      "passes": pipelineNames,
      "fixed_point": fixedPoint,
      "batch": batch,
      "kept": ["outputs": keep.outputs.sorted(), "targets": keep.nodes.sorted()],
      "report": try JSONSerialization.jsonObject(with: Data(report.json().utf8)),
      "written": written,
    ]
    if let verification {
      top["verification"] = [
        "passed": verification.passed, "tolerance": verification.tolerance,
        "max_abs_error": verification.maxAbsoluteError, "comparisons": verification.comparisons,
        "checks": verification.checks.map { ["what": $0.what, "comparisons": $0.report.comparisons.count] },
      ] as [String: Any]
    }
    let data = try JSONSerialization.data(
      withJSONObject: top, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
    return String(decoding: data, as: UTF8.self)
  }

  /// `probs, loss; targets: Adam` (outputs `:0` shown bare; a long list
  /// shortened to its first names and its length).
  static func describe(_ keep: KeepSet) -> String {
    let outputs = keep.outputs.map { $0.hasSuffix(":0") ? String($0.dropLast(2)) : $0 }
      .sorted { ($0.contains("/") ? 1 : 0, $0) < ($1.contains("/") ? 1 : 0, $1) }
    let shown = outputs.count > 6 ? outputs.prefix(4).joined(separator: ", ") + ", … (\(outputs.count) outputs)"
      : outputs.joined(separator: ", ")
    var parts = [outputs.isEmpty ? "no outputs" : shown]
    if !keep.nodes.isEmpty { parts.append("targets: " + keep.nodes.sorted().joined(separator: ", ")) }
    return parts.joined(separator: "; ")
  }

  /// `2.9 ms`.
  static func seconds(_ s: Double) -> String {
    s < 1 ? String(format: "%.1f ms", s * 1e3) : String(format: "%.2f s", s)
  }
}
