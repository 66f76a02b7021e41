// Pad and PadV2: surround a tensor with zeros or a constant, the inverse
// of Slice (and its gradient); the padded-shape rules MirrorPad shares.

// MARK: - Shapes

extension ShapeContext {
  /// The shape of Pad, PadV2 and MirrorPad: input 0 grown by the
  /// `[rank, 2]` paddings of input 1. `mirrorOffset` (MirrorPad's 1 for
  /// REFLECT, 0 for SYMMETRIC) bounds each padding by the dimension minus
  /// it, as a mirror can only repeat what is there.
  func paddedShape(mirrorOffset: Int? = nil) throws -> PartialShape {
    let input = shape(0), paddings = shape(1)
    if let r = paddings.rank, r != 2 || (paddings[1].value.map { $0 != 2 } ?? false) {
      throw error("paddings must be a matrix of shape [rank, 2] but has shape \(paddings)")
    }
    if let r = input.rank, let n = paddings[0].value, n != r {
      throw error("paddings has \(n) rows but the input \(input) has rank \(r); it needs one (before, after) row per dimension")
    }
    guard let rank = input.rank ?? paddings[0].value else { return .unknown }
    guard let p = constantInts(1) else { return .unknown(rank: rank) }
    if let bad = p.firstIndex(where: { $0 < 0 }) {
      throw invalid("paddings \(padRows(p)) has a negative entry \(p[bad]) for dimension \(bad / 2); padding must be ≥ 0")
    }
    var dims: [Dimension] = []
    for i in 0..<rank {
      if let offset = mirrorOffset, let n = input[i].value, p[2 * i] > n - offset || p[2 * i + 1] > n - offset {
        throw invalid(mirrorPaddingMessage(p[2 * i], p[2 * i + 1], n - offset, dimension: i, input: "\(input)"))
      }
      guard let d = Dimension.sum(input[i], .known(p[2 * i])).flatMap({ Dimension.sum($0, .known(p[2 * i + 1])) })
      else { throw invalid("padding \(input) by \(padRows(p)) overflows along dimension \(i)") }
      dims.append(d)
    }
    return PartialShape(dims: dims)
  }
}

/// TensorFlow's message for a mirror padding larger than its dimension
/// allows, with the place.
func mirrorPaddingMessage(_ before: Int, _ after: Int, _ limit: Int, dimension: Int, input: String) -> String {
  "paddings must be no greater than the dimension size: \(before), \(after) greater than \(limit) (dimension \(dimension) of the input of shape \(input); REFLECT may repeat at most size − 1 elements, SYMMETRIC at most size)"
}

extension KernelContext {
  /// The paddings of input 1 for input `x` and the padded shape, checked as
  /// ``ShapeContext/paddedShape(mirrorOffset:)`` checks them.
  func paddings(for x: Tensor, mirrorOffset: Int? = nil) throws -> (pads: [Int], shape: [Int]) {
    let p = input(1)
    guard p.shape == [x.rank, 2] else {
      throw error(.invalidArgument, "paddings must be a matrix of shape [\(x.rank), 2], one (before, after) row per dimension of the input of shape \(x.shape), but has shape \(p.shape)")
    }
    let pads = p.indexScalars()
    var shape = x.shape
    for i in 0..<x.rank {
      guard pads[2 * i] >= 0, pads[2 * i + 1] >= 0 else {
        throw error(.invalidArgument, "paddings \(padRows(pads)) has a negative entry for dimension \(i); padding must be ≥ 0")
      }
      if let offset = mirrorOffset, pads[2 * i] > x.shape[i] - offset || pads[2 * i + 1] > x.shape[i] - offset {
        throw error(
          .invalidArgument,
          mirrorPaddingMessage(pads[2 * i], pads[2 * i + 1], x.shape[i] - offset, dimension: i, input: "\(x.shape)"))
      }
      let (s, o1) = shape[i].addingReportingOverflow(pads[2 * i])
      let (t, o2) = s.addingReportingOverflow(pads[2 * i + 1])
      if o1 || o2 { throw error(.invalidArgument, "padding \(x.shape) by \(padRows(pads)) overflows") }
      shape[i] = t
    }
    try checkAllocatable(shape, x.dtype, "the padded shape")
    return (pads, shape)
  }
}

// MARK: - Pad and PadV2

