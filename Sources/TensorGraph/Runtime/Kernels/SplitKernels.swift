// SplitV and Unpack kernels, the inverses of ConcatV2 and Pack: the input is
// viewed as `outer` rows, each holding one block per output back to back,
// and the blocks are copied out (one `memcpy` per output per row, whatever
// the dtype; elements move as unsigned integers of the dtype's width).

/// Copies `outer` rows of `source` out to the destinations: row `o` holds,
/// back to back, block `o` of each destination `k`, `counts[k]` elements
/// long. Long blocks are `memcpy`s; short ones (splitting columns) are
/// plain loops.
func deinterleaveBlocks<E>(
  outer: Int, source: UnsafePointer<E>, counts: [Int], into destinations: [UnsafeMutablePointer<E>]
) {
  var src = source
  if outer == 1 {
    for (dst, n) in zip(destinations, counts) where n > 0 {
      dst.update(from: src, count: n)
      src += n
    }
    return
  }
  if counts.allSatisfy({ $0 <= 16 }) {
    // Short blocks: one strided pass per destination.
    let total = counts.reduce(0, +)
    var column = 0
    for (dst, n) in zip(destinations, counts) {
      let p = source + column
      if n == 1 {
        for o in 0..<outer { dst[o] = p[o * total] }
      } else {
        for o in 0..<outer {
          let q = p + o * total, r = dst + o * n
          for j in 0..<n { r[j] = q[j] }
        }
      }
      column += n
    }
    return
  }
  var positions = destinations
  for _ in 0..<outer {
    for k in positions.indices {
      let n = counts[k]
      positions[k].update(from: src, count: n)
      positions[k] += n
      src += n
    }
  }
}

/// `deinterleaveBlocks` on tensors, with elements as wide as the dtype's.
func deinterleave(_ input: Tensor, outer: Int, counts: [Int], into outputs: [Tensor]) {
  func run<E>(_: E.Type) {
    deinterleaveBlocks(
      outer: outer, source: input.rawPointer.assumingMemoryBound(to: E.self), counts: counts,
      into: outputs.map { $0.mutableRawPointer.assumingMemoryBound(to: E.self) })
  }
  switch input.dtype.byteSize {
  case 1: run(UInt8.self)
  case 4: run(UInt32.self)
  default: run(UInt64.self)
  }
}

// MARK: - SplitV

let splitVKernel: KernelFactory = { b in
  let num = b.int("num_split")
  return { ctx in
    let x = ctx.input(0)
    let sizes = try ctx.indexValues(1, "size_splits")
    let dim = try ctx.indexScalar(2, "split_dim")
    guard let axis = normalizedAxis(dim, rank: x.rank) else {
      throw ctx.error(.invalidArgument, "split_dim \(dim) is out of range for an input of shape \(x.shape); it must be in [\(-x.rank), \(x.rank))")
    }
    guard sizes.count == num else {
      throw ctx.error(.invalidArgument, "size_splits \(sizes) has \(sizes.count) entries but num_split is \(num)")
    }
    let resolved = try resolveSplitSizes(sizes, dimension: x.shape[axis]) { ctx.error(.invalidArgument, $0) }
    if num == 1 {
      ctx.setOutput(0, x)
      return
    }
    let outputs = resolved.indices.map { k in
      var shape = x.shape
      shape[axis] = resolved[k]
      return ctx.allocateOutput(k, dtype: x.dtype, shape: shape)
    }
    if x.scalarCount > 0 {  // (also keeps the products below from overflowing)
      let outer = x.shape[..<axis].reduce(1, *), inner = x.shape[(axis + 1)...].reduce(1, *)
      deinterleave(x, outer: outer, counts: resolved.map { $0 * inner }, into: outputs)
    }
    for (k, out) in outputs.enumerated() { ctx.setOutput(k, out) }
  }
}

// MARK: - Unpack

let unpackKernel: KernelFactory = { b in
  let num = b.int("num"), axisValue = b.int("axis")
  return { ctx in
    let x = ctx.input(0)
    guard let axis = normalizedAxis(axisValue, rank: x.rank) else {
      throw ctx.error(.invalidArgument, "axis \(axisValue) is out of range for a value of shape \(x.shape); it must be in [\(-x.rank), \(x.rank))")
    }
    guard x.shape[axis] == num else {
      throw ctx.error(.invalidArgument, "cannot unstack dimension \(axis) of a value of shape \(x.shape) into \(num) tensors: its size is \(x.shape[axis])")
    }
    var shape = x.shape
    shape.remove(at: axis)
    if num == 1 {
      ctx.setOutput(0, Tensor(dtype: x.dtype, shape: shape, buffer: x.storage))
      return
    }
    let outputs = (0..<num).map { ctx.allocateOutput($0, dtype: x.dtype, shape: shape) }
    if x.scalarCount > 0 {
      let outer = x.shape[..<axis].reduce(1, *), block = x.shape[(axis + 1)...].reduce(1, *)
      deinterleave(x, outer: outer, counts: Array(repeating: block, count: num), into: outputs)
    }
    for (k, out) in outputs.enumerated() { ctx.setOutput(k, out) }
  }
}
