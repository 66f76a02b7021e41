// Select and SelectV2: pick elements of t where the condition is true and
// of e elsewhere. Kernels live in Runtime/Kernels/SelectKernels.swift.

// MARK: - Select

extension StandardOps {
  static let select = OpDef(
    "Select", inputs: ["condition: bool", "t: T", "e: T"], outputs: ["output: T"], attrs: ["T: type"],
    flags: .cheap,
    summary: "Picks t where condition is true, e elsewhere; condition is a scalar, has t's shape, or is a vector selecting rows.",
    shape: { c in
      let cond = c.shape(0)
      guard let data = c.shape(1).merged(with: c.shape(2)) else {
        throw c.error(
          "'t' and 'e' must have the same shape, but 't' has shape \(c.shape(1)) and 'e' has \(c.shape(2))")
      }
      guard let condRank = cond.rank, condRank > 0 else { return [data] }
      if condRank == 1 {
        // A vector selects rows of t (elements, when t is a vector too); a
        // scalar t does not fit, and t of unknown rank may be either.
        guard let dims = data.dims else { return [data] }
        if !dims.isEmpty {
          guard let first = dims[0].merged(with: cond[0]) else {
            throw c.error(
              "a vector 'condition' must have one element per row of 't', but 'condition' has shape \(cond) and 't' has shape \(data)"
            )
          }
          return [PartialShape(dims: [first] + dims.dropFirst())]
        }
      }
      guard let merged = data.merged(with: cond) else {
        throw c.error(
          "'condition' must be a scalar, a vector with one element per row of 't', or have the shape of 't', but 'condition' has shape \(cond) and 't' has shape \(data)"
        )
      }
      return [merged]
    },
    kernel: selectKernel,
    gradient: .function { c in
      // Each output element is one of t's or e's: the gradient goes where
      // the value came from; the condition gets none (TensorFlow's _SelectGrad).
      let g = c.graph, cond = c.input(0)
      let zeros = try g.zerosLike(c.grad)
      return [nil, try g.select(cond, c.grad, zeros), try g.select(cond, zeros, c.grad)]
    })
}

extension Graph {
  /// Elements of `t` where `condition` is true and of `e` elsewhere
  /// (`Select`, TensorFlow 1's `tf.where(condition, x, y)`). `t` and `e`
  /// have the same shape; `condition` is a scalar (choosing all of `t` or
  /// all of `e`), has their shape, or is a vector choosing rows.
  public func select(
    _ condition: Output, _ t: Output, _ e: Output, name: String? = nil, file: String = #fileID, line: Int = #line
  ) throws -> Output {
    try build("Select", [condition, t, e], name: name, file: file, line: line)
  }
}

// MARK: - SelectV2

extension StandardOps {
  static let selectV2 = OpDef(
    "SelectV2", inputs: ["condition: bool", "t: T", "e: T"], outputs: ["output: T"], attrs: ["T: type"],
    flags: [.elementwise, .cheap],
    summary: "Picks t where condition is true, e elsewhere, broadcasting all three.",
    shape: { c in
      guard let values = PartialShape.broadcast(c.shape(1), c.shape(2)),
        let out = PartialShape.broadcast(c.shape(0), values)
      else {
        throw c.error(
          "'condition', 't' and 'e' must broadcast to a common shape, but have shapes \(c.shape(0)), \(c.shape(1)) and \(c.shape(2))"
        )
      }
      return [out]
    },
    kernel: selectV2Kernel,
    gradient: .function { c in
      // As Select, then summed back over the axes along which t or e was
      // broadcast (TensorFlow's _SelectGradV2).
      let g = c.graph, cond = c.input(0), t = c.input(1), e = c.input(2)
      let zero = try g.constant(0, dtype: c.grad.dtype)
      return [
        nil, try c.unbroadcast(try g.selectV2(cond, c.grad, zero), to: t),
        try c.unbroadcast(try g.selectV2(cond, zero, c.grad), to: e),
      ]
    })
}

extension Graph {
  /// Elements of `t` where `condition` is true and of `e` elsewhere, with
  /// numpy broadcasting of all three (`SelectV2`, TensorFlow 2's
  /// `tf.where(condition, x, y)`).
  public func selectV2(
    _ condition: Output, _ t: Output, _ e: Output, name: String? = nil, file: String = #fileID, line: Int = #line
  ) throws -> Output {
    try build("SelectV2", [condition, t, e], name: name, file: file, line: line)
  }
}
