extension KerasExamples {
  /// The CIFAR-10 multilayer perceptron of *Generative Deep Learning*
  /// (chapter 2), as a Sequential or a functional model:
  ///
  ///     x_train = x_train.astype('float32') / 255.0
  ///     y_train = to_categorical(y_train, NUM_CLASSES)
  ///     model = Sequential([Flatten(input_shape=(32, 32, 3)), Dense(200, activation='relu'),
  ///                         Dense(150, activation='relu'), Dense(10, activation='softmax')])
  ///     # or: input_layer = Input((32, 32, 3)); x = Flatten()(input_layer); …; model = Model(input_layer, output_layer)
  ///     model.summary()                    # Total params: 646,260
  ///     model.compile(loss='categorical_crossentropy', optimizer=Adam(learning_rate=0.0005), metrics=['accuracy'])
  ///     model.fit(x_train, y_train, batch_size=32, epochs=10, shuffle=True)
  ///     model.evaluate(x_test, y_test)
  ///
  /// Each variant builds in a context of its own, so both show the same
  /// layer names (the functional summary adds the input layer's row, as
  /// Keras's does). Without CIFAR-10's files, pass ``synthetic(trainCount:testCount:imageShape:classes:labelShape:seed:)``
  /// data shaped `[n, 32, 32, 3]` with labels `[n, 1]`.
  ///
  /// - Parameters:
  ///   - data: Images uint8 `[n, 32, 32, 3]`, labels uint8 `[n, 1]`.
  ///   - functional: Build with the functional API instead of Sequential.
  ///   - epochs: Training epochs (10).
  public static func cifar10MLP(
    data: Dataset, functional: Bool, epochs: Int = 10, batchSize: Int = 32, seed: Int? = 42, verbose: Int = 1,
    log: @escaping @Sendable (String) -> Void = Console.standard.write
  ) throws -> Result {
    let context = KerasContext(seed: seed)
    return try context.run {
      let xTrain = try data.train.x.scaled(by: 1.0 / 255)
      let xTest = try data.test.x.scaled(by: 1.0 / 255)
      let yTrain = try toCategorical(data.train.y, numClasses: 10)
      let yTest = try toCategorical(data.test.y, numClasses: 10)
      let model: Model
      if functional {
        let inputLayer = try Input(shape: [32, 32, 3])
        var x = try Flatten()(inputLayer)
        x = try Dense(200, activation: "relu")(x)
        x = try Dense(150, activation: "relu")(x)
        let outputLayer = try Dense(10, activation: "softmax")(x)
        model = try Model(inputs: inputLayer, outputs: outputLayer)
      } else {
        model = try Sequential([
          Flatten(inputShape: [32, 32, 3]),
          Dense(200, activation: "relu"),
          Dense(150, activation: "relu"),
          Dense(10, activation: "softmax"),
        ])
      }
      model.console = console(log)
      model.summary()
      try model.compile(optimizer: Adam(learningRate: 0.0005), loss: "categorical_crossentropy", metrics: ["accuracy"])
      let history = try model.fit(xTrain, yTrain, batchSize: batchSize, epochs: epochs, verbose: verbose, shuffle: true)
      let test = try model.evaluate(xTest, yTest, verbose: verbose == 0 ? 0 : 1)
      let predictions = try model.predict(xTest, verbose: 0)
      return Result(model: model, history: history, test: test, predictions: predictions)
    }
  }
}
