extension KerasExamples {
  /// Keras's `mnist_mlp.py` (without its dropout layers), here on any
  /// MNIST-format data set (Fashion-MNIST on this machine):
  ///
  ///     x_train = x_train.reshape(60000, 784).astype('float32') / 255
  ///     y_train = keras.utils.to_categorical(y_train, 10)
  ///     model = Sequential([Dense(512, activation='relu', input_shape=(784,)),
  ///                         Dense(512, activation='relu'), Dense(10, activation='softmax')])
  ///     model.compile(loss='categorical_crossentropy', optimizer=RMSprop(), metrics=['accuracy'])
  ///     model.fit(x_train, y_train, batch_size=128, epochs=10, validation_data=(x_test, y_test))
  ///     score = model.evaluate(x_test, y_test, verbose=0)
  ///
  /// - Parameters:
  ///   - data: Images uint8 `[n, 28, 28]`, labels uint8 `[n]`.
  ///   - epochs: Training epochs (10).
  ///   - batchSize: 128, as the original.
  public static func mnistMLP(
    data: Dataset, epochs: Int = 10, batchSize: Int = 128, seed: Int? = 42, verbose: Int = 1,
    log: @escaping @Sendable (String) -> Void = Console.standard.write
  ) throws -> Result {
    let context = KerasContext(seed: seed)
    return try context.run {
      let xTrain = try data.train.x.reshaped(to: [data.train.x.shape[0], 784]).scaled(by: 1.0 / 255)
      let xTest = try data.test.x.reshaped(to: [data.test.x.shape[0], 784]).scaled(by: 1.0 / 255)
      let yTrain = try toCategorical(data.train.y, numClasses: 10)
      let yTest = try toCategorical(data.test.y, numClasses: 10)
      let model = try Sequential([
        Dense(512, activation: "relu", inputShape: [784]),
        Dense(512, activation: "relu"),
        Dense(10, activation: "softmax"),
      ])
      model.console = console(log)
      model.summary()
      try model.compile(optimizer: RMSprop(), loss: "categorical_crossentropy", metrics: ["accuracy"])
      let history = try model.fit(
        xTrain, yTrain, batchSize: batchSize, epochs: epochs, verbose: verbose, validationData: (xTest, yTest))
      let score = try model.evaluate(xTest, yTest, verbose: 0)
      log("Test loss: \(score["loss"]!)\nTest accuracy: \(score["accuracy"]!)\n")
      let predictions = try model.predict(try xTest.rows(0..<min(10, xTest.shape[0])), verbose: 0)
      return Result(model: model, history: history, test: score, predictions: predictions)
    }
  }
}
