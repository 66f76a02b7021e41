import Foundation
import Testing
import TensorGraphKeras

/// `History.svgPlot`: a well-formed SVG whose lines put each epoch's value
/// where a linear axis puts it.
@Suite struct HistoryPlotTests {
  static func history(_ epochs: [[(String, Double)]]) -> History {
    let h = History()
    for (e, values) in epochs.enumerated() {
      h.onEpochEnd(e, logs: Logs(names: values.map(\.0), values: values.map(\.1)))
    }
    return h
  }

  /// The points of every polyline, in document order.
  static func polylines(_ svg: String) -> [[(x: Double, y: Double)]] {
    svg.components(separatedBy: "<polyline points=\"").dropFirst().map { rest in
      rest.prefix { $0 != "\"" }.split(separator: " ").map { pair in
        let xy = pair.split(separator: ",").map { Double($0)! }
        return (xy[0], xy[1])
      }
    }
  }

  @Test func linesAreLinearInTheValuesAndEvenlySpacedInEpochs() throws {
    let h = Self.history([
      [("loss", 1.0), ("accuracy", 0.5), ("val_loss", 1.2), ("val_accuracy", 0.4)],
      [("loss", 0.5), ("accuracy", 0.7), ("val_loss", 0.9), ("val_accuracy", 0.6)],
      [("loss", 0.25), ("accuracy", 0.8), ("val_loss", 0.8), ("val_accuracy", 0.7)],
    ])
    let svg = h.svgPlot(title: "run <1> & co")
    #expect(svg.contains("run &lt;1&gt; &amp; co"), "the title is escaped")
    let lines = Self.polylines(svg)
    #expect(lines.count == 4, "loss, val_loss, accuracy, val_accuracy")
    let loss = lines[0]
    #expect(loss.count == 3)
    // Equal epoch steps; y differences proportional to value differences
    // (SVG's y grows downwards): (1 − 0.5) / (0.5 − 0.25) = 2.
    #expect(abs((loss[1].x - loss[0].x) - (loss[2].x - loss[1].x)) <= 0.15)
    #expect(abs((loss[1].y - loss[0].y) / (loss[2].y - loss[1].y) - 2) <= 0.02)
    #expect(loss[0].y < loss[1].y, "a larger value is drawn higher")
    // Both series of a panel share its axes: val_loss 1.2 is above loss 1.0.
    #expect(lines[1][0].y < loss[0].y)
    // The accuracy panel is to the right of the loss panel.
    #expect(lines[2][0].x > loss[2].x)
    #expect(svg.contains(">loss</text>") && svg.contains(">accuracy</text>"))
    #expect(svg.contains(">1</text>") && svg.contains(">3</text>"), "epochs numbered from 1")
  }

  @Test func ticksAreRoundNumbersCoveringTheValues() throws {
    let h = Self.history([[("loss", 0.823)], [("loss", 0.891)]])
    let svg = h.svgPlot()
    // Values 0.823…0.891 → ticks every 0.02 from 0.82 to 0.90.
    for label in ["0.82", "0.84", "0.86", "0.88", "0.90"] {
      #expect(svg.contains(">\(label)</text>"), "tick \(label)")
    }
    #expect(!svg.contains(">0.80</text>") && !svg.contains(">0.92</text>"))
  }

  @Test func nonFiniteValuesBreakTheLine() throws {
    let h = Self.history([[("loss", 1)], [("loss", 2)], [("loss", .nan)], [("loss", 3)], [("loss", 2)]])
    let lines = Self.polylines(h.svgPlot())
    #expect(lines.map(\.count) == [2, 2])
  }

  @Test func anEmptyHistoryStillGivesADocument() throws {
    let svg = History().svgPlot()
    #expect(svg.hasPrefix("<?xml") && svg.hasSuffix("</svg>\n"))
    #expect(Self.polylines(svg).isEmpty)
  }
}
