import Foundation

/// Where a safetensors file's bytes come from: a file read with `pread`,
/// or bytes in memory.
protocol ByteSource: AnyObject {
  /// The total size in bytes.
  var size: Int { get }
  /// Copies `count` bytes at `offset` (within `size`) to `destination`.
  func read(into destination: UnsafeMutableRawPointer, offset: Int, count: Int) throws
}

extension FileReader: ByteSource {}

/// Bytes in memory as a ``ByteSource``.
final class DataSource: ByteSource {
  let data: Data
  init(_ data: Data) { self.data = data }
  var size: Int { data.count }
  func read(into destination: UnsafeMutableRawPointer, offset: Int, count: Int) throws {
    data.withUnsafeBytes { src in
      destination.copyMemory(from: src.baseAddress! + offset, byteCount: count)
    }
  }
}

/// A safetensors file whose header has been read and checked; tensors are
/// read on demand, each straight into its own storage with one `pread`.
///
/// Opening checks everything the header claims against the file: the
/// header length against the file size, each tensor's byte range against
/// its dtype and shape and the data buffer, and that the tensors tile the
/// buffer with no holes or overlaps. Offsets are 64-bit: files over 2 GB
/// are fine.
///
///     let file = try SafeTensorsFile(contentsOf: url)
///     for entry in file.entries { print(entry.name, entry.dtype, entry.shape) }
///     let w = try file.tensor(named: "dense/kernel")
public final class SafeTensorsFile: @unchecked Sendable {
  /// The tensors' names, dtypes, shapes and byte ranges, in data order.
  public let entries: [SafeTensorsEntry]
  /// The header's `__metadata__` map (empty when absent).
  public let metadata: [String: String]
  /// The file name or "safetensors data", as errors name it.
  let context: String
  private let source: any ByteSource
  private let dataStart: Int
  private let index: [String: Int]

  /// Opens the file at `url` and checks its header.
  ///
  /// - Throws: ``TensorGraphError``: `io` when the file cannot be read,
  ///   `format` (with the byte offset or the tensor and JSON member) when
  ///   it is not a valid safetensors file.
  public convenience init(contentsOf url: URL) throws {
    try self.init(source: try FileReader(url), context: "safetensors file '\(url.path)'")
  }

  /// Reads safetensors bytes held in memory.
  ///
  /// - Throws: ``TensorGraphError`` (`format`) when they are malformed.
  public convenience init(data: Data) throws {
    try self.init(source: DataSource(data), context: "safetensors data")
  }

  init(source: any ByteSource, context: String) throws {
    self.source = source
    self.context = context
    var prefix = [UInt8](repeating: 0, count: 8)
    if source.size >= 8 { try prefix.withUnsafeMutableBytes { try source.read(into: $0.baseAddress!, offset: 0, count: 8) } }
    let n = try prefix.withUnsafeBytes {
      try SafeTensorsHeader.headerLength(prefix: $0, fileSize: source.size, context: context)
    }
    var json = [UInt8](repeating: 0, count: n)
    if n > 0 { try json.withUnsafeMutableBytes { try source.read(into: $0.baseAddress!, offset: 8, count: n) } }
    dataStart = 8 + n
    (entries, metadata) = try json.withUnsafeBytes {
      try SafeTensorsHeader.decode($0, dataSize: source.size - 8 - n, context: context)
    }
    var index: [String: Int] = [:]
    for (i, e) in entries.enumerated() { index[e.name] = i }
    self.index = index
  }

  /// The entry named `name`, if the file has it.
  public func entry(named name: String) -> SafeTensorsEntry? {
    index[name].map { entries[$0] }
  }

  /// Reads the tensor named `name`; `nil` when the file has none.
  ///
  /// - Throws: ``TensorGraphError``: `io` on a read error, `format` when
  ///   a bool tensor holds a byte other than 0 or 1.
  public func tensor(named name: String) throws -> Tensor? {
    guard let e = entry(named: name) else { return nil }
    return try read(e)
  }

  /// Reads every tensor, by name.
  public func tensors() throws -> [String: Tensor] {
    var out: [String: Tensor] = [:]
    out.reserveCapacity(entries.count)
    for e in entries { out[e.name] = try read(e) }
    return out
  }

  private func read(_ e: SafeTensorsEntry) throws -> Tensor {
    let count = e.dataRange.count
    let buffer = TensorBuffer(byteCapacity: count)
    if count > 0 {
      try source.read(into: buffer.data, offset: dataStart + e.dataRange.lowerBound, count: count)
    }
    if e.dtype == .bool, let bad = TensorBytes.firstInvalidBool(buffer.data, count: count) {
      throw TensorGraphError(
        .format,
        "\(context): tensor '\(e.name)': BOOL element \(bad) (byte \(dataStart + e.dataRange.lowerBound + bad)) is \(buffer.data.load(fromByteOffset: bad, as: UInt8.self)), not 0 or 1")
    }
    return Tensor(dtype: e.dtype, shape: e.shape, buffer: buffer)
  }
}

/// Reading and writing tensors in the safetensors format
/// (<https://github.com/huggingface/safetensors>), which numpy, PyTorch,
/// JAX and Hugging Face tools read.
///
/// Files are canonical: tensors ordered by element size (largest first)
/// then name, the header padded with spaces so the data starts at a
/// multiple of 8 bytes; so each tensor is aligned to its element size, and
/// the same tensors always give the same bytes.
///
///     try SafeTensors.write(["w": w, "b": b], to: url)
///     let tensors = try SafeTensors.read(from: url)
public enum SafeTensors {
  /// The bytes of a safetensors file holding `tensors`.
  ///
  /// - Throws: ``TensorGraphError`` (`invalidArgument`) for a tensor named
  ///   `__metadata__`.
  public static func encode(_ tensors: [String: Tensor], metadata: [String: String] = [:]) throws -> Data {
    let ordered = tensors.map { (name: $0.key, tensor: $0.value) }.sorted(by: SafeTensorsHeader.canonicalOrder)
    var data = Data(try SafeTensorsHeader.encode(ordered, metadata: metadata))
    for (_, t) in ordered {
      data.append(UnsafeBufferPointer(start: t.storage.data.assumingMemoryBound(to: UInt8.self), count: t.byteCount))
    }
    return data
  }

  /// Writes `tensors` to `url` atomically (temporary file, `fsync`,
  /// rename): an interrupted write leaves any previous file intact.
  ///
  /// - Throws: ``TensorGraphError``: `io` when the file cannot be written,
  ///   `invalidArgument` for a tensor named `__metadata__`.
  public static func write(_ tensors: [String: Tensor], metadata: [String: String] = [:], to url: URL) throws {
    let ordered = tensors.map { (name: $0.key, tensor: $0.value) }.sorted(by: SafeTensorsHeader.canonicalOrder)
    let header = try SafeTensorsHeader.encode(ordered, metadata: metadata)
    try AtomicFile.write(to: url) { file in
      try file.write(header)
      for (_, t) in ordered {
        try file.write(UnsafeRawBufferPointer(start: t.storage.data, count: t.byteCount))
      }
    }
  }

  /// Every tensor in the file at `url`, by name.
  ///
  /// - Throws: ``TensorGraphError``: `io` when it cannot be read, `format`
  ///   (with the byte offset or the tensor and JSON member) when it is
  ///   malformed.
  public static func read(from url: URL) throws -> [String: Tensor] {
    try SafeTensorsFile(contentsOf: url).tensors()
  }

  /// Every tensor in safetensors bytes, by name.
  public static func decode(_ data: Data) throws -> [String: Tensor] {
    try SafeTensorsFile(data: data).tensors()
  }
}
