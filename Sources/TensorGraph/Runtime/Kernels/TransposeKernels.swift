// Transpose: an identity permutation (after dropping size-1 dimensions)
// forwards the input's storage; anything else is a strided copy, which
// copies contiguous rows when the innermost dimension stays innermost and
// transposes tiled planes otherwise (the 2-D case included).

let transposeKernel: KernelFactory = { b in
  func make<E: SIMDScalar & SendableMetatype>(_: E.Type) -> KernelFunction {
    { ctx in
      let x = ctx.input(0)
      let perm = try ctx.indexValues(1, "perm")
      guard perm.count == x.rank else {
        throw ctx.error(.invalidArgument, "perm \(perm) has \(perm.count) entries but the input of shape \(x.shape) has rank \(x.rank)")
      }
      if let problem = StandardOps.permutationProblem(perm, rank: x.rank) {
        throw ctx.error(.invalidArgument, problem)
      }
      let inStrides = rowMajorStrides(x.shape)
      let shape = perm.map { x.shape[$0] }
      let plan = StridedCopyPlan(dims: shape, strides: perm.map { inStrides[$0] })
      if plan.isContiguous {
        ctx.setOutput(0, Tensor(dtype: x.dtype, shape: shape, buffer: x.storage))
        return
      }
      // An empty input can have dimensions whose product overflows once
      // reordered ([2⁴⁰, 0, 2⁴⁰] → [2⁴⁰, 2⁴⁰, 0]): refuse rather than trap.
      try ctx.checkAllocatable(shape, x.dtype, "the transposed shape")
      let out = ctx.allocateOutput(0, dtype: x.dtype, shape: shape)
      stridedCopy(
        plan, x.rawPointer.assumingMemoryBound(to: E.self), out.mutableRawPointer.assumingMemoryBound(to: E.self))
      ctx.setOutput(0, out)
    }
  }
  switch b.inputs[0].dtype.byteSize {
  case 1: return make(UInt8.self)
  case 4: return make(UInt32.self)
  default: return make(UInt64.self)
  }
}
