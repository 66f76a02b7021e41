import Foundation

/// Where a model writes its progress bars and messages, and the clock they
/// read: standard output and the system clock by default; tests and
/// programs that capture output substitute their own.
///
///     var text = ""
///     model.console = Console(write: { text += $0 }, now: fakeClock.now)
///
/// `write` receives text exactly as a terminal would (progress bars update
/// in place with `\b` and `\r`; finished lines end in `\n`).
public struct Console: Sendable {
  /// Writes text (no newline added).
  public var write: @Sendable (String) -> Void
  /// Seconds since an arbitrary origin.
  public var now: @Sendable () -> Double

  /// A console writing with `write` and timing with `now`.
  public init(
    write: @escaping @Sendable (String) -> Void,
    now: @escaping @Sendable () -> Double = Console.systemNow
  ) {
    self.write = write
    self.now = now
  }

  /// Standard output (the stream `print` writes to, flushed after each
  /// write so a redrawn progress bar shows at once) and the system clock.
  public static let standard = Console(write: { text in
    Swift.print(text, terminator: "")
    fflush(nil)  // every output stream: stdout, without naming the C global
  })

  /// Writes nothing.
  public static let silent = Console(write: { _ in })

  /// Monotonic seconds.
  public static let systemNow: @Sendable () -> Double = {
    var t = timespec()
    clock_gettime(CLOCK_MONOTONIC, &t)
    return Double(t.tv_sec) + Double(t.tv_nsec) * 1e-9
  }

  /// Writes `line` and a newline (Keras's `print_msg`).
  public func print(_ line: String) { write(line + "\n") }
}
