import Foundation

/// A concrete n-dimensional array: a dtype, a shape and contiguous row-major
/// storage.
///
/// `Tensor` is a value type. Copies share storage until one of them is
/// written (copy on write), so passing tensors around and reshaping them is
/// free.
///
///     let x = try Tensor(shape: [2, 3], scalars: [1, 2, 3, 4, 5, 6] as [Float])
///     print(x)            // [[1., 2., 3.],
///                         //  [4., 5., 6.]] (float32)
///     try x.scalars(as: Float.self)   // [1, 2, 3, 4, 5, 6]
public struct Tensor: Sendable {
  /// The element type.
  public let dtype: DType
  /// The dimensions, outermost first. Empty for a scalar.
  public let shape: [Int]
  /// The number of elements: the product of ``shape``.
  public let scalarCount: Int
  @usableFromInline
  internal var buffer: TensorBuffer

  /// Wraps existing storage. `buffer` must hold at least
  /// `product(shape) * dtype.byteSize` bytes.
  public init(dtype: DType, shape: [Int], buffer: TensorBuffer) {
    let count = shape.reduce(1, *)
    precondition(count * dtype.byteSize <= buffer.byteCapacity, "buffer too small for tensor")
    self.dtype = dtype
    self.shape = shape
    self.scalarCount = count
    self.buffer = buffer
  }

  /// Allocates an uninitialized tensor. Internal: shapes are validated by the
  /// caller.
  @usableFromInline
  internal init(uninitialized dtype: DType, shape: [Int]) {
    let count = shape.reduce(1, *)
    self.dtype = dtype
    self.shape = shape
    self.scalarCount = count
    self.buffer = TensorBuffer(byteCapacity: count * dtype.byteSize)
  }

  /// The rank (number of dimensions).
  @inlinable public var rank: Int { shape.count }

  /// The number of bytes of element data.
  @inlinable public var byteCount: Int { scalarCount * dtype.byteSize }

  /// The storage, shared with every tensor that aliases it.
  public var storage: TensorBuffer { buffer }
}

// MARK: - Creating tensors

extension Tensor {
  /// Checks that every dimension is non-negative.
  static func validate(shape: [Int]) throws {
    if let bad = shape.firstIndex(where: { $0 < 0 }) {
      throw TensorGraphError(
        .invalidArgument,
        "shape \(shape) has a negative dimension \(shape[bad]) at axis \(bad)")
    }
    var count = 1
    for d in shape {
      let (p, overflow) = count.multipliedReportingOverflow(by: d)
      if overflow || p > Tensor.maxElementCount {
        throw TensorGraphError(.invalidArgument, "shape \(shape) has too many elements to allocate")
      }
      count = p
    }
  }

  /// The most elements a tensor may hold (2⁴⁰: a terabyte of bytes).
  public static let maxElementCount = 1 << 40

  /// Creates a tensor of the given shape from scalars in row-major order.
  ///
  /// - Throws: ``TensorGraphError`` when `scalars.count` differs from the
  ///   product of `shape` or a dimension is negative.
  public init<T: TensorScalar>(shape: [Int], scalars: [T]) throws {
    try Tensor.validate(shape: shape)
    let count = shape.reduce(1, *)
    guard count == scalars.count else {
      throw TensorGraphError(
        .invalidArgument,
        "shape \(shape) holds \(count) elements but \(scalars.count) scalars were given")
    }
    self.init(uninitialized: T.dtype, shape: shape)
    scalars.withUnsafeBufferPointer { src in
      if let base = src.baseAddress {
        buffer.data.bindMemory(to: T.self, capacity: count).initialize(from: base, count: count)
      }
    }
  }

  /// Creates a rank-1 tensor.
  public init<T: TensorScalar>(_ scalars: [T]) {
    // A rank-1 shape always matches its scalars.
    self.init(uninitialized: T.dtype, shape: [scalars.count])
    scalars.withUnsafeBufferPointer { src in
      if let base = src.baseAddress {
        buffer.data.bindMemory(to: T.self, capacity: scalars.count)
          .initialize(from: base, count: scalars.count)
      }
    }
  }

