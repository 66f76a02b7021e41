import Foundation
import Testing
import TensorGraphKeras
import TensorGraphTestSupport

/// Losses and metrics against hand formulas and tf_keras 2.21's values
/// (`KerasReference.losses`, from scripts/make-keras-fixtures.py).
@Suite struct KerasLossTests {
  static let yTrue = Tensor.f32([0, 1, 0, 1, 0, 0], [2, 3])
  static let yPred = Tensor.f32([0.1, 0.7, 0.2, 0.3, 0.3, 0.4], [2, 3])
  static let logits = Tensor.f32([1, 2, -1, 0.5, -0.5, 3], [2, 3])
  static let labels = Tensor([Int32(1), 0])

  /// The mean loss of `loss` on constant inputs, `activation` applied to
  /// the predictions first in the graph ("softmax", "sigmoid" or "").
  func value(_ loss: any Loss, _ yTrue: Tensor, _ yPred: Tensor, activation: String = "") throws -> Double {
    let g = Graph()
    let t = try g.constant(yTrue)
    var p = try g.constant(yPred)
    switch activation {
    case "softmax": p = try g.softmax(p)
    case "sigmoid": p = try g.sigmoid(p)
    default: #expect(activation == "", "unknown activation \(activation)")
    }
    return try evaluate(try loss(yTrue: t, yPred: p, in: g)).doubles()[0]
  }

  /// The loss a fixture names by its Keras class.
  static func loss(_ c: KerasReference.LossCase) -> (any Loss)? {
    switch c.loss {
    case "MeanSquaredError": MeanSquaredError()
    case "MeanAbsoluteError": MeanAbsoluteError()
    case "BinaryCrossentropy": BinaryCrossentropy(fromLogits: c.fromLogits)
    case "CategoricalCrossentropy": CategoricalCrossentropy(fromLogits: c.fromLogits)
    case "SparseCategoricalCrossentropy": SparseCategoricalCrossentropy(fromLogits: c.fromLogits)
    default: nil
    }
  }

  /// Every fixture row, within float32 rounding of Keras's value.
  @Test(arguments: KerasReference.losses)
  func matchesKeras(_ c: KerasReference.LossCase) throws {
    let loss = try #require(Self.loss(c), "no Swift loss for \(c.loss)")
    #expect(loss.sparseTargets == c.sparse)
    let yTrue = try fixtureTensor(c.yTrue, c.yTrueShape, int32: c.sparse)
    let got = try value(loss, yTrue, Tensor.f32(c.yPred, c.yPredShape), activation: c.activation)
    #expect(Swift.abs(got - c.value) <= 2e-6 * Swift.max(1, Swift.abs(c.value)), "\(c.label): \(got) vs Keras \(c.value)")
  }

  @Test func fixturesCoverEveryLoss() {
    let covered = Set(KerasReference.losses.map { "\($0.loss) \($0.fromLogits) \($0.activation)" })
    for name in ["BinaryCrossentropy", "CategoricalCrossentropy", "SparseCategoricalCrossentropy"] {
      for variant in ["false ", "true "] { #expect(covered.contains("\(name) \(variant)"), "\(name) \(variant)") }
    }
    for name in ["MeanSquaredError false ", "MeanAbsoluteError false ", "CategoricalCrossentropy false softmax",
                 "SparseCategoricalCrossentropy false softmax", "BinaryCrossentropy false sigmoid"] {
      #expect(covered.contains(name), "\(name)")
    }
  }

  func logSoftmax(_ row: [Double]) -> [Double] {
    let m = row.max()!
    let s = row.map { Foundation.exp($0 - m) }.reduce(0, +)
    return row.map { $0 - m - Foundation.log(s) }
  }

  @Test func meanSquaredAndAbsoluteError() throws {
    let t = Self.yTrue.doubles(), p = Self.yPred.doubles()
    let mse = zip(t, p).map { ($1 - $0) * ($1 - $0) }.reduce(0, +) / 6
    let mae = zip(t, p).map { Swift.abs($1 - $0) }.reduce(0, +) / 6
    #expect(Swift.abs(try value(MeanSquaredError(), Self.yTrue, Self.yPred) - mse) < 1e-6)
    #expect(Swift.abs(try value(MeanAbsoluteError(), Self.yTrue, Self.yPred) - mae) < 1e-6)
    #expect(try Swift.abs(mse - KerasReference.loss("mse").value) < 1e-6)
    #expect(try Swift.abs(mae - KerasReference.loss("mae").value) < 1e-6)
    #expect(try value("mse".makeLoss(), Self.yTrue, Self.yPred) == value(MeanSquaredError(), Self.yTrue, Self.yPred))
  }

  @Test func categoricalCrossentropyBothWays() throws {
    // From probabilities: −Σ y log p, p renormalized (rows sum to 1 here).
    let byHand = -(Foundation.log(0.7) + Foundation.log(0.3)) / 2
    #expect(Swift.abs(try value(CategoricalCrossentropy(), Self.yTrue, Self.yPred) - byHand) < 1e-6)
    #expect(try Swift.abs(byHand - KerasReference.loss("cce probabilities").value) < 1e-6)
    // From logits: −Σ y log_softmax(x).
    let l = Self.logits.doubles()
    let fromLogits = -(logSoftmax(Array(l[0..<3]))[1] + logSoftmax(Array(l[3..<6]))[0]) / 2
    #expect(Swift.abs(try value(CategoricalCrossentropy(fromLogits: true), Self.yTrue, Self.logits) - fromLogits) < 1e-6)
    #expect(try Swift.abs(fromLogits - KerasReference.loss("cce logits").value) < 1e-6)
    // A Softmax output is read through to its logits, as Keras does.
    #expect(
      Swift.abs(try value(CategoricalCrossentropy(), Self.yTrue, Self.logits, activation: "softmax") - fromLogits) < 1e-6)
    // Probabilities are clipped to [1e-7, 1 − 1e-7]: −log(1e-7) for a zero.
    let clipped = try value(CategoricalCrossentropy(), Tensor.f32([1, 0, 0], [1, 3]), Tensor.f32([0, 1, 0], [1, 3]))
    #expect(Swift.abs(clipped + Foundation.log(Double(Float(kerasEpsilon)))) < 1e-5)
  }

