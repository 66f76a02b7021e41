import Foundation

// MARK: - Text

extension GraphReport {
  /// The report as aligned text sections.
  var text: String {
    var lines = [file + (weights.map { " (weights: \($0)\(weightsFound ? "" : ", missing"))" } ?? ""), "nodes: \(nodeCount)", ""]
    lines.append("ops:")
    let histogram = ops.sorted { ($0.value, $1.key) > ($1.value, $0.key) }
    lines += table(histogram.map { ["  " + $0.key, String($0.value)] }, rightAligned: [1])
    lines += ["", "placeholders:"]
    lines += placeholders.isEmpty ? ["  (none)"] : table(placeholders.map { ["  " + $0.name, $0.dtype, Self.shape($0.shape)] })
    lines += ["", "variables: \(variables.count), \(Self.grouped(parameterCount)) parameters (\(Self.grouped(trainableParameterCount)) trainable)"]
    lines += table(variables.map {
      ["  " + $0.name, $0.dtype, Self.shape($0.shape), $0.parameters.map(Self.grouped) ?? "?", $0.trainable == true ? "" : "not trainable"]
    }, rightAligned: [3])
    lines += ["", "fetchable outputs (sinks, and outputs outside name scopes; --all lists every output):"]
    lines += table(outputs.map {
      ["  " + $0.name, $0.op, $0.dtype, Self.shape($0.shape), $0.sink == true ? "sink" : "", Self.flops($0.flops)]
    }, rightAligned: [5])
    lines += ["", "targets (nodes without outputs that nothing waits on):"]
    lines += targets.isEmpty ? ["  (none)"] : table(targets.map { ["  " + $0.name, $0.op, Self.flops($0.flops)] }, rightAligned: [2])
    lines += ["", "estimated flops with unknown dimensions = \(batch): \(Self.flops(totalFlops)) for every node once"]
    if let allOutputs {
      lines += ["", "all outputs:"]
      lines += table(allOutputs.map { ["  " + $0.name, $0.op, $0.dtype, Self.shape($0.shape)] })
    }
    return lines.joined(separator: "\n")
  }

  /// Rows padded into columns (two spaces apart), trailing spaces trimmed.
  private func table(_ rows: [[String]], rightAligned: Set<Int> = []) -> [String] {
    let widths = (0..<(rows.map(\.count).max() ?? 0)).map { c in rows.map { c < $0.count ? $0[c].count : 0 }.max() ?? 0 }
    return rows.map { row in
      row.enumerated().map { c, cell in
        let pad = String(repeating: " ", count: widths[c] - cell.count)
        return rightAligned.contains(c) ? pad + cell : cell + pad
      }.joined(separator: "  ").replacingOccurrences(of: "\\s+$", with: "", options: .regularExpression)
    }
  }

  static func shape(_ dims: [Int?]?) -> String {
    guard let dims else { return "<unknown>" }
    return "[" + dims.map { $0.map(String.init) ?? "?" }.joined(separator: ", ") + "]"
  }

  /// `101,770`.
  static func grouped(_ n: Int) -> String {
    let digits = String(n.magnitude)
    var out = ""
    for (i, ch) in digits.enumerated() {
      if i > 0 && (digits.count - i) % 3 == 0 { out.append(",") }
      out.append(ch)
    }
    return (n < 0 ? "-" : "") + out
  }

  /// `203.6 KFLOP`, `1.21 GFLOP`; `?` when unknown.
  static func flops(_ value: Double?) -> String {
    guard let value else { return "? FLOP" }
    let units: [(Double, String)] = [(1e12, "T"), (1e9, "G"), (1e6, "M"), (1e3, "K")]
    for (scale, prefix) in units where value >= scale {
      return String(format: "%.4g %@FLOP", value / scale, prefix)
    }
    return String(format: "%.0f FLOP", value)
  }
}
