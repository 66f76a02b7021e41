import Foundation
import Testing
import TensorGraphKeras

/// Collects a program's output.
final class OutputLog: @unchecked Sendable {
  private let lock = NSLock()
  private var text = ""
  var output: String { lock.withLock { text } }
  var log: @Sendable (String) -> Void { { [self] s in lock.withLock { text += s } } }
}

/// The seed programs on synthetic data of the real data sets' shapes and
/// dtypes (the real-data accuracy test is FashionMNISTAccuracyTests).
@Suite struct KerasExampleTests {
  /// Fashion-MNIST-shaped synthetic data (320 training and 64 test images).
  static func fashion() throws -> KerasExamples.Dataset {
    try KerasExamples.synthetic(trainCount: 320, testCount: 64, imageShape: [28, 28])
  }

  @Test func fashionMNISTClassifier() throws {
    let out = OutputLog()
    let r = try KerasExamples.fashionMNISTClassifier(data: try Self.fashion(), epochs: 2, log: out.log)
    #expect(r.history["loss"].count == 2 && r.history.keys == ["loss", "accuracy"])
    #expect(r.predictions.shape == [64, 10])
    let sums = (0..<64).map { i in r.predictions.doubles()[(i * 10)..<(i * 10 + 10)].reduce(0, +) }
    #expect(sums.allSatisfy { abs($0 - 1) < 1e-5 })
    #expect(out.output.contains("Epoch 2/2\n"))
    #expect(out.output.contains("\r10/10 [==============================] - "))
    #expect(out.output.contains("2/2 - 0s - loss: "))  // evaluate, verbose 2
    #expect(out.output.contains("Total params: 101770 (397.54 KB)"))
  }

  @Test func fashionMNISTCNN() throws {
    let out = OutputLog()
    let r = try KerasExamples.fashionMNISTCNN(data: try Self.fashion(), epochs: 2, log: out.log)
    #expect(r.history["loss"].count == 2 && r.history["loss"].allSatisfy { $0.isFinite })
    #expect(r.predictions.shape == [10, 10])
    #expect(out.output.contains("Total params: 225034 (879.04 KB)"))
    #expect(out.output.contains("Test accuracy: "))
  }

  @Test func mnistMLPWithValidationData() throws {
    let out = OutputLog()
    let r = try KerasExamples.mnistMLP(data: try Self.fashion(), epochs: 1, verbose: 2, log: out.log)
    #expect(r.history.keys == ["loss", "accuracy", "val_loss", "val_accuracy"])
    #expect(r.model.countParams() == 669_706)
    #expect(out.output.contains(" - val_loss: ") && out.output.contains("Test accuracy: "))
  }

  @Test func cifar10MLPSequentialAndFunctionalAgree() throws {
    let data = try KerasExamples.synthetic(trainCount: 64, testCount: 32, imageShape: [32, 32, 3], labelShape: [1])
    let a = OutputLog(), b = OutputLog()
    let sequential = try KerasExamples.cifar10MLP(data: data, functional: false, epochs: 1, verbose: 0, log: a.log)
    let functional = try KerasExamples.cifar10MLP(data: data, functional: true, epochs: 1, verbose: 0, log: b.log)
    #expect(sequential.model.countParams() == 646_260 && functional.model.countParams() == 646_260)
    let seqLines = a.output.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    var funLines = b.output.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    #expect(seqLines.contains("Total params: 646260 (2.47 MB)"))
    // The same table but for the model's name and the input layer's row
    // (and the blank line after it).
    let inputRow = " input_1 (InputLayer)        [(None, 32, 32, 3)]       0         "
    let i = try #require(funLines.firstIndex(of: inputRow))
    funLines.removeSubrange(i...(i + 1))
    funLines[0] = funLines[0].replacingOccurrences(of: "\"model\"", with: "\"sequential\"")
    #expect(seqLines == funLines)
    #expect(sequential.test.names == ["loss", "accuracy"] && sequential.predictions.shape == [32, 10])
  }

  @Test func quickstartProbabilityModel() throws {
    let out = OutputLog()
    let r = try KerasExamples.quickstart(data: try Self.fashion(), epochs: 1, verbose: 0, log: out.log)
    #expect(r.predictions.shape == [5, 10])
    for i in 0..<5 { #expect(abs(r.predictions.doubles()[(i * 10)..<(i * 10 + 10)].reduce(0, +) - 1) < 1e-5) }
    #expect(out.output.contains("initial loss: "))
    #expect(r.model.layers.map(\.name) == ["sequential", "softmax"])
  }
}
