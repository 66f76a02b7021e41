import Foundation

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

// Where dataset readers get bytes from: a file (TensorGraph's FileReader,
// pread(2)) or bytes in memory. The size is known before anything is
// allocated, so every size a file declares can be checked against it.

/// Random-access bytes of known size.
protocol DataInput: AnyObject {
  /// The total size in bytes.
  var size: Int { get }
  /// Copies `count` bytes at `offset` (within `size`) to `destination`.
  func read(into destination: UnsafeMutableRawPointer, offset: Int, count: Int) throws
}

extension FileReader: DataInput {
  /// Opens the file at `path`.
  convenience init(path: String) throws { try self.init(URL(fileURLWithPath: path)) }
}

/// Bytes in memory.
final class MemoryInput: DataInput {
  let bytes: [UInt8]
  init(_ bytes: [UInt8]) { self.bytes = bytes }
  var size: Int { bytes.count }

  func read(into destination: UnsafeMutableRawPointer, offset: Int, count: Int) throws {
    precondition(offset >= 0 && count >= 0 && offset + count <= bytes.count, "read past the end of the bytes")
    bytes.withUnsafeBytes { destination.copyMemory(from: $0.baseAddress! + offset, byteCount: count) }
  }
}

// MARK: - Sequential streams

/// Bytes read front to back: a file or memory as it is, or decompressed
/// gzip.
protocol ByteStream: AnyObject {
  /// Reads up to `count` bytes into `destination`; fewer only at the end of
  /// the stream. Returns the number read.
  func read(into destination: UnsafeMutableRawPointer, count: Int) throws -> Int
  /// The number of bytes the stream will most likely still produce (exact
  /// for uncompressed input; a hint from the gzip trailer otherwise, never
  /// more than the input could possibly hold).
  var remainingHint: Int { get }
  /// Whether ``remainingHint`` is exact.
  var remainingIsExact: Bool { get }
  /// How positions in error messages are counted: "byte 12" of a file, or
  /// "byte 12 of the decompressed data".
  func describe(position: Int) -> String
}

extension ByteStream {
  /// Reads up to `count` bytes into a new array (fewer at the end).
  func readBytes(_ count: Int) throws -> [UInt8] {
    var out = [UInt8](repeating: 0, count: count)
    let n = try out.withUnsafeMutableBytes { count == 0 ? 0 : try read(into: $0.baseAddress!, count: count) }
    out.removeLast(count - n)
    return out
  }
}

/// An uncompressed input read front to back.
final class PlainStream: ByteStream {
  private let input: DataInput
  private var offset = 0

  init(_ input: DataInput) { self.input = input }

  func read(into destination: UnsafeMutableRawPointer, count: Int) throws -> Int {
    let n = Swift.min(count, input.size - offset)
    if n > 0 { try input.read(into: destination, offset: offset, count: n) }
    offset += n
    return n
  }

  var remainingHint: Int { input.size - offset }
  var remainingIsExact: Bool { true }
  func describe(position: Int) -> String { "byte \(position)" }
}

/// Opens `input` as a stream, decompressing it when it starts with the gzip
/// magic bytes 1f 8b.
func openStream(_ input: DataInput, context: String) throws -> ByteStream {
  var magic: [UInt8] = [0, 0]
  if input.size >= 2 { try magic.withUnsafeMutableBytes { try input.read(into: $0.baseAddress!, offset: 0, count: 2) } }
  if input.size >= 2 && magic == Gzip.magic {
    return try GzipStream(input, context: context)
  }
  return PlainStream(input)
}
