/// The iteration pattern of a broadcasting binary op over concrete shapes:
/// dimensions where both inputs move alike are merged, size-1 dimensions
/// dropped, so the innermost loop runs over the longest contiguous run.
///
/// Computed once per distinct pair of input shapes (kernels cache the last
/// one), so a step pays for it only when shapes change.
@usableFromInline
struct BroadcastPattern: Sendable {
  /// The broadcast output shape (uncollapsed).
  @usableFromInline let outputShape: [Int]
  /// Collapsed dimensions, outermost first; the last is the inner loop.
  @usableFromInline let dims: [Int]
  /// Element strides of each input per collapsed dimension (0: broadcast).
  @usableFromInline let stridesA: [Int]
  @usableFromInline let stridesB: [Int]
  @usableFromInline let count: Int

  /// `nil` when the shapes do not broadcast.
  @usableFromInline
  init?(_ a: [Int], _ b: [Int]) {
    guard let out = broadcastShapes(a, b) else { return nil }
    outputShape = out
    count = out.reduce(1, *)
    let n = out.count
    func strides(_ s: [Int]) -> [Int] {
      let padded = Array(repeating: 1, count: n - s.count) + s
      var st = [Int](repeating: 0, count: n)
      var acc = 1
      for i in stride(from: n - 1, through: 0, by: -1) {
        st[i] = padded[i] == 1 && out[i] != 1 ? 0 : acc
        acc *= padded[i]
      }
      return st
    }
    let sa = strides(a), sb = strides(b)
    var d: [Int] = [], xa: [Int] = [], xb: [Int] = []
    for i in 0..<n where out[i] != 1 {
      if let last = d.last, xa.last! == sa[i] * out[i], xb.last! == sb[i] * out[i] {
        // Dimension i continues the previous one in both inputs: merge.
        d[d.count - 1] = last * out[i]
        xa[xa.count - 1] = sa[i]
        xb[xb.count - 1] = sb[i]
      } else {
        d.append(out[i])
        xa.append(sa[i])
        xb.append(sb[i])
      }
    }
    if d.isEmpty {
      d = [1]
      xa = [0]
      xb = [0]
    }
    dims = d
    stridesA = xa
    stridesB = xb
  }
}

/// Applies `f` elementwise with broadcasting, writing `pattern.count`
/// results to `out`. The inner loop is specialized for the three stride
/// patterns that occur (both contiguous, one broadcast), which the compiler
/// vectorizes.
@inlinable @inline(__always)
func broadcastApply<A, B, R>(
  _ pattern: BroadcastPattern, _ a: UnsafePointer<A>, _ b: UnsafePointer<B>, _ out: UnsafeMutablePointer<R>,
  _ f: (A, B) -> R
) {
  let rank = pattern.dims.count
  let inner = pattern.dims[rank - 1]
  let ia = pattern.stridesA[rank - 1], ib = pattern.stridesB[rank - 1]
  @inline(__always) func innerLoop(_ pa: UnsafePointer<A>, _ pb: UnsafePointer<B>, _ po: UnsafeMutablePointer<R>) {
    if ia == 1 && ib == 1 {
      for i in 0..<inner { po[i] = f(pa[i], pb[i]) }
    } else if ia == 0 && ib == 1 {
      let x = pa[0]
      for i in 0..<inner { po[i] = f(x, pb[i]) }
    } else if ia == 1 && ib == 0 {
      let y = pb[0]
      for i in 0..<inner { po[i] = f(pa[i], y) }
    } else {
      for i in 0..<inner { po[i] = f(pa[i * ia], pb[i * ib]) }
    }
  }
  if rank == 1 {
    innerLoop(a, b, out)
    return
  }
  // Odometer over the outer dimensions.
  let outer = pattern.count / inner
  var index = [Int](repeating: 0, count: rank - 1)
  var offA = 0, offB = 0
  for o in 0..<outer {
    innerLoop(a + offA, b + offB, out + o * inner)
    var d = rank - 2
    while d >= 0 {
      index[d] += 1
      offA += pattern.stridesA[d]
      offB += pattern.stridesB[d]
      if index[d] < pattern.dims[d] { break }
      offA -= pattern.stridesA[d] * pattern.dims[d]
      offB -= pattern.stridesB[d] * pattern.dims[d]
      index[d] = 0
      d -= 1
    }
  }
}
