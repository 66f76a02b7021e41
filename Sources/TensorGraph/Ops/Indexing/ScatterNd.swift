// ScatterNd and TensorScatterUpdate/Add/Sub: slices of updates written
// into a tensor (zeros of a given shape for ScatterNd) at the coordinate
// tuples of indices' innermost dimension. Gradients as TensorFlow's
// array_grad.py: GatherNd of the upstream gradient for the updates, and for
// TensorScatterUpdate's tensor the gradient with the overwritten slices
// zeroed.

/// Checks that `updates.shape == indices.shape[:-1] + output.shape[depth:]`
/// on partial shapes, as TensorFlow's ScatterNdShapeHelper (whose message
/// calls the output "input" for every scatter).
private func checkScatterShapes(
  indices: PartialShape, updates: PartialShape, output: PartialShape
) throws(IndexingError) {
  guard let ir = indices.rank else { return }
  guard ir >= 1 else {
    throw .init(message: "indices must be at least a vector (its last dimension holds the coordinates) but has shape \(indices)")
  }
  guard let depth = indices[ir - 1].value, let ur = updates.rank, let or = output.rank else { return }
  let outer = ir - 1
  guard depth <= or else {
    throw .init(message: "index innermost dimension length must be <= the output's rank; saw: \(depth) vs. \(or)")
  }
  func sub(_ s: PartialShape, _ r: Range<Int>) -> String {
    "[" + r.map { "\(s[$0])" }.joined(separator: ",") + "]"
  }
  guard ur >= outer, (0..<outer).allSatisfy({ indices[$0].merged(with: updates[$0]) != nil }) else {
    throw .init(message: "Dimensions [0,\(outer)) of indices[shape=\(indices)] = \(sub(indices, 0..<outer)) must match dimensions [0,\(outer)) of updates[shape=\(updates)] = \(sub(updates, 0..<Swift.min(outer, ur)))")
  }
  guard ur - outer == or - depth, (0..<(or - depth)).allSatisfy({ output[depth + $0].merged(with: updates[outer + $0]) != nil })
  else {
    throw .init(message: "Dimensions [\(depth),\(or)) of input[shape=\(output)] = \(sub(output, depth..<or)) must match dimensions [\(outer),\(ur)) of updates[shape=\(updates)] = \(sub(updates, outer..<ur))")
  }
}

/// How a scatter combines an update with the element it lands on.
private enum ScatterCombine {
  /// The update replaces it (the last of duplicate tuples wins, as on
  /// TensorFlow's CPU).
  case assign
  /// The update is added (duplicates sum).
  case add
  /// The update is subtracted.
  case subtract
}

