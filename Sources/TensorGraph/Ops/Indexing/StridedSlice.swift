// StridedSlice (every `x[a:b:s, ..., i, tf.newaxis]` of TensorFlow's
// Python) and its gradient StridedSliceGrad, which puts the upstream
// gradient back in the places the slice took and zeros elsewhere. Both
// read begin, end and strides through StridedSliceSpec.

// MARK: - StridedSlice

/// The attributes StridedSlice and StridedSliceGrad share.
private let stridedSliceAttrs = [
  "T: type", "Index: {int32, int64}", "begin_mask: int = 0", "end_mask: int = 0", "ellipsis_mask: int = 0",
  "new_axis_mask: int = 0", "shrink_axis_mask: int = 0",
]

extension ShapeContext {
  /// The output shape of a strided slice of `input` by inputs `begin`,
  /// `end` and `strides` (input indices), as TensorFlow's shape function:
  /// unknown until the input's rank, the spec's length and the strides are
  /// known; begin and end may be unknown.
  fileprivate func stridedSliceShape(input: PartialShape, begin: Int, end: Int, strides: Int) throws -> PartialShape {
    for (i, label) in [(begin, "begin"), (end, "end"), (strides, "strides")] { try requireVector(i, label) }
    guard let length = shape(begin)[0].merged(with: shape(end)[0]).flatMap({ $0.merged(with: shape(strides)[0]) })
    else {
      throw error("begin \(shape(begin)), end \(shape(end)) and strides \(shape(strides)) must have the same length")
    }
    guard let rank = input.rank, length.value != nil, let s = constantInts(strides) else { return .unknown }
    do throws(IndexingError) {
      let spec = try StridedSliceSpec.resolve(
        inputShape: (0..<rank).map { input[$0].value }, begin: constantInts(begin), end: constantInts(end), strides: s,
        masks: StridedSliceMasks(self))
      return PartialShape(dims: spec.finalShape.map { $0.map(Dimension.known) ?? .unknown })
    } catch {
      throw invalid("\(error.message) (slicing the input of shape \(input))")
    }
  }
}

extension KernelContext {
  /// The strided slice of `shape` by inputs `begin`, `end` and `strides`,
  /// read from their run-time values.
  fileprivate func stridedSliceSpec(
    shape: [Int], begin: Int, end: Int, strides: Int, masks: StridedSliceMasks
  ) throws -> StridedSliceSpec {
    let b = input(begin), e = input(end), s = input(strides)
    guard b.rank == 1, e.rank == 1, s.rank == 1 else {
      throw error(
        .invalidArgument,
        "Expected begin, end, and strides to be 1D equal size tensors, but got shapes \(b.shape), \(e.shape), and \(s.shape) instead.")
    }
    do throws(IndexingError) {
      return try StridedSliceSpec.resolve(
        inputShape: shape, begin: b.indexScalars(), end: e.indexScalars(), strides: s.indexScalars(),
        masks: masks)
    } catch {
      throw self.error(.invalidArgument, "\(error.message) (slicing a tensor of shape \(shape))")
    }
  }
}

/// The copy plan of `spec` over a row-major tensor of `shape`: the
/// processing shape with each dimension's stride scaled, and the element
/// offset of the first element taken.
private func stridedSlicePlan(_ spec: StridedSliceSpec, _ shape: [Int]) -> (StridedCopyPlan, offset: Int) {
  let rowStrides = rowMajorStrides(shape)
  var offset = 0
  for i in shape.indices { offset += spec.begin[i] * rowStrides[i] }
  let dims = spec.processingShape.map { $0! }
  return (StridedCopyPlan(dims: dims, strides: shape.indices.map { spec.strides[$0] * rowStrides[$0] }), offset)
}

