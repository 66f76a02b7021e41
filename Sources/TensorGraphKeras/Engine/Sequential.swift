/// A model that is a plain stack of layers, each feeding the next.
///
///     let model = try Sequential([
///       Flatten(inputShape: [28, 28]),
///       Dense(128, activation: "relu"),
///       Dense(10, activation: "softmax"),
///     ])
///
/// When the first layer declares its input shape (or is a model), the
/// model builds at once, as each layer is added; otherwise it builds on
/// first use (`fit`, `predict`, a call) or ``build(inputShape:)``. Its
/// input placeholder is named after the first layer (`flatten_input`).
public final class Sequential: Model {
  /// `Sequential`.
  override public class var className: String { "Sequential" }

  private var stack: [any Layer] = []

  /// Creates the model from `layers` (each is ``add(_:)``ed).
  ///
  /// - Throws: ``TensorGraphError`` when a layer does not fit the output of
  ///   the one before.
  public init(_ layers: [any Layer] = [], name: String? = nil) throws {
    super.init(unbuiltNamed: name, className: "Sequential")
    for layer in layers { try add(layer) }
  }

  /// The layers, in order (no input layer).
  override public var layers: [any Layer] { stack }

  /// Appends a layer, connecting it to the current output when the model
  /// is built.
  ///
  /// - Throws: ``TensorGraphError`` when the layer does not fit, or it is a
  ///   multi-output layer.
  public func add(_ layer: any Layer) throws {
    if let input = layer as? InputLayer {
      guard stack.isEmpty, inputs.isEmpty else {
        throw TensorGraphError(
          .invalidArgument, "an InputLayer can only be the first layer of Sequential model '\(name)'")
      }
      try setNetwork(inputs: [input.output], outputs: [input.output])
      return
    }
    if let last = outputs.first, !inputs.isEmpty {
      let out = try layer.apply([last], site: nil, scope: nil)
      guard out.count == 1 else {
        throw TensorGraphError(
          .invalidArgument, "Sequential model '\(name)' takes single-output layers; '\(layer.name)' has \(out.count)")
      }
      stack.append(layer)
      try setNetwork(inputs: inputs, outputs: out)
    } else if stack.isEmpty, let shape = Sequential.declaredShape(of: layer) {
      stack.append(layer)
      try build(inputShape: shape, inputName: layer.name + "_input")
    } else {
      stack.append(layer)
    }
  }

  /// Starts the model at `input`, an ``Input(shape:batchSize:name:dtype:)``
  /// (`model.add(Input(shape: [4]))`).
  public func add(_ input: KerasTensor) throws {
    guard let layer = input.layer as? InputLayer else {
      throw TensorGraphError(
        .invalidArgument, "Sequential.add takes layers, or an Input(shape:) to start the model; '\(input.output.node.name)' is neither")
    }
    try add(layer)
  }

  /// Removes the last layer (Keras's `pop()`), rebuilding the model from
  /// the remaining layers when it was built.
  public func pop() throws {
    guard !stack.isEmpty else { throw TensorGraphError(.invalidArgument, "there are no layers in the model") }
    stack.removeLast()
    guard let input = inputs.first else { return }
    network = nil
    outputs = [input]
    let layers = stack
    stack = []
    try setNetwork(inputs: [input], outputs: [input])
    for layer in layers { try add(layer) }
  }

  /// Builds the model for examples of shape `inputShape` (no batch
  /// dimension), creating its input placeholder and every layer's weights.
  public func build(inputShape: [Int?]) throws {
    try build(inputShape: inputShape, inputName: (stack.first?.name ?? name) + "_input")
  }

  private func build(inputShape: [Int?], inputName: String) throws {
    guard inputs.isEmpty else {
      let have = Shape.featureDims(inputs[0].shape)
      guard PartialShape(have).isCompatible(with: PartialShape(inputShape)) else {
        throw TensorGraphError(
          .shapeMismatch,
          "Input 0 of layer \"\(name)\" is incompatible with the layer: expected shape=\(Shape.tupleDescription([nil] + have)), found shape=\(Shape.tupleDescription([nil] + inputShape))")
      }
      return
    }
    let input = try context.run { try Input(shape: inputShape, name: inputName) }
    var x = input
    for layer in stack {
      let out = try layer.apply([x], site: nil, scope: nil)
      guard out.count == 1 else {
        throw TensorGraphError(
          .invalidArgument, "Sequential model '\(name)' takes single-output layers; '\(layer.name)' has \(out.count)")
      }
      x = out[0]
    }
    try setNetwork(inputs: [input], outputs: [x])
  }

  /// The shape the first layer declares: its `inputShape`, or a nested
  /// model's input shape.
  static func declaredShape(of layer: any Layer) -> [Int?]? {
    if let shape = layer.state.declaredInputShape { return shape }
    if let model = layer as? Model, model.inputs.count == 1 { return Shape.featureDims(model.inputs[0].shape) }
    return nil
  }

  override func setNetwork(inputs: [KerasTensor], outputs: [KerasTensor]) throws {
    try super.setNetwork(inputs: inputs, outputs: outputs)
    state.nestedLayers = stack
  }

  /// Builds the model for data of shape `shape` (batch first) if it is not
  /// built yet.
  override func ensureBuilt(forDataShape shape: [Int]) throws {
    if inputs.isEmpty { try build(inputShape: shape.dropFirst().map { $0 }) }
  }
}