/// The kernel of a scatter: ScatterNd (`ontoInput` false: onto zeros of
/// the shape input) or a TensorScatter op onto input 0.
private func scatterKernel(_ combine: ScatterCombine, ontoInput: Bool) -> KernelFactory {
  { b in
    let policy = BadIndicesPolicy(b.string("bad_indices_policy")) ?? .error
    let (indicesAt, updatesAt) = ontoInput ? (1, 2) : (0, 1)
    func make<T: SendableMetatype>(_: T.Type, _ apply: @escaping @Sendable (T, T) -> T) -> KernelFunction {
      { ctx in
        let indices = ctx.input(indicesAt), updates = ctx.input(updatesAt)
        let fail = { (message: String) in ctx.error(.invalidArgument, message) }
        let shape = ontoInput ? ctx.input(0).shape : try ctx.indexValues(2, "shape")
        if !ontoInput {
          guard ctx.input(2).rank == 1 else {
            throw fail("shape must be a vector but has shape \(ctx.input(2).shape)")
          }
          try ctx.checkAllocatable(shape, updates.dtype, "the output shape")
        }
        do throws(IndexingError) {
          try checkScatterShapes(
            indices: PartialShape(indices.shape), updates: PartialShape(updates.shape), output: PartialShape(shape))
        } catch {
          throw fail(error.message)
        }
        let count = shape.reduce(1, *)
        // TensorFlow's rule: nothing to scatter into, or no coordinates
        // (empty tuples included), with something to scatter.
        if count == 0 || indices.scalarCount == 0, indices.scalarCount > 0 || updates.scalarCount > 0 {
          throw fail("Indices and updates specified for empty output shape \(shape) (indices of shape \(indices.shape), updates of shape \(updates.shape))")
        }
        let plan = try NdIndexPlan(indices, into: shape, shapeLabel: "shape", policy: policy, fail)
        var out: Tensor
        if ontoInput {
          var base = ctx.consumeInput(0)
          if let reused = ctx.reusing(&base, dtype: base.dtype, shape: shape) {
            out = reused
          } else {
            out = ctx.allocateOutput(0, dtype: base.dtype, shape: shape)
            out.mutableRawPointer.copyMemory(from: base.rawPointer, byteCount: count * base.dtype.byteSize)
          }
        } else {
          out = ctx.allocateOutput(0, dtype: updates.dtype, shape: shape)
          out.mutableRawPointer.initializeMemory(as: UInt8.self, repeating: 0, count: count * updates.dtype.byteSize)
        }
        scatterNd(
          plan, updates.rawPointer.assumingMemoryBound(to: T.self), out.mutableRawPointer.assumingMemoryBound(to: T.self),
          ctx, apply)
        ctx.setOutput(0, out)
      }
    }
    let dtype = b.inputs[updatesAt].dtype
    if combine == .assign {
      switch dtype.byteSize {
      case 1: return make(UInt8.self) { $1 }
      case 4: return make(UInt32.self) { $1 }
      default: return make(UInt64.self) { $1 }
      }
    }
    func arithmetic<T: TensorNumericScalar>(_: T.Type) -> KernelFunction {
      combine == .add ? make(T.self) { T.wrappedAdd($0, $1) } : make(T.self) { T.wrappedSub($0, $1) }
    }
    switch dtype {
    case .float32: return arithmetic(Float.self)
    case .float64: return arithmetic(Double.self)
    case .int32: return arithmetic(Int32.self)
    case .int64: return arithmetic(Int64.self)
    case .uint8: return arithmetic(UInt8.self)
    default: throw b.unsupported()
    }
  }
}

/// The shape function of a TensorScatter op: the tensor's shape, after
/// checking the updates against it.
private func tensorScatterShape(_ c: ShapeContext) throws -> [PartialShape] {
  _ = try c.badIndicesPolicy()
  do throws(IndexingError) {
    try checkScatterShapes(indices: c.shape(1), updates: c.shape(2), output: c.shape(0))
  } catch {
    throw c.error(error.message)
  }
  return [c.shape(0)]
}

private let scatterCost: @Sendable (CostContext) -> Cost = { c in
  Cost(flops: CostContext.elements(c.inputs[c.inputs.count - 1].shape), bytes: c.inputBytes + c.outputBytes)
}

private let scatterNumericTypes = "T: {float32, float64, int32, int64, uint8}"

extension StandardOps {
  static let scatterNd = OpDef(
    "ScatterNd", inputs: ["indices: Tindices", "updates: T", "shape: Tindices"], outputs: ["output: T"],
    attrs: [scatterNumericTypes, "Tindices: {int32, int64}", badIndicesPolicyAttr],
    summary: "Zeros of the given shape with the slices of updates added at the coordinate tuples of indices (duplicates sum).",
    shape: { c in
      _ = try c.badIndicesPolicy()
      try c.requireVector(2, "shape")
      let output = c.shapeInput(2)
      if let bad = c.constantInts(2)?.firstIndex(where: { $0 < 0 }) {
        throw c.invalid("shape \(c.constantInts(2)!) has a negative dimension at axis \(bad)")
      }
      do throws(IndexingError) {
        try checkScatterShapes(indices: c.shape(0), updates: c.shape(1), output: output)
      } catch {
        throw c.error(error.message)
      }
      return [output]
    },
    kernel: scatterKernel(.add, ontoInput: false),
    gradient: .function { c in
      // _ScatterNdGrad: gather_nd(grad, indices) for the updates.
      [nil, try c.graph.gatherNd(c.grad, indices: c.input(0)), nil]
    },
    cost: scatterCost)

  static let tensorScatterUpdate = OpDef(
    "TensorScatterUpdate", inputs: ["tensor: T", "indices: Tindices", "updates: T"], outputs: ["output: T"],
    attrs: ["T: type", "Tindices: {int32, int64}", badIndicesPolicyAttr],
    summary: "tensor with the slices at the coordinate tuples of indices replaced by updates (the last duplicate wins).",
    shape: tensorScatterShape, kernel: scatterKernel(.assign, ontoInput: true),
    gradient: .function { c in
      // _TensorScatterUpdateGrad: the overwritten slices get no gradient.
      let g = c.graph, indices = c.input(1)
      return [
        try g.tensorScatterUpdate(c.grad, indices: indices, updates: try g.zerosLike(c.input(2))), nil,
        try g.gatherNd(c.grad, indices: indices),
      ]
    },
    cost: scatterCost)

