// Copies a strided view of a tensor into a contiguous row-major tensor: the
// engine behind Transpose (permuted strides) and Slice (the input's strides
// from an offset). Dimensions are coalesced first, so the loops run over the
// fewest, longest runs; the element type is an unsigned integer as wide as
// the dtype (the copy never looks at values).

/// The iteration space of a strided copy: `dst[i₀, …, iₙ] = src[Σ iₖ·strides[k]]`
/// with `dst` contiguous, after dropping size-1 dimensions and merging
/// dimensions that are contiguous in the source too.
struct StridedCopyPlan: Sendable {
  /// Coalesced destination dimensions, outermost first.
  let dims: [Int]
  /// Source element strides of each coalesced dimension.
  let strides: [Int]
  /// Number of elements copied.
  let count: Int

  init(dims rawDims: [Int], strides rawStrides: [Int]) {
    var d: [Int] = [], s: [Int] = []
    var n = 1
    for (size, stride) in zip(rawDims, rawStrides) {
      n &*= size
      if size == 1 { continue }
      if let lastStride = s.last, lastStride == stride &* size {
        d[d.count - 1] &*= size
        s[s.count - 1] = stride
      } else {
        d.append(size)
        s.append(stride)
      }
    }
    dims = d
    strides = s
    count = n
  }

  /// Whether the copy is one contiguous block of the source.
  var isContiguous: Bool { dims.count <= 1 && (strides.first ?? 1) == 1 }
}

/// Side of the square tiles used for transposed planes: two 32×32 tiles of
/// 8-byte elements fit in L1 together.
private let tileSize = 32

/// Performs `plan`, reading from `src` and writing `plan.count` elements
/// to `dst`.
@inline(__always)
func stridedCopy<E: SIMDScalar>(_ plan: StridedCopyPlan, _ src: UnsafePointer<E>, _ dst: UnsafeMutablePointer<E>) {
  let count = plan.count
  if count == 0 { return }
  let dims = plan.dims, strides = plan.strides
  let rank = dims.count
  if rank == 0 {
    dst[0] = src[0]
    return
  }
  let last = rank - 1
  let inner = dims[last]
  if strides[last] == 1 {
    // Contiguous rows: one block copy per row (a plain loop for short rows,
    // where calling memmove would cost more than the copy).
    if inner < 8 {
      forEachOuterIndex(dims, strides, skipping: last, last) { s, d in
        for j in 0..<inner { dst[d + j] = src[s + j] }
      }
    } else {
      forEachOuterIndex(dims, strides, skipping: last, last) { s, d in
        (dst + d).update(from: src + s, count: inner)
      }
    }
    return
  }
  guard let k = strides.firstIndex(of: 1) else {
    // No contiguous source dimension: gather along the last one.
    let sl = strides[last]
    forEachOuterIndex(dims, strides, skipping: last, last) { s, d in
      for j in 0..<inner { dst[d + j] = src[s + j * sl] }
    }
    return
  }
  // A transposed plane (k, last): the source is contiguous along k, the
  // destination along last. Copy it in tiles so both stay in cache.
  let rows = dims[k], sl = strides[last]
  let dk = dims[(k + 1)...].reduce(1, &*)
  forEachOuterIndex(dims, strides, skipping: k, last) { s, d in
    var r0 = 0
    while r0 < rows {
      let r1 = min(r0 + tileSize, rows)
      var c0 = 0
      while c0 < inner {
        let c1 = min(c0 + tileSize, inner)
        transposeTile(src + s, sl, dst + d, dk, rows: r0..<r1, columns: c0..<c1)
        c0 = c1
      }
      r0 = r1
    }
  }
}

