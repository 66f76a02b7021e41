import Foundation
import Testing

/// `tg train`: the seed programs from the shell, their saved models and
/// plots, and the error exits.
@Suite struct TrainCommandTests {
  /// A scratch directory removed after the test.
  final class Scratch {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("tg-train-\(UUID().uuidString)")
    init() throws { try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true) }
    deinit { try? FileManager.default.removeItem(at: url) }
    func path(_ name: String) -> String { url.appendingPathComponent(name).path }
  }

  /// The last "Test accuracy: x" the program printed.
  static func testAccuracy(_ stdout: String) -> Double? {
    stdout.components(separatedBy: "\n").last { $0.hasPrefix("Test accuracy: ") }
      .flatMap { Double($0.dropFirst("Test accuracy: ".count)) }
  }

  @Test func fashionMLPTrainsOnTheRealDataSavesAndPlots() throws {
    let dir = try Scratch()
    let result = try TGProcess.run(
      ["train", "fashion-mlp", "--epochs", "1", "--save", "model", "--plot", "curves.svg"], in: dir.url)
    #expect(result.status == 0, "\(result)")
    #expect(result.stdout.contains("Total params: 101770"), "summary printed")
    #expect(!result.stdout.contains("Epoch 1/1"), "Keras prints epoch headers only when training more than one")
    #expect(result.stdout.contains("1875/1875 [==============================]"), "Keras's progress bar")
    #expect(result.stdout.contains("313/313 - "), "evaluate(verbose: 2)")
    let accuracy = try #require(Self.testAccuracy(result.stdout), "\(result)")
    // One epoch of this model reaches about 0.84 (tf.keras: 0.83–0.85).
    #expect(accuracy > 0.8 && accuracy < 0.95, "test accuracy \(accuracy) after one epoch")
    #expect(result.stdout.contains("Saved the trained model to model/"))
    for file in ["keras.json", "graph.json", "graph.safetensors"] {
      #expect(FileManager.default.fileExists(atPath: dir.path("model/" + file)), "model/\(file)")
    }
    let svg = try String(contentsOfFile: dir.path("curves.svg"), encoding: .utf8)
    #expect(svg.hasPrefix("<?xml") && svg.contains("<svg") && svg.hasSuffix("</svg>\n"))
    #expect(svg.contains("Fashion-MNIST classifier: Fashion-MNIST"))
    #expect(svg.contains(">loss</text>") && svg.contains(">accuracy</text>"))
  }

  @Test(arguments: [
    (["cifar-mlp"], "Total params: 646260"),
    (["fashion-cnn"], "Total params: 225034"),
    (["quickstart"], "probabilities: "),
    (["mnist-mlp", "--batch-size", "32"], "Total params: 669706"),
  ])
  func presetsRunOnSyntheticData(_ arguments: [String], _ expected: String) throws {
    let result = try TGProcess.run(["train"] + arguments + ["--synthetic", "96", "--epochs", "2", "--verbose", "2"])
    #expect(result.status == 0, "\(result)")
    #expect(result.stdout.contains(expected), "\(result)")
    #expect(result.stdout.contains("Epoch 2/2"))
    if arguments[0] == "mnist-mlp" {
      // It validates on the test set, so the last epoch's val_accuracy (4
      // decimals) is the test accuracy, a multiple of 1/16 (96 / 6 images).
      let accuracy = try #require(Self.testAccuracy(result.stdout), "\(result)")
      let validation = try #require(
        result.stdout.components(separatedBy: "\n").last { $0.contains("val_accuracy: ") }
          .flatMap { Double($0.components(separatedBy: "val_accuracy: ")[1].prefix { $0 != " " }) }, "\(result)")
      #expect(abs(accuracy - validation) <= 5e-5, "test accuracy \(accuracy), val_accuracy \(validation)")
      #expect((accuracy * 16).rounded() == accuracy * 16, "\(accuracy)")
    }
  }

  @Test func validationCurvesAreDashedInThePlot() throws {
    let dir = try Scratch()
    let result = try TGProcess.run(
      ["train", "mnist-mlp", "--synthetic", "64", "--epochs", "3", "--verbose", "0", "--plot", "p.svg"], in: dir.url)
    #expect(result.status == 0, "\(result)")
    let svg = try String(contentsOfFile: dir.path("p.svg"), encoding: .utf8)
    // Two panels (loss, accuracy), each with a training and a validation line.
    #expect(svg.components(separatedBy: "<polyline").count - 1 == 4)
    #expect(svg.components(separatedBy: "stroke-dasharray").count - 1 == 4, "validation lines and their legend keys")
    #expect(svg.contains("64 synthetic images"))
  }

  @Test func errorsExitWithOneLine() throws {
    let dir = try Scratch()
    let missingDirectory = try TGProcess.run(["train", "--synthetic", "8", "--save", "no/such/model"], in: dir.url)
    #expect(missingDirectory.status == 1, "\(missingDirectory)")
    #expect(missingDirectory.stderrLines.count == 1)
    #expect(missingDirectory.stderr.contains("the directory") && missingDirectory.stderr.contains("does not exist"))
    #expect(!missingDirectory.stdout.contains("Epoch"), "fails before training")

    let noData = try TGProcess.run(["train", "fashion-mlp", "--data", dir.path("empty")])
    #expect(noData.status == 1, "\(noData)")
    #expect(noData.stderrLines.count == 1 && noData.stderr.contains("Fashion-MNIST"), "\(noData)")

    let noCIFAR = try TGProcess.run(["train", "cifar-mlp"], environment: ["TENSORGRAPH_CIFAR10": dir.path("none")])
    #expect(noCIFAR.status == 1 && noCIFAR.stderr.contains("CIFAR-10"), "\(noCIFAR)")

    for usage in [
      ["train", "resnet"], ["train", "--epochs", "0"], ["train", "--plot", "curves.png"],
      ["train", "--batch-size", "-1"], ["train", "--synthetic", "8", "--data", "x"],
    ] {
      let result = try TGProcess.run(usage)
      #expect(result.status == 2, "tg \(usage.joined(separator: " ")): \(result)")
    }
    #expect(try FileManager.default.contentsOfDirectory(atPath: dir.url.path).isEmpty, "nothing written")
  }
}
