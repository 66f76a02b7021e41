// MirrorPad: a tensor padded with mirror images of itself along each
// dimension (`tf.pad(mode="REFLECT" | "SYMMETRIC")`), and MirrorPadGrad,
// which folds a padded gradient back onto the input by summing every
// mirrored copy into the element it copies. Each is the other's gradient,
// as in TensorFlow's array_grad.py.

/// The source index of every padded position of one dimension of size
/// `size`: REFLECT (`offset` 1) mirrors about the edge element
/// (`[1, 2, 3]` → `3 2 | 1 2 3 | 2 1`), SYMMETRIC (`offset` 0) repeats it
/// (`2 1 | 1 2 3 | 3 2`).
private func mirrorMap(size: Int, before: Int, after: Int, offset: Int) -> [Int] {
  (0..<(before + size + after)).map { o in
    let i = o - before
    if i < 0 { return -i - (1 - offset) }
    if i >= size { return 2 * size - 1 - offset - i }
    return i
  }
}

/// The mode attribute as its mirror offset: 1 for REFLECT, 0 for
/// SYMMETRIC.
private func mirrorOffset(_ a: some AttributeReading) -> Int { a.string("mode") == "REFLECT" ? 1 : 0 }

/// The index maps of every dimension, and the element offsets of the
/// source row each padded row reads, for a padded shape `padded` over an
/// unpadded `shape`.
private struct MirrorPlan {
  let maps: [[Int]]
  let padded: [Int]
  let shape: [Int]
  let strides: [Int]

  init(shape: [Int], pads: [Int], offset: Int) {
    self.shape = shape
    strides = rowMajorStrides(shape)
    maps = shape.indices.map { mirrorMap(size: shape[$0], before: pads[2 * $0], after: pads[2 * $0 + 1], offset: offset) }
    padded = maps.map(\.count)
  }

  /// The element offset in the unpadded tensor of the row that padded row
  /// `r` (all dimensions but the last) comes from.
  func sourceRow(_ r: Int) -> Int {
    var rest = r, from = 0
    for d in stride(from: shape.count - 2, through: 0, by: -1) {
      let o = rest % padded[d]
      rest /= padded[d]
      from += maps[d][o] * strides[d]
    }
    return from
  }
}

