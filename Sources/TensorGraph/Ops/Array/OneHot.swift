// OneHot: indices to one-hot vectors along a new axis.

// MARK: - OneHot

extension StandardOps {
  static let oneHot = OpDef(
    "OneHot", inputs: ["indices: TI", "depth: int32", "on_value: T", "off_value: T"], outputs: ["output: T"],
    attrs: ["axis: int = -1", "T: type", "TI: {uint8, int32, int64} = int64"],
    summary: "Returns on_value where the new axis's position equals the index and off_value elsewhere; indices outside [0, depth) give all-off rows.",
    shape: { c in
      try c.requireRank(1, atMost: 0, "depth")
      try c.requireRank(2, atMost: 0, "on_value")
      try c.requireRank(3, atMost: 0, "off_value")
      let axis = c.int("axis")
      guard axis >= -1 else { throw c.invalid("axis \(axis) is invalid; it must be -1 (last) or a dimension index ≥ 0") }
      var depth = Dimension.unknown
      if let d = c.constantInts(1)?.first {
        guard d >= 0 else { throw c.invalid("depth must be non-negative but is \(d)") }
        depth = .known(d)
      }
      guard var dims = c.shape(0).dims else { return [.unknown] }
      guard axis <= dims.count else {
        throw c.invalid("axis \(axis) is out of range for indices of shape \(c.shape(0)); it must be -1 or in [0, \(dims.count)]")
      }
      dims.insert(depth, at: axis == -1 ? dims.count : axis)
      return [PartialShape(dims: dims)]
    },
    kernel: { b in
      let axisAttr = b.int("axis")
      func make<E: SendableMetatype, I: FixedWidthInteger & SendableMetatype>(_: E.Type, _: I.Type) -> KernelFunction {
        { ctx in
          let indices = ctx.input(0), on = ctx.input(2), off = ctx.input(3)
          let depth = try ctx.indexScalar(1, "depth")
          guard on.rank == 0, off.rank == 0 else {
            throw ctx.error(.invalidArgument, "on_value and off_value must be scalars but have shapes \(on.shape) and \(off.shape)")
          }
          guard depth >= 0 else { throw ctx.error(.invalidArgument, "depth must be non-negative but is \(depth)") }
          let rank = indices.rank
          guard axisAttr >= -1, axisAttr <= rank else {
            throw ctx.error(.invalidArgument, "axis \(axisAttr) is out of range for indices of shape \(indices.shape); it must be -1 or in [0, \(rank)]")
          }
          let axis = axisAttr == -1 ? rank : axisAttr
          var shape = indices.shape
          shape.insert(depth, at: axis)
          let count = try ctx.checkAllocatable(shape, on.dtype, "the one-hot shape")
          let out = ctx.allocateOutput(0, dtype: on.dtype, shape: shape)
          ctx.setOutput(0, out)
          if count == 0 { return }
          let po = out.mutableRawPointer.assumingMemoryBound(to: E.self)
          po.initialize(repeating: off.rawPointer.load(as: E.self), count: count)
          let onBits = on.rawPointer.load(as: E.self)
          let pi = indices.rawPointer.assumingMemoryBound(to: I.self)
          let outer = indices.shape[..<axis].reduce(1, *), inner = indices.shape[axis...].reduce(1, *)
          for o in 0..<outer {
            let row = po + o * depth * inner
            for s in 0..<inner {
              let v = Int64(truncatingIfNeeded: pi[o * inner + s])
              if v >= 0 && v < Int64(depth) { row[Int(v) * inner + s] = onBits }
            }
          }
        }
      }
      func withIndex<E: SendableMetatype>(_ e: E.Type) throws -> KernelFunction {
        switch b.inputs[0].dtype {
        case .uint8: return make(e, UInt8.self)
        case .int32: return make(e, Int32.self)
        case .int64: return make(e, Int64.self)
        default: throw b.unsupported()
        }
      }
      switch b.inputs[2].dtype.byteSize {
      case 1: return try withIndex(UInt8.self)
      case 4: return try withIndex(UInt32.self)
      default: return try withIndex(UInt64.self)
      }
    },
    gradient: .notDifferentiable)
}

extension Graph {
  /// One-hot vectors of `depth` entries (`OneHot`, `tf.one_hot`): the
  /// new axis (last by default) holds `onValue` at each index and
  /// `offValue` elsewhere; indices outside `[0, depth)` give all-off rows.
  ///
  ///     try g.oneHot(labels, depth: 10)   // [?] int64 → [?, 10] float32
  public func oneHot(
    _ indices: Output, depth: Int, onValue: Double = 1, offValue: Double = 0, axis: Int = -1,
    dtype: DType = .float32, name: String? = nil, file: String = #fileID, line: Int = #line
  ) throws -> Output {
    guard Tensor.fitsInt32(depth) else {
      throw TensorGraphError(
        .invalidArgument, "depth \(depth) does not fit OneHot's int32 depth input", op: "OneHot",
        site: SourceLocation(fileID: file, line: line))
    }
    return try withOpScope(name ?? "one_hot") { scope in
      let on = try constant(Tensor.scalar(onValue, dtype: dtype), name: "on_value", file: file, line: line)
      let off = try constant(Tensor.scalar(offValue, dtype: dtype), name: "off_value", file: file, line: line)
      let d = try constant(Tensor(Int32(depth)), name: "depth", file: file, line: line)
      return try buildScoped(
        "OneHot", [indices, d, on, off], attrs: ["axis": .int(axis)], scope: scope, file: file, line: line)
    }
  }
}
