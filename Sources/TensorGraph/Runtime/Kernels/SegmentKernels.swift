// The loops of the segment reductions: data viewed as `[rows, inner]`,
// row r added into (or maxed into) output row `ids[r]`. Unsorted ids go
// one row at a time (any row may land anywhere); sorted ids form runs,
// reduced in parallel since each run owns its output row.

/// How a segment's rows combine.
enum SegmentReduction: Sendable {
  case sum, mean, max

  /// TensorFlow's maximum of segment reductions: `x` unless `x < acc`, so a
  /// NaN replaces the running value and is replaced by the next number
  /// (as `std::max(x, acc)`; TensorFlow 2.21 gives `max(1, NaN) = NaN` but
  /// `max(NaN, 1) = 1` here).
  @inline(__always)
  static func max<T: Comparable>(_ acc: T, _ x: T) -> T { x < acc ? acc : x }
}

/// The segment ids of an index tensor, each checked against
/// `numSegments` (negative ids are dropped, as TensorFlow's unsorted
/// reductions drop them).
func unsortedSegmentIDs(
  _ ids: Tensor, numSegments: Int, _ makeError: (String) -> TensorGraphError
) throws -> [Int] {
  let values = ids.indexScalars()
  if let bad = values.firstIndex(where: { $0 >= numSegments }) {
    throw makeError("segment_ids\(multiIndex(bad, ids.shape)) = \(values[bad]) is out of range [0, \(numSegments))")
  }
  return values
}

/// UnsortedSegmentSum and UnsortedSegmentMax: `out[ids[r], :] ⊕= data[r, :]`
/// over `numSegments` output rows, initialized to `initial` (0 for the
/// sum, the lowest finite value for the maximum, as TensorFlow).
func unsortedSegmentReduce<T: TensorNumericScalar>(
  _ kind: SegmentReduction, _ data: UnsafePointer<T>, ids: [Int], inner: Int, _ out: UnsafeMutablePointer<T>,
  numSegments: Int, initial: T
) {
  out.initialize(repeating: initial, count: numSegments * inner)
  for (r, id) in ids.enumerated() where id >= 0 {
    let src = data + r * inner, dst = out + id * inner
    switch kind {
    case .sum, .mean:
      for k in 0..<inner { dst[k] = T.wrappedAdd(dst[k], src[k]) }
    case .max:
      for k in 0..<inner { dst[k] = SegmentReduction.max(dst[k], src[k]) }
    }
  }
}

/// The runs of sorted segment ids: `(id, rows)` per run, and the number
/// of output rows (the last id + 1).
///
/// - Throws: for a negative id or ids that decrease, in TensorFlow's words.
func sortedSegmentRuns(
  _ ids: Tensor, _ makeError: (String) -> TensorGraphError
) throws -> (runs: [(id: Int, rows: Range<Int>)], outputRows: Int) {
  let values = ids.indexScalars()
  guard let last = values.last else { return ([], 0) }
  let outputRows = last + 1
  var runs: [(id: Int, rows: Range<Int>)] = []
  var start = 0
  for r in 0..<values.count {
    let id = values[r]
    guard id >= 0, id < outputRows else {
      throw makeError(
        "Segment id \(id) out of range [0, \(outputRows)), possibly because 'segment_ids' input is not sorted (at segment_ids[\(r)])")
    }
    if r > 0, id < values[r - 1] {
      throw makeError("segment ids are not increasing: segment_ids[\(r)] = \(id) follows \(values[r - 1])")
    }
    if r + 1 == values.count || values[r + 1] != id {
      runs.append((id, start..<(r + 1)))
      start = r + 1
    }
  }
  return (runs, outputRows)
}

/// SegmentSum, SegmentMean and SegmentMax over sorted runs: each run's
/// rows reduced into its output row; rows of ids no run has are 0.
/// `divide(sum, n)` makes the mean (integer division for integers).
func sortedSegmentReduce<T: TensorNumericScalar>(
  _ kind: SegmentReduction, _ data: UnsafePointer<T>, runs: [(id: Int, rows: Range<Int>)], inner: Int,
  _ out: UnsafeMutablePointer<T>, outputRows: Int, divide: @escaping (T, Int) -> T, _ ctx: KernelContext
) {
  out.initialize(repeating: .zero, count: outputRows * inner)
  if runs.isEmpty || inner == 0 { return }
  runs.withUnsafeBufferPointer { runs in
    ctx.forEachChunk(count: runs.count, grain: Swift.max(1, 16_384 / Swift.max(1, inner * (runs.last!.rows.upperBound / runs.count)))) { chunk in
      for run in runs[chunk] {
        let dst = out + run.id * inner
        dst.update(from: data + run.rows.lowerBound * inner, count: inner)
        for r in run.rows.dropFirst() {
          let src = data + r * inner
          switch kind {
          case .sum, .mean:
            for k in 0..<inner { dst[k] = T.wrappedAdd(dst[k], src[k]) }
          case .max:
            for k in 0..<inner { dst[k] = SegmentReduction.max(dst[k], src[k]) }
          }
        }
        if kind == .mean, run.rows.count > 1 {
          for k in 0..<inner { dst[k] = divide(dst[k], run.rows.count) }
        }
      }
    }
  }
}
