// Host-side utilities on concrete tensors, for data preparation outside a
// graph (what numpy does in the Keras seed programs): rows, gathering,
// dtype conversion, scaling.

extension Tensor {
  /// Elements per row: the product of every dimension but the first.
  public var rowSize: Int { shape.dropFirst().reduce(1, *) }

  /// Rows `range` of the first dimension, copied into a new tensor.
  ///
  /// - Throws: when the tensor is a scalar or the range is out of bounds.
  public func rows(_ range: Range<Int>) throws -> Tensor {
    guard rank >= 1 else { throw TensorGraphError(.invalidArgument, "a scalar has no rows") }
    guard range.lowerBound >= 0, range.upperBound <= shape[0] else {
      throw TensorGraphError(.invalidArgument, "rows \(range) are out of bounds for a tensor of shape \(shape)")
    }
    var outShape = shape
    outShape[0] = range.count
    let out = Tensor(uninitialized: dtype, shape: outShape)
    let rowBytes = rowSize * dtype.byteSize
    out.buffer.data.copyMemory(from: buffer.data + range.lowerBound * rowBytes, byteCount: range.count * rowBytes)
    return out
  }

  /// The rows at `indices` (in that order), gathered into a new tensor.
  ///
  /// - Throws: when an index is out of bounds.
  public func gatherRows(_ indices: [Int]) throws -> Tensor {
    guard rank >= 1 else { throw TensorGraphError(.invalidArgument, "a scalar has no rows") }
    if let bad = indices.first(where: { $0 < 0 || $0 >= shape[0] }) {
      throw TensorGraphError(.invalidArgument, "row index \(bad) is out of bounds for a tensor of shape \(shape)")
    }
    var outShape = shape
    outShape[0] = indices.count
    let out = Tensor(uninitialized: dtype, shape: outShape)
    let rowBytes = rowSize * dtype.byteSize
    for (k, i) in indices.enumerated() {
      (out.buffer.data + k * rowBytes).copyMemory(from: buffer.data + i * rowBytes, byteCount: rowBytes)
    }
    return out
  }

  /// The tensor converted to `dtype` with TensorFlow's `Cast` semantics
  /// (floats to integers truncate toward zero and saturate, NaN becomes 0;
  /// to bool is `!= 0`); the same tensor when the dtype already matches.
  public func converted(to dtype: DType) -> Tensor {
    if dtype == self.dtype { return self }
    let out = Tensor(uninitialized: dtype, shape: shape)
    // int64 → int64-or-wider paths must not go through Double (2⁵³).
    if dtype == .int64, self.dtype == .int32 || self.dtype == .uint8 || self.dtype == .bool {
      let p = out.buffer.data.assumingMemoryBound(to: Int64.self)
      for (i, v) in integers().enumerated() { p[i] = Int64(v) }
      return out
    }
    withElementsAsDouble { read in
      func write<T: TensorScalar>(_: T.Type, _ make: (Double) -> T) {
        let p = out.buffer.data.assumingMemoryBound(to: T.self)
        for i in 0..<scalarCount { p[i] = make(read(i)) }
      }
      switch dtype {
      case .float32: write(Float.self) { Float($0) }
      case .float64: write(Double.self) { $0 }
      case .int32: write(Int32.self) { Int32(converting: $0) }
      case .int64: write(Int64.self) { Int64(converting: $0) }
      case .uint8: write(UInt8.self) { UInt8(converting: $0) }
      case .bool: write(Bool.self) { $0 != 0 }
      }
    }
    return out
  }

  /// Calls `body` with a reader of element `i` as `Double`, specialized to
  /// this tensor's dtype (no per-element dtype switch).
  @inline(__always)
  private func withElementsAsDouble(_ body: ((Int) -> Double) -> Void) {
    let raw = buffer.data
    switch dtype {
    case .float32:
      let p = raw.assumingMemoryBound(to: Float.self)
      body { Double(p[$0]) }
    case .float64:
      let p = raw.assumingMemoryBound(to: Double.self)
      body { p[$0] }
    case .int32:
      let p = raw.assumingMemoryBound(to: Int32.self)
      body { Double(p[$0]) }
    case .int64:
      let p = raw.assumingMemoryBound(to: Int64.self)
      body { Double(p[$0]) }
    case .uint8:
      let p = raw.assumingMemoryBound(to: UInt8.self)
      body { Double(p[$0]) }
    case .bool:
      let p = raw.assumingMemoryBound(to: Bool.self)
      body { p[$0] ? 1 : 0 }
    }
  }

  /// `self · scale + offset` computed in double precision and rounded once
  /// to `dtype` (float32 by default), as numpy's `x / 255.0` followed by a
  /// cast: `images.scaled(by: 1 / 255)`. uint8 inputs go through a
  /// 256-entry table.
  public func scaled(by scale: Double, offset: Double = 0, dtype: DType = .float32) throws -> Tensor {
    guard dtype.isFloatingPoint else {
      throw TensorGraphError(.dtypeMismatch, "scaled values must be float32 or float64, not \(dtype)")
    }
    let out = Tensor(uninitialized: dtype, shape: shape)
    if dtype == .float32 {
      let p = out.buffer.data.assumingMemoryBound(to: Float.self)
      if self.dtype == .uint8 {
        let table = (0..<256).map { Float(Double($0) * scale + offset) }
        let q = buffer.data.assumingMemoryBound(to: UInt8.self)
        table.withUnsafeBufferPointer { t in
          for i in 0..<scalarCount { p[i] = t[Int(q[i])] }
        }
      } else {
        withElementsAsDouble { read in
          for i in 0..<scalarCount { p[i] = Float(read(i) * scale + offset) }
        }
      }
    } else {
      let p = out.buffer.data.assumingMemoryBound(to: Double.self)
      withElementsAsDouble { read in
        for i in 0..<scalarCount { p[i] = read(i) * scale + offset }
      }
    }
    return out
  }
}
