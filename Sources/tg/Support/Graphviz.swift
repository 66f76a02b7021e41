import Foundation
import TensorGraph

/// Renders DOT with Graphviz's `dot` program (Debian's `graphviz` package).
enum Graphviz {
  /// Output formats by file extension; DOT itself is written without
  /// Graphviz.
  static let renderedFormats = ["svg", "png", "pdf"]

  /// The `dot` executable on `PATH`, if any.
  static func findDot(environment: [String: String] = ProcessInfo.processInfo.environment) -> URL? {
    for directory in (environment["PATH"] ?? "").split(separator: ":") {
      let candidate = URL(fileURLWithPath: String(directory)).appendingPathComponent("dot")
      if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
    }
    return nil
  }

  /// Renders `dot` source to `url` in `format`, atomically: Graphviz writes
  /// a hidden file beside `url`, which is renamed over it once complete.
  ///
  /// - Throws: ``UserError`` when `dot` is missing or fails.
  static func render(_ source: String, format: String, to url: URL) throws {
    guard let dot = findDot() else {
      throw UserError(
        "cannot render '\(url.path)': Graphviz's `dot` is not on PATH; install it (sudo apt-get install graphviz, "
          + "or scripts/install-deps.sh), or write DOT with -o FILE.dot")
    }
    let temporary = url.deletingLastPathComponent()
      .appendingPathComponent(".\(url.lastPathComponent).tmp-\(getpid())")
    let sourceFile = FileManager.default.temporaryDirectory.appendingPathComponent("tg-dot-\(getpid()).dot")
    defer {
      unlink(temporary.path)
      unlink(sourceFile.path)
    }
    try AtomicFile.write(Data(source.utf8), to: sourceFile)
    let process = Process()
    process.executableURL = dot
    process.arguments = ["-T\(format)", "-o", temporary.path, sourceFile.path]
    let errors = Pipe()
    process.standardInput = FileHandle.nullDevice
    process.standardOutput = FileHandle.nullDevice
    process.standardError = errors
    do {
      try process.run()
    } catch {
      throw UserError("cannot run '\(dot.path)': \(error.localizedDescription)")
    }
    // Until end of file, which comes when dot exits: the pipe never fills.
    let message = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    process.waitUntilExit()
    guard process.terminationStatus == 0 else {
      let first = message.split(whereSeparator: \.isNewline).first.map(String.init) ?? "exit status \(process.terminationStatus)"
      throw UserError("`dot -T\(format)` failed for '\(url.path)': \(first)")
    }
    guard rename(temporary.path, url.path) == 0 else {
      throw UserError("cannot write '\(url.path)': \(String(cString: strerror(errno)))")
    }
  }
}