extension StandardOps {
  static let stridedSlice = OpDef(
    "StridedSlice", inputs: ["input: T", "begin: Index", "end: Index", "strides: Index"], outputs: ["output: T"],
    attrs: stridedSliceAttrs,
    summary: "Extracts input[begin:end:strides] with TensorFlow's masks for omitted bounds, ellipsis, new and shrunk axes.",
    shape: { c in [try c.stridedSliceShape(input: c.shape(0), begin: 1, end: 2, strides: 3)] },
    kernel: { b in
      let masks = StridedSliceMasks(b)
      func make<E: SIMDScalar & SendableMetatype>(_: E.Type) -> KernelFunction {
        { ctx in
          let x = ctx.input(0)
          let spec = try ctx.stridedSliceSpec(shape: x.shape, begin: 1, end: 2, strides: 3, masks: masks)
          let shape = spec.finalShape.map { $0! }
          if spec.isIdentity {
            ctx.setOutput(0, try x.reshaped(to: shape))
            return
          }
          let out = ctx.allocateOutput(0, dtype: x.dtype, shape: shape)
          ctx.setOutput(0, out)
          let (plan, offset) = stridedSlicePlan(spec, x.shape)
          if plan.count == 0 { return }
          stridedCopy(
            plan, x.rawPointer.assumingMemoryBound(to: E.self) + offset,
            out.mutableRawPointer.assumingMemoryBound(to: E.self))
        }
      }
      switch b.inputs[0].dtype.byteSize {
      case 1: return make(UInt8.self)
      case 4: return make(UInt32.self)
      default: return make(UInt64.self)
      }
    },
    gradient: .function { c in
      // TensorFlow's _StridedSliceGrad: the upstream gradient back in the
      // places the slice took, zeros elsewhere.
      let g = c.graph, begin = c.input(1)
      let shape = try g.shapeTensor(of: c.input(0), dtype: begin.dtype)
      let dx = try g.stridedSliceGrad(
        shape: shape, begin: begin, end: c.input(2), strides: c.input(3), dy: c.grad,
        masks: StridedSliceMasks(c.node))
      return [dx, nil, nil, nil]
    },
    cost: { c in Cost(flops: 0, bytes: Double(2 * c.outputBytes)) })

  static let stridedSliceGrad = OpDef(
    "StridedSliceGrad", inputs: ["shape: Index", "begin: Index", "end: Index", "strides: Index", "dy: T"],
    outputs: ["output: T"], attrs: stridedSliceAttrs,
    summary: "The gradient of StridedSlice: dy in the places the slice of a tensor of the given shape took, zeros elsewhere.",
    shape: { c in
      try c.requireVector(0, "shape")
      let shape = c.shapeInput(0)
      let sliced = try c.stridedSliceShape(input: shape, begin: 1, end: 2, strides: 3)
      if sliced.merged(with: c.shape(4)) == nil {
        throw c.error("dy has shape \(c.shape(4)) but the slice of a tensor of shape \(shape) has shape \(sliced)")
      }
      return [shape]
    },
    kernel: { b in
      let masks = StridedSliceMasks(b)
      func make<E: SIMDScalar & SendableMetatype>(_: E.Type) -> KernelFunction {
        { ctx in
          let shape = try ctx.indexValues(0, "shape"), dy = ctx.input(4)
          guard ctx.input(0).rank == 1 else {
            throw ctx.error(.invalidArgument, "'shape' must be a vector but has shape \(ctx.input(0).shape)")
          }
          let count = try ctx.checkAllocatable(shape, dy.dtype, "the shape of StridedSliceGrad's output")
          let spec = try ctx.stridedSliceSpec(shape: shape, begin: 1, end: 2, strides: 3, masks: masks)
          let sliced = spec.finalShape.map { $0! }
          guard dy.shape == sliced else {
            throw ctx.error(
              .invalidArgument,
              "shape of dy was \(dy.shape) instead of \(sliced), the shape of the slice of a tensor of shape \(shape)")
          }
          if spec.isIdentity {
            ctx.setOutput(0, try dy.reshaped(to: shape))
            return
          }
          let out = ctx.allocateOutput(0, dtype: dy.dtype, shape: shape)
          out.mutableRawPointer.initializeMemory(as: UInt8.self, repeating: 0, count: count * dy.dtype.byteSize)
          ctx.setOutput(0, out)
          let (plan, offset) = stridedSlicePlan(spec, shape)
          if plan.count == 0 { return }
          stridedStore(
            plan, dy.rawPointer.assumingMemoryBound(to: E.self),
            out.mutableRawPointer.assumingMemoryBound(to: E.self) + offset)
        }
      }
      switch b.inputs[4].dtype.byteSize {
      case 1: return make(UInt8.self)
      case 4: return make(UInt32.self)
      default: return make(UInt64.self)
      }
    },
    gradient: .function { c in
      // TensorFlow's _StridedSliceGradGrad: the same slice of the upstream
      // gradient.
      let dy = try c.graph.stridedSlice(
        c.grad, begin: c.input(1), end: c.input(2), strides: c.input(3), masks: StridedSliceMasks(c.node))
      return [nil, nil, nil, nil, dy]
    },
    cost: { c in Cost(flops: 0, bytes: Double(c.inputBytes + c.outputBytes)) })
}

// MARK: - Builders

/// One entry of a Python-style index, for ``Graph/stridedSlice(_:_:name:file:line:)``:
/// `x[1, 2:, ..., ::-1, tf.newaxis]` is
/// `[.index(1), .range(2, nil), .ellipsis, .range(nil, nil, stride: -1), .newAxis]`.
public enum SliceIndex: Sendable, Equatable {
  /// One element, its dimension dropped (`x[i]`); negative counts from the
  /// end.
  case index(Int)
  /// `begin:end:stride`; a `nil` bound runs to the end in the direction of
  /// the stride.
  case range(Int?, Int?, stride: Int = 1)
  /// As many full dimensions as the other entries leave (`...`).
  case ellipsis
  /// A new dimension of size 1 (`tf.newaxis`).
  case newAxis

