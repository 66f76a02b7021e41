import TensorGraph

/// Nested-loop references of the scans and selections, in Double, written
/// from the ops' definitions (TensorFlow's documentation and kernels), not
/// from our kernels.
enum ScanReference {
  /// The flat index of `index` in row-major `shape`.
  static func flat(_ index: [Int], _ shape: [Int]) -> Int {
    var f = 0
    for (i, d) in zip(index, shape) { f = f * d + i }
    return f
  }

  /// Cumsum (`product: false`) or Cumprod along `axis`: out[..., j, ...] is
  /// the sum (product) of x[..., i, ...] over i ≤ j (i < j when exclusive;
  /// i ≥ j, i > j when reversed), starting from the identity.
  static func scan(
    _ x: [Double], _ shape: [Int], axis: Int, exclusive: Bool, reverse: Bool, product: Bool
  ) -> [Double] {
    let axis = axis < 0 ? axis + shape.count : axis
    var out = [Double](repeating: 0, count: x.count)
    for f in 0..<x.count {
      var index = [Int](repeating: 0, count: shape.count), rest = f
      for d in stride(from: shape.count - 1, through: 0, by: -1) {
        index[d] = rest % shape[d]
        rest /= shape[d]
      }
      let j = index[axis]
      var acc = product ? 1.0 : 0.0
      // In scan order: from the start (the end when reversed) up to j.
      let order = reverse ? Array((0..<shape[axis]).reversed()) : Array(0..<shape[axis])
      for i in order {
        if i == j && exclusive { break }
        index[axis] = i
        let v = x[flat(index, shape)]
        acc = product ? acc * v : acc + v
        if i == j { break }
      }
      out[f] = acc
    }
    return out
  }

  /// TopK of each row of the last axis: the indices sorted by value
  /// descending, equal values by index, NaN after every number.
  static func topK(_ x: [Double], _ shape: [Int], k: Int) -> (values: [Double], indices: [Double]) {
    let n = shape.last!, rows = n == 0 ? 0 : x.count / n
    var values: [Double] = [], indices: [Double] = []
    for r in 0..<rows {
      let row = Array(x[(r * n)..<((r + 1) * n)])
      let order = (0..<n).sorted { a, b in
        let va = row[a], vb = row[b]
        if va.isNaN || vb.isNaN { return va.isNaN == vb.isNaN ? a < b : vb.isNaN }
        return va != vb ? va > vb : a < b
      }
      for i in order.prefix(k) {
        values.append(row[i])
        indices.append(Double(i))
      }
    }
    return (values, indices)
  }

  /// ArgMin (`max: false`) or ArgMax along `axis` as TensorFlow's kernel
  /// scans: the best starts at index 0 with the dtype's lowest (highest)
  /// finite value `start`, and an element replaces it only when strictly
  /// better, so NaN never wins.
  static func arg(_ x: [Double], _ shape: [Int], axis: Int, max: Bool, start: Double) -> (values: [Double], shape: [Int]) {
    let axis = axis < 0 ? axis + shape.count : axis
    var outShape = shape
    outShape.remove(at: axis)
    let count = outShape.reduce(1, *)
    var out: [Double] = []
    for f in 0..<count {
      var index = [Int](repeating: 0, count: outShape.count), rest = f
      for d in stride(from: outShape.count - 1, through: 0, by: -1) {
        index[d] = rest % outShape[d]
        rest /= outShape[d]
      }
      index.insert(0, at: axis)
      var best = 0, bestValue = start
      for j in 0..<shape[axis] {
        index[axis] = j
        let v = x[flat(index, shape)]
        if max ? v > bestValue : v < bestValue {
          best = j
          bestValue = v
        }
      }
      out.append(Double(best))
    }
    return (out, outShape)
  }

  /// All (`all: true`) or Any of `x` over `axes`, reduced dimensions kept
  /// as 1 when `keepDims`.
  static func logical(_ x: [Bool], _ shape: [Int], axes: [Int], all: Bool, keepDims: Bool) -> (values: [Double], shape: [Int]) {
    let reduced = Set(axes.map { $0 < 0 ? $0 + shape.count : $0 })
    let kept = shape.indices.map { reduced.contains($0) ? 1 : shape[$0] }
    var out = [Bool](repeating: all, count: kept.reduce(1, *))
    for f in 0..<x.count {
      var index = [Int](repeating: 0, count: shape.count), rest = f
      for d in stride(from: shape.count - 1, through: 0, by: -1) {
        index[d] = rest % shape[d]
        rest /= shape[d]
      }
      let o = flat(shape.indices.map { reduced.contains($0) ? 0 : index[$0] }, kept)
      out[o] = all ? out[o] && x[f] : out[o] || x[f]
    }
    let outShape = keepDims ? kept : shape.indices.filter { !reduced.contains($0) }.map { shape[$0] }
    return (out.map { $0 ? 1 : 0 }, outShape)
  }
}
