// The segment reductions: rows of data summed, averaged or maxed into the
// output rows their segment ids name. The sorted ones (SegmentSum,
// SegmentMean, SegmentMax) take a vector of non-decreasing ids and size
// the output by the last; the unsorted ones (UnsortedSegmentSum,
// UnsortedSegmentMax) take ids of any shape that data's shape starts
// with, a segment count, and drop negative ids. Gradients as TensorFlow's
// math_grad.py.

private let segmentTypes = "T: {float32, float64, int32, int64, uint8}"

// MARK: - Shapes

extension ShapeContext {
  /// `[num_segments] + data.shape[rank(segment_ids):]`, checking that data's
  /// shape starts with the ids' shape.
  fileprivate func unsortedSegmentShape() throws -> PartialShape {
    try requireRank(2, atMost: 0, "num_segments")
    let data = shape(0), ids = shape(1)
    let segments: Dimension = constantInts(2)?.first.map { .known($0) } ?? .unknown
    if let n = segments.value, n < 0 {
      throw invalid("num_segments = \(n) must not be negative")
    }
    guard let dr = data.rank, let ir = ids.rank else { return .unknown }
    guard ir <= dr, (0..<ir).allSatisfy({ data[$0].merged(with: ids[$0]) != nil }) else {
      throw error("data.shape = \(data) does not start with segment_ids.shape = \(ids)")
    }
    return PartialShape(dims: [segments] + (ir..<dr).map { data[$0] })
  }

  /// `[last id + 1] + data.shape[1:]`; the first dimension is known when
  /// the ids are constant.
  fileprivate func sortedSegmentShape() throws -> PartialShape {
    try requireVector(1, "segment_ids")
    let data = shape(0), ids = shape(1)
    if let r = data.rank, r < 1 { throw error("data must be at least a vector but has shape \(data)") }
    if data[0].merged(with: ids[0]) == nil {
      throw error("segment_ids (shape \(ids)) should be the same size as dimension 0 of input (shape \(data))")
    }
    let rows: Dimension = constantInts(1).map { .known(($0.last ?? -1) + 1) } ?? .unknown
    guard let r = data.rank else { return .unknown }
    return PartialShape(dims: [rows] + (1..<r).map { data[$0] })
  }
}

// MARK: - Kernels

/// The factory of one segment reduction, dispatching on the data dtype.
private func segmentKernel(_ kind: SegmentReduction, sorted: Bool) -> KernelFactory {
  { b in
    func make<T: TensorNumericScalar>(_: T.Type, lowest: T, divide: @escaping @Sendable (T, Int) -> T) -> KernelFunction {
      { ctx in
        let data = ctx.input(0), ids = ctx.input(1)
        let fail = { (message: String) in ctx.error(.invalidArgument, message) }
        if sorted {
          guard ids.rank == 1, data.rank >= 1, ids.shape[0] == data.shape[0] else {
            throw fail("segment_ids (shape \(ids.shape)) should be a vector the same size as dimension 0 of input (shape \(data.shape))")
          }
        } else {
          guard ids.rank <= data.rank, Array(data.shape.prefix(ids.rank)) == ids.shape else {
            throw fail("data.shape = \(data.shape) does not start with segment_ids.shape = \(ids.shape)")
          }
        }
        let rest = Array(data.shape.dropFirst(sorted ? 1 : ids.rank))
        let inner = rest.reduce(1, *)
        if sorted {
          let (runs, outputRows) = try sortedSegmentRuns(ids, fail)
          let shape = [outputRows] + rest
          try ctx.checkAllocatable(shape, data.dtype, "the segment reduction's output")
          let out = ctx.allocateOutput(0, dtype: data.dtype, shape: shape)
          sortedSegmentReduce(
            kind, data.unsafePointer(as: T.self), runs: runs, inner: inner, out.unsafeMutablePointer(as: T.self),
            outputRows: outputRows, divide: divide, ctx)
          ctx.setOutput(0, out)
        } else {
          let n = try ctx.indexScalar(2, "num_segments")
          guard n >= 0 else { throw fail("num_segments = \(n) must not be negative") }
          let shape = [n] + rest
          try ctx.checkAllocatable(shape, data.dtype, "the segment reduction's output")
          let segmentIDs = try unsortedSegmentIDs(ids, numSegments: n, fail)
          let out = ctx.allocateOutput(0, dtype: data.dtype, shape: shape)
          unsortedSegmentReduce(
            kind, data.unsafePointer(as: T.self), ids: segmentIDs, inner: inner,
            out.unsafeMutablePointer(as: T.self), numSegments: n, initial: kind == .max ? lowest : .zero)
          ctx.setOutput(0, out)
        }
      }
    }
    switch b.inputs[0].dtype {
    case .float32: return make(Float.self, lowest: -.greatestFiniteMagnitude) { $0 / Float($1) }
    case .float64: return make(Double.self, lowest: -.greatestFiniteMagnitude) { $0 / Double($1) }
    case .int32: return make(Int32.self, lowest: .min) { $0 / Int32($1) }
    case .int64: return make(Int64.self, lowest: .min) { $0 / Int64($1) }
    case .uint8: return make(UInt8.self, lowest: .min) { $0 / UInt8($1) }
    default: throw b.unsupported()
    }
  }
}