  /// Every element of one dimension (`:`).
  public static let all = SliceIndex.range(nil, nil)
}

extension Graph {
  /// `input[begin:end:strides]` with TensorFlow's masks (`StridedSlice`;
  /// `tf.strided_slice`); `strides` defaults to ones.
  ///
  ///     try g.stridedSlice(x, begin: [0, 1], end: [0, 0], endMask: 0b11)   // x[:, 1:]
  public func stridedSlice(
    _ input: Output, begin: [Int], end: [Int], strides: [Int]? = nil, beginMask: Int = 0, endMask: Int = 0,
    ellipsisMask: Int = 0, newAxisMask: Int = 0, shrinkAxisMask: Int = 0, name: String? = nil,
    file: String = #fileID, line: Int = #line
  ) throws -> Output {
    let strides = strides ?? [Int](repeating: 1, count: begin.count)
    let masks = StridedSliceMasks(
      begin: beginMask, end: endMask, ellipsis: ellipsisMask, newAxis: newAxisMask, shrinkAxis: shrinkAxisMask)
    return try withOpScope(name ?? "StridedSlice") { scope in
      let wide = !(begin + end + strides).allSatisfy(Tensor.fitsInt32)
      let b = try constant(Tensor.indexVector(begin, wide: wide), name: "begin", file: file, line: line)
      let e = try constant(Tensor.indexVector(end, wide: wide), name: "end", file: file, line: line)
      let s = try constant(Tensor.indexVector(strides, wide: wide), name: "strides", file: file, line: line)
      return try buildScoped("StridedSlice", [input, b, e, s], attrs: masks.attrs, scope: scope, file: file, line: line)
    }
  }

  /// `input[begin:end:strides]` by the integer vectors `begin`, `end` and
  /// `strides` (one dtype) and `masks`.
  public func stridedSlice(
    _ input: Output, begin: Output, end: Output, strides: Output, masks: StridedSliceMasks = StridedSliceMasks(),
    name: String? = nil, file: String = #fileID, line: Int = #line
  ) throws -> Output {
    try build("StridedSlice", [input, begin, end, strides], attrs: masks.attrs, name: name, file: file, line: line)
  }

  /// `input` indexed as TensorFlow's Python `input[...]` indexes it (its
  /// `_slice_helper`): one `StridedSlice` whose masks encode the entries.
  ///
  ///     try g.stridedSlice(x, [.all, .range(1, nil)])          // x[:, 1:]
  ///     try g.stridedSlice(x, [.ellipsis, .index(-1)])         // x[..., -1]
  public func stridedSlice(
    _ input: Output, _ indices: [SliceIndex], name: String? = nil, file: String = #fileID, line: Int = #line
  ) throws -> Output {
    var begin: [Int] = [], end: [Int] = [], strides: [Int] = [], masks = StridedSliceMasks()
    for (i, entry) in indices.enumerated() {
      let bit = 1 << i
      switch entry {
      case .index(let k):
        begin.append(k)
        end.append(k &+ 1)
        strides.append(1)
        masks.shrinkAxis |= bit
      case .range(let b, let e, let s):
        begin.append(b ?? 0)
        end.append(e ?? 0)
        strides.append(s)
        if b == nil { masks.begin |= bit }
        if e == nil { masks.end |= bit }
      case .ellipsis:
        begin.append(0)
        end.append(0)
        strides.append(1)
        masks.ellipsis |= bit
      case .newAxis:
        begin.append(0)
        end.append(0)
        strides.append(1)
        masks.newAxis |= bit
      }
    }
    return try stridedSlice(
      input, begin: begin, end: end, strides: strides, beginMask: masks.begin, endMask: masks.end,
      ellipsisMask: masks.ellipsis, newAxisMask: masks.newAxis, shrinkAxisMask: masks.shrinkAxis,
      name: name ?? "strided_slice", file: file, line: line)
  }

  /// The gradient of a strided slice (`StridedSliceGrad`;
  /// `tf.raw_ops.StridedSliceGrad`): a tensor of `shape` holding `dy` in
  /// the places `input[begin:end:strides]` takes and zeros elsewhere.
  public func stridedSliceGrad(
    shape: Output, begin: Output, end: Output, strides: Output, dy: Output,
    masks: StridedSliceMasks = StridedSliceMasks(), name: String? = nil, file: String = #fileID, line: Int = #line
  ) throws -> Output {
    try build(
      "StridedSliceGrad", [shape, begin, end, strides, dy], attrs: masks.attrs, name: name, file: file, line: line)
  }
}
