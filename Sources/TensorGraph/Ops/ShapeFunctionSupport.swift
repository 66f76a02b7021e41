// Helpers for the shape functions of ops whose inputs carry shapes, axes or
// sizes (Reshape, Transpose, Slice, the reductions, …), and overflow-checked
// dimension arithmetic: values read from constants are user input, so no
// product or sum may trap.

// MARK: - Integer values of tensors

extension Tensor {
  /// The elements of an integer tensor as `Int`s (exact for `int64`), or
  /// `nil` when the dtype is not an integer type.
  func integerValues() -> [Int]? {
    switch dtype {
    case .int32: return withUnsafeBufferPointer(as: Int32.self) { $0.map(Int.init) }
    case .int64: return withUnsafeBufferPointer(as: Int64.self) { $0.map(Int.init) }
    case .uint8: return withUnsafeBufferPointer(as: UInt8.self) { $0.map(Int.init) }
    default: return nil
    }
  }
}

extension ShapeContext {
  /// The values of input `i` when its producer is an integer `Const`.
  func constantInts(_ i: Int) -> [Int]? {
    constantValue(i)?.integerValues()
  }

  /// Input `i`, a rank-1 integer tensor holding a shape, read as a partial
  /// shape, as ``inputAsShape(_:)`` does, but exact and trap-free for any
  /// `int64` constant (negative entries are unknown dimensions).
  func shapeInput(_ i: Int) -> PartialShape {
    if let t = constantValue(i), t.rank <= 1, let values = t.integerValues() {
      return PartialShape(dims: values.map { $0 < 0 ? .unknown : .known($0) })
    }
    let ref = inputRefs[i]
    let node = graph.node(at: ref.node)
    if node.op == "Pack", node.inputs.allSatisfy({ graph.node(at: $0.node).outputs[$0.index].shape.rank == 0 }) {
      return PartialShape(dims: node.inputs.map { input in
        if let v = graph.constantValue(of: input)?.integerValues()?.first, v >= 0 { return .known(v) }
        return .unknown
      })
    }
    return inputAsShape(i)
  }

  /// Throws unless the list attribute `N` is at least `minimum`. (Specs
  /// like `"N: int >= 2"` cannot be used yet: the attribute parser splits
  /// them at the `=` of `>=`.)
  func requireListLength(atLeast minimum: Int, _ label: String) throws {
    let n = int("N")
    if n < minimum {
      throw invalid("\(op) needs at least \(minimum) value(s) in '\(label)' but got \(n)")
    }
  }

  /// Throws unless input `i` (called `label`) has rank at most `maxRank`.
  func requireRank(_ i: Int, atMost maxRank: Int, _ label: String) throws {
    if let r = shape(i).rank, r > maxRank {
      let what = maxRank == 0 ? "a scalar" : maxRank == 1 ? "a scalar or a vector" : "of rank ≤ \(maxRank)"
      throw error("'\(label)' must be \(what) but has shape \(shape(i))")
    }
  }

  /// Throws unless input `i` (called `label`) is a vector (rank 1) when its
  /// rank is known.
  func requireVector(_ i: Int, _ label: String) throws {
    if let r = shape(i).rank, r != 1 {
      throw error("'\(label)' must be a vector (rank 1) but has shape \(shape(i))")
    }
  }
}

// MARK: - Checked arithmetic

/// The product of `values`, or `nil` on overflow (or a negative factor).
func checkedProduct(_ values: [Int]) -> Int? {
  var p = 1
  for v in values {
    guard v >= 0 else { return nil }
    let (r, overflow) = p.multipliedReportingOverflow(by: v)
    if overflow { return nil }
    p = r
  }
  return p
}

/// The number of elements of a concrete shape whose storage in `dtype` is
/// addressable, or `nil` when a dimension is negative or the byte count
/// overflows.
func checkedElementCount(_ shape: [Int], dtype: DType) -> Int? {
  guard let n = checkedProduct(shape), !n.multipliedReportingOverflow(by: dtype.byteSize).overflow else { return nil }
  return n
}

extension Dimension {
  /// `a + b`: unknown when either is; `nil` on overflow.
  static func sum(_ a: Dimension, _ b: Dimension) -> Dimension? {
    guard let x = a.value, let y = b.value else { return .unknown }
    let (r, overflow) = x.addingReportingOverflow(y)
    return overflow ? nil : .known(r)
  }

  /// `a · b` as TensorFlow's `InferenceContext::Multiply`: a known 0 gives
  /// 0 and a known 1 gives the other factor even when it is unknown; `nil`
  /// on overflow.
  static func product(_ a: Dimension, _ b: Dimension) -> Dimension? {
    if a == 0 || b == 0 { return 0 }
    if a == 1 { return b }
    if b == 1 { return a }
    guard let x = a.value, let y = b.value else { return .unknown }
    let (r, overflow) = x.multipliedReportingOverflow(by: y)
    return overflow ? nil : .known(r)
  }
}

extension PartialShape {
  /// The number of elements: known when every dimension is known (or one
  /// is 0); `nil` on overflow.
  var checkedElementCount: Dimension? {
    guard let dims else { return .unknown }
    var n: Dimension = 1
    for d in dims {
      guard let p = Dimension.product(n, d) else { return nil }
      n = p
    }
    return n
  }
}

/// `axis` in `[-rank, rank)` mapped to `[0, rank)`, or `nil` when outside.
@inline(__always)
func normalizedAxis(_ axis: Int, rank: Int) -> Int? {
  guard axis >= -rank, axis < rank else { return nil }
  return axis < 0 ? axis + rank : axis
}
