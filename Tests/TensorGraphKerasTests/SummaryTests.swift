import Testing
import TensorGraphKeras

/// `summary()` against tf_keras 2.21's printed tables.
@Suite struct KerasSummaryTests {
  /// The reference script's three models, built in order in one context so
  /// the automatic names continue as in Keras (`flatten_1`, `dense_3`, …).
  @Test func matchesKerasReferenceTables() throws {
    try KerasContext().run {
      let sequential = try Sequential([
        Flatten(inputShape: [32, 32, 3]),
        Dense(200, activation: "relu"),
        Dense(150, activation: "relu"),
        Dense(10, activation: "softmax"),
      ])
      #expect(try sequential.summaryLines() == KerasReference.cifarSequential)

      let inputs = try Input(shape: [32, 32, 3])
      var x = try Flatten()(inputs)
      x = try Dense(200, activation: "relu")(x)
      x = try Dense(150, activation: "relu")(x)
      let outputs = try Dense(10, activation: "softmax")(x)
      let functional = try Model(inputs: inputs, outputs: outputs)
      #expect(try functional.summaryLines() == KerasReference.cifarFunctional)

      let a = try Input(shape: [4])
      let b = try Dense(3)(a)
      let c = try Dense(3)(a)
      let d = try Add()([b, c])
      let e = try Concatenate()([d, b])
      let branching = try Model(inputs: a, outputs: e)
      #expect(try branching.summaryLines() == KerasReference.branching)
    }
  }
}