  @Test func binaryCrossentropyBothWays() throws {
    let t: [Double] = [1, 0, 1, 0], p: [Double] = [0.9, 0.2, 0.4, 1.0], x: [Double] = [2, -1, -0.5, 30]
    let eps = 1e-7
    // From probabilities: p clipped to [ε, 1 − ε] (in float32), then
    // −(z log(p + ε) + (1 − z) log(1 − p + ε)).
    let byHand =
      zip(t, p).map { z, p0 -> Double in
        let p = Double(Float(min(max(p0, eps), Double(Float(1 - eps)))))
        return -(z * Foundation.log(p + eps) + (1 - z) * Foundation.log(Double(Float(1 - p)) + eps))
      }.reduce(0, +) / 4
    let got = try value(BinaryCrossentropy(), Tensor.f32(t, [4, 1]), Tensor.f32(p, [4, 1]))
    #expect(Swift.abs(got - byHand) < 1e-4)
    #expect(try Swift.abs(byHand - KerasReference.loss("bce probabilities").value) < 1e-4)
    // From logits: max(x, 0) − x z + log(1 + e^−|x|).
    let fromLogits =
      zip(t, x).map { z, x in Swift.max(x, 0) - x * z + Foundation.log(1 + Foundation.exp(-Swift.abs(x))) }
      .reduce(0, +) / 4
    let gotLogits = try value(BinaryCrossentropy(fromLogits: true), Tensor.f32(t, [4, 1]), Tensor.f32(x, [4, 1]))
    #expect(Swift.abs(gotLogits - fromLogits) < 1e-5)
    #expect(try Swift.abs(fromLogits - KerasReference.loss("bce logits").value) < 1e-5)
  }

  @Test func accuracyMetricsAsKerasChoosesThem() throws {
    func perExample(_ m: any Metric, _ t: Tensor, _ p: Tensor) throws -> [Double] {
      let g = Graph()
      return try evaluate(try m.perExample(yTrue: try g.constant(t), yPred: try g.constant(p), in: g)).doubles()
    }
    let sparse = try "accuracy".makeMetric(sparseTargets: true, outputShape: PartialShape([nil, 3]))
    #expect(sparse is SparseCategoricalAccuracy)
    #expect(try perExample(sparse, Self.labels, Self.yPred) == [1, 0])
    let categorical = try "accuracy".makeMetric(sparseTargets: false, outputShape: PartialShape([nil, 3]))
    #expect(categorical is CategoricalAccuracy)
    #expect(try perExample(categorical, Self.yTrue, Self.yPred) == [1, 0])
    let binary = try "acc".makeMetric(sparseTargets: false, outputShape: PartialShape([nil, 1]))
    #expect(binary is BinaryAccuracy && binary.name == "acc")
    #expect(try perExample(binary, Tensor.f32([1, 0, 1, 0], [4, 1]), Tensor.f32([0.9, 0.2, 0.4, 1], [4, 1])) == [1, 1, 0, 0])
    let mae = try "mae".makeMetric(sparseTargets: false, outputShape: PartialShape([nil, 3]))
    let maes = try perExample(mae, Self.yTrue, Self.yPred)
    expectClose(maes, [0.2, (0.7 + 0.3 + 0.4) / 3], tolerance: 1e-6)
  }

  @Test func unknownNamesSuggestCloseOnes() {
    expectError(.invalidArgument, containing: ["sparse_categorical_crossentropy", "did you mean"]) {
      try "sparse_categorical_crossentopy".makeLoss()
    }
    expectError(.invalidArgument, containing: ["'accuracy'"]) {
      try "acuracy".makeMetric(sparseTargets: true, outputShape: PartialShape([nil, 3]))
    }
    expectError(.invalidArgument, containing: ["'adam'"]) { try "adma".makeOptimizer() }
    expectError(.invalidArgument, containing: ["'relu'"]) { try ActivationFunction("rleu").validated() }
  }
}
