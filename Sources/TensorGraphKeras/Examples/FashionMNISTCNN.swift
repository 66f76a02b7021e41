extension KerasExamples {
  /// A small convolutional network on Fashion-MNIST, the classic Keras CNN
  /// (as in Keras's `mnist_convnet.py`, with Adam and a 128-unit dense
  /// layer):
  ///
  ///     x_train = x_train.reshape(-1, 28, 28, 1) / 255.0
  ///     model = keras.Sequential([
  ///         layers.Conv2D(32, 3, activation='relu', input_shape=(28, 28, 1)),
  ///         layers.MaxPooling2D(2),
  ///         layers.Conv2D(64, 3, activation='relu'),
  ///         layers.MaxPooling2D(2),
  ///         layers.Flatten(),
  ///         layers.Dense(128, activation='relu'),
  ///         layers.Dropout(0.5),
  ///         layers.Dense(10, activation='softmax')])
  ///     model.compile(optimizer='adam', loss='sparse_categorical_crossentropy', metrics=['accuracy'])
  ///     model.fit(x_train, y_train, batch_size=32, epochs=5)
  ///     model.evaluate(x_test, y_test, verbose=2)
  ///
  /// 225,034 parameters; about 0.91 test accuracy after 5 epochs.
  ///
  /// - Parameters:
  ///   - data: Images uint8 `[n, 28, 28]`, labels uint8 `[n]`.
  ///   - epochs: Training epochs (5).
  public static func fashionMNISTCNN(
    data: Dataset, epochs: Int = 5, batchSize: Int = 32, seed: Int? = 42, verbose: Int = 1,
    log: @escaping @Sendable (String) -> Void = Console.standard.write
  ) throws -> Result {
    let context = KerasContext(seed: seed)
    return try context.run {
      func images(_ x: Tensor) throws -> Tensor {
        try x.reshaped(to: [x.shape[0], 28, 28, 1]).scaled(by: 1.0 / 255)
      }
      let xTrain = try images(data.train.x), xTest = try images(data.test.x)
      let model = try Sequential([
        Conv2D(32, 3, activation: "relu", inputShape: [28, 28, 1]),
        MaxPooling2D(2),
        Conv2D(64, 3, activation: "relu"),
        MaxPooling2D(2),
        Flatten(),
        Dense(128, activation: "relu"),
        Dropout(0.5),
        Dense(10, activation: "softmax"),
      ])
      model.console = console(log)
      model.summary()
      try model.compile(optimizer: "adam", loss: "sparse_categorical_crossentropy", metrics: ["accuracy"])
      let history = try model.fit(xTrain, data.train.y, batchSize: batchSize, epochs: epochs, verbose: verbose)
      let test = try model.evaluate(xTest, data.test.y, verbose: 2)
      log("\nTest accuracy: \(test["accuracy"]!)\n")
      let predictions = try model.predict(try xTest.rows(0..<min(10, xTest.shape[0])), verbose: 0)
      return Result(model: model, history: history, test: test, predictions: predictions)
    }
  }
}
