// ConcatV2 and Pack: join tensors along an existing or a new axis. Kernels
// are in Runtime/Kernels/ConcatKernels.swift.

// MARK: - ConcatV2

extension StandardOps {
  static let concatV2 = OpDef(
    "ConcatV2", inputs: ["values: N * T", "axis: Tidx"], outputs: ["output: T"],
    attrs: ["N: int", "T: type", "Tidx: {int32, int64} = int32"],
    summary: "Concatenates tensors along one dimension; the others must match.",
    shape: { c in
      try c.requireListLength(atLeast: 2, "values")
      let n = c.inputs.count - 1
      try c.requireRank(n, atMost: 0, "axis")
      var rank: Int?
      for i in 0..<n {
        guard let r = c.shape(i).rank else { continue }
        if let known = rank, known != r {
          throw c.error("all inputs must have the same rank, but values[\(i)] has shape \(c.shape(i)) and an earlier input has rank \(known)")
        }
        rank = r
      }
      guard let rank else { return [.unknown] }
      if rank == 0 {
        throw c.invalid("cannot concatenate scalars (shapes \((0..<n).map { c.shape($0).description }.joined(separator: ", "))); use stack (Pack) to join scalars into a vector")
      }
      guard let axisValue = c.constantInts(n)?.first else { return [.unknown(rank: rank)] }
      guard let axis = normalizedAxis(axisValue, rank: rank) else {
        throw c.invalid("axis \(axisValue) is out of range for inputs of rank \(rank); it must be in [\(-rank), \(rank))")
      }
      var out = [Dimension](repeating: .unknown, count: rank)
      var total: Dimension = 0
      for i in 0..<n {
        guard let dims = c.shape(i).dims else {
          total = .unknown
          continue
        }
        for d in 0..<rank where d != axis {
          guard let m = out[d].merged(with: dims[d]) else {
            throw c.error("values[\(i)] has shape \(c.shape(i)), whose dimension \(d) differs from the other inputs' (\(out[d])): all dimensions but the concatenation axis \(axis) must match")
          }
          out[d] = m
        }
        guard let s = Dimension.sum(total, dims[axis]) else {
          throw c.invalid("the concatenated dimension overflows")
        }
        total = s
      }
      out[axis] = total
      return [PartialShape(dims: out)]
    },
    kernel: concatV2Kernel,
    cost: { c in Cost(flops: 0, bytes: Double(c.inputBytes + c.outputBytes)) })
}

extension Graph {
  /// Concatenates `values` along `axis` (`ConcatV2`, TensorFlow's
  /// `tf.concat`); a negative axis counts from the end. A single value is
  /// returned through an `Identity`, as TensorFlow does.
  public func concat(
    _ values: [Output], axis: Int, name: String? = nil, file: String = #fileID, line: Int = #line
  ) throws -> Output {
    if values.count == 1 {
      let v = values[0]
      if let rank = v.shape.rank, normalizedAxis(axis, rank: rank) == nil {
        throw TensorGraphError(
          .invalidArgument, "axis \(axis) is out of range for an input of shape \(v.shape); it must be in [\(-rank), \(rank))",
          op: "ConcatV2", site: SourceLocation(fileID: file, line: line))
      }
      return try identity(v, name: name ?? "concat", file: file, line: line)
    }
    return try buildWithIndexInput(
      "ConcatV2", values, index: [axis], scalar: true, argName: "axis", name: name, defaultName: "concat",
      file: file, line: line)
  }

  /// Concatenates `values` along the axis held by the integer scalar `axis`.
  public func concat(
    _ values: [Output], axis: Output, name: String? = nil, file: String = #fileID, line: Int = #line
  ) throws -> Output {
    try build("ConcatV2", values + [axis], name: name ?? "concat", file: file, line: line)
  }
}

// MARK: - Pack

extension StandardOps {
  static let pack = OpDef(
    "Pack", inputs: ["values: N * T"], outputs: ["output: T"], attrs: ["N: int", "T: type", "axis: int = 0"],
    summary: "Stacks N tensors of one shape into a tensor with a new dimension of size N at axis.",
    shape: { c in
      try c.requireListLength(atLeast: 1, "values")
      let n = c.inputs.count
      var merged = PartialShape.unknown
      for i in 0..<n {
        guard let m = merged.merged(with: c.shape(i)) else {
          throw c.error("all inputs must have the same shape, but values[\(i)] has shape \(c.shape(i)) and values[0] has shape \(c.shape(0))")
        }
        merged = m
      }
      guard var dims = merged.dims else { return [.unknown] }
      let axisValue = c.int("axis")
      guard let axis = normalizedAxis(axisValue, rank: dims.count + 1) else {
        throw c.invalid("axis \(axisValue) is out of range for stacking inputs of rank \(dims.count); it must be in [\(-dims.count - 1), \(dims.count + 1))")
      }
      dims.insert(.known(n), at: axis)
      return [PartialShape(dims: dims)]
    },
    kernel: packKernel,
    cost: { c in Cost(flops: 0, bytes: Double(c.inputBytes + c.outputBytes)) })
}

extension Graph {
  /// Stacks tensors of one shape along a new dimension `axis` (`Pack`,
  /// TensorFlow's `tf.stack`); a negative axis counts from the end of the
  /// result's dimensions.
  public func stack(
    _ values: [Output], axis: Int = 0, name: String? = nil, file: String = #fileID, line: Int = #line
  ) throws -> Output {
    try build("Pack", values, attrs: ["axis": .int(axis)], name: name ?? "stack", file: file, line: line)
  }
}
