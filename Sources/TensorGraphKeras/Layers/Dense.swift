/// A densely connected layer: `activation(inputs · kernel + bias)`.
///
///     Dense(128, activation: "relu")      // kernel [in, 128], bias [128]
///
/// Keras's defaults: Glorot-uniform kernel, zero bias. The graph holds
/// `dense/kernel`, `dense/bias`, `dense/MatMul`, `dense/BiasAdd` and the
/// activation (`dense/Relu`). Inputs of rank > 2 are multiplied on their
/// last axis.
public final class Dense: Layer {
  public static let className = "Dense"
  public let state: LayerState
  /// The output width.
  public let units: Int
  /// The activation applied last.
  public let activation: ActivationFunction
  /// Whether the layer adds a bias.
  public let useBias: Bool
  /// How the kernel is initialized.
  public let kernelInitializer: Initializer
  /// How the bias is initialized.
  public let biasInitializer: Initializer
  /// The kernel `[input width, units]`, once built.
  public private(set) var kernel: Variable?
  /// The bias `[units]`, once built.
  public private(set) var bias: Variable?

  /// Creates the layer.
  ///
  /// - Parameters:
  ///   - units: The output width.
  ///   - activation: The activation (default none: `linear`).
  ///   - useBias: Whether to add a bias.
  ///   - kernelInitializer: Default Glorot uniform.
  ///   - biasInitializer: Default zeros.
  ///   - inputShape: The input shape without batch, for a model's first layer.
  ///   - name: The layer name (default `dense`, `dense_1`, …).
  public init(
    _ units: Int, activation: ActivationFunction = .linear, useBias: Bool = true,
    kernelInitializer: Initializer = .glorotUniform, biasInitializer: Initializer = .zeros,
    inputShape: [Int?]? = nil, name: String? = nil
  ) {
    self.units = units
    self.activation = activation
    self.useBias = useBias
    self.kernelInitializer = kernelInitializer
    self.biasInitializer = biasInitializer
    state = LayerState(Self.self, name: name, inputShape: inputShape)
  }

  public func build(_ inputShapes: [PartialShape], in context: BuildContext) throws {
    guard units > 0 else {
      throw TensorGraphError(.invalidArgument, "Dense layer '\(name)' needs a positive number of units, not \(units)")
    }
    _ = try activation.validated()
    let shape = inputShapes[0]
    guard let rank = shape.rank, rank >= 2, let inputWidth = shape[rank - 1].value else {
      throw TensorGraphError(
        .shapeMismatch,
        "layer '\(name)' (Dense) needs inputs of rank ≥ 2 with a known last dimension, but got shape \(Shape.tupleDescription(shape))")
    }
    kernel = try context.addWeight("kernel", shape: [inputWidth, units], initializer: kernelInitializer)
    if useBias { bias = try context.addWeight("bias", shape: [units], initializer: biasInitializer) }
  }

  public func call(_ inputs: [Output], in context: CallContext) throws -> [Output] {
    let g = context.graph
    guard let kernel else { throw TensorGraphError(.invalidArgument, "layer '\(name)' is not built") }
    var x = inputs[0]
    guard let rank = x.shape.rank, rank >= 2 else {
      throw TensorGraphError(.shapeMismatch, "layer '\(name)' (Dense) needs inputs of rank ≥ 2, not \(x.shape)")
    }
    var y: Output
    if rank == 2 {
      y = try g.matMul(x, kernel.value)
    } else {
      // Tensordot on the last axis: flatten the leading axes, multiply, restore.
      let inner = Shape.featureDims(x.shape).dropLast()
      guard inner.allSatisfy({ $0 != nil }) else {
        throw TensorGraphError(
          .shapeMismatch, "layer '\(name)' (Dense) needs known inner dimensions for rank-\(rank) inputs, not \(x.shape)")
      }
      x = try g.reshape(x, [-1, kernel.ref.shape[0].value!])
      y = try g.reshape(try g.matMul(x, kernel.value), [-1] + inner.map { $0! } + [units])
    }
    if let bias { y = try g.biasAdd(y, bias.value) }
    return [try activation.apply(y, in: g)]
  }

  public func config() -> [String: ConfigValue] {
    ["units": .int(units), "activation": .string(activation.name), "use_bias": .bool(useBias),
     "kernel_initializer": kernelInitializer.config, "bias_initializer": biasInitializer.config]
  }
}
