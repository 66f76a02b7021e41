/// Applies an activation function: `Activation("relu")` (`activation/Relu`).
public final class Activation: Layer {
  public static let className = "Activation"
  public let state: LayerState
  /// The function applied.
  public let activation: ActivationFunction

  /// Creates the layer.
  public init(_ activation: ActivationFunction, inputShape: [Int?]? = nil, name: String? = nil) {
    self.activation = activation
    state = LayerState(Self.self, name: name, inputShape: inputShape)
  }

  public func build(_ inputShapes: [PartialShape], in context: BuildContext) throws {
    _ = try activation.validated()
  }

  public func call(_ inputs: [Output], in context: CallContext) throws -> [Output] {
    // A linear activation still gets its own node, so the layer has an output.
    let y = try activation.apply(inputs[0], in: context.graph)
    return [y == inputs[0] ? try context.graph.identity(y) : y]
  }

  public func config() -> [String: ConfigValue] { ["activation": .string(activation.name)] }
}

/// Softmax over the last axis: turns logits into probabilities
/// (`softmax/Softmax`).
public final class Softmax: Layer {
  public static let className = "Softmax"
  public let state: LayerState
  /// The axis normalized (only the last axis, `-1`, is supported).
  public let axis: Int

  /// Creates the layer.
  public init(axis: Int = -1, inputShape: [Int?]? = nil, name: String? = nil) {
    self.axis = axis
    state = LayerState(Self.self, name: name, inputShape: inputShape)
  }

  public func call(_ inputs: [Output], in context: CallContext) throws -> [Output] {
    let x = inputs[0]
    if let rank = x.shape.rank, axis != -1, axis != rank - 1 {
      throw TensorGraphError(
        .invalidArgument, "layer '\(name)' (Softmax): only the last axis is supported, not axis \(axis) of a rank-\(rank) input")
    }
    return [try context.graph.softmax(x)]
  }

  public func config() -> [String: ConfigValue] { ["axis": .int(axis)] }
}
