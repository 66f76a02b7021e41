import Foundation
import Testing

/// Runs the built `tg` executable as a subprocess.
///
/// The binary is the one SwiftPM built beside the test bundle, in the same
/// configuration (`.build/<triple>/debug/tg` for `swift test`,
/// `.build/<triple>/release/tg` for `swift test -c release`); `TG_BINARY`
/// overrides it. Tests never build it themselves.
enum TGProcess {
  /// What a run of `tg` did.
  struct Outcome: CustomStringConvertible {
    var status: Int32
    var stdout: String
    var stderr: String
    /// Non-empty lines of stderr.
    var stderrLines: [String] { stderr.split(whereSeparator: \.isNewline).map(String.init) }

    var description: String { "exit \(status)\n--- stdout\n\(stdout)--- stderr\n\(stderr)" }
  }

  /// The repository's root directory.
  static let root = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
  /// `Graphs/`.
  static let graphs = root.appendingPathComponent("Graphs")
  /// `Tests/CLITests/Fixtures/`.
  static let fixtures = root.appendingPathComponent("Tests/CLITests/Fixtures")

  /// The `tg` executable, or `nil` with the places searched.
  static let binary: Swift.Result<URL, BinaryNotFound> = locate()

  /// Where `tg` was looked for.
  struct BinaryNotFound: Error, CustomStringConvertible {
    var searched: [String]
    var description: String {
      "the built tg executable was not found (searched \(searched.joined(separator: ", "))); build it with `swift build`"
    }
  }

  private static func locate() -> Swift.Result<URL, BinaryNotFound> {
    var candidates: [URL] = []
    if let override = ProcessInfo.processInfo.environment["TG_BINARY"] {
      candidates.append(URL(fileURLWithPath: override))
    }
    // Linux: the test runner is the .xctest executable itself; on macOS it
    // is a bundle inside the same directory.
    let runner = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
    candidates.append(runner.deletingLastPathComponent().appendingPathComponent("tg"))
    for bundle in Bundle.allBundles where bundle.bundleURL.pathExtension == "xctest" {
      candidates.append(bundle.bundleURL.deletingLastPathComponent().appendingPathComponent("tg"))
    }
    for url in candidates where FileManager.default.isExecutableFile(atPath: url.path) {
      return .success(url)
    }
    return .failure(BinaryNotFound(searched: candidates.map(\.path)))
  }

  /// Runs `tg arguments…` in `directory` (default: a fresh temporary one)
  /// with `environment` added to the test's own, and waits for it.
  static func run(
    _ arguments: [String], in directory: URL? = nil, environment: [String: String] = [:]
  ) throws -> Outcome {
    try run(executable: try binary.get(), arguments, in: directory, environment: environment)
  }

  /// Runs `executable arguments…` as ``run(_:in:environment:)`` runs `tg`.
  static func run(
    executable: URL, _ arguments: [String], in directory: URL? = nil, environment: [String: String] = [:]
  ) throws -> Outcome {
    let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("tg-run-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: scratch) }
    // Output to files rather than pipes: nothing can block on a full pipe.
    let out = scratch.appendingPathComponent("stdout"), err = scratch.appendingPathComponent("stderr")
    _ = FileManager.default.createFile(atPath: out.path, contents: nil)
    _ = FileManager.default.createFile(atPath: err.path, contents: nil)
    let process = Process()
    process.executableURL = executable
    process.arguments = arguments
    process.currentDirectoryURL = directory ?? scratch
    var env = ProcessInfo.processInfo.environment
    env["TG_PROGRESS"] = "0"
    env.merge(environment) { $1 }
    process.environment = env
    process.standardInput = FileHandle.nullDevice
    let outHandle = try FileHandle(forWritingTo: out), errHandle = try FileHandle(forWritingTo: err)
    process.standardOutput = outHandle
    process.standardError = errHandle
    try process.run()
    process.waitUntilExit()
    try outHandle.close()
    try errHandle.close()
    return Outcome(
      status: process.terminationStatus,
      stdout: String(decoding: try Data(contentsOf: out), as: UTF8.self),
      stderr: String(decoding: try Data(contentsOf: err), as: UTF8.self))
  }

  /// A new empty temporary directory, removed by the caller.
  static func temporaryDirectory() throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("tg-test-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
  }
}

// MARK: - Expectations

/// Expects exit status 1 with exactly one line on stderr, starting
/// `Error: ` and containing every fragment, and nothing on stdout.
func expectUserError(
  _ result: TGProcess.Outcome, _ fragments: [String], sourceLocation: SourceLocation = #_sourceLocation
) {
  #expect(result.status == 1, "\(result)", sourceLocation: sourceLocation)
  #expect(result.stderrLines.count == 1, "stderr is not one line: \(result)", sourceLocation: sourceLocation)
  #expect(result.stderr.hasPrefix("Error: "), "\(result)", sourceLocation: sourceLocation)
  #expect(result.stdout.isEmpty, "\(result)", sourceLocation: sourceLocation)
  for f in fragments {
    #expect(result.stderr.contains(f), "stderr does not mention '\(f)': \(result)", sourceLocation: sourceLocation)
  }
}

/// Expects exit status 2 with argument-parser's usage text on stderr.
func expectUsageError(
  _ result: TGProcess.Outcome, _ fragments: [String] = [], sourceLocation: SourceLocation = #_sourceLocation
) {
  #expect(result.status == 2, "\(result)", sourceLocation: sourceLocation)
  #expect(result.stderr.contains("Usage: tg"), "\(result)", sourceLocation: sourceLocation)
  for f in fragments {
    #expect(result.stderr.contains(f), "stderr does not mention '\(f)': \(result)", sourceLocation: sourceLocation)
  }
}
