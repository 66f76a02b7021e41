import Foundation

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Writes files atomically: the content goes to a temporary file in the
/// destination's directory, which is flushed to disk (`fsync`) and then
/// renamed over the destination. Readers see the old file or the complete
/// new one, never a mix; a failed or interrupted write leaves the old file
/// untouched and removes the temporary file.
///
///     try AtomicFile.write(to: url) { file in
///       try file.write(header)
///       try file.write(payload)
///     }
public enum AtomicFile {
  /// Writes the file at `url` with the bytes `body` passes to its
  /// ``Writer``. If `body` throws, nothing at `url` changes.
  ///
  /// - Throws: ``TensorGraphError`` (`io`) naming the path and the system
  ///   error when the temporary file cannot be created, written, flushed
  ///   or renamed; any error `body` throws.
  public static func write(to url: URL, _ body: (inout Writer) throws -> Void) throws {
    let path = url.path
    let directory = url.deletingLastPathComponent().path
    let temporary = directory + "/." + url.lastPathComponent + ".tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
    let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o666)
    guard fd >= 0 else {
      throw TensorGraphError(.io, "cannot create a temporary file in '\(directory)' to write '\(path)': \(systemError())")
    }
    var writer = Writer(fd: fd, path: temporary)
    do {
      try body(&writer)
      guard fsync(fd) == 0 else {
        throw TensorGraphError(.io, "cannot flush '\(temporary)' to disk: \(systemError())")
      }
      let closed = close(fd)
      writer.fd = -1
      guard closed == 0 else { throw TensorGraphError(.io, "cannot close '\(temporary)': \(systemError())") }
      guard rename(temporary, path) == 0 else {
        throw TensorGraphError(.io, "cannot rename '\(temporary)' to '\(path)': \(systemError())")
      }
    } catch {
      if writer.fd >= 0 { close(writer.fd) }
      unlink(temporary)
      throw error
    }
    // Make the rename itself durable. The file is complete either way, so
    // a directory that cannot be synced is not an error.
    let dirFD = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
    if dirFD >= 0 {
      _ = fsync(dirFD)
      close(dirFD)
    }
  }

  /// Writes `data` to `url` atomically.
  public static func write(_ data: Data, to url: URL) throws {
    try write(to: url) { try $0.write(data) }
  }

  /// Appends bytes to the temporary file of an atomic write.
  public struct Writer: ~Copyable {
    fileprivate var fd: Int32
    fileprivate let path: String
    /// Bytes written so far.
    public private(set) var byteCount = 0

    fileprivate init(fd: Int32, path: String) {
      self.fd = fd
      self.path = path
    }

    /// Appends `bytes`.
    public mutating func write(_ bytes: UnsafeRawBufferPointer) throws {
      var done = 0
      while done < bytes.count {
        // Linux writes at most 0x7ffff000 bytes per call.
        let chunk = Swift.min(bytes.count - done, 1 << 30)
        let n = posixWrite(fd, bytes.baseAddress! + done, chunk)
        if n < 0 {
          if errno == EINTR { continue }
          throw TensorGraphError(.io, "cannot write '\(path)' at byte \(byteCount + done): \(systemError())")
        }
        done += n
      }
      byteCount += done
    }

    /// Appends `data`.
    public mutating func write(_ data: Data) throws {
      try data.withUnsafeBytes { try write($0) }
    }

    /// Appends `bytes`.
    public mutating func write(_ bytes: [UInt8]) throws {
      try bytes.withUnsafeBytes { try write($0) }
    }
  }
}

/// `write(2)`, outside the scope of ``AtomicFile/Writer/write(_:)-…``.
private func posixWrite(_ fd: Int32, _ p: UnsafeRawPointer, _ n: Int) -> Int {
  write(fd, p, n)
}

/// The current `errno` as a sentence fragment.
func systemError() -> String {
  String(cString: strerror(errno))
}
