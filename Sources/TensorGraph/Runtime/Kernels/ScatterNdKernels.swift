// The loops of GatherNd, ScatterNd and TensorScatterUpdate/Add/Sub: the
// innermost dimension of an index tensor holds coordinates into the
// leading dimensions of another tensor, each naming a slice of its trailing
// dimensions. The plan turns every coordinate tuple into the flat offset of
// its slice once, checked as TensorFlow's CPU kernels check them; the copies
// and sums then move whole slices.

/// What a kernel does with a coordinate tuple outside the tensor
/// (TensorFlow's `bad_indices_policy` attribute).
enum BadIndicesPolicy: Sendable {
  /// The op fails naming the tuple (`""`, `"DEFAULT"` and `"ERROR"`: the
  /// CPU's default).
  case error
  /// GatherNd gives zeros for the slice; the scatters skip its update.
  case ignore

  /// The policy an attribute value names, or `nil` for an unknown one.
  init?(_ attribute: String) {
    switch attribute {
    case "", "DEFAULT", "ERROR": self = .error
    case "IGNORE": self = .ignore
    default: return nil
    }
  }
}

/// The slices an `[..., depth]` index tensor names in a tensor of shape
/// `shape`: `offsets[r]` is the flat element offset of the slice of
/// `sliceSize` elements tuple `r` points at, or −1 for an ignored bad tuple.
struct NdIndexPlan: Sendable {
  /// The flat element offset of each tuple's slice (−1: ignored).
  var offsets: [Int]
  /// Elements per slice: the product of `shape[depth...]`.
  var sliceSize: Int

  /// The number of coordinate tuples.
  var rows: Int { offsets.count }

  /// Reads the tuples of `indices` (an `int32`/`int64` tensor whose last
  /// dimension, at most `shape.count`, is the tuple length).
  ///
  /// - Parameter shapeLabel: how TensorFlow's message names the shape
  ///   (`"param shape"` for GatherNd, `"shape"` for the scatters).
  /// - Throws: `makeError("indices[r] = [i, j] does not index into
  ///   <shapeLabel> [a,b]")` for the first bad tuple under `.error`.
  init(
    _ indices: Tensor, into shape: [Int], shapeLabel: String, policy: BadIndicesPolicy,
    _ makeError: (String) -> TensorGraphError
  ) throws {
    let depth = indices.shape.last ?? 0
    let flat = indices.indexScalars()
    let rows = indices.shape.dropLast().reduce(1, *)
    let slice = shape[depth...].reduce(1, *)
    var strides = [Int](repeating: slice, count: depth)
    for k in stride(from: depth - 2, through: 0, by: -1) { strides[k] = strides[k + 1] * shape[k + 1] }
    var offsets = [Int](repeating: 0, count: rows)
    for r in 0..<rows {
      var offset = 0
      for k in 0..<depth {
        let i = flat[r * depth + k]
        guard i >= 0, i < shape[k] else {
          if policy == .ignore {
            offset = -1
            break
          }
          let tuple = flat[(r * depth)..<((r + 1) * depth)].map(String.init).joined(separator: ", ")
          let dims = shape.map(String.init).joined(separator: ",")
          throw makeError("indices[\(r)] = [\(tuple)] does not index into \(shapeLabel) [\(dims)]")
        }
        offset += i * strides[k]
      }
      offsets[r] = offset
    }
    self.offsets = offsets
    sliceSize = slice
  }
}

/// GatherNd's copy: slice `r` of `dst` is the slice `plan.offsets[r]` of
/// `src` (zeros for an ignored tuple), in parallel over the tuples.
func gatherNdSlices<E: FixedWidthInteger>(
  _ plan: NdIndexPlan, _ src: UnsafePointer<E>, _ dst: UnsafeMutablePointer<E>, _ ctx: KernelContext
) {
  let slice = plan.sliceSize
  if plan.rows == 0 || slice == 0 { return }
  plan.offsets.withUnsafeBufferPointer { offsets in
    // At least 32 KiB per chunk.
    ctx.forEachChunk(count: offsets.count, grain: Swift.max(1, 32_768 / (slice * MemoryLayout<E>.stride))) { range in
      for r in range {
        let to = dst + r * slice
        let from = offsets[r]
        if from < 0 {
          to.update(repeating: 0, count: slice)
        } else if slice < 8 {
          for k in 0..<slice { to[k] = src[from + k] }
        } else {
          to.update(from: src + from, count: slice)
        }
      }
    }
  }
}

/// Scatters slice `r` of `updates` onto slice `plan.offsets[r]` of `dst`
/// with `combine(old, update)`, tuples in order, so duplicate tuples sum
/// (or the last wins) exactly as in TensorFlow's serial CPU loop. Slices
/// are split into column ranges across threads: each thread sees every
/// tuple in order, so the result does not depend on the split.
@inline(__always)
func scatterNd<E>(
  _ plan: NdIndexPlan, _ updates: UnsafePointer<E>, _ dst: UnsafeMutablePointer<E>, _ ctx: KernelContext,
  _ combine: (E, E) -> E
) {
  let slice = plan.sliceSize, rows = plan.rows
  if rows == 0 || slice == 0 { return }
  plan.offsets.withUnsafeBufferPointer { offsets in
    // At least 64 Ki element updates per chunk.
    ctx.forEachChunk(count: slice, grain: Swift.max(1, 65_536 / rows)) { columns in
      for r in 0..<rows where offsets[r] >= 0 {
        let to = dst + offsets[r], from = updates + r * slice
        for k in columns { to[k] = combine(to[k], from[k]) }
      }
    }
  }
}
