// How StridedSlice reads its begin, end and strides against an input
// shape, exactly as TensorFlow's ValidateStridedSliceOp
// (tensorflow/core/util/strided_slice_op.cc): the sparse spec (one entry
// per begin/end/strides element, with an ellipsis, new axes and shrunk
// axes) is expanded to a dense one (one entry per input dimension), each
// dense entry's begin and end are made non-negative and clamped, and the
// sliced extents give the output shape. The shape function runs it on
// partial shapes and constant values, the kernels on concrete ones.

/// Why an indexing op's arguments are invalid, in TensorFlow's words: the
/// shape function or kernel adds the node and the shapes.
struct IndexingError: Error {
  let message: String
}

/// The five bit masks of `StridedSlice` and `StridedSliceGrad`: bit `i`
/// refers to entry `i` of `begin`, `end` and `strides`.
public struct StridedSliceMasks: Sendable, Equatable {
  /// Entries whose begin is ignored: the slice starts at the first element
  /// in the direction of the stride.
  public var begin: Int
  /// Entries whose end is ignored: the slice runs to the last element in
  /// the direction of the stride.
  public var end: Int
  /// The entry (at most one bit) that stands for as many full dimensions
  /// as the others leave over, as `...` in `x[..., 1]`.
  public var ellipsis: Int
  /// Entries that insert a dimension of size 1, as `tf.newaxis`.
  public var newAxis: Int
  /// Entries that take the single index `begin` and drop the dimension,
  /// as an integer in `x[1]`.
  public var shrinkAxis: Int

  /// The masks given bit by bit (all zero by default, TensorFlow's
  /// defaults).
  public init(begin: Int = 0, end: Int = 0, ellipsis: Int = 0, newAxis: Int = 0, shrinkAxis: Int = 0) {
    self.begin = begin
    self.end = end
    self.ellipsis = ellipsis
    self.newAxis = newAxis
    self.shrinkAxis = shrinkAxis
  }

  /// The masks of a node's attributes (`begin_mask`, `end_mask`, …).
  init(_ attrs: some AttributeReading) {
    self.init(
      begin: attrs.int("begin_mask"), end: attrs.int("end_mask"), ellipsis: attrs.int("ellipsis_mask"),
      newAxis: attrs.int("new_axis_mask"), shrinkAxis: attrs.int("shrink_axis_mask"))
  }

  /// The masks as the ops' attributes.
  var attrs: [String: AttrValue] {
    [
      "begin_mask": .int(begin), "end_mask": .int(end), "ellipsis_mask": .int(ellipsis),
      "new_axis_mask": .int(newAxis), "shrink_axis_mask": .int(shrinkAxis),
    ]
  }
}

/// A strided slice resolved against an input shape: per input dimension
/// the first element taken, the step and the count, and the output shape.
struct StridedSliceSpec {
  /// Per input dimension: the index of the first element taken (when begin
  /// and end are known).
  var begin: [Int]
  /// Per input dimension: the step between taken elements (never 0).
  var strides: [Int]
  /// Per input dimension: how many elements are taken (`nil`: unknown).
  var processingShape: [Int?]
  /// The output shape: the processing shape with the new axes inserted and
  /// the shrunk axes dropped (`nil` entries unknown).
  var finalShape: [Int?]
  /// Whether the slice takes every element of the input in order (the
  /// output is the input, reshaped).
  var isIdentity: Bool

