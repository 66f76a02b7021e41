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

/// Nested models in summaries, against tf_keras 2.21 (`KerasReference`).
@Suite struct KerasNestedSummaryTests {
  @Test func quickstartAndProbabilityModel() throws {
    try KerasContext().run {
      let model = try Sequential([
        Flatten(inputShape: [28, 28]), Dense(128, activation: "relu"), Dropout(0.2), Dense(10),
      ])
      #expect(try model.summaryLines() == KerasReference.quickstart)
      let probability = try Sequential([model, Softmax()])
      #expect(try probability.summaryLines() == KerasReference.probability)
    }
  }

  @Test func functionalModelsNestingModels() throws {
    try KerasContext().run {
      let inp = try Input(shape: [4])
      let m = try Model(inputs: inp, outputs: try Dense(3)(inp))
      let a = try Input(shape: [4])
      let b = try m(a)
      let e = try Add()([try Dense(2)(b), try Dense(2)(b)])
      #expect(try Model(inputs: a, outputs: e).summaryLines() == KerasReference.nestedFunctional)

      let s = try Sequential([Dense(3, inputShape: [4])])
      try s.add(Dense(2))
      let a2 = try Input(shape: [4])
      let o2 = try s(a2)
      let joined = try Concatenate()([try Dense(1)(o2), try Dense(1)(o2)])
      #expect(try Model(inputs: a2, outputs: joined).summaryLines() == KerasReference.nestedSequential)
    }
  }
}
