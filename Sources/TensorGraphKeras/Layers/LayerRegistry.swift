/// The layer classes a saved model may name, by Keras class name: the one
/// table `loadModel` consults to re-create layers from their configs.
///
/// New layer types (convolutions, pooling, normalization) add a row to
/// ``standard``; programs with their own layers pass an extended registry
/// to ``Model/load(from:registry:)``:
///
///     let registry = LayerRegistry.standard.adding("Scale") { c, _ in Scale(name: try c.string("name")) }
public struct LayerRegistry: Sendable {
  /// Makes a layer from its config (the layer's `config` members plus
  /// `name`, `trainable`, `dtype` and, for a model's first layer,
  /// `batch_input_shape`).
  /// Nested models are made with the registry given.
  public typealias Factory = @Sendable (ConfigReader, LayerRegistry) throws -> any Layer

  /// The factories, by class name.
  public let factories: [String: Factory]

  /// A registry of these factories.
  public init(_ factories: [String: Factory]) {
    self.factories = factories
  }

  /// This registry with one more layer class.
  public func adding(_ className: String, _ factory: @escaping Factory) -> LayerRegistry {
    var f = factories
    f[className] = factory
    return LayerRegistry(f)
  }

  /// The layer described by `config` (`{"class_name": …, "config": {…}}`).
  ///
  /// - Throws: ``TensorGraphError`` (`format`) for an unknown class (with
  ///   suggestions) or a config member that is missing or mistyped.
  public func layer(from config: ConfigValue) throws -> any Layer {
    let outer = ConfigReader(config, context: "layer")
    let className = try outer.string("class_name")
    guard let factory = factories[className] else {
      var e = unknownNameError("layer class", className, known: factories.keys.sorted())
      e.reason = .format
      throw e
    }
    let inner = config["config"] ?? .object([:])
    let name = inner["name"]?.stringValue ?? "?"
    let layer = try factory(ConfigReader(inner, context: "layer '\(name)' (\(className))"), self)
    if let trainable = inner["trainable"]?.boolValue { layer.state.trainable = trainable }
    return layer
  }

  /// The built-in layers and models.
  public static let standard = LayerRegistry([
    "InputLayer": { c, _ in
      let shape = try c.shape("batch_input_shape")
      let dtype = c.optional("dtype")?.stringValue.flatMap(DType.init(name:)) ?? .float32
      return try InputLayer(shape: Array(shape.dropFirst()), batchSize: shape.first ?? nil, name: try c.string("name"), dtype: dtype)
    },
    "Dense": { c, _ in
      Dense(
        try c.int("units"), activation: ActivationFunction(c.optional("activation")?.stringValue ?? "linear"),
        useBias: c.optional("use_bias")?.boolValue ?? true,
        kernelInitializer: try c.optional("kernel_initializer").map(Initializer.init(config:)) ?? .glorotUniform,
        biasInitializer: try c.optional("bias_initializer").map(Initializer.init(config:)) ?? .zeros,
        inputShape: inputShape(c), name: try c.string("name"))
    },
    "Flatten": { c, _ in Flatten(inputShape: inputShape(c), name: try c.string("name")) },
    "Reshape": { c, _ in Reshape(try intList(c, "target_shape"), inputShape: inputShape(c), name: try c.string("name")) },
    "Dropout": { c, _ in
      Dropout(try c.double("rate"), seed: c.optional("seed")?.intValue, inputShape: inputShape(c), name: try c.string("name"))
    },
    "Activation": { c, _ in
      Activation(ActivationFunction(try c.string("activation")), inputShape: inputShape(c), name: try c.string("name"))
    },
    "Softmax": { c, _ in
      Softmax(axis: c.optional("axis")?.intValue ?? -1, inputShape: inputShape(c), name: try c.string("name"))
    },
    "Conv2D": { c, _ in
      Conv2D(
        try c.int("filters"), kernelSize: try intList(c, "kernel_size"),
        strides: try optionalIntList(c, "strides") ?? [1],
        padding: c.optional("padding")?.stringValue ?? "valid",
        dilationRate: try optionalIntList(c, "dilation_rate") ?? [1],
        activation: ActivationFunction(c.optional("activation")?.stringValue ?? "linear"),
        useBias: c.optional("use_bias")?.boolValue ?? true,
        kernelInitializer: try c.optional("kernel_initializer").map(Initializer.init(config:)) ?? .glorotUniform,
        biasInitializer: try c.optional("bias_initializer").map(Initializer.init(config:)) ?? .zeros,
        inputShape: inputShape(c), name: try c.string("name"))
    },
    "MaxPooling2D": { c, _ in try pooling(MaxPoolOp.self, c) },
    "AveragePooling2D": { c, _ in try pooling(AvgPoolOp.self, c) },
    "GlobalAveragePooling2D": { c, _ in
      GlobalAveragePooling2D(
        keepdims: c.optional("keepdims")?.boolValue ?? false, inputShape: inputShape(c), name: try c.string("name"))
    },
    "BatchNormalization": { c, _ in
      BatchNormalization(
        momentum: c.optional("momentum")?.doubleValue ?? 0.99, epsilon: c.optional("epsilon")?.doubleValue ?? 0.001,
        center: c.optional("center")?.boolValue ?? true, scale: c.optional("scale")?.boolValue ?? true,
        betaInitializer: try c.optional("beta_initializer").map(Initializer.init(config:)) ?? .zeros,
        gammaInitializer: try c.optional("gamma_initializer").map(Initializer.init(config:)) ?? .ones,
        movingMeanInitializer: try c.optional("moving_mean_initializer").map(Initializer.init(config:)) ?? .zeros,
        movingVarianceInitializer: try c.optional("moving_variance_initializer").map(Initializer.init(config:)) ?? .ones,
        inputShape: inputShape(c), name: try c.string("name"))
    },
    "Add": { c, _ in Add(name: try c.string("name")) },
    "Concatenate": { c, _ in Concatenate(axis: c.optional("axis")?.intValue ?? -1, name: try c.string("name")) },
    "Sequential": { c, registry in try Sequential(sequentialConfig: c, registry: registry) },
    "Functional": { c, registry in try Model(functionalConfig: c, registry: registry) },
    "Model": { c, registry in try Model(functionalConfig: c, registry: registry) },
  ])
}

/// The `batch_input_shape` of a config, without the batch dimension.
private func inputShape(_ c: ConfigReader) -> [Int?]? {
  c.optional("batch_input_shape")?.shapeValue.map { Array($0.dropFirst()) }
}

/// A pooling layer from its config.
private func pooling<Op: PoolingOp>(_: Op.Type, _ c: ConfigReader) throws -> Pooling2D<Op> {
  Pooling2D<Op>(
    poolSize: try optionalIntList(c, "pool_size") ?? [2, 2], strides: try optionalIntList(c, "strides"),
    padding: c.optional("padding")?.stringValue ?? "valid", inputShape: inputShape(c), name: try c.string("name"))
}

/// A config member holding a list of integers (`kernel_size: [3, 3]`);
/// `nil` when absent or null.
private func optionalIntList(_ c: ConfigReader, _ key: String) throws -> [Int]? {
  guard let v = c.optional(key), v != .null else { return nil }
  return try intList(c, key)
}

/// A config member holding a list of integers, read as a shape without
/// unknown entries.
private func intList(_ c: ConfigReader, _ key: String) throws -> [Int] {
  guard let list = try c.value(key).shapeValue, list.allSatisfy({ $0 != nil }) else {
    throw TensorGraphError(.format, "\(c.context): config member '\(key)' must be a list of integers")
  }
  return list.map { $0! }
}