  /// Creates a rank-2 tensor from rows.
  ///
  /// - Throws: when the rows have different lengths.
  public init<T: TensorScalar>(_ rows: [[T]]) throws {
    let width = rows.first?.count ?? 0
    if let bad = rows.firstIndex(where: { $0.count != width }) {
      throw TensorGraphError(
        .invalidArgument,
        "row \(bad) has \(rows[bad].count) elements but row 0 has \(width)")
    }
    try self.init(shape: [rows.count, width], scalars: rows.flatMap { $0 })
  }

  /// Creates a scalar (rank-0) tensor.
  public init<T: TensorScalar>(_ scalar: T) {
    self.init(uninitialized: T.dtype, shape: [])
    buffer.data.bindMemory(to: T.self, capacity: 1).initialize(to: scalar)
  }

  /// Creates a tensor with every element equal to `value`.
  public init<T: TensorScalar>(shape: [Int], repeating value: T) throws {
    try Tensor.validate(shape: shape)
    self.init(uninitialized: T.dtype, shape: shape)
    buffer.data.bindMemory(to: T.self, capacity: scalarCount)
      .initialize(repeating: value, count: scalarCount)
  }

  /// Creates a tensor of zeros (`false` for `bool`).
  public init(zeros shape: [Int], dtype: DType = .float32) throws {
    try Tensor.validate(shape: shape)
    let count = shape.reduce(1, *)
    self.init(dtype: dtype, shape: shape, buffer: TensorBuffer(zeroedByteCapacity: count * dtype.byteSize))
  }

  /// A copy of this tensor with a new shape holding the same number of
  /// elements; the storage is shared, not copied.
  ///
  /// - Throws: when the element counts differ.
  public func reshaped(to newShape: [Int]) throws -> Tensor {
    try Tensor.validate(shape: newShape)
    let count = newShape.reduce(1, *)
    guard count == scalarCount else {
      throw TensorGraphError(
        .shapeMismatch,
        "cannot reshape a tensor of shape \(shape) (\(scalarCount) elements) to \(newShape) (\(count) elements)")
    }
    return Tensor(dtype: dtype, shape: newShape, buffer: buffer)
  }
}

// MARK: - Reading scalars

extension Tensor {
  func checkDType<T: TensorScalar>(_ type: T.Type) throws {
    guard T.dtype == dtype else {
      throw TensorGraphError(
        .dtypeMismatch, "tensor holds \(dtype) but \(T.self) (\(T.dtype)) was requested")
    }
  }

  /// The elements in row-major order.
  ///
  /// - Throws: when `T` is not the Swift type of ``dtype``.
  public func scalars<T: TensorScalar>(as type: T.Type) throws -> [T] {
    try checkDType(type)
    return withUnsafeBufferPointer(as: T.self) { Array($0) }
  }

  /// The single element of a tensor holding exactly one element.
  ///
  /// - Throws: on a dtype mismatch or when the tensor has more or fewer
  ///   than one element.
  public func scalar<T: TensorScalar>(as type: T.Type) throws -> T {
    try checkDType(type)
    guard scalarCount == 1 else {
      throw TensorGraphError(.invalidArgument, "tensor of shape \(shape) is not a single scalar")
    }
    return buffer.data.load(as: T.self)
  }

  /// The elements converted to `Double`, whatever the dtype (`bool` gives 0
  /// or 1). Handy in tests and for printing.
  public func doubles() -> [Double] {
    var out = [Double](repeating: 0, count: scalarCount)
    for i in 0..<scalarCount { out[i] = element(at: i) }
    return out
  }

