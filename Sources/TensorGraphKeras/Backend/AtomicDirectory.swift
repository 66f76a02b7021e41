import Foundation

/// Writes a directory so that readers see either the old one or the new
/// one: the files go into a temporary sibling directory, which then
/// replaces the destination with one atomic `renameat2(RENAME_EXCHANGE)`
/// (or a plain `rename` when there is nothing to replace). A failed write
/// leaves the previous directory intact.
enum AtomicDirectory {
  static func write(to url: URL, _ body: (URL) throws -> Void) throws {
    let fm = FileManager.default
    let parent = url.deletingLastPathComponent()
    do {
      try fm.createDirectory(at: parent, withIntermediateDirectories: true)
    } catch {
      throw TensorGraphError(.io, "cannot create directory \(parent.path): \(error.localizedDescription)")
    }
    let temporary = parent.appendingPathComponent(".\(url.lastPathComponent).tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
    try? fm.removeItem(at: temporary)
    do {
      try fm.createDirectory(at: temporary, withIntermediateDirectories: false)
    } catch {
      throw TensorGraphError(.io, "cannot create directory \(temporary.path): \(error.localizedDescription)")
    }
    do {
      try body(temporary)
    } catch {
      try? fm.removeItem(at: temporary)
      throw error
    }
    var isDirectory: ObjCBool = false
    let exists = fm.fileExists(atPath: url.path, isDirectory: &isDirectory)
    if exists && !isDirectory.boolValue {
      try? fm.removeItem(at: temporary)
      throw TensorGraphError(.io, "cannot save a model to \(url.path): a file (not a directory) is in the way")
    }
    if exists, exchange(temporary.path, url.path) {
      try? fm.removeItem(at: temporary)  // now holds the old directory
      syncDirectory(parent)
      return
    }
    if exists { try? fm.removeItem(at: url) }
    guard rename(temporary.path, url.path) == 0 else {
      let reason = String(cString: strerror(errno))
      try? fm.removeItem(at: temporary)
      throw TensorGraphError(.io, "cannot move the saved model into place at \(url.path): \(reason)")
    }
    syncDirectory(parent)
  }

  private typealias RenameAt2 = @convention(c) (Int32, UnsafePointer<CChar>, Int32, UnsafePointer<CChar>, UInt32) -> Int32

  /// `renameat2(…, RENAME_EXCHANGE)`, looked up at run time (glibc 2.28+).
  private static func exchange(_ a: String, _ b: String) -> Bool {
    guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "renameat2") else { return false }
    let renameat2 = unsafeBitCast(symbol, to: RenameAt2.self)
    let atCurrentDirectory: Int32 = -100  // AT_FDCWD
    let renameExchange: UInt32 = 2  // RENAME_EXCHANGE
    return renameat2(atCurrentDirectory, a, atCurrentDirectory, b, renameExchange) == 0
  }

  private static func syncDirectory(_ url: URL) {
    let fd = open(url.path, O_RDONLY | O_DIRECTORY)
    if fd >= 0 {
      fsync(fd)
      close(fd)
    }
  }
}
