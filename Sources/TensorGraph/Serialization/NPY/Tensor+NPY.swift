import Foundation

// .npy reading and writing for data interchange with numpy.

extension Tensor {
  /// Reads a tensor from `.npy` bytes (format versions 1.0, 2.0 and 3.0;
  /// dtypes `<f4 <f8 <i4 <i8 |u1 |b1`, big-endian forms swapped; C or
  /// Fortran order, the latter transposed into TensorGraph's row-major
  /// layout).
  ///
  ///     let x = try Tensor(npyData: Data(contentsOf: url))
  ///
  /// - Throws: ``TensorGraphError`` (`format`) saying what is wrong and at
  ///   which byte: a missing magic string, an unsupported version or dtype,
  ///   a malformed header, or data shorter or longer than the header says.
  public init(npyData data: Data) throws {
    self = try Tensor.readNPY(DataSource(data), context: ".npy data")
  }

  /// Reads a tensor from a `.npy` file; see ``init(npyData:)``.
  ///
  /// - Throws: ``TensorGraphError``: `io` when the file cannot be read,
  ///   `format` when it is malformed.
  public init(npyFile url: URL) throws {
    self = try Tensor.readNPY(try FileReader(url), context: ".npy file '\(url.path)'")
  }

  /// The tensor in `.npy` format, byte for byte what numpy's `np.save`
  /// writes for the same array: format 1.0 (2.0 when the header needs
  /// more than 64 KiB), C order, little-endian.
  public func npyData() -> Data {
    var data = Data(NPYFormat.header(dtype: dtype, shape: shape))
    data.append(UnsafeBufferPointer(start: storage.data.assumingMemoryBound(to: UInt8.self), count: byteCount))
    return data
  }

  /// Writes the tensor to a `.npy` file atomically (temporary file,
  /// `fsync`, rename).
  ///
  /// - Throws: ``TensorGraphError`` (`io`) when the file cannot be written.
  public func writeNPY(to url: URL) throws {
    let header = NPYFormat.header(dtype: dtype, shape: shape)
    try AtomicFile.write(to: url) { file in
      try file.write(header)
      try file.write(UnsafeRawBufferPointer(start: storage.data, count: byteCount))
    }
  }

  private static func readNPY(_ source: any ByteSource, context: String) throws -> Tensor {
    let (header, dataStart) = try NPYFormat.readHeader(source, context: context)
    let dtype = header.dtype, shape = header.shape
    let byteCount: Int
    switch TensorBytes.byteCount(shape, dtype) {
    case .success(let n): byteCount = n
    case .failure(let f): throw TensorGraphError(.format, "\(context): header: \(f.message)")
    }
    let available = source.size - dataStart
    guard available == byteCount else {
      let what = "the header (ending at byte \(dataStart)) declares \(dtype) \(shape), which needs \(byteCount) bytes of data"
      if available < byteCount {
        throw TensorGraphError(.format, "\(context): truncated: \(what), but the file has only \(available) after the header")
      }
      throw TensorGraphError(
        .format, "\(context): \(what), but \(available - byteCount) extra bytes follow it (from byte \(dataStart + byteCount))")
    }
    var buffer = TensorBuffer(byteCapacity: byteCount)
    if byteCount > 0 { try source.read(into: buffer.data, offset: dataStart, count: byteCount) }
    if header.bigEndian {
      swapBytes(buffer.data, count: shape.reduce(1, *), size: dtype.byteSize)
    }
    if dtype == .bool, let bad = TensorBytes.firstInvalidBool(buffer.data, count: byteCount) {
      throw TensorGraphError(
        .format,
        "\(context): bool element \(bad) (byte \(dataStart + bad)) is \(buffer.data.load(fromByteOffset: bad, as: UInt8.self)), not 0 or 1")
    }
    if header.fortranOrder && shape.count > 1 {
      buffer = fortranToC(buffer, shape: shape, size: dtype.byteSize)
    }
    return Tensor(dtype: dtype, shape: shape, buffer: buffer)
  }

  private static func swapBytes(_ p: UnsafeMutableRawPointer, count: Int, size: Int) {
    switch size {
    case 4:
      let q = p.assumingMemoryBound(to: UInt32.self)
      for i in 0..<count { q[i] = q[i].byteSwapped }
    case 8:
      let q = p.assumingMemoryBound(to: UInt64.self)
      for i in 0..<count { q[i] = q[i].byteSwapped }
    default: break
    }
  }

  /// Rearranges column-major (Fortran-order) data into row-major order.
  private static func fortranToC(_ source: TensorBuffer, shape: [Int], size: Int) -> TensorBuffer {
    let count = shape.reduce(1, *)
    let out = TensorBuffer(byteCapacity: count * size)
    guard count > 0 else { return out }
    func run<T>(_: T.Type) {
      let src = source.data.assumingMemoryBound(to: T.self), dst = out.data.assumingMemoryBound(to: T.self)
      // Fortran strides: the first axis varies fastest.
      var strides = [Int](repeating: 1, count: shape.count)
      for axis in 1..<shape.count { strides[axis] = strides[axis - 1] * shape[axis - 1] }
      var index = [Int](repeating: 0, count: shape.count)
      var offset = 0
      for i in 0..<count {
        dst[i] = src[offset]
        // Advance the row-major odometer, keeping the Fortran offset.
        var axis = shape.count - 1
        while axis >= 0 {
          index[axis] += 1
          offset += strides[axis]
          if index[axis] < shape[axis] { break }
          offset -= strides[axis] * shape[axis]
          index[axis] = 0
          axis -= 1
        }
      }
    }
    switch size {
    case 1: run(UInt8.self)
    case 4: run(UInt32.self)
    default: run(UInt64.self)
    }
    return out
  }
}
