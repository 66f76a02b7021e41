import ArgumentParser
import Foundation
import TensorGraph

/// A mistake in what the user asked for that only shows once the command
/// runs (a missing file, a name the graph does not have, a feed of the wrong
/// shape). `tg` prints its message on one line and exits with status 1.
struct UserError: Error, CustomStringConvertible {
  /// A full sentence saying what is wrong.
  var message: String

  init(_ message: String) { self.message = message }

  var description: String { message }
}

/// Exit statuses and how errors map to them:
///
/// - 0: success (and `--help`);
/// - 1: a user error — a ``UserError`` or a `TensorGraphError` (missing
///   file, unknown node, mismatched feed, malformed graph) — as one line on
///   stderr;
/// - 2: a usage error (bad option or argument, as argument-parser reports
///   it, with the usage text). argument-parser itself would exit 64
///   (`EX_USAGE`); `tg` uses 2 like most Unix tools.
enum ExitStatus {
  static let userError: Int32 = 1
  static let usageError: Int32 = 2

  /// Parses the command line, runs the command and exits.
  static func run<Root: ParsableCommand>(_ root: Root.Type) -> Never {
    do {
      var command = try Root.parseAsRoot()
      try command.run()
      Root.exit()
    } catch let error as TensorGraphError {
      fail(error.description)
    } catch let error as UserError {
      fail(error.message)
    } catch {
      // Help and explicit exit codes keep argument-parser's handling.
      guard Root.exitCode(for: error) == .validationFailure else { Root.exit(withError: error) }
      standardError(Root.fullMessage(for: error))
      exit(usageError)
    }
  }

  /// Prints `message` as one `Error:` line on stderr and exits with 1.
  static func fail(_ message: String) -> Never {
    let line = message.split(whereSeparator: \.isNewline).joined(separator: " ")
    standardError("Error: \(line)")
    exit(userError)
  }
}

/// Writes `text` and a newline to stderr.
func standardError(_ text: String) {
  FileHandle.standardError.write(Data((text + "\n").utf8))
}
