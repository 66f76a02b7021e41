// The loops of GatherV2 (and GatherNd): validated index lists, and row
// copies from the picked places. The element type is an unsigned integer
// as wide as the dtype: gathers never look at values.

/// The elements of an `int32`/`int64` index tensor, each checked to lie
/// in `[0, limit)` as TensorFlow's CPU kernels check them (negative
/// indices are errors, not counted from the end).
///
/// - Throws: `makeError("indices[i,j] = v is not in [0, limit)")` for the
///   first bad index, located by its multi-index.
func gatherRows(
  _ indices: Tensor, limit: Int, _ makeError: (String) -> TensorGraphError
) throws -> [Int] {
  let rows = indices.indexScalars()
  if let bad = rows.firstIndex(where: { $0 < 0 || $0 >= limit }) {
    throw makeError("indices\(multiIndex(bad, indices.shape)) = \(rows[bad]) is not in [0, \(limit))")
  }
  return rows
}

/// `flat` as a multi-index of `shape` in TensorFlow's message style
/// (`[1,2]`).
func multiIndex(_ flat: Int, _ shape: [Int]) -> String {
  var rest = flat, index = [Int](repeating: 0, count: shape.count)
  for i in shape.indices.reversed() where shape[i] > 0 {
    index[i] = rest % shape[i]
    rest /= shape[i]
  }
  return "[" + index.map(String.init).joined(separator: ",") + "]"
}

/// GatherV2's copy: for every `(b, o, j)`, the `inner` elements of
/// `src[b, o, rows[b·count + j], :]` to `dst[b, o, j, :]`, in parallel
/// over the output rows.
func gather<E>(
  _ geometry: GatherGeometry, _ rows: [Int], _ src: UnsafePointer<E>, _ dst: UnsafeMutablePointer<E>,
  _ ctx: KernelContext
) {
  let outer = geometry.outer, count = geometry.count, inner = geometry.inner, axis = geometry.axisSize
  let total = geometry.batch * outer * count
  if total == 0 || inner == 0 { return }
  rows.withUnsafeBufferPointer { rows in
    // At least 32 KiB per chunk.
    ctx.forEachChunk(count: total, grain: Swift.max(1, 32_768 / Swift.max(1, inner * MemoryLayout<E>.stride))) { range in
      for r in range {
        let j = r % count, bo = r / count, b = bo / outer
        let from = src + (bo * axis + rows[b * count + j]) * inner
        let to = dst + r * inner
        if inner < 8 {
          for k in 0..<inner { to[k] = from[k] }
        } else {
          to.update(from: from, count: inner)
        }
      }
    }
  }
}
