import ArgumentParser
import TensorGraphExamples

/// `tg example`: the hand-written example programs.
struct Example: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Run a hand-written example graph.",
    discussion: "admissions: a two-layer sigmoid network trained by gradient descent on (generated) student admissions data, gradients built symbolically.")

  @Argument(help: "The example: admissions.")
  var name: String = "admissions"

  @Option(help: "Training epochs.")
  var epochs: Int?

  func run() throws {
    switch name {
    case "admissions":
      var settings = AdmissionsExample.Settings()
      if let epochs { settings.epochs = epochs }
      _ = try AdmissionsExample.run(settings)
    default:
      throw ValidationError("unknown example '\(name)'; available: admissions")
    }
  }
}
