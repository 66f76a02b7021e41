import Foundation

// Host-side normalization of arrays before they enter a model: what the
// Keras seed programs do with numpy (`x / 255.0`), Keras's `utils.normalize`,
// and the arithmetic of the `Normalization` preprocessing layer.

/// Pixels 0…255 scaled to 0…1 as float32: the seed programs'
/// `x_train / 255.0` (the same as `x.scaled(by: 1 / 255)`).
///
/// - Throws: ``TensorGraphError`` only if the tensor's dtype is unusable
///   (never for numeric tensors).
public func normalizePixels(_ x: Tensor) throws -> Tensor {
  // float32(p) * float32(1/255) can differ from numpy's float64 p / 255.0
  // rounded to float32 in the last bit: divide in double, round once.
  if x.dtype == .uint8 {
    let buffer = TensorBuffer(byteCapacity: x.scalarCount * 4)
    let dst = buffer.data.bindMemory(to: Float.self, capacity: x.scalarCount)
    let table = (0..<256).map { Float(Double($0) / 255) }
    table.withUnsafeBufferPointer { table in
      x.withUnsafeBufferPointer(as: UInt8.self) { src in
        for i in 0..<src.count { dst[i] = table[Int(src[i])] }
      }
    }
    return Tensor(dtype: .float32, shape: x.shape, buffer: buffer)
  }
  return try x.scaled(by: 1 / 255)
}

/// Keras's `utils.normalize`: divides each vector along `axis` by its
/// `order`-norm (vectors of norm 0 are left as they are), as float32
/// (float64 for float64 input).
///
/// - Parameters:
///   - axis: the axis the vectors run along; negative counts from the end.
///   - order: the norm: 1 (sum of absolute values), 2 (Euclidean) or any
///     larger integer p, (Σ|x|ᵖ)^(1/p).
/// - Throws: ``TensorGraphError`` (`invalidArgument`) for a scalar, an
///   axis out of range, or an order below 1.
public func normalize(_ x: Tensor, axis: Int = -1, order: Int = 2) throws -> Tensor {
  guard x.rank >= 1 else { throw TensorGraphError(.invalidArgument, "normalize: a scalar has no axis to normalize along") }
  guard (-x.rank..<x.rank).contains(axis) else {
    throw TensorGraphError(.invalidArgument, "normalize: axis \(axis) is out of range for shape \(x.shape)")
  }
  guard order >= 1 else { throw TensorGraphError(.invalidArgument, "normalize: order \(order) is not a norm; use 1, 2 or more") }
  let a = axis < 0 ? axis + x.rank : axis
  let n = x.shape[a]
  let inner = x.shape[(a + 1)...].reduce(1, *)
  let outer = x.shape[..<a].reduce(1, *)
  var values = x.doubles()
  for o in 0..<outer {
    for i in 0..<inner {
      let base = o * n * inner + i
      var sum = 0.0
      for k in 0..<n {
        let v = abs(values[base + k * inner])
        sum += order == 1 ? v : order == 2 ? v * v : Foundation.pow(v, Double(order))
      }
      var norm = order == 1 ? sum : order == 2 ? sum.squareRoot() : Foundation.pow(sum, 1 / Double(order))
      if norm == 0 { norm = 1 }
      for k in 0..<n { values[base + k * inner] /= norm }
    }
  }
  if x.dtype == .float64 { return try Tensor(shape: x.shape, scalars: values) }
  return try Tensor(shape: x.shape, scalars: values.map { Float($0) })
}

/// Standardization to zero mean and unit variance per feature: the
/// arithmetic of Keras's `Normalization` preprocessing layer, on host
/// tensors.
///
/// `adapt` computes the mean and (population) variance of data over every
/// axis except the kept `axes`, so each index along a kept axis has its own
/// statistics; applying it computes `(x − mean) / max(√variance, 1e-7)`, as
/// Keras does. The first axis holds samples and cannot be kept.
///
///     let norm = try Standardizer(adaptingTo: xTrain)          // per feature (last axis)
///     let xTrainStd = try norm(xTrain), xTestStd = try norm(xTest)
public struct Standardizer: Sendable {
  /// The kept axes (non-negative, ascending); empty for one scalar mean and
  /// variance over everything.
  public let axes: [Int]
  /// The rank of the data the statistics were computed from.
  public let rank: Int
  /// The mean, float32, in Keras's broadcast shape: the data's size on the
  /// kept axes and 1 elsewhere (`[1, 784]` for `[n, 784]` data).
  public let mean: Tensor
  /// The variance (divided by the count, as numpy's `var`), in the same
  /// shape as ``mean``.
  public let variance: Tensor
  /// The smallest standard deviation divided by (Keras's `epsilon()`).
  public static let epsilon = 1e-7

  private let means: [Double]
  private let deviations: [Double]

  /// Computes per-feature statistics of `data`.
  ///
  /// - Parameter axis: the feature axis (Keras's default, -1: the last);
  ///   `nil` for one mean and variance over all elements.
  /// - Throws: ``TensorGraphError`` (`invalidArgument`) for a scalar or
  ///   empty data, or an axis that is the sample axis 0 or out of range.
  public init(adaptingTo data: Tensor, axis: Int? = -1) throws {
    try self.init(adaptingTo: data, axes: axis.map { [$0] } ?? [])
  }