// MARK: - Ops

extension StandardOps {
  static let unsortedSegmentSum = OpDef(
    "UnsortedSegmentSum", inputs: ["data: T", "segment_ids: Tindices", "num_segments: Tnumsegments"],
    outputs: ["output: T"], attrs: [segmentTypes, "Tindices: {int32, int64}", "Tnumsegments: {int32, int64} = int32"],
    summary: "Sums the rows of data into the num_segments output rows their segment ids name; negative ids are dropped.",
    shape: { c in [try c.unsortedSegmentShape()] }, kernel: segmentKernel(.sum, sorted: false),
    gradient: .function { c in
      // TensorFlow's _UnsortedSegmentSumGrad: each row's gradient is its
      // segment's, 0 for dropped rows.
      [try c.graph.gatherDropNegatives(c.grad, ids: c.input(1)).gathered, nil, nil]
    },
    cost: { c in Cost(flops: CostContext.elements(c.inputs[0].shape), bytes: c.inputBytes + c.outputBytes) })

  static let unsortedSegmentMax = OpDef(
    "UnsortedSegmentMax", inputs: ["data: T", "segment_ids: Tindices", "num_segments: Tnumsegments"],
    outputs: ["output: T"], attrs: [segmentTypes, "Tindices: {int32, int64}", "Tnumsegments: {int32, int64} = int32"],
    summary: "The maximum of the rows of data per segment id; empty segments hold the dtype's lowest finite value.",
    shape: { c in [try c.unsortedSegmentShape()] }, kernel: segmentKernel(.max, sorted: false),
    gradient: .function { c in [try segmentMaxGradient(c, sorted: false), nil, nil] },
    cost: { c in Cost(flops: CostContext.elements(c.inputs[0].shape), bytes: c.inputBytes + c.outputBytes) })

  static let segmentSum = OpDef(
    "SegmentSum", inputs: ["data: T", "segment_ids: Tindices"], outputs: ["output: T"],
    attrs: [segmentTypes, "Tindices: {int32, int64}"],
    summary: "Sums the rows of data per sorted segment id; ids without rows give 0.",
    shape: { c in [try c.sortedSegmentShape()] }, kernel: segmentKernel(.sum, sorted: true),
    gradient: .function { c in [try c.graph.gather(c.grad, indices: c.input(1)), nil] },
    cost: { c in Cost(flops: CostContext.elements(c.inputs[0].shape), bytes: c.inputBytes + c.outputBytes) })

  static let segmentMean = OpDef(
    "SegmentMean", inputs: ["data: T", "segment_ids: Tindices"], outputs: ["output: T"],
    attrs: [segmentTypes, "Tindices: {int32, int64}"],
    summary: "Averages the rows of data per sorted segment id (integer division for integers); ids without rows give 0.",
    shape: { c in [try c.sortedSegmentShape()] }, kernel: segmentKernel(.mean, sorted: true),
    gradient: .function { c in
      // TensorFlow's _SegmentMeanGrad: the gradient divided by each
      // segment's row count, gathered back to the rows.
      let g = c.graph, ids = c.input(1)
      let counts = try g.segmentSum(try g.onesLike(c.input(0)), segmentIDs: ids)
      return [try g.gather(try g.divide(c.grad, counts), indices: ids), nil]
    },
    cost: { c in Cost(flops: CostContext.elements(c.inputs[0].shape), bytes: c.inputBytes + c.outputBytes) })

  static let segmentMax = OpDef(
    "SegmentMax", inputs: ["data: T", "segment_ids: Tindices"], outputs: ["output: T"],
    attrs: [segmentTypes, "Tindices: {int32, int64}"],
    summary: "The maximum of the rows of data per sorted segment id; ids without rows give 0.",
    shape: { c in [try c.sortedSegmentShape()] }, kernel: segmentKernel(.max, sorted: true),
    gradient: .function { c in [try segmentMaxGradient(c, sorted: true), nil] },
    cost: { c in Cost(flops: CostContext.elements(c.inputs[0].shape), bytes: c.inputBytes + c.outputBytes) })
}

