// Kernels of TopKV2 and InTopKV2.
//
// TopKV2 orders each row of the last axis by a strict total order: larger
// values first, equal values by lower index first (TensorFlow's stable
// order), NaN after every number. The k best come from a heap of k
// (O(n log k)), then sorted; k = 1 is one scan. Rows split across threads.

/// Whether element `a` of `row` comes before element `b` in TopK's order.
@inline(__always)
func topKBefore<T: TensorNumericScalar>(_ row: UnsafePointer<T>, _ a: Int, _ b: Int) -> Bool {
  let va = row[a], vb = row[b]
  if va > vb { return true }
  if va < vb { return false }
  let na = va != va, nb = vb != vb
  if na != nb { return nb }
  return a < b
}

/// The indices of the `k` first elements of `row` (`n` long) in TopK's
/// order, into `best` (room for `k`).
func topKRow<T: TensorNumericScalar>(_ row: UnsafePointer<T>, n: Int, k: Int, _ best: UnsafeMutablePointer<Int>) {
  if k == 0 { return }
  if k == 1 {
    var b = 0
    for i in 1..<n where topKBefore(row, i, b) { b = i }
    best[0] = b
    return
  }
  // A heap of the k best so far with the last of them (in TopK's order)
  // on top: a new element enters when it comes before the top.
  @inline(__always) func later(_ a: Int, _ b: Int) -> Bool { topKBefore(row, b, a) }
  var count = 0
  for i in 0..<n {
    if count < k {
      best[count] = i
      var c = count
      count += 1
      while c > 0 {
        let p = (c - 1) / 2
        guard later(best[c], best[p]) else { break }
        best.swapAt(c, p)
        c = p
      }
    } else if topKBefore(row, i, best[0]) {
      best[0] = i
      var c = 0
      while true {
        let l = 2 * c + 1
        if l >= k { break }
        var m = l
        if l + 1 < k, later(best[l + 1], best[l]) { m = l + 1 }
        guard later(best[m], best[c]) else { break }
        best.swapAt(m, c)
        c = m
      }
    }
  }
  var kept = UnsafeMutableBufferPointer(start: best, count: k)
  kept.sort { topKBefore(row, $0, $1) }
}

extension UnsafeMutablePointer {
  @inline(__always) fileprivate func swapAt(_ i: Int, _ j: Int) {
    let t = self[i]
    self[i] = self[j]
    self[j] = t
  }
}

let topKV2Kernel: KernelFactory = { b in
  func make<T: TensorNumericScalar, I: FixedWidthInteger & TensorScalar>(_: T.Type, _: I.Type) -> KernelFunction {
    { ctx in
      let x = ctx.input(0)
      let kInput = ctx.input(1)
      guard kInput.rank == 0 else { throw ctx.error(.invalidArgument, "k must be scalar, got shape \(kInput.shape)") }
      let k = kInput.indexScalars()[0]
      guard k >= 0 else { throw ctx.error(.invalidArgument, "Need k >= 0, got \(k)") }
      guard x.rank >= 1 else { throw ctx.error(.invalidArgument, "input must be >= 1-D, got shape \(x.shape)") }
      let n = x.shape[x.rank - 1]
      guard n >= k else {
        throw ctx.error(
          .invalidArgument, "input must have at least k columns. Had \(n), needed \(k) (input shape \(x.shape))")
      }
      guard n - 1 <= Int(I.max) else {
        throw ctx.error(.invalidArgument, "the last axis of size \(n) has indices that do not fit index_type \(I.dtype)")
      }
      var shape = x.shape
      shape[shape.count - 1] = k
      let values = ctx.allocateOutput(0, dtype: T.dtype, shape: shape)
      let indices = ctx.allocateOutput(1, dtype: I.dtype, shape: shape)
      ctx.setOutput(0, values)
      ctx.setOutput(1, indices)
      let rows = shape.dropLast().reduce(1, *)
      if rows * k == 0 { return }
      let px = x.unsafePointer(as: T.self)
      let pv = values.unsafeMutablePointer(as: T.self), pi = indices.unsafeMutablePointer(as: I.self)
      ctx.forEachChunk(count: rows, grain: Swift.max(1, 16_384 / n)) { r in
        let best = UnsafeMutablePointer<Int>.allocate(capacity: k)
        defer { best.deallocate() }
        for row in r {
          let src = px + row * n
          topKRow(src, n: n, k: k, best)
          for j in 0..<k {
            pv[row * k + j] = src[best[j]]
            pi[row * k + j] = I(truncatingIfNeeded: best[j])
          }
        }
      }
    }
  }
  func withIndex<T: TensorNumericScalar>(_ t: T.Type) -> KernelFunction {
    b.type("index_type") == .int64 ? make(t, Int64.self) : make(t, Int32.self)
  }
  switch b.inputs[0].dtype {
  case .float32: return withIndex(Float.self)
  case .float64: return withIndex(Double.self)
  case .int32: return withIndex(Int32.self)
  case .int64: return withIndex(Int64.self)
  default: throw b.unsupported()
  }
}

/// InTopKV2 as TensorFlow's kernel: `targets[b]` is in the top `k` of row
/// `b` when fewer than `k` predictions of the row are strictly larger than
/// its own (ties all count as in); false when the target is out of range
/// or any prediction of the row is not finite.
let inTopKV2Kernel: KernelFactory = { _ in
  { ctx in
    let predictions = ctx.input(0), targets = ctx.input(1), kInput = ctx.input(2)
    guard predictions.rank == 2 else {
      throw ctx.error(.invalidArgument, "predictions must be 2-dimensional, but have shape \(predictions.shape)")
    }
    guard targets.rank == 1 else {
      throw ctx.error(.invalidArgument, "targets must be 1-dimensional, but have shape \(targets.shape)")
    }
    guard kInput.rank == 0 else { throw ctx.error(.invalidArgument, "k must be 0-D, got shape \(kInput.shape)") }
    let batch = predictions.shape[0], classes = predictions.shape[1]
    guard targets.shape[0] == batch else {
      throw ctx.error(
        .invalidArgument, "First dimension of predictions \(batch) must match length of targets \(targets.shape[0])")
    }
    let k = kInput.indexScalars()[0]
    let ids = targets.indexScalars()
    let out = ctx.allocateOutput(0, dtype: .bool, shape: [batch])
    let p = predictions.unsafePointer(as: Float.self), po = out.unsafeMutablePointer(as: Bool.self)
    for b in 0..<batch {
      let row = p + b * classes, target = ids[b]
      guard target >= 0, target < classes, row[target].isFinite else {
        po[b] = false
        continue
      }
      let t = row[target]
      var larger = 0, finite = true
      for c in 0..<classes {
        let v = row[c]
        if !v.isFinite {
          finite = false
          break
        }
        if v > t { larger += 1 }
      }
      po[b] = finite && larger < k
    }
    ctx.setOutput(0, out)
  }
}
