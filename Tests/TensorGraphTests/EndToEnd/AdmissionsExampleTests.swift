import Foundation
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
  /// as in the numpy original: the loss must fall at every report, and the
  /// losses and test accuracy are those of the original program's
  /// record-by-record backpropagation replayed from the same initial weights.
  @Test func originalSettingsPrintFallingLoss() throws {
    var lines: [String] = []
    let settings = AdmissionsExample.Settings()
    let result = try AdmissionsExample.run(settings) { lines.append($0) }
    #expect(result.losses.count == 10)
    #expect(zip(result.losses, result.losses.dropFirst()).allSatisfy { $1 < $0 }, "\(result.losses)")
    #expect(lines.first?.hasPrefix("Train loss: ") == true)
    #expect(!lines.contains { $0.contains("WARNING") })

    let reference = Self.originalProgram(settings, initialWeights: result.initialWeights)
    #expect(reference.losses.count == 10)
    for (got, want) in zip(result.losses, reference.losses) {
      #expect(abs(got - want) <= 1e-12 + 1e-9 * want, "loss \(got), the original program's \(want)")
    }
    #expect(result.testAccuracy == reference.testAccuracy)
    #expect(lines.last == String(format: "Prediction accuracy: %.3f", reference.testAccuracy))
  }

  /// The numpy original's training loop in plain Swift: for each record, the
  /// forward pass and the error terms of the sigmoid layers, accumulated and
  /// applied once per epoch as `weights += lr * del_w / n_records`. Reports
  /// the mean squared error on the training set every `epochs / 10` epochs
  /// and the test accuracy at threshold 0.5.
  static func originalProgram(
    _ s: AdmissionsExample.Settings, initialWeights: (inputHidden: [Double], hiddenOutput: [Double])
  ) -> (losses: [Double], testAccuracy: Double) {
    let (features, targets) = AdmissionsExample.makeData(students: s.students, seed: s.seed)
    let n = features.count - Int(Double(features.count) * s.testFraction)
    let nIn = features[0].count, nHidden = s.hiddenUnits
    var w1 = initialWeights.inputHidden, w2 = initialWeights.hiddenOutput
    #expect(w1.count == nIn * nHidden && w2.count == nHidden)
    func sigmoid(_ v: Double) -> Double { 1 / (1 + Foundation.exp(-v)) }
    func forward(_ x: [Double]) -> (hidden: [Double], output: Double) {
      let hidden = (0..<nHidden).map { j in sigmoid((0..<nIn).reduce(0) { $0 + x[$1] * w1[$1 * nHidden + j] }) }
      return (hidden, sigmoid((0..<nHidden).reduce(0) { $0 + hidden[$1] * w2[$1] }))
    }
    var losses: [Double] = []
    for epoch in 0..<s.epochs {
      var deltaW1 = [Double](repeating: 0, count: nIn * nHidden), deltaW2 = [Double](repeating: 0, count: nHidden)
      for (x, y) in zip(features[..<n], targets[..<n]) {
        let (hidden, output) = forward(x)
        let outputErrorTerm = (y - output) * output * (1 - output)
        for j in 0..<nHidden {
          let hiddenErrorTerm = outputErrorTerm * w2[j] * hidden[j] * (1 - hidden[j])
          deltaW2[j] += outputErrorTerm * hidden[j]
          for i in 0..<nIn { deltaW1[i * nHidden + j] += hiddenErrorTerm * x[i] }
        }
      }
      for k in w1.indices { w1[k] += s.learningRate * deltaW1[k] / Double(n) }
      for k in w2.indices { w2[k] += s.learningRate * deltaW2[k] / Double(n) }
      if epoch % max(1, s.epochs / 10) == 0 {
        let squared = zip(features[..<n], targets[..<n]).map { x, y in
          let e = y - forward(x).output
          return e * e
        }
        losses.append(squared.reduce(0, +) / Double(n))
      }
    }
    let test = zip(features[n...], targets[n...])
    let correct = test.filter { x, y in (forward(x).output > 0.5 ? 1.0 : 0.0) == y }.count
    return (losses, Double(correct) / Double(features.count - n))
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
