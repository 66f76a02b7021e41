import Foundation
import Testing

/// The README's shell sessions (its ```console blocks) run with the built
/// `tg` and print what the README shows.
///
/// Each `$ command` runs with `/bin/sh` in one temporary directory per test,
/// the blocks in the README's order; the lines up to the next `$` are its
/// expected standard output. The README's setup line (`swift build … &&
/// export PATH=…`) stands for putting the tested `tg` first on `PATH`.
/// Outputs are compared after ``Transcript/normalized(_:)``: durations are
/// masked, numbers agree to 1e-6 (the last float32 digits vary with the GEMM
/// kernel), and spacing is ignored; a `...` line stands for any number of
/// lines. A block that cannot run here is preceded by
/// `<!-- transcript: not checked (reason) -->`.
@Suite struct ReadmeTranscriptTests {
  static let readme = TGProcess.root.appendingPathComponent("README.md")

  /// Whether `python3` with numpy is on `PATH` (for the numpy session).
  static let numpyAvailable: Bool = {
    guard let r = try? Transcript.shell("python3 -c 'import numpy'", in: FileManager.default.temporaryDirectory, path: nil)
    else { return false }
    return r.status == 0
  }()

  static func blocks() throws -> [Transcript.Block] {
    try Transcript.blocks(in: String(contentsOf: readme, encoding: .utf8))
  }

  @Test func everyBlockIsCheckedOrSaysWhyNot() throws {
    let blocks = try Self.blocks()
    #expect(blocks.filter { $0.unchecked == nil }.count >= 2, "the README's sessions were not found")
    for b in blocks {
      if let reason = b.unchecked {
        #expect(!reason.isEmpty, "README.md:\(b.line): say why the block is not checked")
      } else {
        for c in b.commands where c.kind == .other {
          Issue.record("README.md:\(c.line): `\(c.text)` is neither tg, python3 nor the setup line; mark the block '<!-- transcript: not checked (reason) -->'")
        }
      }
    }
  }

  @Test func tgSessionsPrintWhatTheReadmeShows() throws {
    try Self.run(try Self.blocks().filter { b in b.unchecked == nil && !b.commands.contains { $0.kind == .python } })
  }

  @Test(.enabled(if: numpyAvailable, "python3 with numpy is not on PATH: the numpy session is not checked"))
  func numpySessionsPrintWhatTheReadmeShows() throws {
    let checked = try Self.blocks().filter { $0.unchecked == nil }
    #expect(checked.contains { b in b.commands.contains { $0.kind == .python } }, "no numpy session found")
    try Self.run(checked)
  }

  /// Runs `blocks` in order in a fresh directory, comparing each output.
  static func run(_ blocks: [Transcript.Block]) throws {
    let binary = try TGProcess.binary.get()
    let dir = try TGProcess.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    var path: String?
    for command in blocks.flatMap(\.commands) {
      if command.kind == .setup {
        path = binary.deletingLastPathComponent().path
        continue
      }
      let r = try Transcript.shell(command.text, in: dir, path: path)
      #expect(r.status == 0, "README.md:\(command.line): `\(command.text)` failed\n\(r)")
      let printed = r.stdout.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
      let lines = printed.last == "" ? Array(printed.dropLast()) : printed
      #expect(
        Transcript.matches(command.expected, lines),
        "README.md:\(command.line): `\(command.text)` printed\n\(lines.joined(separator: "\n"))\n--- README shows\n\(command.expected.joined(separator: "\n"))"
      )
    }
  }

  // MARK: - The comparison itself

  @Test(arguments: [
    // (README lines, printed lines, match)
    (["11 pass runs in 0.5 ms"], ["11 pass runs in 6.4 ms"], true),
    (["10 pass runs in 0.5 ms"], ["11 pass runs in 0.5 ms"], false),
    (["1875/1875 [=====] - 1s 389us/step - loss: 0.2928"], ["1875/1875 [=====] - 2s 1ms/step - loss: 0.2928"], true),
    (["313/313 - 0s - loss: 0.3375 - 45ms/epoch - 145us/step"], ["313/313 - 1s - loss: 0.3375 - 1.2s/epoch - 3µs/step"], true),
    (["[[0.0460135 , 0.1747777 ]]"], ["[[0.04601351, 0.1747777 ]]"], true),
    (["[[0.0460135 , 0.1747777 ]]"], ["[[0.0460235 , 0.1747777 ]]"], false),
    (["max |Δ| 0, tolerance 1e-05"], ["max |Δ| 0, tolerance 1e-04"], false),
    (["a", "...", "d"], ["a", "b", "c", "d"], true),
    (["a", "...", "d"], ["a", "d"], true),
    (["a", "...", "d"], ["a", "b"], false),
    (["a", "..."], ["a"], true),
    (["a"], ["a", "b"], false),
    (["passes: pruning, remap"], ["passes: pruning, fold_batch_norms, remap"], false),
    (["wrote a.json"], ["wrote b.json"], false),
  ])
  func comparisonMasksDurationsAndElisionsOnly(_ readme: [String], _ printed: [String], _ match: Bool) {
    #expect(Transcript.matches(readme, printed) == match)
  }

  @Test func blocksAreParsedWithTheirCommandsAndMarks() {
    let markdown = """
      text
      <!-- transcript: not checked (too slow) -->
      ```console
      $ tg train x
      ...
      ```

      ```console
      $ swift build -c release && export PATH="$PWD/.build/release:$PATH"
      $ tg a   # note
      out 1
      out 2
      $ python3 -c "print(1)"
      1
      $ ls
      ```
      ```sh
      $ not a console block
      ```
      """
    let blocks = Transcript.blocks(in: markdown)
    #expect(blocks.count == 2)
    #expect(blocks[0].unchecked == "too slow" && blocks[0].line == 3)
    #expect(blocks[1].unchecked == nil)
    #expect(blocks[1].commands.map(\.kind) == [.setup, .tg, .python, .other])
    #expect(blocks[1].commands[1].text == "tg a   # note" && blocks[1].commands[1].line == 10)
    #expect(blocks[1].commands[1].expected == ["out 1", "out 2"])
    #expect(blocks[1].commands[3].expected == [])
  }
}