/// Copies one tile of a transposed plane: `dst[r·dk + c] = src[r + c·sl]`
/// for r in `rows`, c in `columns`. Whole 4×4 blocks go through registers
/// (four contiguous source loads, a 4×4 shuffle, four contiguous stores);
/// the ragged edges are copied one element at a time.
@inline(__always)
private func transposeTile<E: SIMDScalar>(
  _ src: UnsafePointer<E>, _ sl: Int, _ dst: UnsafeMutablePointer<E>, _ dk: Int, rows: Range<Int>,
  columns: Range<Int>
) {
  let rEnd = rows.lowerBound + (rows.count & ~3), cEnd = columns.lowerBound + (columns.count & ~3)
  let raw = UnsafeRawPointer(src), out = UnsafeMutableRawPointer(dst)
  let size = MemoryLayout<E>.stride
  var r = rows.lowerBound
  while r < rEnd {
    var c = columns.lowerBound
    while c < cEnd {
      // v_j holds source column c + j, rows r ..< r + 4.
      let v0 = raw.loadUnaligned(fromByteOffset: (r + c * sl) * size, as: SIMD4<E>.self)
      let v1 = raw.loadUnaligned(fromByteOffset: (r + (c + 1) * sl) * size, as: SIMD4<E>.self)
      let v2 = raw.loadUnaligned(fromByteOffset: (r + (c + 2) * sl) * size, as: SIMD4<E>.self)
      let v3 = raw.loadUnaligned(fromByteOffset: (r + (c + 3) * sl) * size, as: SIMD4<E>.self)
      out.storeBytes(of: SIMD4(v0[0], v1[0], v2[0], v3[0]), toByteOffset: (r * dk + c) * size, as: SIMD4<E>.self)
      out.storeBytes(of: SIMD4(v0[1], v1[1], v2[1], v3[1]), toByteOffset: ((r + 1) * dk + c) * size, as: SIMD4<E>.self)
      out.storeBytes(of: SIMD4(v0[2], v1[2], v2[2], v3[2]), toByteOffset: ((r + 2) * dk + c) * size, as: SIMD4<E>.self)
      out.storeBytes(of: SIMD4(v0[3], v1[3], v2[3], v3[3]), toByteOffset: ((r + 3) * dk + c) * size, as: SIMD4<E>.self)
      c += 4
    }
    for rr in r..<(r + 4) {
      for cc in cEnd..<columns.upperBound { dst[rr * dk + cc] = src[rr + cc * sl] }
    }
    r += 4
  }
  for rr in rEnd..<rows.upperBound {
    for cc in columns { dst[rr * dk + cc] = src[rr + cc * sl] }
  }
}

/// Calls `body(srcOffset, dstOffset)` for every index of the dimensions
/// other than `a` and `b` (the ones the caller loops over itself), in
/// row-major order. Destination offsets are row-major over all of `dims`.
@inline(__always)
private func forEachOuterIndex(
  _ dims: [Int], _ strides: [Int], skipping a: Int, _ b: Int, _ body: (Int, Int) -> Void
) {
  let rank = dims.count
  let dstStrides = rowMajorStrides(dims)
  var outer: [Int] = [], sStr: [Int] = [], dStr: [Int] = []
  for i in 0..<rank where i != a && i != b {
    outer.append(dims[i])
    sStr.append(strides[i])
    dStr.append(dstStrides[i])
  }
  let n = outer.count
  if n == 0 {
    body(0, 0)
    return
  }
  let total = outer.reduce(1, &*)
  var index = [Int](repeating: 0, count: n)
  var s = 0, d = 0
  for _ in 0..<total {
    body(s, d)
    var j = n - 1
    while j >= 0 {
      index[j] += 1
      s += sStr[j]
      d += dStr[j]
      if index[j] < outer[j] { break }
      s -= sStr[j] * outer[j]
      d -= dStr[j] * outer[j]
      index[j] = 0
      j -= 1
    }
  }
}

/// The mirror of ``stridedCopy(_:_:_:)``: writes the contiguous row-major
/// `src` of `plan.count` elements to the strided places
/// `dst[Σ iₖ·strides[k]]` (StridedSliceGrad's scatter of the upstream
/// gradient). Strides may be negative; distinct indices must reach
/// distinct places.
@inline(__always)
func stridedStore<E: SIMDScalar>(_ plan: StridedCopyPlan, _ src: UnsafePointer<E>, _ dst: UnsafeMutablePointer<E>) {
  if plan.count == 0 { return }
  let dims = plan.dims, strides = plan.strides
  guard let last = dims.indices.last else {
    dst[0] = src[0]
    return
  }
  let inner = dims[last], sl = strides[last]
  if sl == 1 {
    forEachOuterIndex(dims, strides, skipping: last, last) { s, d in (dst + s).update(from: src + d, count: inner) }
  } else {
    forEachOuterIndex(dims, strides, skipping: last, last) { s, d in
      for j in 0..<inner { dst[s + j * sl] = src[d + j] }
    }
  }
}
