// ConcatV2 and Pack kernels. Both view every input as `outer` rows of a
// contiguous block (the dimensions from the axis on) and interleave those
// blocks: one `memcpy` per input per outer row, whatever the dtype.

/// Writes `outer` rows, each the concatenation of one block per source:
/// block `o` of source `k` starts at `sources[k] + o * blockBytes[k]`.
func interleaveBlocks(
  outer: Int, sources: [UnsafeRawPointer], blockBytes: [Int], into dst: UnsafeMutableRawPointer
) {
  var out = dst
  if outer == 1 {
    for (src, n) in zip(sources, blockBytes) where n > 0 {
      out.copyMemory(from: src, byteCount: n)
      out += n
    }
    return
  }
  var offsets = [Int](repeating: 0, count: sources.count)
  for _ in 0..<outer {
    for k in 0..<sources.count {
      let n = blockBytes[k]
      out.copyMemory(from: sources[k] + offsets[k], byteCount: n)
      out += n
      offsets[k] += n
    }
  }
}

// MARK: - ConcatV2

let concatV2Kernel: KernelFactory = { _ in
  { ctx in
    let n = ctx.inputCount - 1
    let axisValue = try ctx.indexScalar(n, "axis")
    let first = ctx.input(0)
    let rank = first.rank
    guard rank > 0 else {
      throw ctx.error(.invalidArgument, "cannot concatenate scalars; use stack (Pack) to join scalars into a vector")
    }
    guard let axis = normalizedAxis(axisValue, rank: rank) else {
      throw ctx.error(.invalidArgument, "axis \(axisValue) is out of range for inputs of rank \(rank); it must be in [\(-rank), \(rank))")
    }
    var shape = first.shape
    shape[axis] = 0
    var inputs: [Tensor] = []
    inputs.reserveCapacity(n)
    for i in 0..<n {
      let t = ctx.input(i)
      guard t.rank == rank else {
        throw ctx.error(.shapeMismatch, "all inputs must have the same rank, but values[0] has shape \(first.shape) and values[\(i)] has shape \(t.shape)")
      }
      for d in 0..<rank where d != axis && t.shape[d] != first.shape[d] {
        throw ctx.error(.shapeMismatch, "values[\(i)] has shape \(t.shape) but values[0] has shape \(first.shape): all dimensions but the concatenation axis \(axis) must match")
      }
      let (s, overflow) = shape[axis].addingReportingOverflow(t.shape[axis])
      if overflow { throw ctx.error(.invalidArgument, "the concatenated dimension overflows") }
      shape[axis] = s
      inputs.append(t)
    }
    let count = try ctx.checkAllocatable(shape, first.dtype, "the concatenated shape")
    let out = ctx.allocateOutput(0, dtype: first.dtype, shape: shape)
    ctx.setOutput(0, out)
    if count == 0 { return }  // (also keeps the products below from overflowing)
    let outer = shape[..<axis].reduce(1, *)
    let inner = shape[(axis + 1)...].reduce(1, *) * first.dtype.byteSize
    interleaveBlocks(
      outer: outer, sources: inputs.map(\.rawPointer), blockBytes: inputs.map { $0.shape[axis] * inner },
      into: out.mutableRawPointer)
  }
}

// MARK: - Pack

let packKernel: KernelFactory = { b in
  let axisValue = b.int("axis")
  return { ctx in
    let n = ctx.inputCount
    let first = ctx.input(0)
    var inputs: [Tensor] = []
    inputs.reserveCapacity(n)
    for i in 0..<n {
      let t = ctx.input(i)
      guard t.shape == first.shape else {
        throw ctx.error(.shapeMismatch, "all inputs must have the same shape, but values[0] has shape \(first.shape) and values[\(i)] has shape \(t.shape)")
      }
      inputs.append(t)
    }
    guard let axis = normalizedAxis(axisValue, rank: first.rank + 1) else {
      throw ctx.error(.invalidArgument, "axis \(axisValue) is out of range for stacking inputs of rank \(first.rank); it must be in [\(-first.rank - 1), \(first.rank + 1))")
    }
    var shape = first.shape
    shape.insert(n, at: axis)
    let count = try ctx.checkAllocatable(shape, first.dtype, "the stacked shape")
    let out = ctx.allocateOutput(0, dtype: first.dtype, shape: shape)
    ctx.setOutput(0, out)
    if count == 0 { return }
    let outer = first.shape[..<axis].reduce(1, *)
    let block = first.shape[axis...].reduce(1, *) * first.dtype.byteSize
    interleaveBlocks(
      outer: outer, sources: inputs.map(\.rawPointer), blockBytes: Array(repeating: block, count: n),
      into: out.mutableRawPointer)
  }
}
