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
    gradient: .function { c in
      // Each input owns a stretch of the output along the axis: its gradient
      // is that stretch of dy. With the axis and the inputs' sizes along it
      // known (all but one at most: -1 takes the rest) one SplitV cuts them
      // all; otherwise ConcatOffset finds where each starts (TensorFlow's
      // ConcatOffset + Slice).
      let g = c.graph
      let n = c.inputs.count - 1
      let values = Array(c.inputs[..<n])
      let axisInput = c.input(n)
      if let a = g.constantValue(of: axisInput.ref)?.integers().first,
        let rank = values.first(where: { $0.shape.rank != nil })?.shape.rank,
        let axis = normalizedAxis(a, rank: rank)
      {
        let sizes = values.map { $0.shape[axis].value ?? -1 }
        if sizes.filter({ $0 == -1 }).count <= 1 {
          return try g.split(c.grad, sizes: sizes, axis: axis).map { $0 as Output? } + [nil]
        }
      }
      let shapes = try values.map { try g.shape(of: $0) }
      let axis32 = axisInput.dtype == .int32 ? axisInput : try g.cast(axisInput, to: .int32)
      let offsets = try g.concatOffset(axis: axis32, shapes: shapes)
      return try zip(offsets, shapes).map { try g.slice(c.grad, begin: $0, size: $1) as Output? } + [nil]
    },
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
    gradient: .function { c in
      // Input i is slice i of the output along the axis: dxᵢ = unstack(dy)ᵢ.
      try c.graph.unstack(c.grad, num: c.int("N"), axis: c.int("axis")).map { $0 as Output? }
    },
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

// MARK: - ConcatOffset

extension StandardOps {
  static let concatOffset = OpDef(
    "ConcatOffset", inputs: ["concat_dim: int32", "shape: N * shape_type"], outputs: ["offset: N * shape_type"],
    attrs: ["N: int >= 2", "shape_type: {int32, int64} = int32"], flags: .cheap,
    summary: "Where each of ConcatV2's inputs, of the given shapes, starts in its output: 0 along every dimension but concat_dim, and there the sum of the sizes before it.",
    shape: { c in
      try c.requireRank(0, atMost: 0, "concat_dim")
      let n = c.inputs.count - 1
      var length = Dimension.unknown
      for i in 0..<n {
        try c.requireVector(i + 1, "shape[\(i)]")
        guard let m = length.merged(with: c.shape(i + 1)[0]) else {
          throw c.error("the shapes must all have the same rank, but shape[\(i)] has \(c.shape(i + 1)[0]) entries and an earlier one \(length)")
        }
        length = m
      }
      if let d = c.constantInts(0)?.first, let rank = length.value, normalizedAxis(d, rank: rank) == nil {
        throw c.invalid("concat_dim \(d) is out of range for shapes of rank \(rank); it must be in [\(-rank), \(rank))")
      }
      return Array(repeating: PartialShape(dims: [length]), count: n)
    },
    kernel: { b in
      let wide = b.type("shape_type") == .int64
      return { ctx in
        let n = ctx.inputCount - 1
        let dim = try ctx.indexScalar(0, "concat_dim")
        var first: [Int] = []
        var offset = 0
        for i in 0..<n {
          let t = ctx.input(i + 1)
          guard t.rank == 1 else {
            throw ctx.error(.invalidArgument, "shape[\(i)] must be a vector but has shape \(t.shape)")
          }
          let s = t.indexScalars()
          if i == 0 { first = s }
          guard let axis = normalizedAxis(dim, rank: first.count) else {
            throw ctx.error(.invalidArgument, "concat_dim \(dim) is out of range for shapes of rank \(first.count); it must be in [\(-first.count), \(first.count))")
          }
          guard s.count == first.count, s.indices.allSatisfy({ $0 == axis || s[$0] == first[$0] }) else {
            throw ctx.error(.shapeMismatch, "shape[\(i)] is \(s) but shape[0] is \(first): all dimensions but concat_dim \(axis) must match")
          }
          var out = [Int](repeating: 0, count: s.count)
          out[axis] = offset
          let (next, overflow) = offset.addingReportingOverflow(s[axis])
          if overflow || (!wide && !Tensor.fitsInt32(next)) {
            throw ctx.error(.invalidArgument, "the offsets overflow shape_type \(wide ? "int64" : "int32")")
          }
          offset = next
          ctx.setOutput(i, Tensor.indexVector(out, wide: wide))
        }
      }
    },
    gradient: .notDifferentiable)
}

extension Graph {
  /// Where each input of a concatenation along the axis held by the int32
  /// scalar `axis` starts, given the inputs' shapes (`ConcatOffset`): one
  /// offset vector per shape.
  public func concatOffset(
    axis: Output, shapes: [Output], name: String? = nil, file: String = #fileID, line: Int = #line
  ) throws -> [Output] {
    try buildMulti("ConcatOffset", [axis] + shapes, name: name, file: file, line: line)
  }
}
