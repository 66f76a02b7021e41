/// A 2-D convolution over images `[batch, height, width, channels]`:
/// `activation(conv2d(inputs, kernel) + bias)`.
///
///     Conv2D(32, kernelSize: 3, activation: "relu", inputShape: [28, 28, 1])
///     // kernel [3, 3, 1, 32], bias [32]; output (None, 26, 26, 32)
///
/// Keras's defaults: stride 1, `"valid"` padding, Glorot-uniform kernel
/// (fan-in and fan-out include the 3×3 receptive field), zero bias. The
/// graph holds `conv2d/kernel`, `conv2d/bias`, `conv2d/Conv2D`,
/// `conv2d/BiasAdd` and the activation (`conv2d/Relu`), as tf.keras builds
/// them. Channels last only (`data_format="channels_last"`).
public final class Conv2D: Layer {
  public static let className = "Conv2D"
  public let state: LayerState
  /// The number of output channels.
  public let filters: Int
  /// The window's height and width.
  public let kernelSize: [Int]
  /// The step between windows, height and width.
  public let strides: [Int]
  /// `"valid"` (no padding) or `"same"` (output size ⌈input / stride⌉).
  public let padding: String
  /// The spacing between the window's taps, height and width.
  public let dilationRate: [Int]
  /// The activation applied last.
  public let activation: ActivationFunction
  /// Whether the layer adds a bias.
  public let useBias: Bool
  /// How the kernel is initialized.
  public let kernelInitializer: Initializer
  /// How the bias is initialized.
  public let biasInitializer: Initializer
  /// The kernel `[kh, kw, input channels, filters]`, once built.
  public private(set) var kernel: Variable?
  /// The bias `[filters]`, once built.
  public private(set) var bias: Variable?

  /// Creates the layer.
  ///
  /// - Parameters:
  ///   - filters: The number of output channels.
  ///   - kernelSize: The window, one number for a square or `[height, width]`.
  ///   - strides: One number or `[height, width]` (default 1).
  ///   - padding: `"valid"` or `"same"` (either case).
  ///   - dilationRate: One number or `[height, width]` (default 1).
  ///   - activation: The activation (default none: `linear`).
  ///   - useBias: Whether to add a bias.
  ///   - kernelInitializer: Default Glorot uniform.
  ///   - biasInitializer: Default zeros.
  ///   - inputShape: `[height, width, channels]`, for a model's first layer.
  ///   - name: The layer name (default `conv2d`, `conv2d_1`, …).
  public init(
    _ filters: Int, kernelSize: [Int], strides: [Int] = [1], padding: String = "valid", dilationRate: [Int] = [1],
    activation: ActivationFunction = .linear, useBias: Bool = true,
    kernelInitializer: Initializer = .glorotUniform, biasInitializer: Initializer = .zeros,
    inputShape: [Int?]? = nil, name: String? = nil
  ) {
    self.filters = filters
    self.kernelSize = pair(kernelSize)
    self.strides = pair(strides)
    self.padding = padding.lowercased()
    self.dilationRate = pair(dilationRate)
    self.activation = activation
    self.useBias = useBias
    self.kernelInitializer = kernelInitializer
    self.biasInitializer = biasInitializer
    state = LayerState(Self.self, name: name, inputShape: inputShape)
  }

  /// Creates the layer with a square window (`Conv2D(32, 3)`).
  public convenience init(
    _ filters: Int, _ kernelSize: Int, strides: Int = 1, padding: String = "valid", dilationRate: Int = 1,
    activation: ActivationFunction = .linear, useBias: Bool = true,
    kernelInitializer: Initializer = .glorotUniform, biasInitializer: Initializer = .zeros,
    inputShape: [Int?]? = nil, name: String? = nil
  ) {
    self.init(
      filters, kernelSize: [kernelSize], strides: [strides], padding: padding, dilationRate: [dilationRate],
      activation: activation, useBias: useBias, kernelInitializer: kernelInitializer, biasInitializer: biasInitializer,
      inputShape: inputShape, name: name)
  }

