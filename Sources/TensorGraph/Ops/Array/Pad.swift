// Pad: surrounds a tensor with zeros, the inverse of Slice (and its
// gradient).

// MARK: - Pad

extension StandardOps {
  static let pad = OpDef(
    "Pad", inputs: ["input: T", "paddings: Tpaddings"], outputs: ["output: T"],
    attrs: ["T: type", "Tpaddings: {int32, int64} = int32"],
    summary: "Adds paddings[i, 0] zeros before and paddings[i, 1] zeros after the input along each dimension i.",
    shape: { c in
      let input = c.shape(0), paddings = c.shape(1)
      if let r = paddings.rank, r != 2 || (paddings[1].value.map { $0 != 2 } ?? false) {
        throw c.error("paddings must be a matrix of shape [rank, 2] but has shape \(paddings)")
      }
      if let r = input.rank, let n = paddings[0].value, n != r {
        throw c.error("paddings has \(n) rows but the input \(input) has rank \(r); it needs one (before, after) row per dimension")
      }
      guard let rank = input.rank ?? paddings[0].value else { return [.unknown] }
      guard let p = c.constantInts(1) else { return [.unknown(rank: rank)] }
      if let bad = p.firstIndex(where: { $0 < 0 }) {
        throw c.invalid("paddings \(padRows(p)) has a negative entry \(p[bad]) for dimension \(bad / 2); padding must be ≥ 0")
      }
      var dims: [Dimension] = []
      for i in 0..<rank {
        guard let d = Dimension.sum(input[i], .known(p[2 * i])).flatMap({ Dimension.sum($0, .known(p[2 * i + 1])) })
        else { throw c.invalid("padding \(input) by \(padRows(p)) overflows along dimension \(i)") }
        dims.append(d)
      }
      return [PartialShape(dims: dims)]
    },
    kernel: { b in
      func make<E: SendableMetatype>(_: E.Type) -> KernelFunction {
        { ctx in
          let x = ctx.input(0), p = ctx.input(1)
          guard p.shape == [x.rank, 2] else {
            throw ctx.error(.invalidArgument, "paddings must be a matrix of shape [\(x.rank), 2], one (before, after) row per dimension of the input of shape \(x.shape), but has shape \(p.shape)")
          }
          let pads = p.indexScalars()
          var shape = x.shape
          for i in 0..<x.rank {
            guard pads[2 * i] >= 0, pads[2 * i + 1] >= 0 else {
              throw ctx.error(.invalidArgument, "paddings \(padRows(pads)) has a negative entry for dimension \(i); padding must be ≥ 0")
            }
            let (s, o1) = shape[i].addingReportingOverflow(pads[2 * i])
            let (t, o2) = s.addingReportingOverflow(pads[2 * i + 1])
            if o1 || o2 { throw ctx.error(.invalidArgument, "padding \(x.shape) by \(padRows(pads)) overflows") }
            shape[i] = t
          }
          if shape == x.shape {
            ctx.setOutput(0, x)
            return
          }
          let count = try ctx.checkAllocatable(shape, x.dtype, "the padded shape")
          let out = ctx.allocateOutput(0, dtype: x.dtype, shape: shape)
          out.mutableRawPointer.initializeMemory(as: UInt8.self, repeating: 0, count: count * x.dtype.byteSize)
          ctx.setOutput(0, out)
          if x.scalarCount == 0 { return }
          // Copy the input's rows (its last dimension) to their places.
          let strides = rowMajorStrides(shape)
          var start = 0
          for i in 0..<x.rank { start += pads[2 * i] * strides[i] }
          let src = x.rawPointer.assumingMemoryBound(to: E.self)
          let dst = out.mutableRawPointer.assumingMemoryBound(to: E.self) + start
          let row = x.shape[x.rank - 1], outerRank = x.rank - 1
          var index = [Int](repeating: 0, count: outerRank)
          var d = 0
          for r in 0..<(x.scalarCount / row) {
            (dst + d).update(from: src + r * row, count: row)
            var j = outerRank - 1
            while j >= 0 {
              index[j] += 1
              d += strides[j]
              if index[j] < x.shape[j] { break }
              d -= strides[j] * x.shape[j]
              index[j] = 0
              j -= 1
            }
          }
        }
      }
      switch b.inputs[0].dtype.byteSize {
      case 1: return make(UInt8.self)
      case 4: return make(UInt32.self)
      default: return make(UInt64.self)
      }
    },
    gradient: .function { c in
      // The input sits inside the output after the leading padding:
      // dx = slice(dy, begin: paddings[:, 0], size: shape(x)).
      let g = c.graph, x = c.input(0), paddings = c.input(1)
      let t = paddings.dtype
      let begin: Output
      if let p = g.constantValue(of: paddings.ref)?.integers() {
        let before = stride(from: 0, to: p.count, by: 2).map { p[$0] }
        begin = try g.constant(Tensor.indexVector(before, wide: t == .int64), name: "begin")
      } else {
        begin = try g.reshape(try g.slice(paddings, begin: [0, 0], size: [-1, 1]), [-1])
      }
      return [try g.slice(c.grad, begin: begin, size: try g.shapeTensor(of: x, dtype: t)), nil]
    },
    cost: { c in Cost(flops: 0, bytes: Double(c.inputBytes + c.outputBytes)) })
}

/// Flat paddings `[b₀, a₀, b₁, a₁, …]` as rows, for messages.
private func padRows(_ flat: [Int]) -> String {
  "[" + stride(from: 0, to: flat.count - 1, by: 2).map { "[\(flat[$0]), \(flat[$0 + 1])]" }.joined(separator: ", ") + "]"
}

extension Graph {
  /// `x` with `paddings[i][0]` zeros before and `paddings[i][1]` zeros after
  /// it along each dimension `i` (`Pad`, `tf.pad`).
  ///
  ///     try g.pad(x, paddings: [[0, 0], [1, 2]])   // [2, 3] → [2, 6]
  public func pad(
    _ x: Output, paddings: [[Int]], name: String? = nil, file: String = #fileID, line: Int = #line
  ) throws -> Output {
    guard paddings.allSatisfy({ $0.count == 2 }) else {
      throw TensorGraphError(
        .invalidArgument, "each row of paddings must hold two values (before, after), but paddings is \(paddings)",
        op: "Pad", site: SourceLocation(fileID: file, line: line))
    }
    return try withOpScope(name ?? "Pad") { scope in
      let flat = paddings.flatMap { $0 }
      let table = try Tensor.indexVector(flat, wide: !flat.allSatisfy(Tensor.fitsInt32)).reshaped(to: [paddings.count, 2])
      let p = try constant(table, name: "paddings", file: file, line: line)
      return try buildScoped("Pad", [x, p], scope: scope, file: file, line: line)
    }
  }

  /// `x` padded with zeros by the integer matrix `paddings` of shape
  /// `[rank, 2]`.
  public func pad(
    _ x: Output, paddings: Output, name: String? = nil, file: String = #fileID, line: Int = #line
  ) throws -> Output {
    try build("Pad", [x, paddings], name: name, file: file, line: line)
  }
}