  /// Computes statistics of `data` with a separate mean and variance for
  /// each index along every axis in `axes`; see ``init(adaptingTo:axis:)``.
  public init(adaptingTo data: Tensor, axes: [Int]) throws {
    guard data.rank >= 1, data.shape[0] > 0, data.scalarCount > 0 else {
      throw TensorGraphError(.invalidArgument, "Standardizer: cannot adapt to empty data of shape \(data.shape)")
    }
    var kept: [Int] = []
    for a in axes {
      guard (-data.rank..<data.rank).contains(a) else {
        throw TensorGraphError(.invalidArgument, "Standardizer: axis \(a) is out of range for data of shape \(data.shape)")
      }
      let k = a < 0 ? a + data.rank : a
      guard k != 0 else {
        throw TensorGraphError(
          .invalidArgument, "Standardizer: axis \(a) is the sample axis of data of shape \(data.shape); it may not be kept")
      }
      if !kept.contains(k) { kept.append(k) }
    }
    kept.sort()
    self.axes = kept
    self.rank = data.rank
    let statShape = (0..<data.rank).map { kept.contains($0) ? data.shape[$0] : 1 }
    let statCount = statShape.reduce(1, *)
    let perStat = Double(data.scalarCount / statCount)
    // Two passes (mean, then squared deviations) keep the variance accurate
    // for data far from zero, such as raw pixels.
    var sums = [Double](repeating: 0, count: statCount)
    let value = HostValues(data)
    Standardizer.forEach(shape: data.shape, statShape: statShape) { i, s in sums[s] += value[i] }
    let means = sums.map { $0 / perStat }
    var squares = [Double](repeating: 0, count: statCount)
    Standardizer.forEach(shape: data.shape, statShape: statShape) { i, s in
      let d = value[i] - means[s]
      squares[s] += d * d
    }
    let variances = squares.map { $0 / perStat }
    self.means = means
    self.deviations = variances.map { Swift.max($0.squareRoot(), Standardizer.epsilon) }
    self.mean = try Tensor(shape: statShape, scalars: means.map { Float($0) })
    self.variance = try Tensor(shape: statShape, scalars: variances.map { Float($0) })
  }

  /// `(x − mean) / max(√variance, 1e-7)` as float32 (or float64), computed
  /// in double precision.
  ///
  /// - Throws: ``TensorGraphError``: `shapeMismatch` when `x` has another
  ///   rank or other sizes on the kept axes than the adapted data;
  ///   `dtypeMismatch` when `dtype` is not a floating-point type.
  public func callAsFunction(_ x: Tensor, dtype: DType = .float32) throws -> Tensor {
    guard x.rank == rank, axes.allSatisfy({ x.shape[$0] == mean.shape[$0] }) else {
      throw TensorGraphError(
        .shapeMismatch, "Standardizer: data of shape \(x.shape) does not fit statistics of shape \(mean.shape)")
    }
    guard dtype.isFloatingPoint else {
      throw TensorGraphError(.dtypeMismatch, "Standardizer: standardized values must be float32 or float64, not \(dtype)")
    }
    let value = HostValues(x)
    var out = try Tensor(zeros: x.shape, dtype: dtype)
    func fill<T: TensorFloatScalar>(_: T.Type) {
      out.withUnsafeMutableBufferPointer(as: T.self) { p in
        Standardizer.forEach(shape: x.shape, statShape: mean.shape) { i, s in
          p[i] = T((value[i] - means[s]) / deviations[s])
        }
      }
    }
    if dtype == .float64 { fill(Double.self) } else { fill(Float.self) }
    return out
  }

  /// Calls `body(i, s)` for every flat index `i` of `shape` with `s` the
  /// flat index of its statistics in `statShape` (1 on reduced axes),
  /// advancing both like an odometer.
  private static func forEach(shape: [Int], statShape: [Int], _ body: (Int, Int) -> Void) {
    let total = shape.reduce(1, *)
    guard total > 0 else { return }
    // Row-major strides of statShape, 0 on reduced axes.
    var strides = [Int](repeating: 0, count: shape.count)
    var step = 1
    for a in (0..<shape.count).reversed() {
      strides[a] = statShape[a] == 1 ? 0 : step
      step *= statShape[a]
    }
    var index = [Int](repeating: 0, count: shape.count)
    var s = 0
    for i in 0..<total {
      body(i, s)
      var a = shape.count - 1
      while a >= 0 {
        index[a] += 1
        s += strides[a]
        if index[a] < shape[a] { break }
        s -= strides[a] * shape[a]
        index[a] = 0
        a -= 1
      }
    }
  }
}

/// Element reads as `Double` from any tensor without copying it into an
/// array (a Fashion-MNIST training set is 47 million elements).
struct HostValues {
  private let raw: UnsafeRawPointer
  private let dtype: DType
  private let owner: Tensor

  init(_ tensor: Tensor) {
    owner = tensor
    raw = UnsafeRawPointer(tensor.storage.data)
    dtype = tensor.dtype
  }

  @inline(__always)
  subscript(i: Int) -> Double {
    switch dtype {
    case .float32: return Double(raw.load(fromByteOffset: i * 4, as: Float.self))
    case .float64: return raw.load(fromByteOffset: i * 8, as: Double.self)
    case .int32: return Double(raw.load(fromByteOffset: i * 4, as: Int32.self))
    case .int64: return Double(raw.load(fromByteOffset: i * 8, as: Int64.self))
    case .uint8: return Double(raw.load(fromByteOffset: i, as: UInt8.self))
    case .bool: return raw.load(fromByteOffset: i, as: UInt8.self) != 0 ? 1 : 0
    }
  }
}
