import Foundation

// An SVG drawing of a training history, the chart a Keras user makes with
// matplotlib from `history.history`. Written by hand: SVG is plain text,
// and no plotting package is on the machine's list.

extension History {
  /// An SVG document charting the history: one panel per metric (`loss`
  /// first, then each metric in Keras's order), epochs on the x axis
  /// (numbered from 1, as Keras prints them), the training values as a
  /// solid line and the validation values (`val_…`), when present, as a
  /// dashed one.
  ///
  ///     let history = try model.fit(x, y, epochs: 5, validationSplit: 0.1)
  ///     try history.svgPlot(title: "Fashion-MNIST MLP").write(toFile: "history.svg", atomically: true, encoding: .utf8)
  ///
  /// - Parameter title: A line above the panels; `nil` for none.
  /// - Returns: The SVG text; a history of no epochs gives panels without lines.
  public func svgPlot(title: String? = nil) -> String {
    let panels = keys.filter { !$0.hasPrefix("val_") }
    var chart = SVGChart(panelCount: max(panels.count, 1), title: title)
    for (i, name) in panels.enumerated() {
      var series = [SVGChart.Series(label: "train", values: self[name], dashed: false, color: "#1f77b4")]
      if !self["val_" + name].isEmpty {
        series.append(SVGChart.Series(label: "validation", values: self["val_" + name], dashed: true, color: "#ff7f0e"))
      }
      chart.drawPanel(i, title: name, series: series)
    }
    return chart.document
  }
}

/// Line charts side by side in one SVG document.
struct SVGChart {
  /// One line of a panel.
  struct Series {
    var label: String
    var values: [Double]
    var dashed: Bool
    var color: String
  }

  static let panelWidth = 420.0, panelHeight = 300.0
  static let margin = (left: 58.0, right: 16.0, top: 34.0, bottom: 44.0)

  private var body = ""
  private let width: Double, height: Double, top: Double

  init(panelCount: Int, title: String?) {
    top = title == nil ? 0 : 28
    width = Double(panelCount) * Self.panelWidth
    height = Self.panelHeight + top
    if let title {
      body += #"<text x="\#(fmt(width / 2))" y="20" text-anchor="middle" font-size="16">\#(escape(title))</text>"#
      body += "\n"
    }
  }

  /// The finished document.
  var document: String {
    """
    <?xml version="1.0" encoding="UTF-8"?>
    <svg xmlns="http://www.w3.org/2000/svg" width="\(fmt(width))" height="\(fmt(height))" \
    viewBox="0 0 \(fmt(width)) \(fmt(height))" font-family="sans-serif" font-size="12">
    <rect width="100%" height="100%" fill="white"/>
    \(body)</svg>

    """
  }

