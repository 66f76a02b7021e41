import Foundation
import Testing

/// `--help` of every subcommand, `tg bench`, and `tg example graphs` (the
/// README's first step).
@Suite struct HelpAndBenchTests {
  static let subcommands: [(String, [String])] = [
    ("run", ["OVERVIEW: Run a saved graph", "--feed <name=file.npy>", "--fetch <name>", "--out <dir>", "dense-Relu.npy"]),
    ("inspect", ["OVERVIEW: Summarize a saved graph", "--json", "--batch", "FLOPs"]),
    ("dot", ["OVERVIEW: Draw a saved graph", "-o, --output <file>", "clusters", "graphviz"]),
    ("train", ["OVERVIEW: Train one of the seed Keras programs", "fashion-mlp", "quickstart", "--plot <plot>", "--save <save>"]),
    ("bench", ["OVERVIEW: Run benchmarks", "--list"]),
    ("example", ["OVERVIEW:", "graphs"]),
    ("demo", ["OVERVIEW:"]),
  ]

  @Test(arguments: subcommands.map(\.0))
  func helpDescribesTheSubcommand(_ name: String) throws {
    let result = try TGProcess.run([name, "--help"])
    #expect(result.status == 0, "\(result)")
    let fragments = Self.subcommands.first { $0.0 == name }!.1
    for fragment in fragments {
      #expect(result.stdout.contains(fragment), "'tg \(name) --help' lacks '\(fragment)'")
    }
  }

  @Test func topLevelHelpListsSubcommandsAndExitStatuses() throws {
    let result = try TGProcess.run(["--help"])
    #expect(result.status == 0, "\(result)")
    for name in Self.subcommands.map(\.0) { #expect(result.stdout.contains("  \(name) ")) }
    #expect(result.stdout.contains("Exit status: 0 on success; 1 on"))
  }

  @Test func benchListsRunsOneCaseWithProgressAndTable() throws {
    let list = try TGProcess.run(["bench", "--list"])
    #expect(list.status == 0 && list.stdout.contains("overhead/run-one-node\n"), "\(list)")
    let run = try TGProcess.run(["bench", "overhead/run-one-node", "--seconds", "0.01", "--threads", "1"])
    #expect(run.status == 0, "\(run)")
    #expect(run.stderr.contains("[1/1] overhead/run-one-node"), "progress per case")
    #expect(run.stdout.contains("overhead/run-one-node"))
    #expect(!run.stdout.contains("Serialization"), "only the selected case runs")
    expectUsageError(try TGProcess.run(["bench", "no-such-case"]), ["no case matches"])
  }

  @Test func exampleGraphsWritesGraphsThatInspectAndRun() throws {
    let dir = try TGProcess.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let saved = try TGProcess.run(["example", "graphs", "--out", "g"], in: dir)
    #expect(saved.status == 0, "\(saved)")
    let committed = try Data(contentsOf: TGProcess.graphs.appendingPathComponent("fashion_mlp.json"))
    #expect(try Data(contentsOf: dir.appendingPathComponent("g/fashion_mlp.json")) == committed)
    let inspect = try TGProcess.run(["inspect", "g/fashion_mlp.json"], in: dir)
    #expect(inspect.status == 0 && inspect.stdout.contains("101,770 parameters"), "\(inspect)")
  }
}
