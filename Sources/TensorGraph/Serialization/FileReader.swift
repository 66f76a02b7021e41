import Foundation

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Reads a file with `pread(2)` (shared with the dataset readers of
/// TensorGraphKeras): its size is known before anything is
/// allocated, so every size read from the file can be checked against it,
/// and tensor data goes from the page cache straight into tensor storage.
package final class FileReader {
  package let path: String
  /// The size of the file when it was opened.
  package let size: Int
  private let fd: Int32

  /// Opens `url` for reading.
  ///
  /// - Throws: ``TensorGraphError`` (`io`) when it cannot be opened or is
  ///   not a regular file.
  package init(_ url: URL) throws {
    path = url.path
    // O_NONBLOCK: opening a FIFO a hostile graph names must not hang
    // (it is then rejected as not a regular file); reads of regular files
    // are unaffected.
    fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
    guard fd >= 0 else { throw TensorGraphError(.io, "cannot open '\(path)': \(systemError())") }
    var info = stat()
    guard fstat(fd, &info) == 0 else {
      let message = systemError()
      close(fd)
      throw TensorGraphError(.io, "cannot stat '\(path)': \(message)")
    }
    guard (info.st_mode & S_IFMT) == S_IFREG else {
      close(fd)
      throw TensorGraphError(.io, "'\(path)' is not a regular file")
    }
    size = Int(info.st_size)
  }

  deinit { close(fd) }

  /// Reads `count` bytes at `offset` into `destination`.
  ///
  /// - Throws: ``TensorGraphError`` (`io`) on a read error, or when the
  ///   file ends early (it shrank since it was opened).
  package func read(into destination: UnsafeMutableRawPointer, offset: Int, count: Int) throws {
    var done = 0
    while done < count {
      let chunk = Swift.min(count - done, 1 << 30)
      let n = pread(fd, destination + done, chunk, off_t(offset + done))
      if n < 0 {
        if errno == EINTR { continue }
        throw TensorGraphError(.io, "cannot read '\(path)' at byte \(offset + done): \(systemError())")
      }
      if n == 0 {
        throw TensorGraphError(
          .io, "'\(path)' ended at byte \(offset + done) while reading bytes \(offset)..<\(offset + count); was it truncated while being read?")
      }
      done += n
    }
  }

  /// Reads `count` bytes at `offset` into a new array.
  package func bytes(offset: Int, count: Int) throws -> [UInt8] {
    precondition(offset >= 0 && count >= 0 && offset + count <= size, "read past the checked file size")
    var out = [UInt8](repeating: 0, count: count)
    try out.withUnsafeMutableBytes { if count > 0 { try read(into: $0.baseAddress!, offset: offset, count: count) } }
    return out
  }

  /// The whole file.
  package func readAll() throws -> [UInt8] { try bytes(offset: 0, count: size) }
}