  /// Resolves `begin`, `end` (either `nil` when unknown) and `strides`
  /// against `inputShape` (`nil` dimensions unknown).
  ///
  /// - Throws: ``IndexingError`` with TensorFlow's message when the spec is
  ///   malformed or a shrunk index is out of range.
  static func resolve(
    inputShape: [Int?], begin sparseBegin: [Int]?, end sparseEnd: [Int]?, strides sparseStrides: [Int],
    masks: StridedSliceMasks
  ) throws(IndexingError) -> StridedSliceSpec {
    let n = sparseStrides.count
    if (sparseBegin.map { $0.count != n } ?? false) || (sparseEnd.map { $0.count != n } ?? false) || n >= 32 {
      let counts = [sparseBegin?.count, sparseEnd?.count, n].map { $0.map { "[\($0)]" } ?? "unknown" }
      throw IndexingError(
        message: "Expected begin, end, and strides to be 1D equal size tensors (of at most 31 entries), but got shapes \(counts[0]), \(counts[1]), and \(counts[2]) instead.")
    }
    if masks.ellipsis & (masks.ellipsis &- 1) != 0 {
      throw IndexingError(message: "Multiple ellipses in slice spec not allowed")
    }
    // Step 1: new axes after the ellipsis, and an implicit ellipsis at the
    // end when there is none.
    var ellipsisMask = masks.ellipsis, sparseCount = n
    var ellipsisSeen = false, newAxesAfterEllipsis = 0
    for i in 0..<n {
      if ellipsisSeen && masks.newAxis & (1 << i) != 0 { newAxesAfterEllipsis += 1 }
      if ellipsisMask & (1 << i) != 0 { ellipsisSeen = true }
    }
    if !ellipsisSeen {
      ellipsisMask |= 1 << n
      sparseCount += 1
    }

    // Step 2: the dense spec, one entry per input dimension.
    let rank = inputShape.count
    var begin = [Int](repeating: 0, count: rank), end = begin, strides = [Int](repeating: 1, count: rank)
    var beginMask = 0, endMask = 0, shrinkMask = 0
    // Where each output dimension comes from: a dense index, or -1 for a
    // new axis (shrunk axes are left out).
    var gather: [Int] = []
    var full = 0
    for i in 0..<sparseCount {
      let bit = 1 << i
      if ellipsisMask & bit != 0 {
        let next = min(rank - (sparseCount - i) + 1 + newAxesAfterEllipsis, rank)
        while full < next {
          beginMask |= 1 << full
          endMask |= 1 << full
          gather.append(full)
          full += 1
        }
      } else if masks.newAxis & bit != 0 {
        gather.append(-1)
      } else {
        guard full < rank else {
          throw IndexingError(message: "Index out of range using input dim \(full); input has only \(rank) dims")
        }
        begin[full] = sparseBegin?[i] ?? 0
        end[full] = sparseEnd?[i] ?? 0
        strides[full] = sparseStrides[i]
        if masks.begin & bit != 0 { beginMask |= 1 << full }
        if masks.end & bit != 0 { endMask |= 1 << full }
        if masks.shrinkAxis & bit != 0 {
          shrinkMask |= 1 << full
        } else {
          gather.append(full)
        }
        full += 1
      }
    }

    // Step 3: canonical begin and end, and the extent, per dimension.
    let known = sparseBegin != nil && sparseEnd != nil
    var processing: [Int?] = []
    var isIdentity = true
    for i in 0..<rank {
      let stride = strides[i], bit = 1 << i
      guard stride != 0 else { throw IndexingError(message: "strides[\(i)] must be non-zero") }
      let shrink = shrinkMask & bit != 0
      guard let dim = inputShape[i] else {
        processing.append(shrink ? 1 : nil)
        isIdentity = false
        continue
      }
      if shrink && stride <= 0 {
        throw IndexingError(message: "only stride 1 allowed on non-range indexing.")
      }
      let beginMasked = beginMask & bit != 0, endMasked = endMask & bit != 0
      // The valid range of a begin or end: [0, dim] forwards, [-1, dim - 1]
      // backwards (-1 is one before the first element).
      let low = stride > 0 ? 0 : -1, high = stride > 0 ? dim : dim - 1
      func canonical(_ x: Int, masked: Bool, isEnd: Bool) -> Int {
        if masked { return (stride > 0) == isEnd ? high : low }
        let forward = x < 0 ? dim &+ x : x
        return Swift.min(Swift.max(forward, low), high)
      }
      if known {
        if shrink {
          let forward = begin[i] < 0 ? dim &+ begin[i] : begin[i]
          guard forward >= 0, forward < dim else {
            throw IndexingError(message: "slice index \(forward) of dimension \(i) out of bounds.")
          }
          begin[i] = forward
          end[i] = forward + 1
        } else {
          begin[i] = canonical(begin[i], masked: beginMasked, isEnd: false)
          end[i] = canonical(end[i], masked: endMasked, isEnd: true)
        }
        isIdentity = isIdentity && stride == 1 && begin[i] == 0 && end[i] == dim
      } else {
        isIdentity = isIdentity && stride == 1 && beginMasked && endMasked
      }
      let interval: Int?
      if known {
        interval = end[i] - begin[i]
      } else if shrink {
        interval = 1
      } else if beginMasked && endMasked {
        interval = stride < 0 ? -dim : dim
      } else {
        interval = nil
      }
      guard let length = interval else {
        processing.append(nil)
        continue
      }
      if length == 0 || (length < 0) != (stride < 0) {
        processing.append(0)
      } else {
        processing.append(length / stride + (length % stride != 0 ? 1 : 0))
      }
    }
    let finalShape = gather.map { $0 >= 0 ? processing[$0] : 1 }
    return StridedSliceSpec(
      begin: begin, strides: strides, processingShape: processing, finalShape: finalShape, isIdentity: isIdentity)
  }
}
