import Foundation

/// The IDX format of the MNIST and Fashion-MNIST files: a 4-byte magic
/// number (two zero bytes, an element type, the number of dimensions), each
/// dimension as a big-endian 32-bit integer, then the elements in row-major
/// order. `0x00000803` is a rank-3 file of unsigned bytes (images
/// `[n, 28, 28]`), `0x00000801` a rank-1 one (labels `[n]`).
///
/// Files may be gzip-compressed (`.gz`, recognized by their first bytes)
/// or raw. Only unsigned-byte elements (type `0x08`) are read.
///
///     let images = try IDX.read(path: "train-images-idx3-ubyte.gz")   // uint8 [60000, 28, 28]
public enum IDX {
  /// The element type byte of unsigned bytes, the type MNIST uses.
  public static let unsignedByteType: UInt8 = 0x08

  /// Reads a uint8 tensor from an IDX file, gzip-compressed or raw.
  ///
  /// The dimensions the header declares are checked against the data that
  /// follows (after decompression): memory is allocated as data arrives,
  /// never up front from the header alone.
  ///
  /// - Throws: ``TensorGraphError``: `io` when the file cannot be read;
  ///   `format` for corrupt or truncated gzip data, a bad magic number, an
  ///   element type other than unsigned bytes, or data shorter or longer
  ///   than the dimensions say — each with its byte offset.
  public static func read(path: String) throws -> Tensor {
    let input = try FileReader(path: path)
    let context = "IDX file '\(path)'"
    return try read(openStream(input, context: context), context: context)
  }

  /// Reads a uint8 tensor from IDX bytes in memory, gzip-compressed or
  /// raw; see ``read(path:)``.
  public static func decode(_ bytes: [UInt8]) throws -> Tensor {
    let context = "IDX data"
    return try read(openStream(MemoryInput(bytes), context: context), context: context)
  }

  /// The IDX bytes of a uint8 tensor of rank 1 or more (uncompressed;
  /// ``Gzip/compress(_:level:)`` makes a `.gz` file of them).
  ///
  /// - Throws: ``TensorGraphError`` when the tensor is not uint8, is a
  ///   scalar, has more than 255 dimensions or one past 2³² − 1.
  public static func encode(_ tensor: Tensor) throws -> [UInt8] {
    guard tensor.dtype == .uint8 else {
      throw TensorGraphError(.dtypeMismatch, "IDX files written here hold uint8 elements, not \(tensor.dtype)")
    }
    guard (1...255).contains(tensor.rank), tensor.shape.allSatisfy({ $0 <= Int(UInt32.max) }) else {
      throw TensorGraphError(.invalidArgument, "an IDX file cannot hold a tensor of shape \(tensor.shape)")
    }
    var out: [UInt8] = [0, 0, unsignedByteType, UInt8(tensor.rank)]
    for d in tensor.shape {
      withUnsafeBytes(of: UInt32(d).bigEndian) { out.append(contentsOf: $0) }
    }
    tensor.withUnsafeBufferPointer(as: UInt8.self) { out.append(contentsOf: $0) }
    return out
  }

  /// Parses the header from `stream`, then reads exactly the data it
  /// declares and checks that nothing follows.
  static func read(_ stream: ByteStream, context: String) throws -> Tensor {
    func fail(_ message: String) -> TensorGraphError { TensorGraphError(.format, "\(context): \(message)") }
    let magic = try stream.readBytes(4)
    guard magic.count == 4 else {
      throw fail("truncated: it ends at \(stream.describe(position: magic.count)), inside the 4-byte magic number")
    }
    guard magic[0] == 0, magic[1] == 0 else {
      let hex = magic.map { String(format: "%02x", $0) }.joined()
      throw fail("not an IDX file: its magic number 0x\(hex) does not start with two zero bytes")
    }
    guard magic[2] == unsignedByteType else {
      throw fail(
        "the element type at \(stream.describe(position: 2)) is 0x\(String(format: "%02x", magic[2])) (\(typeName(magic[2]))); only unsigned bytes (0x08) are supported")
    }
    let rank = Int(magic[3])
    let dimBytes = try stream.readBytes(4 * rank)
    guard dimBytes.count == 4 * rank else {
      throw fail(
        "truncated: it ends at \(stream.describe(position: 4 + dimBytes.count)), inside the \(rank) dimensions (bytes 4..<\(4 + 4 * rank)) the magic number announces")
    }
    let shape = (0..<rank).map { i in dimBytes[(4 * i)..<(4 * i + 4)].reduce(0) { $0 << 8 | Int($1) } }
    let headerSize = 4 + 4 * rank
    var count = 1
    for d in shape {
      let (p, overflow) = count.multipliedReportingOverflow(by: d)
      guard !overflow, p <= Tensor.maxElementCount else {
        throw fail("the dimensions \(shape) declare more elements than a tensor may hold")
      }
      count = p
    }
    func short(_ got: Int) -> TensorGraphError {
      fail(
        "truncated: the dimensions \(shape) declare \(count) bytes of data after the \(headerSize)-byte header, but the data ends at \(stream.describe(position: headerSize + got)) after \(got) of them")
    }
    if stream.remainingIsExact && stream.remainingHint < count { throw short(stream.remainingHint) }
    // Memory follows the data: start from what the input can hold (exact for
    // raw files, the gzip trailer's hint otherwise) and grow only as
    // decompressed bytes actually arrive.
    var capacity = Swift.min(count, Swift.max(stream.remainingHint, 1 << 20))
    var buffer = TensorBuffer(byteCapacity: capacity)
    var filled = 0
    while filled < count {
      if filled == capacity {
        capacity = Swift.min(count, capacity * 2)
        let bigger = TensorBuffer(byteCapacity: capacity)
        bigger.data.copyMemory(from: buffer.data, byteCount: filled)
        buffer = bigger
      }
      let n = try stream.read(into: buffer.data + filled, count: capacity - filled)
      if n == 0 { throw short(filled) }
      filled += n
    }
    // Reading on to the end also makes a gzip stream check its trailers.
    var extra: UInt8 = 0
    if try stream.read(into: &extra, count: 1) > 0 {
      throw fail(
        "the dimensions \(shape) declare \(count) bytes of data, but more data follows from \(stream.describe(position: headerSize + count))")
    }
    return Tensor(dtype: .uint8, shape: shape, buffer: buffer)
  }

  private static func typeName(_ type: UInt8) -> String {
    switch type {
    case 0x09: return "signed bytes"
    case 0x0B: return "16-bit integers"
    case 0x0C: return "32-bit integers"
    case 0x0D: return "float32"
    case 0x0E: return "float64"
    default: return "not an IDX type"
    }
  }
}
