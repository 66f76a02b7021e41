import Foundation
import Testing
import TensorGraph
import TensorGraphKeras

/// Kills `tg train --save` at every step of the model save, on the
/// `renameat2(RENAME_EXCHANGE)` path and on the fallback path, and checks
/// that `Model.load` then finds the old model or the new one, complete
/// (every variable restored) and equal to it — never neither — and that
/// the next save cleans up what the killed one left.
///
/// The kill is real: `TENSORGRAPH_TEST_CRASH_SAVE_AT=<step>` makes the save
/// call `_exit(99)` at that step, in a child process, so nothing unwinds or
/// cleans up. (A `fork` of the test process would be lighter but is unsafe
/// with the test runner's other threads holding runtime locks.)
@Suite struct AtomicSaveKillTests {
  /// Where the kill happens, which path the save takes, and which model a
  /// load must find afterwards.
  struct Case: CustomTestStringConvertible, Sendable {
    var step: String
    var exchange: Bool
    var expectsNew: Bool
    var testDescription: String { "\(exchange ? "exchange" : "fallback") path, killed at \(step)" }
  }

  static let cases: [Case] =
    [true, false].flatMap { exchange in
      [
        Case(step: "temporary-created", exchange: exchange, expectsNew: false),
        Case(step: "partially-written", exchange: exchange, expectsNew: false),
        Case(step: "files-written", exchange: exchange, expectsNew: false),
        Case(step: "synced", exchange: exchange, expectsNew: false),
      ]
    }
    + [
      Case(step: "exchanged", exchange: true, expectsNew: true),
      Case(step: "finished", exchange: true, expectsNew: true),
      Case(step: "backed-up", exchange: false, expectsNew: false),
      Case(step: "renamed", exchange: false, expectsNew: true),
      Case(step: "finished", exchange: false, expectsNew: true),
    ]

  /// Trains the quickstart program on synthetic data and saves it to
  /// `save` (relative to `dir`): each seed gives different weights, the
  /// same seed the same ones.
  static func train(seed: Int, save: String, in dir: URL, environment: [String: String] = [:]) throws
    -> TGProcess.Outcome
  {
    try TGProcess.run(
      ["train", "quickstart", "--synthetic", "16", "--epochs", "1", "--verbose", "0", "--seed", "\(seed)",
       "--save", save],
      in: dir, environment: environment)
  }

  static func weights(_ url: URL) throws -> [Tensor] { try Model.load(from: url).getWeights() }

  @Test(arguments: cases)
  func killedSaveLeavesTheOldOrTheNewModel(_ c: Case) throws {
    let dir = try TGProcess.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let model = dir.appendingPathComponent("model")
    let paths = c.exchange ? [:] : ["TENSORGRAPH_TEST_SAVE_WITHOUT_EXCHANGE": "1"]
    // The old model in place, and a copy of the new one to compare with.
    for (seed, name) in [(1, "model"), (2, "new")] {
      let r = try Self.train(seed: seed, save: name, in: dir)
      #expect(r.status == 0, "\(r)")
    }
    let old = try Self.weights(model), new = try Self.weights(dir.appendingPathComponent("new"))
    #expect(old != new, "the two seeds must give different models")

    let killed = try Self.train(
      seed: 2, save: "model", in: dir, environment: paths.merging(["TENSORGRAPH_TEST_CRASH_SAVE_AT": c.step]) { $1 })
    #expect(killed.status == 99, "\(killed)")
    #expect(!killed.stdout.contains("Saved the trained model"), "\(killed)")
    let leftovers = try Self.siblings(in: dir)
    if c.step == "backed-up" {
      // The fallback path really ran: the destination is missing and the
      // old model sits under the backup name.
      #expect(!FileManager.default.fileExists(atPath: model.path))
      #expect(leftovers.contains { $0.hasPrefix(".model.previous-") }, "\(leftovers)")
    }
    if c.step == "exchanged" { #expect(leftovers.contains { $0.hasPrefix(".model.tmp-") }, "\(leftovers)") }
    let found = try Self.weights(model)
    #expect(found == (c.expectsNew ? new : old), "loaded the \(found == old ? "old" : found == new ? "new" : "neither") model")

    // The next save, on the same path, replaces whatever is found and
    // removes the killed save's temporary and backup directories.
    let next = try Self.train(seed: 3, save: "model", in: dir, environment: paths)
    #expect(next.status == 0, "\(next)")
    let third = try Self.weights(model)
    #expect(third != old && third != new)
    #expect(try Self.siblings(in: dir) == [], "left behind")
    #expect(try Set(FileManager.default.contentsOfDirectory(atPath: model.path))
      == ["keras.json", "graph.json", "graph.safetensors"])
  }

  /// The hidden entries of `dir`: temporary and backup siblings.
  static func siblings(in dir: URL) throws -> [String] {
    try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasPrefix(".") }.sorted()
  }
}
