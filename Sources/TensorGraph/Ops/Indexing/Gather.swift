// GatherV2: slices of params picked along one axis by integer indices,
// with leading batch dimensions shared by params and indices (every
// embedding lookup). Its gradient sums the upstream gradient back into the
// picked rows with UnsortedSegmentSum, as TensorFlow densifies its
// IndexedSlices.

/// GatherV2's geometry: params viewed as `[batch, outer, axis, inner]`,
/// indices as `[batch, count]`, the output as `[batch, outer, count, inner]`.
struct GatherGeometry {
  var batch = 1, outer = 1, axisSize = 0, count = 1, inner = 1
  /// The output shape: `params.shape[:axis] + indices.shape[batch_dims:] + params.shape[axis + 1:]`.
  var outputShape: [Dimension] = []

  /// Checks the attributes against the ranks, as TensorFlow's shape
  /// function and kernel do, and returns the normalized axis and
  /// batch_dims.
  static func normalize(
    axis rawAxis: Int, batchDims rawBatch: Int, paramsRank: Int, indicesRank: Int
  ) throws(IndexingError) -> (axis: Int, batchDims: Int) {
    guard paramsRank >= 1 else { throw .init(message: "params must be at least 1 dimensional") }
    guard rawAxis >= -paramsRank, rawAxis < paramsRank else {
      throw .init(message: "Expected axis in the range [\(-paramsRank), \(paramsRank)), but got \(rawAxis)")
    }
    guard rawBatch >= -indicesRank, rawBatch <= indicesRank else {
      throw .init(message: "Expected batch_dims in the range [\(-indicesRank), \(indicesRank)], but got \(rawBatch)")
    }
    let axis = rawAxis < 0 ? rawAxis + paramsRank : rawAxis
    let batch = rawBatch < 0 ? rawBatch + indicesRank : rawBatch
    guard batch < paramsRank else {
      throw .init(message: "batch_dims (\(batch)) must be less than rank(params) (\(paramsRank)).")
    }
    guard batch <= axis else {
      throw .init(message: "batch_dims (\(batch)) must be less than or equal to axis (\(axis)).")
    }
    return (axis, batch)
  }

  /// The geometry of gathering `indices` from `params` (partial shapes of
  /// known rank): throws when the batch dimensions disagree.
  init(params: PartialShape, indices: PartialShape, axis: Int, batchDims: Int) throws(IndexingError) {
    let p = params.dims ?? [], i = indices.dims ?? []
    for d in 0..<batchDims where params[d].merged(with: indices[d]) == nil {
      throw .init(message: "params.shape[\(d)]: \(params[d]) should be equal to indices.shape[\(d)]: \(indices[d])")
    }
    outputShape = Array(p[..<axis]) + Array(i[batchDims...]) + Array(p[(axis + 1)...])
    func product(_ dims: ArraySlice<Dimension>) -> Int { dims.reduce(1) { $0 * ($1.value ?? 0) } }
    batch = product(p[..<batchDims])
    outer = product(p[batchDims..<axis])
    axisSize = p[axis].value ?? 0
    count = product(i[batchDims...])
    inner = product(p[(axis + 1)...])
  }
}

extension StandardOps {
  static let gatherV2 = OpDef(
    "GatherV2", inputs: ["params: Tparams", "indices: Tindices", "axis: Taxis"], outputs: ["output: Tparams"],
    attrs: ["batch_dims: int = 0", "Tparams: type", "Tindices: {int32, int64}", "Taxis: {int32, int64}"],
    summary: "Gathers slices of params along axis at indices, with batch_dims leading dimensions shared by both.",
    shape: { c in
      try c.requireRank(2, atMost: 0, "axis")
      let params = c.shape(0), indices = c.shape(1)
      guard let pr = params.rank, let ir = indices.rank, let axis = c.constantInts(2)?.first else { return [.unknown] }
      do throws(IndexingError) {
        let (a, b) = try GatherGeometry.normalize(
          axis: axis, batchDims: c.int("batch_dims"), paramsRank: pr, indicesRank: ir)
        return [PartialShape(dims: try GatherGeometry(params: params, indices: indices, axis: a, batchDims: b).outputShape)]
      } catch {
        throw c.invalid("\(error.message) (gathering indices of shape \(indices) from params of shape \(params))")
      }
    },
    kernel: { b in
      let batchDims = b.int("batch_dims")
      func make<E: SendableMetatype>(_: E.Type) -> KernelFunction {
        { ctx in
          let params = ctx.input(0), indices = ctx.input(1)
          let axis = try ctx.indexScalar(2, "axis")
          let geometry: GatherGeometry
          do throws(IndexingError) {
            let (a, b) = try GatherGeometry.normalize(
              axis: axis, batchDims: batchDims, paramsRank: params.rank, indicesRank: indices.rank)
            geometry = try GatherGeometry(
              params: PartialShape(params.shape), indices: PartialShape(indices.shape), axis: a, batchDims: b)
          } catch {
            throw ctx.error(
              .invalidArgument,
              "\(error.message) (gathering indices of shape \(indices.shape) from params of shape \(params.shape))")
          }
          let shape = geometry.outputShape.map { $0.value! }
          try ctx.checkAllocatable(shape, params.dtype, "the gathered shape")
          let rows = try gatherRows(indices, limit: geometry.axisSize) { ctx.error(.invalidArgument, $0) }
          let out = ctx.allocateOutput(0, dtype: params.dtype, shape: shape)
          ctx.setOutput(0, out)
          gather(
            geometry, rows, params.rawPointer.assumingMemoryBound(to: E.self),
            out.mutableRawPointer.assumingMemoryBound(to: E.self), ctx)
        }
      }
      switch b.inputs[0].dtype.byteSize {
      case 1: return make(UInt8.self)
      case 4: return make(UInt32.self)
      default: return make(UInt64.self)
      }
    },
    gradient: .function { c in [try gatherGradient(c), nil, nil] },
    cost: { c in
      Cost(flops: 0, bytes: 2 * c.outputBytes + CostContext.elements(c.inputs[1].shape) * Double(c.inputs[1].dtype.byteSize))
    })
}

