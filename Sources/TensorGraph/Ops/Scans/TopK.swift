// TopKV2 (the k largest entries of each row of the last axis, with their
// indices) and InTopKV2 (whether each target is among its row's k largest
// predictions), with TensorFlow's signatures; TopKV2's gradient as
// nn_grad.py's _TopKGrad. Kernels: Runtime/Kernels/TopKKernels.swift.

// MARK: - TopKV2

extension StandardOps {
  static let topKV2 = OpDef(
    "TopKV2", inputs: ["input: T", "k: Tk"], outputs: ["values: T", "indices: index_type"],
    attrs: ["sorted: bool = true", "T: {float32, float64, int32, int64}", "Tk: {int32, int64} = int32",
            "index_type: {int32, int64} = int32"],
    summary: "The k largest entries of each row of the last axis and their indices, largest first; equal values keep the lower index first.",
    shape: { c in
      try c.requireRank(1, atMost: 0, "k")
      let x = c.shape(0)
      let k = c.constantInts(1)?.first
      if let k, k < 0 { throw c.invalid("Need k >= 0, got \(k)") }
      guard var dims = x.dims else { return [.unknown, .unknown] }
      guard let last = dims.last else { throw c.error("input must be >= 1-D, got shape \(x)") }
      if let k, let n = last.value, n < k {
        throw c.invalid("input must have at least k columns. Had \(n), needed \(k) (input shape \(x))")
      }
      dims[dims.count - 1] = k.map { .known($0) } ?? .unknown
      return [PartialShape(dims: dims), PartialShape(dims: dims)]
    },
    kernel: topKV2Kernel,
    gradient: .function { c in
      // TensorFlow's _TopKGrad: each value's gradient goes back to the
      // position it came from, zeros elsewhere. With x viewed as rows of n
      // and indices as rows of k, the flat position of indices[r, j] is
      // r·n + indices[r, j]; UnsortedSegmentSum scatters there (TensorFlow
      // uses ScatterNd; the positions of a row are distinct). The indices
      // keep index_type throughout (TensorFlow's int64 case fails, casting
      // them to int32 beside int64 offsets).
      guard let dv = c.upstream[0] else { return [nil, nil] }
      let g = c.graph, x = c.input(0), indices = c.output(1)
      let it = indices.dtype
      let xShape = try g.shapeTensor(of: x, dtype: it)
      let total = try g.prod(xShape)
      let n = try g.stridedSlice(xShape, [.index(-1)])
      let rowsShape = try g.stridedSlice(try g.shapeTensor(of: indices, dtype: it), [.range(nil, -1)])
      let rows = try g.prod(rowsShape)
      let one = try g.constant(1, dtype: it)
      let offsets = try g.multiply(try g.range(start: try g.constant(0, dtype: it), limit: rows, delta: one), n)
      let offsetsShape = try g.concat([rowsShape, try g.reshape(one, [1])], axis: 0)
      let positions = try g.add(indices, try g.reshape(offsets, shape: offsetsShape))
      let scattered = try g.unsortedSegmentSum(
        try g.reshape(dv, [-1]), segmentIDs: try g.reshape(positions, [-1]), numSegments: total)
      return [try g.reshape(scattered, shape: xShape), nil]
    },
    cost: { c in
      Cost(flops: CostContext.elements(c.inputs[0].shape) * 4, bytes: Double(c.inputBytes + c.outputBytes))
    })

  static let inTopKV2 = OpDef(
    "InTopKV2", inputs: ["predictions: float32", "targets: T", "k: T"], outputs: ["precision: bool"],
    attrs: ["T: {int32, int64} = int32"],
    summary: "Whether each target is among the k largest predictions of its row (ties count as in; false for a target out of range or a row with a non-finite prediction).",
    shape: { c in
      try c.requireRank(2, atMost: 0, "k")
      let p = c.shape(0), t = c.shape(1)
      if let r = p.rank, r != 2 { throw c.error("predictions must be 2-dimensional, but have shape \(p)") }
      if let r = t.rank, r != 1 { throw c.error("targets must be 1-dimensional, but have shape \(t)") }
      guard let batch = p[0].merged(with: t[0]) else {
        throw c.error("First dimension of predictions \(p) must match length of targets \(t)")
      }
      return [PartialShape(dims: [batch])]
    },
    kernel: inTopKV2Kernel,
    gradient: .notDifferentiable,
    cost: { c in Cost(flops: CostContext.elements(c.inputs[0].shape), bytes: Double(c.inputBytes + c.outputBytes)) })
}

// MARK: - Builders

extension Graph {
  /// The `k` largest entries of each row of `x`'s last axis and their
  /// indices (`TopKV2`, `tf.math.top_k`): largest first, equal values in
  /// index order, NaN after every number. `sorted: false` is accepted as
  /// TensorFlow's (whose order is then unspecified); the order stays sorted.
  public func topK(
    _ x: Output, k: Int = 1, sorted: Bool = true, indexType: DType = .int32, name: String? = nil,
    file: String = #fileID, line: Int = #line
  ) throws -> (values: Output, indices: Output) {
    try withOpScope(name ?? "TopKV2") { scope in
      let kConstant = try indexScalarConstant(k, name: "k", file: file, line: line)
      let node = try addNode(
        op: "TopKV2", inputs: [x, kConstant], attrs: ["sorted": .bool(sorted), "index_type": .type(indexType)],
        name: scope, exactName: true, site: SourceLocation(fileID: file, line: line))
      return (output(node, 0), output(node, 1))
    }
  }

  /// TopKV2 with `k` the integer scalar tensor `k`.
  public func topK(
    _ x: Output, k: Output, sorted: Bool = true, indexType: DType = .int32, name: String? = nil,
    file: String = #fileID, line: Int = #line
  ) throws -> (values: Output, indices: Output) {
    let outs = try buildMulti(
      "TopKV2", [x, k], attrs: ["sorted": .bool(sorted), "index_type": .type(indexType)], name: name, file: file,
      line: line)
    return (outs[0], outs[1])
  }

  /// Whether each `targets[b]` is among the `k` largest of
  /// `predictions[b, :]` (`InTopKV2`, `tf.math.in_top_k`).
  public func inTopK(
    targets: Output, predictions: Output, k: Int, name: String? = nil, file: String = #fileID, line: Int = #line
  ) throws -> Output {
    try withOpScope(name ?? "in_top_k") { scope in
      let kConstant = try constant(
        targets.dtype == .int64 ? Tensor(Int64(k)) : Tensor(Int32(truncatingIfNeeded: k)), name: "k", file: file,
        line: line)
      return try buildScoped("InTopKV2", [predictions, targets, kConstant], scope: scope, file: file, line: line)
    }
  }
}
