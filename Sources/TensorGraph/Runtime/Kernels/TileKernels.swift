// Tile and BroadcastTo: BroadcastTo is a tile of the input (padded with
// leading 1s) by target/input along each stretched dimension. The tile
// writes each input row once and then doubles the written region with
// `memcpy` until it holds every repetition, so the work is a handful of
// large copies whatever the element type.

/// Tiles a contiguous tensor of shape `shape` (elements of `elementSize`
/// bytes) by `multiples` into `dst`, which holds the tiled shape.
func tileBytes(
  shape rawShape: [Int], multiples rawMultiples: [Int], elementSize: Int, src: UnsafeRawPointer,
  dst: UnsafeMutableRawPointer
) {
  // Coalesce: a dimension repeated once merges into the one before it
  // (their rows stay contiguous), and size-1 dimensions repeated once vanish.
  var shape: [Int] = [], multiples: [Int] = []
  for (s, m) in zip(rawShape, rawMultiples) {
    if s == 0 || m == 0 { return }  // empty result
    if m == 1, s == 1 { continue }
    if m == 1, let last = shape.last {
      shape[shape.count - 1] = last * s
    } else {
      shape.append(s)
      multiples.append(m)
    }
  }
  if shape.isEmpty {
    dst.copyMemory(from: src, byteCount: elementSize)
    return
  }
  let rank = shape.count
  // Bytes of one input block and one output block below each dimension.
  var inBlock = [Int](repeating: elementSize, count: rank + 1)
  var outBlock = [Int](repeating: elementSize, count: rank + 1)
  for d in stride(from: rank - 1, through: 0, by: -1) {
    inBlock[d] = inBlock[d + 1] * shape[d]
    outBlock[d] = outBlock[d + 1] * shape[d] * multiples[d]
  }
  func fill(_ d: Int, _ src: UnsafeRawPointer, _ dst: UnsafeMutableRawPointer) {
    if d == rank - 1 {
      dst.copyMemory(from: src, byteCount: inBlock[d])
    } else {
      for j in 0..<shape[d] { fill(d + 1, src + j * inBlock[d + 1], dst + j * outBlock[d + 1]) }
    }
    replicate(dst, blockBytes: shape[d] * outBlock[d + 1], times: multiples[d])
  }
  fill(0, src, dst)
}

/// Repeats the first `blockBytes` bytes at `dst` until `times` copies lie
/// back to back, doubling the copied region each step.
@inline(__always)
private func replicate(_ dst: UnsafeMutableRawPointer, blockBytes: Int, times: Int) {
  let total = blockBytes * times
  var filled = blockBytes
  while filled < total {
    let n = min(filled, total - filled)
    (dst + filled).copyMemory(from: dst, byteCount: n)
    filled += n
  }
}

// MARK: - Tile

let tileKernel: KernelFactory = { _ in
  { ctx in
    let x = ctx.input(0)
    let multiples = try ctx.indexValues(1, "multiples")
    guard multiples.count == x.rank else {
      throw ctx.error(.invalidArgument, "multiples \(multiples) must have one entry per dimension of the input of shape \(x.shape)")
    }
    if let bad = multiples.firstIndex(where: { $0 < 0 }) {
      throw ctx.error(.invalidArgument, "multiples \(multiples) has a negative entry \(multiples[bad]) at axis \(bad)")
    }
    var shape: [Int] = []
    for (s, m) in zip(x.shape, multiples) {
      let (p, overflow) = s.multipliedReportingOverflow(by: m)
      if overflow { throw ctx.error(.invalidArgument, "tiling \(x.shape) by \(multiples) overflows") }
      shape.append(p)
    }
    if shape == x.shape {
      ctx.setOutput(0, x)
      return
    }
    try ctx.checkAllocatable(shape, x.dtype, "the tiled shape")
    let out = ctx.allocateOutput(0, dtype: x.dtype, shape: shape)
    tileBytes(
      shape: x.shape, multiples: multiples, elementSize: x.dtype.byteSize, src: x.rawPointer,
      dst: out.mutableRawPointer)
    ctx.setOutput(0, out)
  }
}

// MARK: - BroadcastTo

let broadcastToKernel: KernelFactory = { _ in
  { ctx in
    let x = ctx.input(0)
    let target = try ctx.indexValues(1, "shape")
    try ctx.checkAllocatable(target, x.dtype, "the target shape")
    guard x.rank <= target.count else {
      throw ctx.error(.invalidArgument, "cannot broadcast a tensor of shape \(x.shape) to the lower-rank shape \(target)")
    }
    let padded = Array(repeating: 1, count: target.count - x.rank) + x.shape
    var multiples = [Int](repeating: 1, count: target.count)
    for i in 0..<target.count where padded[i] != target[i] {
      guard padded[i] == 1 else {
        throw ctx.error(.invalidArgument, "cannot broadcast a tensor of shape \(x.shape) to shape \(target): dimension \(padded[i]) at axis \(i - (target.count - x.rank)) is neither 1 nor \(target[i])")
      }
      multiples[i] = target[i]
    }
    if padded == target {
      ctx.setOutput(0, Tensor(dtype: x.dtype, shape: target, buffer: x.storage))
      return
    }
    let out = ctx.allocateOutput(0, dtype: x.dtype, shape: target)
    tileBytes(
      shape: padded, multiples: multiples, elementSize: x.dtype.byteSize, src: x.rawPointer,
      dst: out.mutableRawPointer)
    ctx.setOutput(0, out)
  }
}
