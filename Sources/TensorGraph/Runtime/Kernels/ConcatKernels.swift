// ConcatV2 and Pack kernels. Both view every input as `outer` rows of a
// contiguous block (the dimensions from the axis on) and interleave those
// blocks: one `memcpy` per input per outer row, whatever the dtype (elements
// are moved as unsigned integers of the dtype's width).

/// Writes `outer` rows, each the concatenation of one block per source:
/// block `o` of source `k` holds `counts[k]` elements starting at
/// `sources[k] + o * counts[k]`. Long blocks are `memcpy`s; short ones
/// (a few elements, e.g. concatenating columns) are plain loops.
func interleaveBlocks<E>(
  outer: Int, sources: [UnsafePointer<E>], counts: [Int], into dst: UnsafeMutablePointer<E>
) {
  var out = dst
  if outer == 1 {
    for (src, n) in zip(sources, counts) where n > 0 {
      out.update(from: src, count: n)
      out += n
    }
    return
  }
  let k = sources.count
  if counts.allSatisfy({ $0 <= 16 }) {
    // Short blocks (e.g. joining columns): one strided pass per source,
    // with the block length fixed inside each loop.
    let total = counts.reduce(0, +)
    var column = 0
    for s in 0..<k {
      let n = counts[s], p = sources[s], d = dst + column
      if n == 1 {
        for o in 0..<outer { d[o * total] = p[o] }
      } else {
        for o in 0..<outer {
          let q = p + o * n, r = d + o * total
          for j in 0..<n { r[j] = q[j] }
        }
      }
      column += n
    }
    return
  }
  var positions = sources
  for _ in 0..<outer {
    for s in 0..<k {
      let n = counts[s]
      if n <= 16 {
        let p = positions[s]
        for j in 0..<n { out[j] = p[j] }
      } else {
        out.update(from: positions[s], count: n)
      }
      out += n
      positions[s] += n
    }
  }
}

/// `interleaveBlocks` on tensors, with elements as wide as `dtype`'s.
func interleave(_ inputs: [Tensor], outer: Int, counts: [Int], into out: Tensor) {
  func run<E>(_: E.Type) {
    interleaveBlocks(
      outer: outer, sources: inputs.map { $0.rawPointer.assumingMemoryBound(to: E.self) }, counts: counts,
      into: out.mutableRawPointer.assumingMemoryBound(to: E.self))
  }
  switch out.dtype.byteSize {
  case 1: run(UInt8.self)
  case 4: run(UInt32.self)
  default: run(UInt64.self)
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
    let inner = shape[(axis + 1)...].reduce(1, *)
    interleave(inputs, outer: outer, counts: inputs.map { $0.shape[axis] * inner }, into: out)
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
    let block = first.shape[axis...].reduce(1, *)
    interleave(inputs, outer: outer, counts: Array(repeating: block, count: n), into: out)
  }
}
