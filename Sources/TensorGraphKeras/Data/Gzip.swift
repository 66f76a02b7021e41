import CZlib
import Foundation

/// gzip (RFC 1952) through the system's zlib: decompression of whole
/// buffers and files, and compression for writing `.gz` files.
///
/// Decompression handles multi-member files (members are concatenated, as
/// `gunzip` does) and zero padding after the last member; it checks every
/// member's CRC-32 and length. Corrupt or truncated input throws a
/// ``TensorGraphError`` (`format`) that names the compressed byte offset:
///
///     let bytes = try Gzip.decompress(contentsOf: "train-labels-idx1-ubyte.gz")
public enum Gzip {
  /// The two bytes every gzip member starts with.
  public static let magic: [UInt8] = [0x1F, 0x8B]

  /// Whether `bytes` start with the gzip magic bytes.
  public static func isGzip(_ bytes: [UInt8]) -> Bool { bytes.starts(with: magic) }

  /// Decompresses gzip data held in memory.
  ///
  /// - Throws: ``TensorGraphError`` (`format`) when the data is not gzip,
  ///   is corrupt, or ends early, with the byte offset.
  public static func decompress(_ bytes: [UInt8]) throws -> [UInt8] {
    guard isGzip(bytes) else {
      throw TensorGraphError(.format, "gzip data: not gzip: it does not start with the magic bytes 1f 8b")
    }
    return try readAll(GzipStream(MemoryInput(bytes), context: "gzip data"))
  }

  /// Decompresses the gzip file at `path`, reading it in chunks.
  ///
  /// - Throws: ``TensorGraphError``: `io` when the file cannot be read,
  ///   `format` when it is not gzip, is corrupt, or ends early.
  public static func decompress(contentsOf path: String) throws -> [UInt8] {
    let input = try FileReader(path: path)
    let context = "gzip file '\(path)'"
    let stream = try openStream(input, context: context)
    guard stream is GzipStream else {
      throw TensorGraphError(.format, "\(context): not gzip: it does not start with the magic bytes 1f 8b")
    }
    return try readAll(stream)
  }

  /// Compresses `bytes` into one gzip member (what Python's `gzip.compress`
  /// writes, up to the header's time stamp).
  ///
  /// - Parameter level: zlib's compression level, 0 (stored) to 9 (best);
  ///   the default is 6, gzip's.
  /// - Throws: ``TensorGraphError`` (`invalidArgument`) for a level outside
  ///   0...9.
  public static func compress(_ bytes: [UInt8], level: Int = 6) throws -> [UInt8] {
    guard (0...9).contains(level) else {
      throw TensorGraphError(.invalidArgument, "gzip compression level \(level) is not in 0...9")
    }
    let stream = UnsafeMutablePointer<z_stream>.allocate(capacity: 1)
    stream.initialize(to: z_stream())
    defer { deflateEnd(stream); stream.deinitialize(count: 1); stream.deallocate() }
    let rc = czlib_deflate_init_gzip(stream, Int32(level))
    guard rc == Z_OK else { throw zlibError(rc, stream, "cannot start compressing") }
    var out = [UInt8]()
    var chunk = [UInt8](repeating: 0, count: 1 << 16)
    try bytes.withUnsafeBufferPointer { src in
      var offset = 0
      var finished = false
      while !finished {
        // zlib counts with 32-bit integers: feed at most 1 GiB at a time.
        if stream.pointee.avail_in == 0 && offset < src.count {
          let n = Swift.min(src.count - offset, 1 << 30)
          stream.pointee.next_in = UnsafeMutablePointer(mutating: src.baseAddress! + offset)
          stream.pointee.avail_in = UInt32(n)
          offset += n
        }
        let flush = offset == src.count ? Z_FINISH : Z_NO_FLUSH
        let produced = try chunk.withUnsafeMutableBufferPointer { dst -> Int in
          stream.pointee.next_out = dst.baseAddress
          stream.pointee.avail_out = UInt32(dst.count)
          let rc = deflate(stream, flush)
          guard rc == Z_OK || rc == Z_STREAM_END || rc == Z_BUF_ERROR else {
            throw zlibError(rc, stream, "compression failed")
          }
          finished = rc == Z_STREAM_END
          return dst.count - Int(stream.pointee.avail_out)
        }
        out.append(contentsOf: chunk[0..<produced])
      }
    }
    return out
  }

  /// Reads a stream to its end.
  static func readAll(_ stream: ByteStream) throws -> [UInt8] {
    var out = [UInt8](repeating: 0, count: Swift.max(stream.remainingHint, 1 << 16))
    var filled = 0
    while true {
      if filled == out.count { out.append(contentsOf: repeatElement(0, count: out.count)) }
      let n = try out.withUnsafeMutableBytes { try stream.read(into: $0.baseAddress! + filled, count: $0.count - filled) }
      filled += n
      if n == 0 { break }
    }
    out.removeLast(out.count - filled)
    return out
  }

  static func zlibError(_ rc: Int32, _ stream: UnsafeMutablePointer<z_stream>, _ what: String) -> TensorGraphError {
    let detail = stream.pointee.msg.map { String(cString: $0) } ?? "zlib error \(rc)"
    return TensorGraphError(.format, "gzip: \(what): \(detail)")
  }
}

// MARK: - Streaming decompression

