import Foundation

extension KerasExamples {
  /// TensorFlow 2's "quickstart for beginners", line for line:
  ///
  ///     x_train, x_test = x_train / 255.0, x_test / 255.0
  ///     model = tf.keras.models.Sequential([
  ///       tf.keras.layers.Flatten(input_shape=(28, 28)),
  ///       tf.keras.layers.Dense(128, activation='relu'),
  ///       tf.keras.layers.Dropout(0.2),
  ///       tf.keras.layers.Dense(10)])
  ///     predictions = model(x_train[:1]).numpy()
  ///     loss_fn = tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True)
  ///     loss_fn(y_train[:1], predictions).numpy()     # about -log(1/10) = 2.3
  ///     model.compile(optimizer='adam', loss=loss_fn, metrics=['accuracy'])
  ///     model.fit(x_train, y_train, epochs=5)
  ///     model.evaluate(x_test, y_test, verbose=2)
  ///     probability_model = tf.keras.Sequential([model, tf.keras.layers.Softmax()])
  ///     probability_model(x_test[:5])
  ///
  /// - Parameters:
  ///   - data: Images uint8 `[n, 28, 28]`, labels uint8 `[n]` (MNIST in
  ///     the original; any MNIST-format set).
  /// - Returns: The result, whose `predictions` are the probability
  ///   model's output for the first five test images.
  public static func quickstart(
    data: Dataset, epochs: Int = 5, batchSize: Int = 32, seed: Int? = 42, verbose: Int = 1,
    log: @escaping @Sendable (String) -> Void = Console.standard.write
  ) throws -> Result {
    let context = KerasContext(seed: seed)
    return try context.run {
      let xTrain = try data.train.x.scaled(by: 1.0 / 255)
      let xTest = try data.test.x.scaled(by: 1.0 / 255)
      let model = try Sequential([
        Flatten(inputShape: [28, 28]),
        Dense(128, activation: "relu"),
        Dropout(0.2),
        Dense(10),
      ])
      model.console = console(log)
      let predictions = try model(xTrain.rows(0..<1))
      log("predictions: \(predictions)\n")
      let lossFn = SparseCategoricalCrossentropy(fromLogits: true)
      log("initial loss: \(try lossFn(data.train.y.rows(0..<1), predictions))\n")
      try model.compile(optimizer: "adam", loss: lossFn, metrics: ["accuracy"])
      let history = try model.fit(xTrain, data.train.y, batchSize: batchSize, epochs: epochs, verbose: verbose)
      let test = try model.evaluate(xTest, data.test.y, verbose: 2)
      let probabilityModel = try Sequential([model, Softmax()])
      probabilityModel.console = model.console
      let probabilities = try probabilityModel(xTest.rows(0..<min(5, xTest.shape[0])))
      log("probabilities: \(probabilities)\n")
      return Result(model: probabilityModel, history: history, test: test, predictions: probabilities)
    }
  }
}