  /// The elements of an integer (or bool) tensor as `Int`, exactly.
  public func integers() -> [Int] {
    let p = buffer.data
    return (0..<scalarCount).map { i in
      switch dtype {
      case .int32: return Int(p.load(fromByteOffset: i * 4, as: Int32.self))
      case .int64: return Int(p.load(fromByteOffset: i * 8, as: Int64.self))
      case .uint8: return Int(p.load(fromByteOffset: i, as: UInt8.self))
      case .bool: return p.load(fromByteOffset: i, as: Bool.self) ? 1 : 0
      case .float32: return Int(exactly: p.load(fromByteOffset: i * 4, as: Float.self).rounded(.towardZero)) ?? 0
      case .float64: return Int(exactly: p.load(fromByteOffset: i * 8, as: Double.self).rounded(.towardZero)) ?? 0
      }
    }
  }

  /// The element at flat index `i` converted to `Double`.
  func element(at i: Int) -> Double {
    let p = buffer.data
    switch dtype {
    case .float32: return Double(p.load(fromByteOffset: i * 4, as: Float.self))
    case .float64: return p.load(fromByteOffset: i * 8, as: Double.self)
    case .int32: return Double(p.load(fromByteOffset: i * 4, as: Int32.self))
    case .int64: return Double(p.load(fromByteOffset: i * 8, as: Int64.self))
    case .uint8: return Double(p.load(fromByteOffset: i, as: UInt8.self))
    case .bool: return p.load(fromByteOffset: i, as: Bool.self) ? 1 : 0
    }
  }

  /// Calls `body` with the elements. `T` must match ``dtype`` (checked in
  /// debug builds; kernels rely on it after lowering).
  @inlinable
  public func withUnsafeBufferPointer<T: TensorScalar, R>(
    as type: T.Type, _ body: (UnsafeBufferPointer<T>) throws -> R
  ) rethrows -> R {
    assert(T.dtype == dtype, "tensor holds \(dtype), accessed as \(T.self)")
    let p = buffer.data.assumingMemoryBound(to: T.self)
    return try body(UnsafeBufferPointer(start: p, count: scalarCount))
  }

  /// Calls `body` with writable elements, copying the storage first if it is
  /// shared with another tensor.
  @inlinable
  public mutating func withUnsafeMutableBufferPointer<T: TensorScalar, R>(
    as type: T.Type, _ body: (UnsafeMutableBufferPointer<T>) throws -> R
  ) rethrows -> R {
    assert(T.dtype == dtype, "tensor holds \(dtype), accessed as \(T.self)")
    makeUnique()
    let p = buffer.data.assumingMemoryBound(to: T.self)
    return try body(UnsafeMutableBufferPointer(start: p, count: scalarCount))
  }

  /// Copies the storage if another tensor shares it or a variable owns it.
  @inlinable
  public mutating func makeUnique() {
    if !isKnownUniquelyReferenced(&buffer) || buffer.isPinned {
      buffer = copiedBuffer()
    }
  }

  /// A fresh buffer holding a copy of this tensor's bytes.
  @usableFromInline
  func copiedBuffer() -> TensorBuffer {
    let copy = TensorBuffer(byteCapacity: byteCount)
    copy.data.copyMemory(from: buffer.data, byteCount: byteCount)
    return copy
  }

  /// A tensor equal to this one that shares no storage with it.
  public func copy() -> Tensor {
    Tensor(dtype: dtype, shape: shape, buffer: copiedBuffer())
  }
}

// MARK: - Equality

extension Tensor: Equatable {
  /// Tensors are equal when dtype, shape and every byte of data are equal
  /// (so `NaN == NaN` when the bit patterns agree, and `-0.0 != 0.0`):
  /// the bitwise identity that determinism tests need.
  public static func == (lhs: Tensor, rhs: Tensor) -> Bool {
    guard lhs.dtype == rhs.dtype, lhs.shape == rhs.shape else { return false }
    if lhs.buffer === rhs.buffer { return true }
    return memcmp(lhs.buffer.data, rhs.buffer.data, lhs.byteCount) == 0
  }
}
