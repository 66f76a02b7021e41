/// Flattens each example to a vector: `[batch, 28, 28]` → `[batch, 784]`
/// (`flatten/Reshape`).
public final class Flatten: Layer {
  public static let className = "Flatten"
  public let state: LayerState

  /// Creates the layer.
  ///
  /// - Parameters:
  ///   - inputShape: The input shape without batch, for a model's first
  ///     layer (`Flatten(inputShape: [28, 28])`).
  ///   - name: The layer name (default `flatten`, `flatten_1`, …).
  public init(inputShape: [Int?]? = nil, name: String? = nil) {
    state = LayerState(Self.self, name: name, inputShape: inputShape)
  }

  public func call(_ inputs: [Output], in context: CallContext) throws -> [Output] {
    let x = inputs[0]
    let g = context.graph
    guard let dims = x.shape.dims, !dims.isEmpty else {
      throw TensorGraphError(.shapeMismatch, "layer '\(name)' (Flatten) needs inputs with a batch dimension, not \(x.shape)")
    }
    let features = Shape.featureDims(x.shape)
    if features.allSatisfy({ $0 != nil }) {
      return [try g.reshape(x, [-1, features.reduce(1) { $0 * $1! }])]
    }
    // Unknown inner sizes: keep the batch size, let Reshape infer the rest.
    let batch = try g.slice(try g.shape(of: x), begin: [0], size: [1])
    let target = try g.concat([batch, try g.constant(Tensor([Int32(-1)]))], axis: 0)
    return [try g.reshape(x, shape: target)]
  }
}

/// Reshapes each example to `targetShape` (one entry may be `-1`):
/// `Reshape([7, 7, 16])` (`reshape/Reshape`).
public final class Reshape: Layer {
  public static let className = "Reshape"
  public let state: LayerState
  /// The shape of one output example.
  public let targetShape: [Int]

  /// Creates the layer.
  public init(_ targetShape: [Int], inputShape: [Int?]? = nil, name: String? = nil) {
    self.targetShape = targetShape
    state = LayerState(Self.self, name: name, inputShape: inputShape)
  }

  public func call(_ inputs: [Output], in context: CallContext) throws -> [Output] {
    let x = inputs[0]
    let unknowns = targetShape.filter { $0 == -1 }.count
    guard unknowns <= 1, targetShape.allSatisfy({ $0 >= 0 || $0 == -1 }) else {
      throw TensorGraphError(
        .invalidArgument, "layer '\(name)' (Reshape): target shape \(targetShape) may hold one -1 and no other negative sizes")
    }
    let features = Shape.featureDims(x.shape)
    var target = targetShape
    if features.allSatisfy({ $0 != nil }) {
      let total = features.reduce(1) { $0 * $1! }
      let known = target.filter { $0 != -1 }.reduce(1, *)
      if unknowns == 1 {
        guard known > 0, total % known == 0 else {
          throw TensorGraphError(
            .shapeMismatch,
            "layer '\(name)' (Reshape): total size of new array must be unchanged, input_shape = \(features.map { $0! }), output_shape = \(targetShape)")
        }
        target = target.map { $0 == -1 ? total / known : $0 }
      } else if known != total {
        throw TensorGraphError(
          .shapeMismatch,
          "layer '\(name)' (Reshape): total size of new array must be unchanged, input_shape = \(features.map { $0! }), output_shape = \(targetShape)")
      }
    } else if unknowns == 1 {
      throw TensorGraphError(
        .shapeMismatch, "layer '\(name)' (Reshape): a -1 in the target needs known input dimensions, not \(x.shape)")
    }
    return [try context.graph.reshape(x, [-1] + target)]
  }

  public func config() -> [String: ConfigValue] {
    ["target_shape": .array(targetShape.map(ConfigValue.int))]
  }
}
