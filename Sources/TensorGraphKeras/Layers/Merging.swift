/// Adds its inputs elementwise: `Add()([a, b])` (`add/add`).
public final class Add: Layer {
  public static let className = "Add"
  public let state: LayerState

  /// Creates the layer.
  public init(name: String? = nil) {
    state = LayerState(Self.self, name: name)
  }

  public var inputCountRange: ClosedRange<Int> { 2...Int.max }

  public func build(_ inputShapes: [PartialShape], in context: BuildContext) throws {
    var shape = inputShapes[0]
    for s in inputShapes.dropFirst() {
      guard let merged = PartialShape.broadcast(shape, s) else {
        throw TensorGraphError(
          .shapeMismatch,
          "layer '\(name)' (Add): inputs must have the same shape, but got \(inputShapes.map { Shape.tupleDescription($0) }.joined(separator: ", "))")
      }
      shape = merged
    }
  }

  public func call(_ inputs: [Output], in context: CallContext) throws -> [Output] {
    var sum = inputs[0]
    for x in inputs.dropFirst() { sum = try context.graph.add(sum, x, name: "add") }
    return [sum]
  }
}

/// Concatenates its inputs along an axis (default the last):
/// `Concatenate()([a, b])` (`concatenate/concat`).
public final class Concatenate: Layer {
  public static let className = "Concatenate"
  public let state: LayerState
  /// The axis joined (negative counts from the end).
  public let axis: Int

  /// Creates the layer.
  public init(axis: Int = -1, name: String? = nil) {
    self.axis = axis
    state = LayerState(Self.self, name: name)
  }

  public var inputCountRange: ClosedRange<Int> { 2...Int.max }

  public func call(_ inputs: [Output], in context: CallContext) throws -> [Output] {
    guard let rank = inputs[0].shape.rank else {
      throw TensorGraphError(.shapeMismatch, "layer '\(name)' (Concatenate) needs inputs of known rank")
    }
    let a = axis < 0 ? axis + rank : axis
    guard a >= 1, a < rank else {
      throw TensorGraphError(
        .invalidArgument, "layer '\(name)' (Concatenate): axis \(axis) is out of range for inputs of rank \(rank) (the batch axis cannot be joined)")
    }
    return [try context.graph.concat(inputs, axis: a, name: "concat")]
  }

  public func config() -> [String: ConfigValue] { ["axis": .int(axis)] }
}
