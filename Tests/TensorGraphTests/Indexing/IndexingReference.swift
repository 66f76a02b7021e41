import TensorGraph

/// Nested-loop references for the indexing ops, written from NumPy's and
/// Python's rules rather than TensorFlow's algorithm, so the kernels are
/// checked against an independent formulation.
enum IndexingReference {
  /// The indices `slice(begin, end, stride).indices(dim)` visits in
  /// Python (`nil` bounds default in the direction of the stride).
  static func pythonSlice(_ begin: Int?, _ end: Int?, _ stride: Int, dim: Int) -> [Int] {
    precondition(stride != 0)
    func clamp(_ x: Int, _ low: Int, _ high: Int) -> Int {
      let forward = x < 0 ? x + dim : x
      return Swift.min(Swift.max(forward, low), high)
    }
    if stride > 0 {
      let b = begin.map { clamp($0, 0, dim) } ?? 0, e = end.map { clamp($0, 0, dim) } ?? dim
      return Array(Swift.stride(from: b, to: e, by: stride))
    }
    let b = begin.map { clamp($0, -1, dim - 1) } ?? dim - 1, e = end.map { clamp($0, -1, dim - 1) } ?? -1
    return Array(Swift.stride(from: b, to: e, by: stride))
  }

  /// `x[indices]` of a row-major `x` of `shape`, by NumPy's basic-indexing
  /// rules: the ellipsis (or the end, without one) stands for the
  /// dimensions the other entries leave; integers drop their dimension.
  static func index(_ x: [Double], _ shape: [Int], _ indices: [SliceIndex]) -> (values: [Double], shape: [Int]) {
    let consuming = indices.filter { if case .index = $0 { return true }; if case .range = $0 { return true }; return false }
    var expanded: [SliceIndex] = []
    var sawEllipsis = false
    for entry in indices {
      if entry == .ellipsis, !sawEllipsis {
        sawEllipsis = true
        expanded += Array(repeating: .all, count: shape.count - consuming.count)
      } else {
        expanded.append(entry)
      }
    }
    if !sawEllipsis { expanded += Array(repeating: .all, count: shape.count - consuming.count) }
    // Per input dimension the indices taken; per output dimension its size.
    var taken: [[Int]] = [], outShape: [Int] = []
    var dim = 0
    for entry in expanded {
      switch entry {
      case .index(let k):
        taken.append([k < 0 ? k + shape[dim] : k])
        dim += 1
      case .range(let b, let e, let s):
        let list = pythonSlice(b, e, s, dim: shape[dim])
        taken.append(list)
        outShape.append(list.count)
        dim += 1
      case .newAxis:
        outShape.append(1)
      case .ellipsis:
        preconditionFailure("one ellipsis only")
      }
    }
    let strides = rowMajor(shape)
    var out: [Double] = []
    func visit(_ d: Int, _ offset: Int) {
      if d == taken.count {
        out.append(x[offset])
        return
      }
      for i in taken[d] { visit(d + 1, offset + i * strides[d]) }
    }
    visit(0, 0)
    return (out, outShape)
  }

  /// The gradient of `x[indices]`: `dy` added into zeros of `shape` at the
  /// places the indexing took (found by indexing the element numbers).
  static func indexGradient(_ dy: [Double], _ shape: [Int], _ indices: [SliceIndex]) -> [Double] {
    let count = shape.reduce(1, *)
    let places = index((0..<count).map(Double.init), shape, indices).values
    var dx = [Double](repeating: 0, count: count)
    for (place, g) in zip(places, dy) { dx[Int(place)] += g }
    return dx
  }

  /// Row-major element strides of `shape`.
  static func rowMajor(_ shape: [Int]) -> [Int] {
    var strides = [Int](repeating: 1, count: shape.count)
    var acc = 1
    for i in shape.indices.reversed() {
      strides[i] = acc
      acc *= shape[i]
    }
    return strides
  }
}