  /// Draws panel `index`: frame, ticks, grid, the series and a legend.
  mutating func drawPanel(_ index: Int, title: String, series: [Series]) {
    let m = Self.margin
    let x0 = Double(index) * Self.panelWidth + m.left, x1 = Double(index + 1) * Self.panelWidth - m.right
    let y0 = top + m.top, y1 = top + Self.panelHeight - m.bottom
    let epochs = series.map(\.values.count).max() ?? 0
    let finite = series.flatMap(\.values).filter(\.isFinite)
    let yTicks = Self.niceTicks(low: finite.min() ?? 0, high: finite.max() ?? 1)
    let yLow = yTicks.first!, yHigh = yTicks.last!
    let xHigh = Double(max(epochs, 2))
    // Epochs 1…xHigh span the frame less a small inset at each end.
    let inset = 8.0
    func px(_ epoch: Double) -> Double { x0 + inset + (epoch - 1) / (xHigh - 1) * (x1 - x0 - 2 * inset) }
    func py(_ v: Double) -> Double { y1 - (v - yLow) / (yHigh - yLow) * (y1 - y0) }

    body += #"<text x="\#(fmt((x0 + x1) / 2))" y="\#(fmt(y0 - 12))" text-anchor="middle" font-size="14">\#(escape(title))</text>"#
    body += "\n"
    for t in yTicks {
      body += #"<line x1="\#(fmt(x0))" y1="\#(fmt(py(t)))" x2="\#(fmt(x1))" y2="\#(fmt(py(t)))" stroke="gainsboro"/>"#
      body += #"<text x="\#(fmt(x0 - 6))" y="\#(fmt(py(t) + 4))" text-anchor="end">\#(Self.label(t, ticks: yTicks))</text>"#
      body += "\n"
    }
    for e in Self.epochTicks(max(epochs, 1)) {
      body += #"<line x1="\#(fmt(px(Double(e))))" y1="\#(fmt(y1))" x2="\#(fmt(px(Double(e))))" y2="\#(fmt(y1 + 4))" stroke="black"/>"#
      body += #"<text x="\#(fmt(px(Double(e))))" y="\#(fmt(y1 + 17))" text-anchor="middle">\#(e)</text>"#
      body += "\n"
    }
    body += #"<rect x="\#(fmt(x0))" y="\#(fmt(y0))" width="\#(fmt(x1 - x0))" height="\#(fmt(y1 - y0))" fill="none" stroke="black"/>"#
    body += #"<text x="\#(fmt((x0 + x1) / 2))" y="\#(fmt(y1 + 34))" text-anchor="middle">epoch</text>"#
    body += "\n"
    // The legend sits in the top right corner on a white box; the lines
    // go under it first.
    var legend = #"<rect x="\#(fmt(x1 - 102))" y="\#(fmt(y0 + 4))" width="98" height="\#(fmt(Double(series.count) * 16 + 6))" fill="white" fill-opacity="0.85" stroke="gainsboro"/>"#
    legend += "\n"
    for (i, s) in series.enumerated() {
      // Non-finite values (a diverged loss) break the line.
      var segments: [[(x: Double, y: Double)]] = [[]]
      for (e, v) in s.values.enumerated() {
        if v.isFinite {
          segments[segments.count - 1].append((px(Double(e + 1)), py(v)))
        } else if !segments[segments.count - 1].isEmpty {
          segments.append([])
        }
      }
      let dash = s.dashed ? #" stroke-dasharray="6 4""# : ""
      for points in segments where !points.isEmpty {
        let list = points.map { "\(fmt($0.x)),\(fmt($0.y))" }.joined(separator: " ")
        body += #"<polyline points="\#(list)" fill="none" stroke="\#(s.color)" stroke-width="2"\#(dash)/>"#
        body += "\n"
        for p in points {
          body += #"<circle cx="\#(fmt(p.x))" cy="\#(fmt(p.y))" r="2.5" fill="\#(s.color)"/>"#
        }
        body += "\n"
      }
      let ly = y0 + 14 + Double(i) * 16
      legend += #"<line x1="\#(fmt(x1 - 96))" y1="\#(fmt(ly - 4))" x2="\#(fmt(x1 - 72))" y2="\#(fmt(ly - 4))" stroke="\#(s.color)" stroke-width="2"\#(dash)/>"#
      legend += #"<text x="\#(fmt(x1 - 66))" y="\#(fmt(ly))">\#(escape(s.label))</text>"#
      legend += "\n"
    }
    body += legend
  }

  /// Round tick values covering `low...high`: steps of 1, 2 or 5 × 10ⁿ,
  /// about five of them, the first at or below `low` and the last at or
  /// above `high`.
  static func niceTicks(low: Double, high: Double) -> [Double] {
    var lo = low, hi = high
    if hi - lo < 1e-12 * max(abs(lo), 1) {
      lo -= max(abs(lo) * 0.05, 0.05)
      hi += max(abs(hi) * 0.05, 0.05)
    }
    let raw = (hi - lo) / 5
    let magnitude = pow(10, floor(log10(raw)))
    let step = [1.0, 2, 5, 10].map { $0 * magnitude }.first { $0 >= raw }!
    let first = floor(lo / step), last = ceil(hi / step)
    return (Int(first)...Int(last)).map { Double($0) * step }
  }

  /// Epoch numbers to label: all of them up to ten, else about ten evenly spaced.
  static func epochTicks(_ epochs: Int) -> [Int] {
    let every = max(1, Int((Double(epochs) / 10).rounded(.up)))
    return Array(stride(from: 1, through: epochs, by: every))
  }

  /// A tick label with as many decimals as the step needs.
  static func label(_ value: Double, ticks: [Double]) -> String {
    let step = ticks.count > 1 ? ticks[1] - ticks[0] : 1
    let decimals = max(0, min(8, Int(-floor(log10(step) + 1e-9))))
    return String(format: "%.\(decimals)f", value == 0 ? 0 : value)
  }
}

private func fmt(_ v: Double) -> String { String(format: "%.1f", v) }

private func escape(_ s: String) -> String {
  s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
    .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
}
