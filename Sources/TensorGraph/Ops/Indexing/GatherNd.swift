// GatherNd: slices of params picked by coordinate tuples, the innermost
// dimension of indices (`tf.gather_nd`). Its gradient scatters the upstream
// gradient back with ScatterNd, as TensorFlow's _GatherNdGrad.

/// The attribute every gather and scatter by coordinate tuples carries.
let badIndicesPolicyAttr = "bad_indices_policy: string = ''"

extension ShapeContext {
  /// The policy of `bad_indices_policy`, rejecting unknown values.
  func badIndicesPolicy() throws -> BadIndicesPolicy {
    let value = string("bad_indices_policy")
    guard let policy = BadIndicesPolicy(value) else {
      throw invalid("bad_indices_policy '\(value)' is not one of '', 'DEFAULT', 'ERROR' or 'IGNORE'")
    }
    return policy
  }
}

/// `indices.shape[:-1] + params.shape[depth:]`, or the reason there is none.
private func gatherNdShape(params: PartialShape, indices: PartialShape) throws(IndexingError) -> PartialShape {
  guard let ir = indices.rank else { return .unknown }
  guard ir >= 1 else {
    throw .init(message: "indices must be at least a vector (its last dimension holds the coordinates) but has shape \(indices)")
  }
  guard let depth = indices[ir - 1].value, let dims = indices.dims, let pr = params.rank else { return .unknown }
  guard depth <= pr else {
    throw .init(message: "index innermost dimension length must be <= params rank; saw: \(depth) vs. \(pr)")
  }
  return PartialShape(dims: Array(dims.dropLast()) + (depth..<pr).map { params[$0] })
}

extension StandardOps {
  static let gatherNd = OpDef(
    "GatherNd", inputs: ["params: Tparams", "indices: Tindices"], outputs: ["output: Tparams"],
    attrs: ["Tparams: type", "Tindices: {int32, int64}", badIndicesPolicyAttr],
    summary: "Gathers the slices of params the coordinate tuples of indices' innermost dimension name.",
    shape: { c in
      _ = try c.badIndicesPolicy()
      do throws(IndexingError) {
        return [try gatherNdShape(params: c.shape(0), indices: c.shape(1))]
      } catch {
        throw c.error("\(error.message) (gathering indices of shape \(c.shape(1)) from params of shape \(c.shape(0)))")
      }
    },
    kernel: { b in
      let policy = BadIndicesPolicy(b.string("bad_indices_policy")) ?? .error
      func make<E: FixedWidthInteger & SendableMetatype>(_: E.Type) -> KernelFunction {
        { ctx in
          let params = ctx.input(0), indices = ctx.input(1)
          let fail = { (message: String) in ctx.error(.invalidArgument, message) }
          let shape: [Int]
          do throws(IndexingError) {
            shape = try gatherNdShape(params: PartialShape(params.shape), indices: PartialShape(indices.shape))
              .dims!.map { $0.value! }
          } catch {
            throw fail("\(error.message) (gathering indices of shape \(indices.shape) from params of shape \(params.shape))")
          }
          let rows = indices.shape.dropLast().reduce(1, *)
          if rows > 0, params.scalarCount == 0 {
            throw fail("Requested more than 0 entries, but params is empty.  Params shape: \(params.shape)")
          }
          try ctx.checkAllocatable(shape, params.dtype, "the gathered shape")
          let plan = try NdIndexPlan(indices, into: params.shape, shapeLabel: "param shape", policy: policy, fail)
          let out = ctx.allocateOutput(0, dtype: params.dtype, shape: shape)
          gatherNdSlices(plan, params.rawPointer.assumingMemoryBound(to: E.self), out.mutableRawPointer.assumingMemoryBound(to: E.self), ctx)
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
      // _GatherNdGrad: scatter_nd(indices, grad, shape(params)).
      let g = c.graph, indices = c.input(1)
      let shape = try g.shapeTensor(of: c.input(0), dtype: indices.dtype)
      return [try g.scatterNd(indices: indices, updates: c.grad, shape: shape), nil]
    },
    cost: { c in
      Cost(flops: 0, bytes: 2 * c.outputBytes + CostContext.elements(c.inputs[1].shape) * Double(c.inputs[1].dtype.byteSize))
    })
}

extension Graph {
  /// The slices of `params` that the coordinate tuples in the innermost
  /// dimension of `indices` name (`GatherNd`; `tf.gather_nd`): the output
  /// has shape `indices.shape[:-1] + params.shape[indices.shape[-1]:]`.
  /// A tuple outside `params` is an error, as on TensorFlow's CPU.
  ///
  ///     try g.gatherNd(matrix, indices: pairs)   // [[r, c], …] → elements
  ///     try g.gatherNd(matrix, indices: rows)    // [[r], …] → rows
  public func gatherNd(
    _ params: Output, indices: Output, name: String? = nil, file: String = #fileID, line: Int = #line
  ) throws -> Output {
    try build("GatherNd", [params, indices], name: name, file: file, line: line)
  }
}
