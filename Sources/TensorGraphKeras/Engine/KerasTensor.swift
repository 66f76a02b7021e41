/// A symbolic tensor of the functional API: a value in a model's graph,
/// plus where it came from (the layer call that produced it).
///
///     let inputs = try Input(shape: [784])
///     let h = try Dense(64, activation: "relu")(inputs)     // a KerasTensor
///     print(h.shape)                                        // [?, 64]
///
/// Its ``output`` is an ordinary TensorGraph ``Output``: the graph node a
/// layer added (`dense/Relu:0`).
public final class KerasTensor: CustomStringConvertible {
  /// The graph value.
  public let output: Output
  /// The layer call that produced it: the layer, the index of the call
  /// among the layer's calls, and the output's index in that call.
  let history: (layer: any Layer, nodeIndex: Int, tensorIndex: Int)?

  init(_ output: Output, history: (layer: any Layer, nodeIndex: Int, tensorIndex: Int)?) {
    self.output = output
    self.history = history
  }

  /// The shape, with an unknown batch dimension (`[?, 28, 28]`).
  public var shape: PartialShape { output.shape }
  /// The element type.
  public var dtype: DType { output.dtype }
  /// The graph it belongs to.
  public var graph: Graph { output.graph }

  /// The layer that produced it.
  public var layer: (any Layer)? { history?.layer }

  public var description: String {
    let source = history.map { " (created by layer '\($0.layer.name)')" } ?? ""
    return "KerasTensor(shape=\(Shape.tupleDescription(shape)), dtype=\(dtype), name='\(output.node.name)')\(source)"
  }
}

/// Shape helpers: Keras's printed shapes and checks.
enum Shape {
  /// A shape as Python prints Keras's shape tuples: `(None, 28, 28)`,
  /// `(None,)`, `()`.
  static func tupleDescription(_ shape: PartialShape) -> String {
    guard let dims = shape.dims else { return "?" }
    let parts = dims.map { $0.value.map(String.init) ?? "None" }
    if parts.count == 1 { return "(\(parts[0]),)" }
    return "(" + parts.joined(separator: ", ") + ")"
  }

  /// A shape as Python prints a tuple of optional dimensions.
  static func tupleDescription(_ dims: [Int?]) -> String {
    tupleDescription(PartialShape(dims: dims.map(Dimension.init)))
  }

  /// `[batch] + dims` as a partial shape with an unknown batch dimension.
  static func batched(_ dims: [Int?]) -> PartialShape {
    PartialShape(dims: [.unknown] + dims.map(Dimension.init))
  }

  /// The dimensions of `shape` after the batch dimension.
  static func featureDims(_ shape: PartialShape) -> [Int?] {
    (shape.dims ?? []).dropFirst().map(\.value)
  }
}
