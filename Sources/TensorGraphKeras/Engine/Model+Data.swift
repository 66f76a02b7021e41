// Checks and conversions of the arrays given to fit, evaluate and predict:
// every problem is reported before any step runs, in Keras's words where
// Keras has them.

extension Model {
  /// Checks `x` against the model's input and converts it to the input's
  /// dtype (uint8 images become float32, as Keras casts them).
  func prepareInputs(_ x: Tensor, for what: String) throws -> Tensor {
    guard x.rank >= 1 else {
      throw TensorGraphError(.invalidArgument, "\(what): x must have a batch dimension, but is a scalar")
    }
    guard x.shape[0] > 0 else {
      throw TensorGraphError(
        .invalidArgument,
        "\(what): the data is empty (x has shape \(x.shape)); pass at least one example")
    }
    try ensureBuilt(forDataShape: x.shape)
    _ = try requireNetwork(what)
    guard inputs.count == 1 else {
      throw TensorGraphError(
        .invalidArgument, "\(what): model '\(name)' has \(inputs.count) inputs; pass models with one input a single array")
    }
    let input = inputs[0]
    guard input.shape.accepts(x.shape) else {
      throw TensorGraphError(
        .shapeMismatch,
        "Input 0 of layer \"\(name)\" is incompatible with the layer: expected shape=\(Shape.tupleDescription(input.shape)), found shape=\(Shape.tupleDescription([nil] + x.shape.dropFirst().map { $0 }))")
    }
    guard x.dtype.isNumeric else {
      throw TensorGraphError(.dtypeMismatch, "\(what): x must be numeric, not \(x.dtype)")
    }
    return x.converted(to: input.dtype)
  }

  /// Checks targets `y` for `n` examples against the compiled loss and
  /// converts them to what the target placeholder takes: int32 class
  /// indices for sparse losses (range-checked), float values shaped like
  /// the output otherwise.
  func prepareTargets(_ y: Tensor, count n: Int, compiled: CompiledModel, for what: String) throws -> Tensor {
    guard y.rank >= 1 else {
      throw TensorGraphError(.invalidArgument, "\(what): y must have a batch dimension, but is a scalar")
    }
    guard y.shape[0] == n else {
      throw TensorGraphError(
        .invalidArgument,
        "Data cardinality is ambiguous: x sizes: \(n), y sizes: \(y.shape[0]). Make sure all arrays contain the same number of samples.")
    }
    let target = compiled.target
    let output = outputs[0].output
    if let classes = compiled.classes {
      var shape = y.shape
      if shape.count == (target.shape.rank ?? 1) + 1, shape.last == 1 { shape.removeLast() }
      guard target.shape.accepts(shape) else {
        let hint =
          y.rank == (output.shape.rank ?? 2)
          ? ": \(compiled.loss.name) takes class indices — for one-hot targets use categorical_crossentropy" : ""
        throw TensorGraphError(
          .shapeMismatch,
          "\(what): targets of shape \(Shape.tupleDescription([nil] + y.shape.dropFirst().map { $0 })) do not fit \(compiled.loss.name) for outputs of shape \(Shape.tupleDescription(output.shape)), which takes class indices of shape \(Shape.tupleDescription(target.shape))\(hint)")
      }
      guard y.dtype != .bool else {
        throw TensorGraphError(.dtypeMismatch, "\(what): class labels must be numbers, not bool")
      }
      // Range check on the host, so the error names the example.
      let values = y.doubles()
      for (i, v) in values.enumerated() where !(v >= 0 && v < Double(classes) && v.rounded(.towardZero) == v) {
        let shown = v.rounded(.towardZero) == v ? String(Int(v)) : String(v)
        throw TensorGraphError(
          .invalidArgument,
          "Received a label value of \(shown) which is outside the valid range of [0, \(classes)) (y[\(i)]); the model's output has \(classes) classes")
      }
      return try y.converted(to: .int32).reshaped(to: shape)
    }
    var shape = y.shape
    let want = target.shape
    if !want.accepts(shape), let rank = want.rank, shape.count == rank - 1, want[rank - 1].value == 1 {
      shape.append(1)
    }
    guard want.accepts(shape) else {
      var hint = ""
      if y.rank == 1, compiled.loss is CategoricalCrossentropy {
        hint = "; categorical_crossentropy takes one-hot targets — convert class indices with toCategorical(_:) or use sparse_categorical_crossentropy"
      }
      throw TensorGraphError(
        .shapeMismatch,
        "\(what): targets of shape \(Shape.tupleDescription([nil] + y.shape.dropFirst().map { $0 })) do not match the model's output shape \(Shape.tupleDescription(output.shape))\(hint)")
    }
    guard y.dtype != .bool else {
      throw TensorGraphError(.dtypeMismatch, "\(what): targets must be numbers, not bool")
    }
    return try y.converted(to: target.dtype).reshaped(to: shape)
  }

  /// The learning-phase placeholder when the model's outputs depend on it
  /// (a Dropout layer), so runs must feed it.
  var learningPhaseFeed: Output? {
    guard let phase = context.existingLearningPhase else { return nil }
    let needed = graph.subgraph(fetches: outputs.map(\.output))
    return needed.contains(phase.nodeID) ? phase : nil
  }
}

/// Checks a batch size.
func checkBatchSize(_ batchSize: Int, _ what: String) throws {
  guard batchSize > 0 else {
    throw TensorGraphError(.invalidArgument, "\(what): batch size must be a positive integer, got \(batchSize)")
  }
}

/// The scalar boolean tensors fed to the learning phase.
enum LearningPhaseValue {
  static let training = Tensor(true)
  static let inference = Tensor(false)
}
