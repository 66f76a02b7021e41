// Roll: the elements of a tensor shifted cyclically along some axes
// (`tf.roll`); an axis named several times shifts by the sum. Its gradient
// rolls back by the negated shifts, as TensorFlow's _RollGrad.

/// The net shift of each dimension, in `[0, size)`, from matching shift and
/// axis lists, checked as TensorFlow's Roll kernel checks them.
private func rollShifts(_ shifts: [Int], _ axes: [Int], shape: [Int]) throws(IndexingError) -> [Int] {
  guard shifts.count == axes.count else {
    throw .init(message: "shift and axis must have the same size, but shift has \(shifts.count) values and axis \(axes.count)")
  }
  let rank = shape.count
  var net = [Int](repeating: 0, count: rank)
  for (shift, raw) in zip(shifts, axes) {
    guard raw >= -rank, raw < rank else {
      throw .init(message: "axis \(raw) is out of range for a tensor of rank \(rank)")
    }
    let axis = raw < 0 ? raw + rank : raw
    let size = shape[axis]
    if size > 0 { net[axis] = ((net[axis] + shift % size) % size + size) % size }
  }
  return net
}

/// Roll's copy: `dst[i] = src[(i - shift) mod shape]` along every
/// dimension, one output row (the last dimension) at a time, each row in
/// two contiguous pieces; rows in parallel.
private func rollRows<E>(
  _ src: UnsafePointer<E>, _ dst: UnsafeMutablePointer<E>, shape: [Int], shifts: [Int], _ ctx: KernelContext
) {
  let rank = shape.count
  let row = shape[rank - 1], rows = shape.dropLast().reduce(1, *)
  let strides = rowMajorStrides(shape), last = shifts[rank - 1]
  ctx.forEachChunk(count: rows, grain: Swift.max(1, 32_768 / Swift.max(1, row * MemoryLayout<E>.stride))) { range in
    for r in range {
      // The source row of output row r.
      var rest = r, from = 0
      for d in stride(from: rank - 2, through: 0, by: -1) {
        let i = rest % shape[d]
        rest /= shape[d]
        let j = i - shifts[d]
        from += (j < 0 ? j + shape[d] : j) * strides[d]
      }
      // Output elements [last, row) come from source [0, row - last),
      // elements [0, last) from [row - last, row).
      let s = src + from, t = dst + r * row
      (t + last).update(from: s, count: row - last)
      t.update(from: s + (row - last), count: last)
    }
  }
}

extension StandardOps {
  static let roll = OpDef(
    "Roll", inputs: ["input: T", "shift: Tshift", "axis: Taxis"], outputs: ["output: T"],
    attrs: ["T: type", "Tshift: {int32, int64}", "Taxis: {int32, int64}"],
    summary: "Shifts the elements of input cyclically by shift[i] along dimension axis[i].",
    shape: { c in
      try c.requireRank(1, atMost: 1, "shift")
      try c.requireRank(2, atMost: 1, "axis")
      if let s = c.shape(1).rank, let a = c.shape(2).rank, s != a || (s == 1 && c.shape(1)[0].merged(with: c.shape(2)[0]) == nil) {
        throw c.error("shift (shape \(c.shape(1))) and axis (shape \(c.shape(2))) must have the same size")
      }
      if c.shape(0).rank == 0 { throw c.error("input must be at least 1-D, but is a scalar") }
      if let shifts = c.constantInts(1), let axes = c.constantInts(2), let dims = c.shape(0).dims {
        do throws(IndexingError) {
          _ = try rollShifts(shifts, axes, shape: dims.map { $0.value ?? 1 })
        } catch {
          throw c.invalid("\(error.message) (rolling a tensor of shape \(c.shape(0)))")
        }
      }
      return [c.shape(0)]
    },
    kernel: { b in
      func make<E: SendableMetatype>(_: E.Type) -> KernelFunction {
        { ctx in
          let x = ctx.input(0)
          guard x.rank >= 1 else { throw ctx.error(.invalidArgument, "input must be at least 1-D, but is a scalar") }
          guard ctx.input(1).shape == ctx.input(2).shape else {
            throw ctx.error(.invalidArgument, "shift and axis must have the same size, but shift has shape \(ctx.input(1).shape) and axis \(ctx.input(2).shape)")
          }
          let shifts: [Int]
          let rawShifts = try ctx.indexValues(1, "shift"), axes = try ctx.indexValues(2, "axis")
          do throws(IndexingError) {
            shifts = try rollShifts(rawShifts, axes, shape: x.shape)
          } catch {
            throw ctx.error(.invalidArgument, "\(error.message) (rolling a tensor of shape \(x.shape))")
          }
          if x.scalarCount == 0 || shifts.allSatisfy({ $0 == 0 }) {
            ctx.setOutput(0, x)
            return
          }
          let out = ctx.allocateOutput(0, dtype: x.dtype, shape: x.shape)
          rollRows(
            x.rawPointer.assumingMemoryBound(to: E.self), out.mutableRawPointer.assumingMemoryBound(to: E.self),
            shape: x.shape, shifts: shifts, ctx)
          ctx.setOutput(0, out)
        }
      }
      switch b.inputs[0].dtype.byteSize {
      case 1: return make(UInt8.self)
      case 4: return make(UInt32.self)
      default: return make(UInt64.self)
      }
    },
    gradient: .function { c in
      let g = c.graph
      return [try g.roll(c.grad, shift: try g.negate(c.input(1)), axis: c.input(2)), nil, nil]
    },
    cost: { c in Cost(flops: 0, bytes: Double(c.inputBytes + c.outputBytes)) })
}

extension Graph {
  /// `x` with its elements shifted cyclically by `shift[i]` places along
  /// dimension `axis[i]` (`Roll`; `tf.roll`): an element leaving one end
  /// comes back at the other; negative shifts go the other way.
  ///
  ///     try g.roll(x, shift: [1], axis: [0])   // [1, 2, 3] → [3, 1, 2]
  public func roll(
    _ x: Output, shift: [Int], axis: [Int], name: String? = nil, file: String = #fileID, line: Int = #line
  ) throws -> Output {
    try withOpScope(name ?? "Roll") { scope in
      let s = try constant(Tensor.indexVector(shift, wide: !shift.allSatisfy(Tensor.fitsInt32)), name: "shift", file: file, line: line)
      let a = try constant(Tensor.indexVector(axis, wide: false), name: "axis", file: file, line: line)
      return try buildScoped("Roll", [x, s, a], scope: scope, file: file, line: line)
    }
  }

  /// ``roll(_:shift:axis:name:file:line:)`` with shift and axis integer
  /// scalars or vectors of the same shape.
  public func roll(
    _ x: Output, shift: Output, axis: Output, name: String? = nil, file: String = #fileID, line: Int = #line
  ) throws -> Output {
    try build("Roll", [x, shift, axis], name: name, file: file, line: line)
  }
}
