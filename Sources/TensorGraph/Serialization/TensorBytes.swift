// Checks shared by every reader that turns untrusted bytes into tensors:
// sizes computed without overflow, and bool bytes that Swift can hold.

enum TensorBytes {
  /// The number of elements of `shape`, or a sentence saying why there is
  /// none (a negative dimension, or a product past 2⁶³).
  static func elementCount(_ shape: [Int]) -> Result<Int, JSONDecodingFailure> {
    var count = 1
    for (axis, d) in shape.enumerated() {
      guard d >= 0 else {
        return .failure(JSONDecodingFailure("shape \(shape) has a negative dimension \(d) at axis \(axis)"))
      }
      let (product, overflow) = count.multipliedReportingOverflow(by: d)
      guard !overflow else {
        return .failure(JSONDecodingFailure("shape \(shape) has more than 2^63 elements"))
      }
      count = product
    }
    return .success(count)
  }

  /// The bytes of a tensor of `dtype` and `shape`, or why it cannot exist.
  static func byteCount(_ shape: [Int], _ dtype: DType) -> Result<Int, JSONDecodingFailure> {
    elementCount(shape).flatMap { count in
      let (bytes, overflow) = count.multipliedReportingOverflow(by: dtype.byteSize)
      guard !overflow else {
        return .failure(JSONDecodingFailure("\(dtype) tensor of shape \(shape) needs more than 2^63 bytes"))
      }
      return .success(bytes)
    }
  }

  /// The index of the first byte that is neither 0 nor 1 — not a valid
  /// Swift `Bool` — or `nil`.
  static func firstInvalidBool(_ p: UnsafeRawPointer, count: Int) -> Int? {
    let bytes = p.assumingMemoryBound(to: UInt8.self)
    for i in 0..<count where bytes[i] > 1 { return i }
    return nil
  }
}
