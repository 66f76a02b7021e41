import Testing
import TensorGraph
import TensorGraphExamples
import TensorGraphTestSupport

@Suite struct AdmissionsExampleTests {
  @Test func dataLooksLikeTheOriginal() {
    let (features, labels) = AdmissionsExample.makeData(students: 400, seed: 42)
    #expect(features.count == 400 && labels.count == 400)
    #expect(features.allSatisfy { $0.count == 6 && $0[2...].reduce(0, +) == 1 })
    let gre = features.map { $0[0] }
    let mean = gre.reduce(0, +) / 400
    #expect(abs(mean) < 1e-9)
    let admitted = labels.reduce(0, +) / 400
    #expect(admitted > 0.2 && admitted < 0.6)
  }

  /// The original settings (learning rate 0.005, 900 epochs) move slowly,
  /// as in the numpy original: the loss must fall at every report.
  @Test func originalSettingsPrintFallingLoss() throws {
    var lines: [String] = []
    let result = try AdmissionsExample.run(AdmissionsExample.Settings()) { lines.append($0) }
    #expect(result.losses.count == 10)
    #expect(zip(result.losses, result.losses.dropFirst()).allSatisfy { $1 < $0 }, "\(result.losses)")
    #expect(lines.first?.hasPrefix("Train loss: ") == true)
    #expect(!lines.contains { $0.contains("WARNING") })
    #expect(lines.last?.hasPrefix("Prediction accuracy: ") == true)
    #expect((0...1).contains(result.testAccuracy))
  }

  /// With a larger step the same graph learns the (learnable) data.
  @Test func learnsWithALargerStep() throws {
    var settings = AdmissionsExample.Settings()
    settings.learningRate = 2
    settings.epochs = 1500
    let result = try AdmissionsExample.run(settings) { _ in }
    #expect(result.losses.last! < 0.8 * result.losses.first!, "\(result.losses)")
    #expect(result.testAccuracy >= 0.7, "accuracy \(result.testAccuracy)")
  }
}
