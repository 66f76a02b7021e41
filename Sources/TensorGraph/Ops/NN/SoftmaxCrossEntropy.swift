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
    gradient: .function { c in
      // loss = −Σ labels·log_softmax(f) per row, backprop = softmax(f) − labels:
      //   ∂loss/∂f = softmax(f)·Σlabels − labels = backprop (labels rows
      //     are distributions, as the op and TensorFlow's gradient assume)
      //   ∂loss/∂labels = −log_softmax(f)
      //   ∂backprop/∂f = softmax's Jacobian    ∂backprop/∂labels = −I
      // (TensorFlow's _SoftmaxCrossEntropyWithLogitsGrad, which leaves out the
      // −I term; it is kept here so the labels' gradient is exact whenever
      // the backprop output is used too). Both are then summed back to
      // their operand's shape.
      let g = c.graph, features = c.input(0), labels = c.input(1), backprop = c.output(1)
      let logits = try logitsAcrossClasses(g, features: features, backprop: backprop)
      var dFeatures: [Output] = [], dLabels: [Output] = []
      if let gradLoss = c.upstream[0] {
        let column = try g.expandDims(gradLoss, axis: -1)
        dFeatures.append(try g.multiply(column, backprop))
        dLabels.append(try g.multiply(column, try g.negate(try g.logSoftmax(logits))))
      }
      if let gradBackprop = c.upstream[1] {
        dFeatures.append(try softmaxJacobianProduct(g, gradBackprop, softmax: try g.softmax(logits)))
        dLabels.append(try g.negate(gradBackprop))
      }
      return [
        try c.unbroadcast(try sumOf(g, dFeatures), to: features, other: labels),
        try c.unbroadcast(try sumOf(g, dLabels), to: labels, other: features),
      ]
    },
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
    gradient: .function { c in
      // loss = −log_softmax(f)[label] per row, backprop = softmax(f) −
      // onehot(label): ∂loss/∂f = backprop, ∂backprop/∂f = softmax's
      // Jacobian; the integer labels get none (TensorFlow's
      // _SparseSoftmaxCrossEntropyWithLogitsGrad).
      let g = c.graph
      var dFeatures: [Output] = []
      if let gradLoss = c.upstream[0] {
        dFeatures.append(try g.multiply(try g.expandDims(gradLoss, axis: -1), c.output(1)))
      }
      if let gradBackprop = c.upstream[1] {
        dFeatures.append(try softmaxJacobianProduct(g, gradBackprop, softmax: try g.softmax(c.input(0))))
      }
      return [try sumOf(g, dFeatures), nil]
    },
    cost: elementwiseCost(flopsPerElement: transcendentalFlops + 5))
}

// MARK: - Gradient support

/// The logits the kernel took softmax of, up to batch broadcasting (which
/// the gradient's elementwise ops broadcast the same way): `features`,
/// unless it may have one column stretched across the classes, which is
/// then done explicitly.
private func logitsAcrossClasses(_ g: Graph, features: Output, backprop: Output) throws -> Output {
  if case .known(let n)? = features.shape.dims?.last, n != 1 || backprop.shape.dims?.last == .known(1) {
    return features
  }
  return try g.add(features, try g.zerosLike(backprop))
}

/// `v` times the Jacobian of softmax, `(v − Σ v·s)·s` with the sum over the
/// last axis (as Softmax's gradient).
private func softmaxJacobianProduct(_ g: Graph, _ v: Output, softmax s: Output) throws -> Output {
  let dot = try g.sum(try g.multiply(v, s), axes: [-1], keepDims: true)
  return try g.multiply(try g.subtract(v, dot), s)
}

/// The sum of one or two gradient terms (a gradient function runs only
/// when some output has an upstream gradient, so there is at least one).
private func sumOf(_ g: Graph, _ terms: [Output]) throws -> Output {
  precondition(!terms.isEmpty, "no gradient terms")
  return try terms.dropFirst().reduce(terms[0]) { try g.add($0, $1) }
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
