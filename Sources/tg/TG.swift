import ArgumentParser
import TensorGraph

/// The `tg` command line. One subcommand per file; shared pieces (graph
/// loading, errors, progress, .npy output) are in `Support/`.
@main
struct TG: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "tg",
    abstract: "TensorGraph: run, inspect, optimize, draw and benchmark computational graphs; train the example models.",
    discussion: """
      Exit status: 0 on success; 1 on an error in what was asked (a missing or malformed file, a node \
      the graph does not have, a feed of the wrong dtype or shape), reported as one line on stderr; 2 on a \
      usage error (an unknown option, a missing argument). Progress goes to stderr when it is a terminal \
      (TG_PROGRESS=1 forces it, TG_PROGRESS=0 hides it).
      """,
    // No default subcommand: a mistyped one must be reported as such, not
    // as an argument the default does not take.
    subcommands: [Run.self, Inspect.self, Optimize.self, Dot.self, Ops.self, Train.self, Bench.self, Example.self, Demo.self])

  /// Runs the command line with `tg`'s exit statuses (see ``ExitStatus``).
  static func main() {
    ExitStatus.run(TG.self)
  }
}
