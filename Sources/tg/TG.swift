import ArgumentParser
import TensorGraph

/// The `tg` command line.
@main
struct TG: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "tg",
    abstract: "TensorGraph: run, inspect and benchmark computational graphs.",
    subcommands: [Demo.self, Example.self, Bench.self],
    defaultSubcommand: Demo.self)
}
