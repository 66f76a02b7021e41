import Foundation
import Testing
import TensorGraphKeras

/// A clock the test moves by hand and a terminal that records what it got.
final class FakeTerminal: @unchecked Sendable {
  private let lock = NSLock()
  private var text = ""
  private var time = 0.0

  var output: String { lock.withLock { text } }
  func advance(to t: Double) { lock.withLock { time = t } }
  func advance(by dt: Double) { lock.withLock { time += dt } }

  var console: Console {
    Console(write: { [self] s in lock.withLock { text += s } }, now: { [self] in lock.withLock { time } })
  }

  /// The output split into lines (on "\n", keeping "\r" and "\u{8}").
  var lines: [String] { output.split(separator: "\n", omittingEmptySubsequences: false).map(String.init).dropLast() }
}

/// The progress bar against tf_keras 2.21's output, with a fake clock
/// chosen to reproduce the reference's timings.
@Suite struct KerasProgbarTests {
  @Test func fitEpochLineMatchesKeras() {
    let t = FakeTerminal()
    let bar = Progbar(target: 8, statefulMetrics: ["loss", "accuracy"], console: t.console)
    t.advance(to: 0.4)  // step 1: ETA = 0.4 s × 7 = 2.8 s → "2s"
    bar.update(1, values: Logs(names: ["loss", "accuracy"], values: [2.5122, 0.125]), finalize: false)
    for step in 2...8 {  // within the 50 ms redraw interval: not shown
      t.advance(by: 0.004)
      bar.update(step, values: Logs(names: ["loss", "accuracy"], values: [2.6557, 0.1055]), finalize: false)
    }
    t.advance(to: 0.554)  // after validation: 1 s since start, (0.554 − 0.4) / 7 = 22 ms per step
    bar.update(
      8,
      values: Logs(
        names: ["loss", "accuracy", "val_loss", "val_accuracy"], values: [2.6557, 0.1055, 2.3193, 0.125]),
      finalize: true)
    #expect(t.lines == [KerasReference.progressLines[1]])
  }

  @Test func verboseTwoLineMatchesKeras() {
    let t = FakeTerminal()
    let bar = Progbar(target: 10, verbose: 2, statefulMetrics: ["loss", "accuracy"], console: t.console)
    t.advance(to: 0.0452)
    bar.update(10, values: Logs(names: ["loss", "accuracy"], values: [2.2782, 0.1875]), finalize: true)
    #expect(t.lines == [KerasReference.progressLines[4]])
  }

  @Test func evaluateAndPredictBarsMatchKeras() {
    let t = FakeTerminal()
    let bar = Progbar(target: 10, statefulMetrics: ["loss", "accuracy"], console: t.console)
    t.advance(to: 0.002)
    bar.update(1, values: Logs(names: ["loss", "accuracy"], values: [2.1263, 0.25]), finalize: false)
    t.advance(to: 0.02)
    bar.update(10, values: Logs(names: ["loss", "accuracy"], values: [2.1474, 0.2125]), finalize: true)
    #expect(t.lines == [KerasReference.progressLines[5]])

    let p = FakeTerminal()
    let predict = Progbar(target: 1, console: p.console)
    p.advance(to: 0.055)
    predict.update(1, finalize: false)
    predict.update(1, finalize: true)
    #expect(p.lines == [KerasReference.progressLines[6]])
  }

  @Test func smallValuesUseExponentsAndLongEtasUseMinutes() {
    let t = FakeTerminal()
    let bar = Progbar(target: 1000, statefulMetrics: ["loss"], console: t.console)
    t.advance(to: 0.2)
    bar.update(1, values: Logs(names: ["loss"], values: [0.000123]), finalize: false)
    #expect(t.output == "\r   1/1000 [..............................] - ETA: 3:19 - loss: 1.2300e-04")
  }
}
