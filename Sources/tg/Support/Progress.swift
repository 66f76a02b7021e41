import Foundation

/// Progress lines on stderr for commands that can take a while. Shown when
/// stderr is a terminal; `TG_PROGRESS=1` shows them anyway and
/// `TG_PROGRESS=0` hides them, so that scripts (and tests) see on stderr
/// only what went wrong.
struct Progress {
  /// Whether lines are printed.
  let enabled: Bool
  private let start = ContinuousClock.now

  init(environment: [String: String] = ProcessInfo.processInfo.environment) {
    switch environment["TG_PROGRESS"] {
    case "1": enabled = true
    case "0": enabled = false
    default: enabled = isatty(STDERR_FILENO) != 0
    }
  }

  /// Prints `message` with the seconds since the command started.
  func note(_ message: String) {
    guard enabled else { return }
    let elapsed = ContinuousClock.now - start
    let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
    standardError(String(format: "[%6.2fs] ", seconds) + message)
  }
}