  static let tensorScatterAdd = OpDef(
    "TensorScatterAdd", inputs: ["tensor: T", "indices: Tindices", "updates: T"], outputs: ["output: T"],
    attrs: [scatterNumericTypes, "Tindices: {int32, int64}", badIndicesPolicyAttr],
    summary: "tensor with the slices of updates added at the coordinate tuples of indices (duplicates sum).",
    shape: tensorScatterShape, kernel: scatterKernel(.add, ontoInput: true),
    gradient: .function { c in [c.grad, nil, try c.graph.gatherNd(c.grad, indices: c.input(1))] },
    cost: scatterCost)

  static let tensorScatterSub = OpDef(
    "TensorScatterSub", inputs: ["tensor: T", "indices: Tindices", "updates: T"], outputs: ["output: T"],
    attrs: [scatterNumericTypes, "Tindices: {int32, int64}", badIndicesPolicyAttr],
    summary: "tensor with the slices of updates subtracted at the coordinate tuples of indices (duplicates sum).",
    shape: tensorScatterShape, kernel: scatterKernel(.subtract, ontoInput: true),
    gradient: .function { c in
      let g = c.graph
      return [c.grad, nil, try g.negate(try g.gatherNd(c.grad, indices: c.input(1)))]
    },
    cost: scatterCost)
}

// MARK: - Builders

extension Graph {
  /// Zeros of `shape` with the slices of `updates` added at the coordinate
  /// tuples in the innermost dimension of `indices` (`ScatterNd`;
  /// `tf.scatter_nd`); duplicate tuples sum. `updates` has shape
  /// `indices.shape[:-1] + shape[indices.shape[-1]:]`.
  public func scatterNd(
    indices: Output, updates: Output, shape: Output, name: String? = nil, file: String = #fileID, line: Int = #line
  ) throws -> Output {
    try build("ScatterNd", [indices, updates, shape], name: name, file: file, line: line)
  }

  /// ``scatterNd(indices:updates:shape:name:file:line:)`` with a constant
  /// shape.
  public func scatterNd(
    indices: Output, updates: Output, shape: [Int], name: String? = nil, file: String = #fileID, line: Int = #line
  ) throws -> Output {
    try withOpScope(name ?? "ScatterNd") { scope in
      let s = try constant(
        Tensor.indexVector(shape, wide: indices.dtype == .int64), name: "shape", file: file, line: line)
      return try buildScoped("ScatterNd", [indices, updates, s], scope: scope, file: file, line: line)
    }
  }

  /// `tensor` with the slices at the coordinate tuples of `indices`
  /// replaced by `updates` (`TensorScatterUpdate`;
  /// `tf.tensor_scatter_nd_update`). Of duplicate tuples the last wins.
  public func tensorScatterUpdate(
    _ tensor: Output, indices: Output, updates: Output, name: String? = nil, file: String = #fileID,
    line: Int = #line
  ) throws -> Output {
    try build("TensorScatterUpdate", [tensor, indices, updates], name: name, file: file, line: line)
  }

  /// `tensor` with `updates` added at the coordinate tuples of `indices`
  /// (`TensorScatterAdd`; `tf.tensor_scatter_nd_add`).
  public func tensorScatterAdd(
    _ tensor: Output, indices: Output, updates: Output, name: String? = nil, file: String = #fileID,
    line: Int = #line
  ) throws -> Output {
    try build("TensorScatterAdd", [tensor, indices, updates], name: name, file: file, line: line)
  }

  /// `tensor` with `updates` subtracted at the coordinate tuples of
  /// `indices` (`TensorScatterSub`; `tf.tensor_scatter_nd_sub`).
  public func tensorScatterSub(
    _ tensor: Output, indices: Output, updates: Output, name: String? = nil, file: String = #fileID,
    line: Int = #line
  ) throws -> Output {
    try build("TensorScatterSub", [tensor, indices, updates], name: name, file: file, line: line)
  }
}
