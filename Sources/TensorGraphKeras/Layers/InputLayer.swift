/// The layer behind ``Input(shape:batchSize:name:dtype:)``: a placeholder
/// named after the layer (`input_1`) that a model's data is fed to.
public final class InputLayer: Layer {
  public static let className = "InputLayer"
  public let state: LayerState
  /// The placeholder.
  public let placeholder: Output
  /// The shape with the batch dimension (`[nil, 28, 28]`).
  public let batchInputShape: [Int?]

  /// Creates an input layer and its placeholder in the current context.
  ///
  /// - Parameters:
  ///   - shape: The shape of one example (no batch dimension).
  ///   - batchSize: A fixed batch size, if any.
  ///   - name: The layer (and placeholder) name; default `input_1`,
  ///     `input_2`, … per context, as Keras numbers inputs.
  ///   - dtype: The element type fed (float32 by default).
  public init(shape: [Int?], batchSize: Int? = nil, name: String? = nil, dtype: DType = .float32) throws {
    let context = KerasContext.current
    for d in shape where d.map({ $0 < 0 }) ?? false {
      throw TensorGraphError(.invalidArgument, "Input shape \(shape) has a negative dimension")
    }
    let layerName: String
    if let name {
      KerasNaming.reserve(name, in: context.graph)
      layerName = name
    } else {
      layerName = "input_\(KerasNaming.nextUID("input", in: context.graph))"
    }
    state = LayerState(exactName: layerName, context: context)
    let batchShape = [batchSize] + shape
    batchInputShape = batchShape
    placeholder = try context.graph.withNameScope("/") {
      try context.graph.placeholder(dtype, shape: batchShape, name: layerName)
    }
    state.isBuilt = true
    let output = KerasTensor(placeholder, history: (self, 0, 0))
    state.inboundNodes.append(LayerNode(layer: self, inputs: [], outputs: [output]))
    self.output = output
  }

  /// The symbolic tensor this layer outputs.
  public private(set) var output: KerasTensor!

  public var inputCountRange: ClosedRange<Int> { 0...0 }

  public func call(_ inputs: [Output], in context: CallContext) throws -> [Output] { [placeholder] }

  public func config() -> [String: ConfigValue] {
    ["batch_input_shape": .shape(batchInputShape), "dtype": .string(placeholder.dtype.rawValue),
     "sparse": .bool(false), "ragged": .bool(false)]
  }
}

/// A symbolic input of a functional model (`keras.Input`): an
/// ``InputLayer``'s output.
///
///     let inputs = try Input(shape: [28, 28])
///     let x = try Flatten()(inputs)
///
/// - Parameters:
///   - shape: The shape of one example, without the batch dimension;
///     `nil` marks an unknown dimension.
///   - batchSize: A fixed batch size, if any.
///   - name: The input's name (default `input_1`, `input_2`, …).
///   - dtype: The element type (float32).
public func Input(shape: [Int?], batchSize: Int? = nil, name: String? = nil, dtype: DType = .float32) throws
  -> KerasTensor
{
  try InputLayer(shape: shape, batchSize: batchSize, name: name, dtype: dtype).output
}