/// Parsing and comparing the README's console transcripts.
enum Transcript {
  struct Block {
    /// The line of the opening fence (1-based).
    var line: Int
    var commands: [Command]
    /// The reason given in `<!-- transcript: not checked (reason) -->`.
    var unchecked: String?
  }

  struct Command {
    enum Kind: Equatable { case setup, tg, python, other }
    var line: Int
    var text: String
    var expected: [String]
    var kind: Kind {
      if text.hasPrefix("swift build") && text.contains("export PATH=") { return .setup }
      if text.hasPrefix("tg ") { return .tg }
      if text.hasPrefix("python3 -c ") { return .python }
      return .other
    }
  }

  static let uncheckedMark = "<!-- transcript: not checked ("

  static func blocks(in markdown: String) -> [Block] {
    let lines = markdown.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    var blocks: [Block] = []
    var i = 0
    while i < lines.count {
      guard lines[i] == "```console" else {
        i += 1
        continue
      }
      var block = Block(line: i + 1, commands: [])
      if i > 0, lines[i - 1].hasPrefix(uncheckedMark), lines[i - 1].hasSuffix(") -->") {
        block.unchecked = String(lines[i - 1].dropFirst(uncheckedMark.count).dropLast(") -->".count))
      }
      i += 1
      while i < lines.count && !lines[i].hasPrefix("```") {
        if lines[i].hasPrefix("$ ") {
          block.commands.append(Command(line: i + 1, text: String(lines[i].dropFirst(2)), expected: []))
        } else if !block.commands.isEmpty {
          block.commands[block.commands.count - 1].expected.append(lines[i])
        }
        i += 1
      }
      blocks.append(block)
      i += 1
    }
    return blocks
  }

  /// A line reduced to what must agree: durations (`0.5 ms`, `1s`,
  /// `389us/step`, `45ms/epoch`) become `<t>`, numbers become separate
  /// tokens, and whitespace is dropped.
  enum Token: Equatable {
    case text(String), number(Double)
  }

  static func normalized(_ line: String) -> [Token] {
    let masked = line.replacing(/\d+(\.\d+)?\s?(ns|us|µs|ms|s)(?![A-Za-z])/, with: "<t>")
    var tokens: [Token] = []
    var rest = Substring(masked)
    let number = /^-?\d+(\.\d+)?(e[-+]?\d+)?/
    var text = ""
    while !rest.isEmpty {
      // A number starts at a digit not glued to a preceding letter or `_`
      // (so `fashion_mlp2` or `1e-05`'s exponent stay whole).
      let previous = text.last
      if let m = rest.prefixMatch(of: number), !(previous.map { $0.isLetter || $0 == "_" } ?? false),
        let value = Double(m.output.0)
      {
        if !text.isEmpty { tokens.append(.text(text)) }
        text = ""
        tokens.append(.number(value))
        rest = rest[m.range.upperBound...]
      } else {
        let c = rest.removeFirst()
        if !c.isWhitespace { text.append(c) }
      }
    }
    if !text.isEmpty { tokens.append(.text(text)) }
    return tokens
  }

  static func lineMatches(_ expected: String, _ actual: String) -> Bool {
    let a = normalized(expected), b = normalized(actual)
    guard a.count == b.count else { return false }
    return zip(a, b).allSatisfy { x, y in
      switch (x, y) {
      case let (.text(s), .text(t)): return s == t
      case let (.number(u), .number(v)): return abs(u - v) <= 1e-6 + 1e-6 * abs(u)
      default: return false
      }
    }
  }

  /// Whether `actual` is `expected` with each `...` line standing for zero
  /// or more lines.
  static func matches(_ expected: [String], _ actual: [String]) -> Bool {
    var memo: [Int: Bool] = [:]
    func from(_ i: Int, _ j: Int) -> Bool {
      let key = i * (actual.count + 1) + j
      if let known = memo[key] { return known }
      let result: Bool
      if i == expected.count {
        result = j == actual.count
      } else if expected[i] == "..." {
        result = from(i + 1, j) || (j < actual.count && from(i, j + 1))
      } else {
        result = j < actual.count && lineMatches(expected[i], actual[j]) && from(i + 1, j + 1)
      }
      memo[key] = result
      return result
    }
    return from(0, 0)
  }

  /// Runs `command` with `/bin/sh -c` in `directory`, with `path` (if any)
  /// first on `PATH`.
  static func shell(_ command: String, in directory: URL, path: String?) throws -> TGProcess.Outcome {
    var environment = ProcessInfo.processInfo.environment
    if let path { environment["PATH"] = path + ":" + (environment["PATH"] ?? "/usr/bin:/bin") }
    return try TGProcess.run(executable: URL(fileURLWithPath: "/bin/sh"), ["-c", command], in: directory, environment: environment)
  }
}
