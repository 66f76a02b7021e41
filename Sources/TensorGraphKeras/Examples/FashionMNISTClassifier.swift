extension KerasExamples {
  /// The Fashion-MNIST classifier of TensorFlow's "basic classification"
  /// tutorial:
  ///
  ///     train_images, test_images = train_images / 255.0, test_images / 255.0
  ///     model = keras.Sequential([
  ///         keras.layers.Flatten(input_shape=(28, 28)),
  ///         keras.layers.Dense(128, activation='relu'),
  ///         keras.layers.Dense(10, activation='softmax')])
  ///     model.compile(optimizer='adam', loss='sparse_categorical_crossentropy', metrics=['accuracy'])
  ///     model.fit(train_images, train_labels, epochs=5)
  ///     test_loss, test_acc = model.evaluate(test_images, test_labels, verbose=2)
  ///     predictions = model.predict(test_images)
  ///
  /// tf.keras 2.21 reaches a test accuracy of 0.866 after 5 epochs on the
  /// real data.
  ///
  /// - Parameters:
  ///   - data: Images uint8 `[n, 28, 28]`, labels uint8 `[n]`.
  ///   - epochs: Training epochs (5).
  ///   - seed: Seeds initialization and shuffling; `nil` for nondeterministic runs.
  ///   - verbose: `fit`'s verbosity.
  ///   - log: Receives the program's output.
  public static func fashionMNISTClassifier(
    data: Dataset, epochs: Int = 5, batchSize: Int = 32, seed: Int? = 42, verbose: Int = 1,
    log: @escaping @Sendable (String) -> Void = Console.standard.write
  ) throws -> Result {
    let context = KerasContext(seed: seed)
    return try context.run {
      let trainImages = try data.train.x.scaled(by: 1.0 / 255)
      let testImages = try data.test.x.scaled(by: 1.0 / 255)
      let model = try Sequential([
        Flatten(inputShape: [28, 28]),
        Dense(128, activation: "relu"),
        Dense(10, activation: "softmax"),
      ])
      model.console = console(log)
      model.summary()
      try model.compile(optimizer: "adam", loss: "sparse_categorical_crossentropy", metrics: ["accuracy"])
      let history = try model.fit(trainImages, data.train.y, batchSize: batchSize, epochs: epochs, verbose: verbose)
      let test = try model.evaluate(testImages, data.test.y, verbose: 2)
      log("\nTest accuracy: \(test["accuracy"]!)\n")
      let predictions = try model.predict(testImages, verbose: verbose == 0 ? 0 : 1)
      return Result(model: model, history: history, test: test, predictions: predictions)
    }
  }
}