extension StandardOps {
  static let mirrorPad = OpDef(
    "MirrorPad", inputs: ["input: T", "paddings: Tpaddings"], outputs: ["output: T"],
    attrs: ["T: type", "Tpaddings: {int32, int64} = int32", "mode: {'REFLECT', 'SYMMETRIC'}"],
    summary: "Pads input with mirror images of itself: REFLECT leaves the edge out, SYMMETRIC repeats it.",
    shape: { c in [try c.paddedShape(mirrorOffset: mirrorOffset(c))] },
    kernel: { b in
      let offset = mirrorOffset(b)
      func make<E: SendableMetatype>(_: E.Type) -> KernelFunction {
        { ctx in
          let x = ctx.input(0)
          let (pads, shape) = try ctx.paddings(for: x, mirrorOffset: offset)
          if shape == x.shape {
            ctx.setOutput(0, x)
            return
          }
          let out = ctx.allocateOutput(0, dtype: x.dtype, shape: shape)
          ctx.setOutput(0, out)
          if out.scalarCount == 0 { return }
          let plan = MirrorPlan(shape: x.shape, pads: pads, offset: offset)
          let src = x.rawPointer.assumingMemoryBound(to: E.self)
          let dst = out.mutableRawPointer.assumingMemoryBound(to: E.self)
          let row = shape[shape.count - 1], rows = out.scalarCount / row
          let last = plan.maps[shape.count - 1], before = pads[2 * (shape.count - 1)], width = x.shape[x.rank - 1]
          ctx.forEachChunk(count: rows, grain: Swift.max(1, 32_768 / (row * MemoryLayout<E>.stride))) { range in
            for r in range {
              let from = src + plan.sourceRow(r), to = dst + r * row
              for k in 0..<before { to[k] = from[last[k]] }
              (to + before).update(from: from, count: width)
              for k in (before + width)..<row { to[k] = from[last[k]] }
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
      [try c.graph.mirrorPadGrad(c.grad, paddings: c.input(1), mode: c.string("mode")), nil]
    },
    cost: { c in Cost(flops: 0, bytes: Double(c.inputBytes + c.outputBytes)) })

  static let mirrorPadGrad = OpDef(
    "MirrorPadGrad", inputs: ["input: T", "paddings: Tpaddings"], outputs: ["output: T"],
    attrs: ["T: {float32, float64, int32, int64, uint8}", "Tpaddings: {int32, int64} = int32", "mode: {'REFLECT', 'SYMMETRIC'}"],
    summary: "MirrorPad's gradient: the padded input folded back, each mirrored element added to the one it copies.",
    shape: { c in
      let input = c.shape(0), paddings = c.shape(1)
      if let r = paddings.rank, r != 2 || (paddings[1].value.map { $0 != 2 } ?? false) {
        throw c.error("paddings must be a matrix of shape [rank, 2] but has shape \(paddings)")
      }
      guard let rank = input.rank ?? paddings[0].value else { return [.unknown] }
      if let n = paddings[0].value, n != rank {
        throw c.error("paddings has \(n) rows but the input \(input) has rank \(rank)")
      }
      guard let p = c.constantInts(1) else { return [.unknown(rank: rank)] }
      let offset = mirrorOffset(c)
      return [PartialShape(dims: try (0..<rank).map { i in
        guard let n = input[i].value else { return .unknown }
        let size = n - p[2 * i] - p[2 * i + 1]
        guard p[2 * i] >= 0, p[2 * i + 1] >= 0, size >= 0, p[2 * i] <= size - offset, p[2 * i + 1] <= size - offset else {
          throw c.invalid("paddings \(padRows(p)) do not fold the gradient of shape \(input) along dimension \(i) in \(c.string("mode")) mode")
        }
        return .known(size)
      })]
    },
    kernel: { b in
      let offset = mirrorOffset(b)
      func make<T: TensorNumericScalar>(_: T.Type) -> KernelFunction {
        { ctx in
          let dy = ctx.input(0), p = ctx.input(1)
          guard p.shape == [dy.rank, 2] else {
            throw ctx.error(.invalidArgument, "paddings must be a matrix of shape [\(dy.rank), 2] but has shape \(p.shape)")
          }
          let pads = p.indexScalars()
          var shape = dy.shape
          for i in 0..<dy.rank {
            let size = dy.shape[i] - pads[2 * i] - pads[2 * i + 1]
            guard pads[2 * i] >= 0, pads[2 * i + 1] >= 0, size >= 0, pads[2 * i] <= size - offset,
              pads[2 * i + 1] <= size - offset
            else {
              throw ctx.error(
                .invalidArgument,
                "paddings \(padRows(pads)) do not fold the gradient of shape \(dy.shape) along dimension \(i) in \(offset == 1 ? "REFLECT" : "SYMMETRIC") mode")
            }
            shape[i] = size
          }
          let out = ctx.allocateOutput(0, dtype: dy.dtype, shape: shape)
          let dst = out.unsafeMutablePointer(as: T.self)
          dst.update(repeating: .zero, count: out.scalarCount)
          ctx.setOutput(0, out)
          if dy.scalarCount == 0 || out.scalarCount == 0 { return }
          // Serial: mirrored rows of dy land on the same row of dx.
          let plan = MirrorPlan(shape: shape, pads: pads, offset: offset)
          let src = dy.unsafePointer(as: T.self)
          let row = dy.shape[dy.rank - 1], last = plan.maps[dy.rank - 1]
          for r in 0..<(dy.scalarCount / row) {
            let to = dst + plan.sourceRow(r), from = src + r * row
            for k in 0..<row { to[last[k]] = T.wrappedAdd(to[last[k]], from[k]) }
          }
        }
      }
      switch b.inputs[0].dtype {
      case .float32: return make(Float.self)
      case .float64: return make(Double.self)
      case .int32: return make(Int32.self)
      case .int64: return make(Int64.self)
      case .uint8: return make(UInt8.self)
      default: throw b.unsupported()
      }
    },
    gradient: .function { c in
      [try c.graph.mirrorPad(c.grad, paddings: c.input(1), mode: c.string("mode")), nil]
    },
    cost: { c in Cost(flops: CostContext.elements(c.inputs[0].shape), bytes: Double(c.inputBytes + c.outputBytes)) })
}

extension Graph {
  /// `x` padded with mirror images of itself (`MirrorPad`; `tf.pad` with
  /// `mode: "REFLECT"` or `"SYMMETRIC"`): `paddings[i]` is the
  /// (before, after) count along dimension `i`. REFLECT leaves the edge
  /// element out (`[1, 2, 3]` padded by 2 → `3 2 1 2 3 2 1`) and allows at
  /// most size − 1; SYMMETRIC repeats it (`2 1 1 2 3 3 2`) and allows at most
  /// size.
  public func mirrorPad(
    _ x: Output, paddings: [[Int]], mode: String, name: String? = nil, file: String = #fileID, line: Int = #line
  ) throws -> Output {
    let table = try Self.paddingsTable(paddings, op: "MirrorPad", file: file, line: line)
    return try withOpScope(name ?? "MirrorPad") { scope in
      let p = try constant(table, name: "paddings", file: file, line: line)
      return try buildScoped("MirrorPad", [x, p], attrs: ["mode": .string(mode)], scope: scope, file: file, line: line)
    }
  }

  /// ``mirrorPad(_:paddings:mode:name:file:line:)`` with the paddings an
  /// integer matrix of shape `[rank, 2]`.
  public func mirrorPad(
    _ x: Output, paddings: Output, mode: String, name: String? = nil, file: String = #fileID, line: Int = #line
  ) throws -> Output {
    try build("MirrorPad", [x, paddings], attrs: ["mode": .string(mode)], name: name, file: file, line: line)
  }

  /// MirrorPad's gradient (`MirrorPadGrad`): `dy`, of the padded shape,
  /// folded back to the input's shape by adding each mirrored element to
  /// the one it copies.
  public func mirrorPadGrad(
    _ dy: Output, paddings: Output, mode: String, name: String? = nil, file: String = #fileID, line: Int = #line
  ) throws -> Output {
    try build("MirrorPadGrad", [dy, paddings], attrs: ["mode": .string(mode)], name: name, file: file, line: line)
  }
}