// MARK: - Gradient support

/// TensorFlow's _SegmentMinOrMaxGrad and _UnsortedSegmentMinOrMaxGrad: the
/// gradient of a segment is shared equally by the rows that equal its
/// maximum; the other rows (and rows of dropped ids) get 0.
private func segmentMaxGradient(_ c: GradientContext, sorted: Bool) throws -> Output {
  let g = c.graph, data = c.input(0), ids = c.input(1), y = c.output(0)
  let isSelected: Output, gatheredGrads: Output
  if sorted {
    isSelected = try g.equal(data, try g.gather(y, indices: ids))
    let counts = try g.segmentSum(try g.cast(isSelected, to: c.grad.dtype), segmentIDs: ids)
    gatheredGrads = try g.gather(try g.divide(c.grad, counts), indices: ids)
  } else {
    let (gathered, isPositive) = try g.gatherDropNegatives(y, ids: ids)
    isSelected = try g.logicalAnd(try g.equal(data, gathered), isPositive)
    let counts = try g.unsortedSegmentSum(
      try g.cast(isSelected, to: c.grad.dtype), segmentIDs: ids, numSegments: c.input(2))
    gatheredGrads = try g.gatherDropNegatives(try g.divide(c.grad, counts), ids: ids).gathered
  }
  return try g.selectV2(isSelected, gatheredGrads, try g.zerosLike(gatheredGrads))
}

extension Graph {
  /// TensorFlow's `_GatherDropNegatives`: `params` gathered at `ids`
  /// clipped to 0, with zeros where an id is negative, and where the ids
  /// are non-negative (of a shape that broadcasts to the gathered one).
  func gatherDropNegatives(_ params: Output, ids: Output) throws -> (gathered: Output, isPositive: Output) {
    let zero = try constant(0, dtype: ids.dtype)
    let gathered = try gather(params, indices: try maximum(ids, zero))
    // ids' shape followed by rank(params) - 1 ones, so the mask broadcasts
    // over the gathered rows.
    let extra = try subtract(try shape(of: try shape(of: params)), try constant(Tensor([Int32(1)])))
    let ones = try fill(dims: extra, value: try constant(1, dtype: .int32))
    let isPositive = try reshape(
      try greaterEqual(ids, zero), shape: try concat([try shape(of: ids), ones], axis: 0))
    return (try selectV2(isPositive, gathered, try zerosLike(gathered)), isPositive)
  }
}

// MARK: - Builders

extension Graph {
  /// Sums the rows of `data` into `numSegments` output rows by
  /// `segmentIDs`, whose shape `data`'s starts with (`UnsortedSegmentSum`;
  /// `tf.math.unsorted_segment_sum`); negative ids are dropped.
  public func unsortedSegmentSum(
    _ data: Output, segmentIDs: Output, numSegments: Output, name: String? = nil, file: String = #fileID,
    line: Int = #line
  ) throws -> Output {
    try build("UnsortedSegmentSum", [data, segmentIDs, numSegments], name: name, file: file, line: line)
  }

  /// The maximum of the rows of `data` per segment id
  /// (`UnsortedSegmentMax`; `tf.math.unsorted_segment_max`); empty
  /// segments hold the lowest finite value of the dtype.
  public func unsortedSegmentMax(
    _ data: Output, segmentIDs: Output, numSegments: Output, name: String? = nil, file: String = #fileID,
    line: Int = #line
  ) throws -> Output {
    try build("UnsortedSegmentMax", [data, segmentIDs, numSegments], name: name, file: file, line: line)
  }

  /// Sums the rows of `data` per sorted segment id (`SegmentSum`;
  /// `tf.math.segment_sum`).
  public func segmentSum(
    _ data: Output, segmentIDs: Output, name: String? = nil, file: String = #fileID, line: Int = #line
  ) throws -> Output {
    try build("SegmentSum", [data, segmentIDs], name: name, file: file, line: line)
  }

  /// Averages the rows of `data` per sorted segment id (`SegmentMean`;
  /// `tf.math.segment_mean`).
  public func segmentMean(
    _ data: Output, segmentIDs: Output, name: String? = nil, file: String = #fileID, line: Int = #line
  ) throws -> Output {
    try build("SegmentMean", [data, segmentIDs], name: name, file: file, line: line)
  }

  /// The maximum of the rows of `data` per sorted segment id
  /// (`SegmentMax`; `tf.math.segment_max`).
  public func segmentMax(
    _ data: Output, segmentIDs: Output, name: String? = nil, file: String = #fileID, line: Int = #line
  ) throws -> Output {
    try build("SegmentMax", [data, segmentIDs], name: name, file: file, line: line)
  }
}
