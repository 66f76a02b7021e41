// Slice: a box of elements, `begin` to `begin + size` along every
// dimension (`size` -1: to the end).

// MARK: - Slice

extension StandardOps {
  static let slice = OpDef(
    "Slice", inputs: ["input: T", "begin: Index", "size: Index"], outputs: ["output: T"],
    attrs: ["T: type", "Index: {int32, int64}"],
    summary: "Extracts input[begin[i] ..< begin[i] + size[i]] along every dimension i; a size of -1 takes the rest.",
    shape: { c in
      try c.requireVector(1, "begin")
      try c.requireVector(2, "size")
      let input = c.shape(0)
      guard let length = c.shape(1)[0].merged(with: c.shape(2)[0]) else {
        throw c.error("begin (shape \(c.shape(1))) and size (shape \(c.shape(2))) must have the same length")
      }
      if let n = length.value, let r = input.rank, n != r {
        throw c.error("begin and size have \(n) entries but the input of shape \(input) has rank \(r)")
      }
      let beginConst = c.constantInts(1)
      if let begin = beginConst, let bad = begin.firstIndex(where: { $0 < 0 }) {
        throw c.invalid("begin \(begin) has a negative entry \(begin[bad]) at axis \(bad)")
      }
      guard let sizes = c.constantInts(2) else {
        // Partly known sizes (a Pack): -1 entries are unknown.
        let s = c.shapeInput(2)
        if s.rank != nil { return [s] }
        return [input.rank.map { PartialShape.unknown(rank: $0) } ?? .unknown]
      }
      let begin = c.shapeInput(1)
      var dims: [Dimension] = []
      for (i, size) in sizes.enumerated() {
        let dim = input[i], b = begin.rank == nil ? Dimension.unknown : begin[i]
        if size < -1 {
          throw c.invalid("size \(sizes) has a negative entry \(size) at axis \(i); only -1 (to the end) is allowed")
        }
        if let d = dim.value, let bv = b.value {
          guard bv <= d, size == -1 || size <= d - bv else {
            throw c.invalid("slice out of range along axis \(i): begin \(bv) with size \(size) does not fit in dimension \(d) of the input \(input)")
          }
        }
        if size != -1 {
          dims.append(.known(size))
        } else if let d = dim.value, let bv = b.value {
          dims.append(.known(d - bv))
        } else {
          dims.append(.unknown)
        }
      }
      return [PartialShape(dims: dims)]
    },
    kernel: { b in
      func make<E: SIMDScalar & SendableMetatype>(_: E.Type) -> KernelFunction {
        { ctx in
          let x = ctx.input(0)
          let begin = try ctx.indexValues(1, "begin"), size = try ctx.indexValues(2, "size")
          guard begin.count == x.rank, size.count == x.rank else {
            throw ctx.error(.invalidArgument, "begin \(begin) and size \(size) must both have one entry per dimension of the input of shape \(x.shape)")
          }
          var shape = size
          for i in 0..<x.rank {
            let d = x.shape[i], bi = begin[i]
            guard bi >= 0, bi <= d else {
              throw ctx.error(.invalidArgument, "slice out of range along axis \(i): begin \(bi) is outside [0, \(d)] for the input of shape \(x.shape)")
            }
            if size[i] == -1 { shape[i] = d - bi }
            guard shape[i] >= 0, shape[i] <= d - bi else {
              throw ctx.error(.invalidArgument, "slice out of range along axis \(i): begin \(bi) with size \(size[i]) does not fit in dimension \(d) of the input of shape \(x.shape)")
            }
          }
          if shape == x.shape {
            ctx.setOutput(0, x)
            return
          }
          let out = ctx.allocateOutput(0, dtype: x.dtype, shape: shape)
          ctx.setOutput(0, out)
          if out.scalarCount == 0 { return }
          let strides = rowMajorStrides(x.shape)
          var offset = 0
          for i in 0..<x.rank { offset += begin[i] * strides[i] }
          stridedCopy(
            StridedCopyPlan(dims: shape, strides: strides),
            x.rawPointer.assumingMemoryBound(to: E.self) + offset, out.mutableRawPointer.assumingMemoryBound(to: E.self))
        }
      }
      switch b.inputs[0].dtype.byteSize {
      case 1: return make(UInt8.self)
      case 4: return make(UInt32.self)
      default: return make(UInt64.self)
      }
    },
    gradient: .function { c in
      // The slice's elements go back to their places and zeros elsewhere:
      // dx = pad(dy) with begin before and shape(x) - shape(y) - begin after
      // along each dimension.
      let g = c.graph, x = c.input(0), begin = c.input(1), y = c.output(0)
      if let b = g.constantValue(of: begin.ref)?.integers(), let xd = x.shape.concrete, let yd = y.shape.concrete {
        return [try g.pad(c.grad, paddings: xd.indices.map { [b[$0], xd[$0] - b[$0] - yd[$0]] }), nil, nil]
      }
      let t = begin.dtype
      let after = try g.subtract(try g.subtract(try g.shapeTensor(of: x, dtype: t), try g.shapeTensor(of: y, dtype: t)), begin)
      let paddings = try g.concat([try g.reshape(begin, [-1, 1]), try g.reshape(after, [-1, 1])], axis: 1)
      return [try g.pad(c.grad, paddings: paddings), nil, nil]
    },
    cost: { c in Cost(flops: 0, bytes: Double(2 * c.outputBytes)) })
}

extension Graph {
  /// The elements of `x` from `begin` with extent `size` along each
  /// dimension (`Slice`); a size of -1 takes everything to the end.
  ///
  ///     try g.slice(x, begin: [0, 1], size: [-1, 2])   // x[:, 1:3]
  public func slice(
    _ x: Output, begin: [Int], size: [Int], name: String? = nil, file: String = #fileID, line: Int = #line
  ) throws -> Output {
    try withOpScope(name ?? "Slice") { scope in
      // begin and size share one dtype, int64 only when a value needs it.
      let wide = !(begin + size).allSatisfy(Tensor.fitsInt32)
      let b = try constant(Tensor.indexVector(begin, wide: wide), name: "begin", file: file, line: line)
      let s = try constant(Tensor.indexVector(size, wide: wide), name: "size", file: file, line: line)
      return try buildScoped("Slice", [x, b, s], scope: scope, file: file, line: line)
    }
  }

  /// `x` sliced by the integer vectors `begin` and `size` (one dtype).
  public func slice(
    _ x: Output, begin: Output, size: Output, name: String? = nil, file: String = #fileID, line: Int = #line
  ) throws -> Output {
    try build("Slice", [x, begin, size], name: name ?? "Slice", file: file, line: line)
  }
}