// MARK: - Gradient

/// TensorFlow's _GatherV2Grad, densified: the upstream gradient, arranged
/// as `[batch·count, outer, inner]`, summed into the `[batch·axis, outer,
/// inner]` rows its indices name (offset by `axis` per batch), then put
/// back in the order of params. Without outer dimensions (axis ==
/// batch_dims, as in every embedding lookup) no transpose is needed.
private func gatherGradient(_ c: GradientContext) throws -> Output {
  let g = c.graph, params = c.input(0), indices = c.input(1), dy = c.grad
  guard let axis = g.constantValue(of: c.input(2).ref)?.integers().first, let pr = params.shape.rank,
    let ir = indices.shape.rank
  else {
    throw c.node.error(
      .noGradient, "the gradient of GatherV2 needs a constant axis and params and indices of known rank")
  }
  let (a, b) = try GatherGeometry.normalize(axis: axis, batchDims: c.int("batch_dims"), paramsRank: pr, indicesRank: ir)
  let batch = try g.dimensionProduct(params, 0..<b), outer = try g.dimensionProduct(params, b..<a)
  let axisSize = try g.dimensionProduct(params, a..<(a + 1))
  let count = try g.dimensionProduct(indices, b..<ir), inner = try g.dimensionProduct(params, (a + 1)..<pr)
  // Segment ids: indices + axis·(batch index).
  var ids = try g.reshape(try g.cast(indices, to: .int64), shape: try g.stack([batch, count]))
  if b > 0 {
    let offsets = try g.multiply(
      try g.range(start: try g.constant(Tensor(Int64(0))), limit: batch, delta: try g.constant(Tensor(Int64(1)))),
      axisSize)
    ids = try g.add(ids, try g.reshape(offsets, [-1, 1]))
  }
  ids = try g.reshape(ids, [-1])
  let segments = try g.multiply(batch, axisSize)
  let paramsShape = try g.shapeTensor(of: params, dtype: .int64)
  if a == b {
    let rows = try g.reshape(dy, shape: try g.stack([try g.multiply(batch, count), inner]))
    return try g.reshape(try g.unsortedSegmentSum(rows, segmentIDs: ids, numSegments: segments), shape: paramsShape)
  }
  // dy as [batch, outer, count, inner] → [batch, count, outer, inner].
  let dy4 = try g.reshape(dy, shape: try g.stack([batch, outer, count, inner]))
  let rows = try g.reshape(
    try g.transpose(dy4, perm: [0, 2, 1, 3]), shape: try g.stack([try g.multiply(batch, count), outer, inner]))
  let summed = try g.unsortedSegmentSum(rows, segmentIDs: ids, numSegments: segments)
  // [batch·axis, outer, inner] → [batch, axis, outer, inner] → [batch, outer, axis, inner] → params.
  let back = try g.transpose(
    try g.reshape(summed, shape: try g.stack([batch, axisSize, outer, inner])), perm: [0, 2, 1, 3])
  return try g.reshape(back, shape: paramsShape)
}

extension Graph {
  /// The product of dimensions `range` of `x` as an `int64` scalar: a
  /// constant when they are known, else computed from `Shape`.
  func dimensionProduct(_ x: Output, _ range: Range<Int>) throws -> Output {
    let dims = range.map { x.shape[$0].value }
    if dims.allSatisfy({ $0 != nil }) {
      return try constant(Tensor(Int64(dims.reduce(1) { $0 * $1! })))
    }
    let shape = try self.shape(of: x, outType: .int64)
    return try prod(try slice(shape, begin: [range.lowerBound], size: [range.count]), axes: [0])
  }
}

// MARK: - Builders

extension Graph {
  /// Slices of `params` along `axis` at `indices` (`GatherV2`; `tf.gather`):
  /// the output has shape `params.shape[:axis] + indices.shape[batchDims:]
  /// + params.shape[axis + 1:]`. Indices outside `[0, params.shape[axis])`
  /// are an error, as on TensorFlow's CPU.
  ///
  ///     try g.gather(embeddings, indices: ids)          // rows of a table
  ///     try g.gather(x, indices: perm, axis: 1)         // columns
  public func gather(
    _ params: Output, indices: Output, axis: Int = 0, batchDims: Int = 0, name: String? = nil,
    file: String = #fileID, line: Int = #line
  ) throws -> Output {
    try withOpScope(name ?? "GatherV2") { scope in
      let a = try constant(Tensor(Int32(axis)), name: "axis", file: file, line: line)
      return try buildScoped(
        "GatherV2", [params, indices, a], attrs: ["batch_dims": .int(batchDims)], scope: scope, file: file, line: line)
    }
  }

  /// ``gather(_:indices:axis:batchDims:name:file:line:)`` with the axis a
  /// scalar tensor.
  public func gather(
    _ params: Output, indices: Output, axis: Output, batchDims: Int = 0, name: String? = nil,
    file: String = #fileID, line: Int = #line
  ) throws -> Output {
    try build(
      "GatherV2", [params, indices, axis], attrs: ["batch_dims": .int(batchDims)], name: name, file: file, line: line)
  }
}
