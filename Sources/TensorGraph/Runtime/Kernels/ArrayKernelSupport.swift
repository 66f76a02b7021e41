// Shared pieces of the data-movement kernels (Reshape, Transpose, Slice,
// ConcatV2, Pack, Tile, …): reading shape and axis inputs, which are
// untrusted run-time values, and moving elements by size without caring
// about their dtype.

extension KernelContext {
  /// Input `i`, an `int32` or `int64` scalar or vector, as `Int`s.
  ///
  /// - Throws: when it has rank > 1 (`label` names it in the message).
  func indexValues(_ i: Int, _ label: String) throws -> [Int] {
    let t = input(i)
    guard t.rank <= 1 else {
      throw error(.invalidArgument, "'\(label)' must be a scalar or a vector but has shape \(t.shape)")
    }
    return t.indexScalars()
  }

  /// Input `i`, an `int32` or `int64` scalar, as an `Int`.
  func indexScalar(_ i: Int, _ label: String) throws -> Int {
    let t = input(i)
    guard t.rank == 0 else {
      throw error(.invalidArgument, "'\(label)' must be a scalar but has shape \(t.shape)")
    }
    return t.indexScalars()[0]
  }

  /// The element count of `shape`, checking that it can be allocated in
  /// `dtype`: no negative dimension, no overflowing size.
  @discardableResult
  func checkAllocatable(_ shape: [Int], _ dtype: DType, _ what: String) throws -> Int {
    if let bad = shape.firstIndex(where: { $0 < 0 }) {
      throw error(.invalidArgument, "\(what) \(shape) has a negative dimension \(shape[bad]) at axis \(bad)")
    }
    guard let count = checkedElementCount(shape, dtype: dtype) else {
      throw error(.invalidArgument, "\(what) \(shape) has too many elements to allocate")
    }
    return count
  }
}

extension Tensor {
  /// The elements of an `int32`/`int64` tensor as `Int`s (other dtypes
  /// are excluded by op signatures).
  func indexScalars() -> [Int] {
    if dtype == .int32 { return withUnsafeBufferPointer(as: Int32.self) { $0.map(Int.init) } }
    return withUnsafeBufferPointer(as: Int64.self) { $0.map(Int.init) }
  }

  /// The storage as a raw pointer, for kernels that move bytes.
  var rawPointer: UnsafeRawPointer { UnsafeRawPointer(storage.data) }

  /// The storage as a mutable raw pointer (for tensors a kernel allocated).
  var mutableRawPointer: UnsafeMutableRawPointer { storage.data }
}

/// Row-major element strides of `shape`.
func rowMajorStrides(_ shape: [Int]) -> [Int] {
  var strides = [Int](repeating: 1, count: shape.count)
  var acc = 1
  for i in stride(from: shape.count - 1, through: 0, by: -1) {
    strides[i] = acc
    acc &*= shape[i]
  }
  return strides
}
