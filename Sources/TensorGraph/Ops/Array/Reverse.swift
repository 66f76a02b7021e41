// ReverseV2: a tensor with the order of its elements reversed along some
// axes (`tf.reverse`), a strided copy with negative strides. It is its own
// gradient.

/// Which dimensions of a rank-`rank` tensor the axis list reverses,
/// checked as TensorFlow's ReverseV2 kernel checks it (negative axes count
/// from the end; an axis named twice is an error).
private func reversedDimensions(_ axes: [Int], rank: Int) throws(IndexingError) -> [Bool] {
  var reversed = [Bool](repeating: false, count: rank)
  for (i, raw) in axes.enumerated() {
    guard raw >= -rank, raw < rank else {
      throw .init(message: "'axis'[\(i)] = \(raw) is out of valid range [\(-rank), \(rank - 1)]")
    }
    let axis = raw < 0 ? raw + rank : raw
    guard !reversed[axis] else { throw .init(message: "axis \(axis) specified more than once.") }
    reversed[axis] = true
  }
  return reversed
}

extension StandardOps {
  static let reverseV2 = OpDef(
    "ReverseV2", inputs: ["tensor: T", "axis: Tidx"], outputs: ["output: T"],
    attrs: ["Tidx: {int32, int64} = int32", "T: {float32, float64, int32, int64, uint8, bool}"],
    summary: "Reverses the order of the elements of tensor along each of the dimensions axis names.",
    shape: { c in
      try c.requireVector(1, "axis")
      if let axes = c.constantInts(1), let rank = c.shape(0).rank {
        do throws(IndexingError) {
          _ = try reversedDimensions(axes, rank: rank)
        } catch {
          throw c.invalid("\(error.message) (reversing a tensor of shape \(c.shape(0)))")
        }
      }
      return [c.shape(0)]
    },
    kernel: { b in
      func make<E: SIMDScalar & SendableMetatype>(_: E.Type) -> KernelFunction {
        { ctx in
          let x = ctx.input(0)
          guard ctx.input(1).rank == 1 else {
            throw ctx.error(.invalidArgument, "'axis' must be a vector but has shape \(ctx.input(1).shape)")
          }
          let reversed: [Bool]
          do throws(IndexingError) {
            reversed = try reversedDimensions(ctx.input(1).indexScalars(), rank: x.rank)
          } catch {
            throw ctx.error(.invalidArgument, "\(error.message) (reversing a tensor of shape \(x.shape))")
          }
          if x.scalarCount == 0 || !zip(reversed, x.shape).contains(where: { $0 && $1 > 1 }) {
            ctx.setOutput(0, x)
            return
          }
          // Read each reversed dimension from its last index backwards.
          let rowStrides = rowMajorStrides(x.shape)
          var offset = 0
          var strides = rowStrides
          for d in 0..<x.rank where reversed[d] {
            offset += (x.shape[d] - 1) * rowStrides[d]
            strides[d] = -rowStrides[d]
          }
          let out = ctx.allocateOutput(0, dtype: x.dtype, shape: x.shape)
          stridedCopy(
            StridedCopyPlan(dims: x.shape, strides: strides), x.rawPointer.assumingMemoryBound(to: E.self) + offset,
            out.mutableRawPointer.assumingMemoryBound(to: E.self))
          ctx.setOutput(0, out)
        }
      }
      switch b.inputs[0].dtype.byteSize {
      case 1: return make(UInt8.self)
      case 4: return make(UInt32.self)
      default: return make(UInt64.self)
      }
    },
    gradient: .function { c in [try c.graph.reverse(c.grad, axis: c.input(1)), nil] },
    cost: { c in Cost(flops: 0, bytes: Double(c.inputBytes + c.outputBytes)) })
}

extension Graph {
  /// `x` with its elements in reverse order along each dimension of `axis`
  /// (`ReverseV2`; `tf.reverse`); negative axes count from the end.
  ///
  ///     try g.reverse(x, axis: [-1])   // [[1, 2], [3, 4]] → [[2, 1], [4, 3]]
  public func reverse(
    _ x: Output, axis: [Int], name: String? = nil, file: String = #fileID, line: Int = #line
  ) throws -> Output {
    try withOpScope(name ?? "ReverseV2") { scope in
      let a = try constant(Tensor.indexVector(axis, wide: false), name: "axis", file: file, line: line)
      return try buildScoped("ReverseV2", [x, a], scope: scope, file: file, line: line)
    }
  }

  /// ``reverse(_:axis:name:file:line:)`` with the axes an integer vector
  /// tensor.
  public func reverse(
    _ x: Output, axis: Output, name: String? = nil, file: String = #fileID, line: Int = #line
  ) throws -> Output {
    try build("ReverseV2", [x, axis], name: name, file: file, line: line)
  }
}
