import Testing
import TensorGraphKeras
import TensorGraphTestSupport

/// Bad input throws a clear TensorGraphError before any step runs.
@Suite struct KerasErrorTests {
  func fashionModel() throws -> Sequential {
    let model = try Sequential([Flatten(inputShape: [28, 28]), Dense(8, activation: "relu"), Dense(10, activation: "softmax")])
    try model.compile(optimizer: "adam", loss: "sparse_categorical_crossentropy", metrics: ["accuracy"])
    return model
  }

  @Test func labelOutOfRange() throws {
    try KerasContext().run {
      let model = try fashionModel()
      let x = try Tensor(zeros: [4, 28, 28])
      let y = Tensor([UInt8(1), 2, 10, 3])
      expectError(.invalidArgument, containing: ["label value of 10", "valid range of [0, 10)", "y[2]"]) {
        try model.fit(x, y, verbose: 0)
      }
      expectError(.invalidArgument, containing: ["label value of -1"]) {
        try model.evaluate(x, Tensor([Int32(1), -1, 0, 0]), verbose: 0)
      }
    }
  }

  @Test func inputShapeThatDoesNotMatch() throws {
    try KerasContext().run {
      let model = try fashionModel()
      let x = try Tensor(zeros: [4, 28, 29])
      expectError(
        .shapeMismatch,
        containing: ["Input 0 of layer \"sequential\" is incompatible", "expected shape=(None, 28, 28)", "found shape=(None, 28, 29)"]
      ) { try model.fit(x, Tensor([UInt8(1), 2, 3, 4]), verbose: 0) }
      expectError(.shapeMismatch, containing: ["expected shape=(None, 28, 28)"]) { try model.predict(try Tensor(zeros: [2, 784])) }
      expectError(.shapeMismatch) { try model(try Tensor(zeros: [1, 28])) }
    }
  }

  @Test func emptyDataBatchSizeZeroAndLengthMismatch() throws {
    try KerasContext().run {
      let model = try fashionModel()
      expectError(.invalidArgument, containing: ["empty"]) {
        try model.fit(try Tensor(zeros: [0, 28, 28]), Tensor([UInt8]()), verbose: 0)
      }
      let x = try Tensor(zeros: [4, 28, 28])
      let y = Tensor([UInt8(1), 2, 3, 4])
      expectError(.invalidArgument, containing: ["batch size must be a positive integer, got 0"]) {
        try model.fit(x, y, batchSize: 0, verbose: 0)
      }
      expectError(.invalidArgument, containing: ["batch size"]) { try model.predict(x, batchSize: 0, verbose: 0) }
      expectError(.invalidArgument, containing: ["Data cardinality is ambiguous", "x sizes: 4", "y sizes: 3"]) {
        try model.fit(x, Tensor([UInt8(1), 2, 3]), verbose: 0)
      }
      expectError(.invalidArgument, containing: ["not sufficient to split"]) {
        try model.fit(try x.rows(0..<1), try y.rows(0..<1), verbose: 0, validationSplit: 0.5)
      }
    }
  }

  @Test func unknownNames() throws {
    try KerasContext().run {
      let model = try Sequential([Dense(2, inputShape: [3])])
      expectError(.invalidArgument, containing: ["unknown optimizer 'adma'", "did you mean 'adam'"]) {
        try model.compile(optimizer: "adma", loss: "mse")
      }
      expectError(.invalidArgument, containing: ["unknown loss", "'mean_squared_error'"]) {
        try model.compile(optimizer: "sgd", loss: "mean_squared_eror")
      }
      expectError(.invalidArgument, containing: ["unknown metric 'accurcy'", "'accuracy'"]) {
        try model.compile(optimizer: "sgd", loss: "mse", metrics: ["accurcy"])
      }
      expectError(.invalidArgument, containing: ["unknown activation function 'reul'", "'relu'"]) {
        try model.add(Dense(2, activation: "reul"))
      }
    }
  }

  @Test func modelStateErrors() throws {
    try KerasContext().run {
      let unbuilt = try Sequential([Dense(2)])
      expectError(.invalidArgument, containing: ["has not yet been built"]) { try unbuilt.summaryLines() }
      let model = try Sequential([Dense(2, inputShape: [3])])
      expectError(.invalidArgument, containing: ["must compile your model"]) {
        try model.fit(try Tensor(zeros: [2, 3]), try Tensor(zeros: [2, 2]), verbose: 0)
      }
      try model.compile(optimizer: "sgd", loss: "categorical_crossentropy")
      expectError(.shapeMismatch, containing: ["toCategorical"]) {
        try model.fit(try Tensor(zeros: [2, 3]), Tensor([Int32(0), 1]), verbose: 0)
      }
      let a = try Input(shape: [3]), b = try Input(shape: [3])
      let out = try Add()([try Dense(2)(a), try Dense(2)(b)])
      expectError(.invalidArgument, containing: ["Graph disconnected"]) { try Model(inputs: a, outputs: out) }
      expectError(.shapeMismatch, containing: ["expected shape=(None, 3)", "found shape=(None, 4)"]) {
        try Dense(2, inputShape: [3])(try Input(shape: [4]))
      }
    }
  }
}