  public func build(_ inputShapes: [PartialShape], in context: BuildContext) throws {
    guard filters > 0 else {
      throw TensorGraphError(.invalidArgument, "layer '\(name)' (Conv2D) needs a positive number of filters, not \(filters)")
    }
    try checkWindow(layer: self, "kernel_size", kernelSize)
    try checkWindow(layer: self, "strides", strides)
    try checkWindow(layer: self, "dilation_rate", dilationRate)
    try checkPadding(layer: self, padding)
    _ = try activation.validated()
    let shape = inputShapes[0]
    guard shape.rank == 4, let channels = shape[3].value else {
      throw TensorGraphError(
        .shapeMismatch,
        "layer '\(name)' (Conv2D) needs inputs [batch, height, width, channels] with known channels, "
          + "but got shape \(Shape.tupleDescription(shape))\(shape.rank == 3 ? " (add a channels axis: inputShape [h, w, 1])" : "")")
    }
    let window = zip(kernelSize, dilationRate).map { ($0 - 1) * $1 + 1 }
    try checkOutputSize(layer: self, input: shape, window: window, strides: strides, padding: padding)
    kernel = try context.addWeight("kernel", shape: kernelSize + [channels, filters], initializer: kernelInitializer)
    if useBias { bias = try context.addWeight("bias", shape: [filters], initializer: biasInitializer) }
  }

  public func call(_ inputs: [Output], in context: CallContext) throws -> [Output] {
    let g = context.graph
    guard let kernel else { throw TensorGraphError(.invalidArgument, "layer '\(name)' is not built") }
    var y = try g.conv2d(
      inputs[0], filter: kernel.value, strides: strides, padding: padding.uppercased(), dilations: dilationRate,
      name: "Conv2D")
    if let bias { y = try g.biasAdd(y, bias.value) }
    return [try activation.apply(y, in: g)]
  }

  public func config() -> [String: ConfigValue] {
    [
      "filters": .int(filters), "kernel_size": ints(kernelSize), "strides": ints(strides),
      "padding": .string(padding), "data_format": .string("channels_last"), "dilation_rate": ints(dilationRate),
      "groups": .int(1), "activation": .string(activation.name), "use_bias": .bool(useBias),
      "kernel_initializer": kernelInitializer.config, "bias_initializer": biasInitializer.config,
      "kernel_regularizer": .null, "bias_regularizer": .null, "activity_regularizer": .null,
      "kernel_constraint": .null, "bias_constraint": .null,
    ]
  }
}

/// The window op a pooling layer applies.
public protocol PoolingOp {
  /// The Keras class name (`MaxPooling2D`).
  static var className: String { get }
  /// Adds the op (`MaxPool`, `AvgPool`) to the graph.
  static func pool(_ g: Graph, _ x: Output, ksize: [Int], strides: [Int], padding: String) throws -> Output
}

/// `MaxPool`: the maximum over each window.
public enum MaxPoolOp: PoolingOp {
  public static let className = "MaxPooling2D"
  public static func pool(_ g: Graph, _ x: Output, ksize: [Int], strides: [Int], padding: String) throws -> Output {
    try g.maxPool(x, ksize: ksize, strides: strides, padding: padding, name: "MaxPool")
  }
}

/// `AvgPool`: the mean over each window (with `"same"` padding, of the
/// window's in-image values).
public enum AvgPoolOp: PoolingOp {
  public static let className = "AveragePooling2D"
  public static func pool(_ g: Graph, _ x: Output, ksize: [Int], strides: [Int], padding: String) throws -> Output {
    try g.avgPool(x, ksize: ksize, strides: strides, padding: padding, name: "AvgPool")
  }
}

/// A window slid over height and width (`max_pooling2d/MaxPool`,
/// `average_pooling2d/AvgPool`); use it as ``MaxPooling2D`` or
/// ``AveragePooling2D``.
///
///     MaxPooling2D(2)      // (None, 26, 26, 32) → (None, 13, 13, 32)
public final class Pooling2D<Op: PoolingOp>: Layer {
  public static var className: String { Op.className }
  public let state: LayerState
  /// The window's height and width.
  public let poolSize: [Int]
  /// The step between windows (default: the window).
  public let strides: [Int]
  /// `"valid"` or `"same"`.
  public let padding: String

  /// Creates the layer: window `poolSize` (one number or `[h, w]`),
  /// strides defaulting to the window, `"valid"` padding.
  public init(
    poolSize: [Int] = [2, 2], strides: [Int]? = nil, padding: String = "valid", inputShape: [Int?]? = nil,
    name: String? = nil
  ) {
    self.poolSize = pair(poolSize)
    self.strides = pair(strides ?? poolSize)
    self.padding = padding.lowercased()
    state = LayerState(Self.self, name: name, inputShape: inputShape)
  }

  /// Creates the layer with a square window (`MaxPooling2D(2)`).
  public convenience init(_ poolSize: Int, strides: Int? = nil, padding: String = "valid", name: String? = nil) {
    self.init(poolSize: [poolSize], strides: strides.map { [$0] }, padding: padding, name: name)
  }