/// Decompresses a gzip input front to back in chunks, member after member.
final class GzipStream: ByteStream {
  private let input: DataInput
  private let context: String
  // zlib keeps a pointer back to the stream in its state and checks it, so
  // the z_stream must stay at one address: it lives on the heap.
  private let stream: UnsafeMutablePointer<z_stream>
  private let chunk: UnsafeMutableRawPointer
  private static let chunkSize = 1 << 18
  /// File offset of the next byte to read into `chunk`.
  private var inputOffset = 0
  /// Where the current member starts, and its number (from 1).
  private var memberStart = 0
  private var member = 1
  private var finished = false
  /// Decompressed bytes produced so far.
  private(set) var produced = 0
  /// The length field of the last member's trailer (the size mod 2³²).
  private let trailerSize: Int

  /// Starts decompressing `input`, which must start with a gzip header.
  init(_ input: DataInput, context: String) throws {
    self.input = input
    self.context = context
    stream = .allocate(capacity: 1)
    stream.initialize(to: z_stream())
    chunk = .allocate(byteCount: Self.chunkSize, alignment: 16)
    var trailer: [UInt8] = [0, 0, 0, 0]
    if input.size >= 18 {
      try trailer.withUnsafeMutableBytes { try input.read(into: $0.baseAddress!, offset: input.size - 4, count: 4) }
    }
    trailerSize = trailer.reversed().reduce(0) { $0 << 8 | Int($1) }
    let rc = czlib_inflate_init_gzip(stream)
    guard rc == Z_OK else {
      stream.deallocate()
      chunk.deallocate()
      throw TensorGraphError(.format, "\(context): zlib cannot start decompressing (error \(rc))")
    }
  }

  deinit {
    inflateEnd(stream)
    stream.deinitialize(count: 1)
    stream.deallocate()
    chunk.deallocate()
  }

  /// The file offset of the next compressed byte zlib will consume.
  private var compressedOffset: Int { inputOffset - Int(stream.pointee.avail_in) }

  /// The last member's trailer gives the decompressed size mod 2³² (exact
  /// for the usual single-member file under 4 GiB). It is only a hint for
  /// preallocation, so it is capped by what deflate can produce from the
  /// input left: at most 1032 bytes per compressed byte.
  var remainingHint: Int {
    let bound = (input.size - compressedOffset).multipliedReportingOverflow(by: 1032)
    let limit = bound.overflow ? Int.max : bound.partialValue
    return Swift.min(Swift.max(trailerSize - produced, 0), limit)
  }

  var remainingIsExact: Bool { false }

  func describe(position: Int) -> String { "byte \(position) of the decompressed data" }

  /// Refills zlib's input from the file; returns false at its end.
  private func refill() throws -> Bool {
    guard inputOffset < input.size else { return false }
    let n = Swift.min(Self.chunkSize, input.size - inputOffset)
    try input.read(into: chunk, offset: inputOffset, count: n)
    stream.pointee.next_in = chunk.assumingMemoryBound(to: UInt8.self)
    stream.pointee.avail_in = UInt32(n)
    inputOffset += n
    return true
  }

  func read(into destination: UnsafeMutableRawPointer, count: Int) throws -> Int {
    var done = 0
    while done < count && !finished {
      if stream.pointee.avail_in == 0 { _ = try refill() }
      let room = Swift.min(count - done, 1 << 30)
      stream.pointee.next_out = (destination + done).assumingMemoryBound(to: UInt8.self)
      stream.pointee.avail_out = UInt32(room)
      let inBefore = stream.pointee.avail_in
      let rc = inflate(stream, Z_NO_FLUSH)
      let n = room - Int(stream.pointee.avail_out)
      done += n
      produced += n
      switch rc {
      case Z_STREAM_END:
        try startNextMember()
      case Z_OK, Z_BUF_ERROR:
        guard n == 0 && stream.pointee.avail_in == inBefore else { break }
        // No progress with no input left: the file ended mid-member.
        if stream.pointee.avail_in == 0 && inputOffset >= input.size {
          throw TensorGraphError(
            .format,
            "\(context): truncated: the file ends at byte \(input.size) inside gzip member \(member) (which starts at byte \(memberStart)), after \(produced) decompressed bytes")
        }
        // zlib always progresses with input and room for output; never spin.
        throw TensorGraphError(.format, "\(context): zlib made no progress at byte \(compressedOffset) (error \(rc))")
      case Z_DATA_ERROR:
        let detail = stream.pointee.msg.map { String(cString: $0) } ?? "invalid data"
        throw TensorGraphError(
          .format,
          "\(context): corrupt gzip data: \(detail), detected at byte \(compressedOffset) (in member \(member), which starts at byte \(memberStart)), after \(produced) decompressed bytes")
      case Z_MEM_ERROR:
        throw TensorGraphError(.format, "\(context): zlib ran out of memory at byte \(compressedOffset)")
      default:
        throw TensorGraphError(.format, "\(context): zlib error \(rc) at byte \(compressedOffset)")
      }
    }
    return done
  }

  /// After a member's trailer: skips zero padding (as gzip and Python's
  /// gzip module do), then either ends or starts the next member, which
  /// must begin with the gzip magic.
  private func startNextMember() throws {
    while true {
      if stream.pointee.avail_in == 0 {
        guard try refill() else {
          finished = true
          return
        }
      }
      guard stream.pointee.next_in.pointee == 0 else { break }
      stream.pointee.next_in += 1
      stream.pointee.avail_in -= 1
    }
    let offset = compressedOffset
    guard stream.pointee.next_in.pointee == Gzip.magic[0] else {
      throw TensorGraphError(
        .format,
        "\(context): unexpected data after gzip member \(member) at byte \(offset): 0x\(String(stream.pointee.next_in.pointee, radix: 16)) is not the start of another gzip member (1f 8b)")
    }
    inflateReset(stream)
    member += 1
    memberStart = offset
  }
}
