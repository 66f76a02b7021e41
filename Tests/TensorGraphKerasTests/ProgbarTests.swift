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

/// The progress bar against tf_keras 2.21's: each case replays the same
/// updates at the same fake times on both (`KerasReference.progbars`, from
/// scripts/make-keras-fixtures.py) and compares everything written.
@Suite struct KerasProgbarTests {
  @Test(arguments: KerasReference.progbars)
  func matchesKeras(_ c: KerasReference.ProgbarCase) {
    let t = FakeTerminal()
    let bar = Progbar(target: c.target, verbose: c.verbose, statefulMetrics: Set(c.statefulMetrics), console: t.console)
    for e in c.events {
      t.advance(to: e.time)
      bar.update(e.step, values: Logs(names: e.names, values: e.values), finalize: e.finalize)
    }
    #expect(t.output == c.output)
  }

  @Test func everyScenarioIsReplayed() {
    #expect(KerasReference.progbars.count >= 7)
    #expect(KerasReference.progbars.allSatisfy { !$0.events.isEmpty && !$0.output.isEmpty })
  }
}