/// The kernel of Pad (zeros around the input) and PadV2 (the scalar
/// `constant_values` around it, `withConstant`).
private func padKernel(withConstant: Bool) -> KernelFactory {
  { b in
    func make<E: FixedWidthInteger & SendableMetatype>(_: E.Type) -> KernelFunction {
      { ctx in
        let x = ctx.input(0)
        let (pads, shape) = try ctx.paddings(for: x)
        var fill: E = 0
        if withConstant {
          let c = ctx.input(2)
          guard c.rank == 0 else {
            throw ctx.error(.invalidArgument, "constant_values must be a scalar. Got: \(c.shape)")
          }
          fill = c.rawPointer.load(as: E.self)
        }
        if shape == x.shape {
          ctx.setOutput(0, x)
          return
        }
        let out = ctx.allocateOutput(0, dtype: x.dtype, shape: shape)
        let dst = out.mutableRawPointer.assumingMemoryBound(to: E.self)
        dst.update(repeating: fill, count: shape.reduce(1, *))
        ctx.setOutput(0, out)
        if x.scalarCount == 0 { return }
        // Copy the input's rows (its last dimension) to their places.
        let strides = rowMajorStrides(shape)
        var start = 0
        for i in 0..<x.rank { start += pads[2 * i] * strides[i] }
        let src = x.rawPointer.assumingMemoryBound(to: E.self)
        let row = x.shape[x.rank - 1], outerRank = x.rank - 1
        var index = [Int](repeating: 0, count: outerRank)
        var d = start
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
  }
}

/// The gradient of Pad and PadV2: the input sits inside the output after
/// the leading padding, so dx = slice(dy, begin: paddings[:, 0], size:
/// shape(x)); none for the paddings and the constant.
private func padGradient(_ c: GradientContext) throws -> [Output?] {
  let g = c.graph, x = c.input(0), paddings = c.input(1)
  let t = paddings.dtype
  let begin: Output
  if let p = g.constantValue(of: paddings.ref)?.integers() {
    let before = stride(from: 0, to: p.count, by: 2).map { p[$0] }
    begin = try g.constant(Tensor.indexVector(before, wide: t == .int64), name: "begin")
  } else {
    begin = try g.reshape(try g.slice(paddings, begin: [0, 0], size: [-1, 1]), [-1])
  }
  let dx = try g.slice(c.grad, begin: begin, size: try g.shapeTensor(of: x, dtype: t))
  return c.node.inputs.count == 3 ? [dx, nil, nil] : [dx, nil]
}

extension StandardOps {
  static let pad = OpDef(
    "Pad", inputs: ["input: T", "paddings: Tpaddings"], outputs: ["output: T"],
    attrs: ["T: type", "Tpaddings: {int32, int64} = int32"],
    summary: "Adds paddings[i, 0] zeros before and paddings[i, 1] zeros after the input along each dimension i.",
    shape: { c in [try c.paddedShape()] }, kernel: padKernel(withConstant: false), gradient: .function(padGradient),
    cost: { c in Cost(flops: 0, bytes: Double(c.inputBytes + c.outputBytes)) })

  static let padV2 = OpDef(
    "PadV2", inputs: ["input: T", "paddings: Tpaddings", "constant_values: T"], outputs: ["output: T"],
    attrs: ["T: type", "Tpaddings: {int32, int64} = int32"],
    summary: "Adds paddings[i, 0] copies of the scalar constant_values before and paddings[i, 1] after the input along each dimension i.",
    shape: { c in
      try c.requireRank(2, atMost: 0, "constant_values")
      return [try c.paddedShape()]
    },
    kernel: padKernel(withConstant: true), gradient: .function(padGradient),
    cost: { c in Cost(flops: 0, bytes: Double(c.inputBytes + c.outputBytes)) })
}

/// Flat paddings `[b₀, a₀, b₁, a₁, …]` as rows, for messages.
func padRows(_ flat: [Int]) -> String {
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
    let table = try Self.paddingsTable(paddings, op: "Pad", file: file, line: line)
    return try withOpScope(name ?? "Pad") { scope in
      let p = try constant(table, name: "paddings", file: file, line: line)
      return try buildScoped("Pad", [x, p], scope: scope, file: file, line: line)
    }
  }

  /// `paddings` as the `[rank, 2]` integer matrix of Pad, PadV2 and
  /// MirrorPad (int64 when a value needs it).
  static func paddingsTable(_ paddings: [[Int]], op: String, file: String, line: Int) throws -> Tensor {
    guard paddings.allSatisfy({ $0.count == 2 }) else {
      throw TensorGraphError(
        .invalidArgument, "each row of paddings must hold two values (before, after), but paddings is \(paddings)",
        op: op, site: SourceLocation(fileID: file, line: line))
    }
    let flat = paddings.flatMap { $0 }
    return try Tensor.indexVector(flat, wide: !flat.allSatisfy(Tensor.fitsInt32)).reshaped(to: [paddings.count, 2])
  }

  /// `x` padded with zeros by the integer matrix `paddings` of shape
  /// `[rank, 2]`.
  public func pad(
    _ x: Output, paddings: Output, name: String? = nil, file: String = #fileID, line: Int = #line
  ) throws -> Output {
    try build("Pad", [x, paddings], name: name, file: file, line: line)
  }
}

extension Graph {
  /// `x` with `paddings[i][0]` copies of the scalar `constantValue` before
  /// and `paddings[i][1]` after it along each dimension `i` (`PadV2`;
  /// `tf.pad(x, paddings, constant_values=…)`).
  public func pad(
    _ x: Output, paddings: Output, constantValue: Output, name: String? = nil, file: String = #fileID,
    line: Int = #line
  ) throws -> Output {
    try build("PadV2", [x, paddings, constantValue], name: name, file: file, line: line)
  }
}