  public func build(_ inputShapes: [PartialShape], in context: BuildContext) throws {
    let shape = inputShapes[0]
    try checkWindow(layer: self, "pool_size", poolSize)
    try checkWindow(layer: self, "strides", strides)
    try checkPadding(layer: self, padding)
    guard shape.rank == 4 else {
      throw TensorGraphError(
        .shapeMismatch,
        "layer '\(name)' (\(Self.className)) needs inputs [batch, height, width, channels], "
          + "but got shape \(Shape.tupleDescription(shape))")
    }
    try checkOutputSize(layer: self, input: shape, window: poolSize, strides: strides, padding: padding)
  }

  public func call(_ inputs: [Output], in context: CallContext) throws -> [Output] {
    [try Op.pool(context.graph, inputs[0], ksize: poolSize, strides: strides, padding: padding.uppercased())]
  }

  public func config() -> [String: ConfigValue] {
    [
      "pool_size": ints(poolSize), "strides": ints(strides), "padding": .string(padding),
      "data_format": .string("channels_last"),
    ]
  }
}

/// The maximum over each window (`max_pooling2d/MaxPool`).
public typealias MaxPooling2D = Pooling2D<MaxPoolOp>

/// The mean over each window (`average_pooling2d/AvgPool`).
public typealias AveragePooling2D = Pooling2D<AvgPoolOp>

/// The mean over height and width of each channel
/// (`global_average_pooling2d/Mean`): `[batch, h, w, c]` → `[batch, c]`,
/// or `[batch, 1, 1, c]` with `keepdims`.
public final class GlobalAveragePooling2D: Layer {
  public static let className = "GlobalAveragePooling2D"
  public let state: LayerState
  /// Whether the pooled axes stay, with size 1.
  public let keepdims: Bool

  /// Creates the layer.
  public init(keepdims: Bool = false, inputShape: [Int?]? = nil, name: String? = nil) {
    self.keepdims = keepdims
    state = LayerState(Self.self, name: name, inputShape: inputShape)
  }

  public func build(_ inputShapes: [PartialShape], in context: BuildContext) throws {
    guard inputShapes[0].rank == 4 else {
      throw TensorGraphError(
        .shapeMismatch,
        "layer '\(name)' (GlobalAveragePooling2D) needs inputs [batch, height, width, channels], "
          + "but got shape \(Shape.tupleDescription(inputShapes[0]))")
    }
  }

  public func call(_ inputs: [Output], in context: CallContext) throws -> [Output] {
    [try context.graph.mean(inputs[0], axes: [1, 2], keepDims: keepdims, name: "Mean")]
  }

  public func config() -> [String: ConfigValue] {
    ["data_format": .string("channels_last"), "keepdims": .bool(keepdims)]
  }
}

// MARK: - Shared checks

/// `[n]` → `[n, n]`; anything else unchanged (checked at build).
private func pair(_ v: [Int]) -> [Int] { v.count == 1 ? [v[0], v[0]] : v }

private func ints(_ v: [Int]) -> ConfigValue { .array(v.map { .int($0) }) }

private func checkWindow(layer: any Layer, _ what: String, _ v: [Int]) throws {
  guard v.count == 2, v.allSatisfy({ $0 > 0 }) else {
    throw TensorGraphError(
      .invalidArgument,
      "layer '\(layer.name)' (\(type(of: layer).className)): \(what) must be one positive number or two, not \(v)")
  }
}

private func checkPadding(layer: any Layer, _ padding: String) throws {
  guard padding == "valid" || padding == "same" else {
    throw TensorGraphError(
      .invalidArgument, "layer '\(layer.name)' (\(type(of: layer).className)): padding must be \"valid\" or \"same\", not \"\(padding)\"")
  }
}

/// With `"valid"` padding the (dilated) window must fit in the input.
private func checkOutputSize(
  layer: any Layer, input: PartialShape, window: [Int], strides: [Int], padding: String
) throws {
  guard padding == "valid" else { return }
  for axis in 0..<2 {
    if let size = input[axis + 1].value, size < window[axis] {
      throw TensorGraphError(
        .shapeMismatch,
        "layer '\(layer.name)' (\(type(of: layer).className)): the \(window[0])×\(window[1]) window does not fit "
          + "in inputs of shape \(Shape.tupleDescription(input)) with \"valid\" padding; "
          + "use padding \"same\" or a smaller window")
    }
  }
}
