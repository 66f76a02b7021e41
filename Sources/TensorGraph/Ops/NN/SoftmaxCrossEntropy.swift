// Softmax cross-entropy with dense (probability) or sparse (class index)
// labels: per-row loss and its gradient with respect to the logits, fused.
// Kernels live in Runtime/Kernels/SoftmaxKernels.swift.

// MARK: - SoftmaxCrossEntropyWithLogits

extension StandardOps {
  static let softmaxCrossEntropyWithLogits = OpDef(
    "SoftmaxCrossEntropyWithLogits", inputs: ["features: T", "labels: T"], outputs: ["loss: T", "backprop: T"],
    attrs: ["T: {float32, float64}"],
    summary: "Computes the softmax cross-entropy loss per row of [batch, classes] logits and labels, and its gradient.",
    shape: { c in
      let features = c.shape(0), labels = c.shape(1)
      guard let shape = PartialShape.broadcast(features, labels) else {
        throw c.error(
          "'features' and 'labels' must have the same shape [batch, classes] or broadcast to one, but have shapes \(features) and \(labels)"
        )
      }
      guard let dims = shape.dims else { return [.unknown(rank: 1), .unknown(rank: 2)] }
      guard dims.count == 2 else {
        throw c.error(
          "'features' and 'labels' must be matrices [batch, classes] or broadcast to one, but have shapes \(features) and \(labels)"
        )
      }
      return [[dims[0]], shape]
    },
    kernel: softmaxCrossEntropyKernel,
    cost: elementwiseCost(flopsPerElement: transcendentalFlops + 8))
}

// MARK: - SparseSoftmaxCrossEntropyWithLogits

extension StandardOps {
  static let sparseSoftmaxCrossEntropyWithLogits = OpDef(
    "SparseSoftmaxCrossEntropyWithLogits", inputs: ["features: T", "labels: Tlabels"],
    outputs: ["loss: T", "backprop: T"], attrs: ["T: {float32, float64}", "Tlabels: {int32, int64} = int64"],
    summary: "Computes the softmax cross-entropy loss per row of [batch, classes] logits against class indices, and its gradient.",
    shape: { c in
      let features = c.shape(0), labels = c.shape(1)
      if let rank = features.rank, rank != 2 {
        throw c.error("'features' must be a matrix [batch, classes], but has shape \(features)")
      }
      if let rank = labels.rank, rank != 1 {
        throw c.error("'labels' must be a vector [batch], but has shape \(labels)")
      }
      guard let batch = features[0].merged(with: labels[0]) else {
        throw c.error(
          "'labels' must have one label per row of 'features', but 'labels' has shape \(labels) and 'features' has shape \(features)"
        )
      }
      return [[batch], [batch, features[1]]]
    },
    kernel: sparseSoftmaxCrossEntropyKernel,
    cost: elementwiseCost(flopsPerElement: transcendentalFlops + 5))
}

// MARK: - Builders

extension Graph {
  /// Softmax cross-entropy between `logits` and `labels` (probabilities),
  /// both `[batch, classes]` (`SoftmaxCrossEntropyWithLogits`): returns
  /// the per-row `loss = -Σ labels · log_softmax(logits)` and `backprop =
  /// softmax(logits) - labels`, its gradient with respect to the logits.
  public func softmaxCrossEntropyWithLogits(
    logits: Output, labels: Output, name: String? = nil, file: String = #fileID, line: Int = #line
  ) throws -> (loss: Output, backprop: Output) {
    let outputs = try buildMulti(
      "SoftmaxCrossEntropyWithLogits", [logits, labels], name: name, file: file, line: line)
    return (outputs[0], outputs[1])
  }

  /// Softmax cross-entropy between `logits` `[batch, classes]` and class
  /// indices `labels` `[batch]` (int32 or int64)
  /// (`SparseSoftmaxCrossEntropyWithLogits`): returns the per-row `loss =
  /// -log_softmax(logits)[label]` and `backprop = softmax(logits) -
  /// onehot(labels)`. A label outside `[0, classes)` throws at run time.
  public func sparseSoftmaxCrossEntropyWithLogits(
    logits: Output, labels: Output, name: String? = nil, file: String = #fileID, line: Int = #line
  ) throws -> (loss: Output, backprop: Output) {
    let outputs = try buildMulti(
      "SparseSoftmaxCrossEntropyWithLogits", [logits, labels], name: name, file: file, line: line)
    return (outputs[0], outputs[1])
  }
}
