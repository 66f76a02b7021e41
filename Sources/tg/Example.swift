import ArgumentParser
import Foundation
import TensorGraphExamples

/// `tg example`: the hand-written example programs and graphs.
struct Example: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Run a hand-written example graph, or regenerate the example graphs in Graphs/.",
    discussion: """
      admissions: a two-layer sigmoid network trained by gradient descent on (generated) student admissions data, \
      gradients built symbolically.
      graphs: rebuild the example models and write them (graph JSON + safetensors weights) into --out (default Graphs).
      """)

  @Argument(help: "The example: admissions or graphs.")
  var name: String = "admissions"

  @Option(help: "Training epochs (admissions).")
  var epochs: Int?

  @Option(help: "Directory for the example graphs (graphs).")
  var out: String = "Graphs"

  func run() throws {
    switch name {
    case "admissions":
      var settings = AdmissionsExample.Settings()
      if let epochs { settings.epochs = epochs }
      _ = try AdmissionsExample.run(settings)
    case "graphs":
      try ExampleGraphs.writeAll(to: URL(fileURLWithPath: out))
      for e in ExampleGraphs.all { print("wrote \(out)/\(e.name).json and \(e.name).safetensors") }
    default:
      throw ValidationError("unknown example '\(name)'; available: admissions, graphs")
    }
  }
}
