import Foundation

/// Writes a directory so that, at every instant — even if the process dies
/// mid-save — ``resolve(_:)`` finds a complete directory at the destination:
/// the old one or the new one, never neither.
///
/// 1. The files go into a temporary sibling, `.NAME.tmp-PID-RANDOM`; every
///    file in it, and the directory itself, is flushed (`fsync`).
/// 2. If nothing is at the destination, one `rename` moves it into place.
/// 3. Otherwise `renameat2(RENAME_EXCHANGE)` swaps the two in one step and
///    the old directory, now under the temporary name, is deleted.
/// 4. Where the exchange is unavailable or fails (glibc before 2.28, a
///    kernel or filesystem without it: `ENOSYS`, `EINVAL`), the old
///    directory is renamed to a backup sibling, `.NAME.previous-PID-RANDOM`,
///    the new one is renamed into place, and only then is the backup
///    deleted. Between the two renames the destination is missing, and
///    ``resolve(_:)`` returns the backup.
///
/// Leftovers of a save that was killed (temporary and backup siblings whose
/// process is gone) are deleted by the next save to the same place, backups
/// only while a complete directory is at the destination. A save that
/// throws leaves the previous directory in place and no sibling behind.
enum AtomicDirectory {
  /// The points a save passes, in order, as `TENSORGRAPH_TEST_CRASH_SAVE_AT`
  /// names them.
  enum Step: String, CaseIterable {
    /// The temporary directory exists, still empty.
    case temporaryCreated = "temporary-created"
    /// Part of the files are written (``crashPoint(_:)`` called by the writer).
    case partiallyWritten = "partially-written"
    /// Every file is written, none flushed yet.
    case filesWritten = "files-written"
    /// Files and the temporary directory are flushed; nothing swapped yet.
    case synced
    /// Exchange path: the new directory is in place, the old one is at the
    /// temporary name.
    case exchanged
    /// Fallback path: the old directory is at the backup name and the
    /// destination is missing.
    case backedUp = "backed-up"
    /// Fallback path: the new directory is in place, the backup not yet
    /// deleted.
    case renamed
    /// Everything is done but the final flush of the parent directory.
    case finished
  }

  /// Test hooks, read from the environment at every save so that a test can
  /// set them for one child process:
  /// - `TENSORGRAPH_TEST_SAVE_WITHOUT_EXCHANGE=1` takes the fallback path
  ///   (backup and two renames) as if `renameat2` were unavailable;
  /// - `TENSORGRAPH_TEST_CRASH_SAVE_AT=<step>` (a ``Step`` raw value) ends
  ///   the process with `_exit(99)` when the save reaches that step: no
  ///   unwinding, no cleanup, as a kill would.
  static let withoutExchangeVariable = "TENSORGRAPH_TEST_SAVE_WITHOUT_EXCHANGE"
  static let crashVariable = "TENSORGRAPH_TEST_CRASH_SAVE_AT"

  /// Ends the process if `TENSORGRAPH_TEST_CRASH_SAVE_AT` names `step`.
  static func crashPoint(_ step: Step) {
    if let value = getenv(crashVariable), String(cString: value) == step.rawValue { _exit(99) }
  }

  /// Writes the directory at `url` with what `body` puts into the (empty)
  /// directory it is given.
  static func write(to url: URL, _ body: (URL) throws -> Void) throws {
    let fm = FileManager.default
    let parent = url.deletingLastPathComponent()
    do {
      try fm.createDirectory(at: parent, withIntermediateDirectories: true)
    } catch {
      throw TensorGraphError(.io, "cannot create directory \(parent.path): \(error.localizedDescription)")
    }
    var isDirectory: ObjCBool = false
    let existed = fm.fileExists(atPath: url.path, isDirectory: &isDirectory)
    if existed && !isDirectory.boolValue {
      throw TensorGraphError(.io, "cannot save a model to \(url.path): a file (not a directory) is in the way")
    }
    // Backups are redundant once a complete directory is at the destination.
    removeStaleSiblings(of: url, kinds: existed ? [.temporary, .backup] : [.temporary])

    let temporary = sibling(of: url, .temporary)
    do {
      try fm.createDirectory(at: temporary, withIntermediateDirectories: false)
    } catch {
      throw TensorGraphError(.io, "cannot create directory \(temporary.path): \(error.localizedDescription)")
    }
    crashPoint(.temporaryCreated)
    do {
      try body(temporary)
      crashPoint(.filesWritten)
      try syncTree(temporary)
    } catch {
      try? fm.removeItem(at: temporary)
      throw error
    }
    crashPoint(.synced)

    if !existed {
      try move(temporary, to: url, removingOnFailure: temporary)
    } else if getenv(withoutExchangeVariable) == nil, exchange(temporary.path, url.path) {
      syncDirectory(parent)
      crashPoint(.exchanged)
      try? fm.removeItem(at: temporary)  // now holds the old directory
    } else {
      // Never delete the old directory before the new one is in place.
      let backup = sibling(of: url, .backup)
      try move(url, to: backup, removingOnFailure: temporary)
      crashPoint(.backedUp)
      guard rename(temporary.path, url.path) == 0 else {
        let reason = systemError()
        _ = rename(backup.path, url.path)
        try? fm.removeItem(at: temporary)
        throw TensorGraphError(.io, "cannot move the saved model into place at \(url.path): \(reason)")
      }
      syncDirectory(parent)
      crashPoint(.renamed)
      try? fm.removeItem(at: backup)
    }
    removeStaleSiblings(of: url, kinds: [.backup])
    crashPoint(.finished)
    syncDirectory(parent)
  }

  /// The directory a reader should open for `url`: `url` itself, or — when
  /// it is missing because a save was killed between its two renames — the
  /// newest backup sibling holding the previous directory.
  static func resolve(_ url: URL) -> URL {
    let fm = FileManager.default
    if fm.fileExists(atPath: url.path) { return url }
    let backups = siblings(of: url, .backup).map(\.url)
    func modified(_ u: URL) -> Date {
      ((try? fm.attributesOfItem(atPath: u.path))?[.modificationDate] as? Date) ?? .distantPast
    }
    return backups.max { modified($0) < modified($1) } ?? url
  }

  // MARK: - Siblings

  enum SiblingKind: String {
    case temporary = "tmp", backup = "previous"
  }

  /// `.NAME.<kind>-PID-RANDOM` beside `url`.
  private static func sibling(of url: URL, _ kind: SiblingKind) -> URL {
    url.deletingLastPathComponent().appendingPathComponent(
      ".\(url.lastPathComponent).\(kind.rawValue)-\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
  }

  /// The siblings of `kind` beside `url`, with the process that made each.
  private static func siblings(of url: URL, _ kind: SiblingKind) -> [(url: URL, pid: pid_t)] {
    let parent = url.deletingLastPathComponent()
    let prefix = ".\(url.lastPathComponent).\(kind.rawValue)-"
    let names = (try? FileManager.default.contentsOfDirectory(atPath: parent.path)) ?? []
    return names.compactMap { name in
      guard name.hasPrefix(prefix) else { return nil }
      let fields = name.dropFirst(prefix.count).split(separator: "-")
      guard fields.count == 2, let pid = pid_t(fields[0]), UInt32(fields[1]) != nil else { return nil }
      return (parent.appendingPathComponent(name), pid)
    }
  }

  /// Deletes the siblings of `kinds` left by processes that no longer run;
  /// those of a running process may belong to a save still under way.
  private static func removeStaleSiblings(of url: URL, kinds: [SiblingKind]) {
    for kind in kinds {
      for s in siblings(of: url, kind) where kill(s.pid, 0) != 0 && errno == ESRCH {
        try? FileManager.default.removeItem(at: s.url)
      }
    }
  }

  // MARK: - System calls

  private static func move(_ from: URL, to: URL, removingOnFailure leftover: URL) throws {
    guard rename(from.path, to.path) == 0 else {
      let reason = systemError()
      try? FileManager.default.removeItem(at: leftover)
      throw TensorGraphError(.io, "cannot move \(from.path) to \(to.path): \(reason)")
    }
    syncDirectory(to.deletingLastPathComponent())
  }

  private typealias RenameAt2 = @convention(c) (Int32, UnsafePointer<CChar>, Int32, UnsafePointer<CChar>, UInt32) -> Int32

  /// `renameat2(…, RENAME_EXCHANGE)`, looked up at run time (glibc 2.28+);
  /// false when it is missing or fails.
  private static func exchange(_ a: String, _ b: String) -> Bool {
    guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "renameat2") else { return false }
    let renameat2 = unsafeBitCast(symbol, to: RenameAt2.self)
    let atCurrentDirectory: Int32 = -100  // AT_FDCWD
    let renameExchange: UInt32 = 2  // RENAME_EXCHANGE
    return renameat2(atCurrentDirectory, a, atCurrentDirectory, b, renameExchange) == 0
  }

  /// Flushes every file under `directory`, then the directories, so the
  /// swap never publishes a directory whose data is still in the page cache.
  private static func syncTree(_ directory: URL) throws {
    var directories = [directory]
    if let walker = FileManager.default.enumerator(atPath: directory.path) {
      for case let relative as String in walker {
        let path = directory.appendingPathComponent(relative)
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path.path, isDirectory: &isDirectory) else { continue }
        if isDirectory.boolValue {
          directories.append(path)
        } else {
          try sync(path, flags: O_RDONLY)
        }
      }
    }
    for d in directories.reversed() { try sync(d, flags: O_RDONLY | O_DIRECTORY) }
  }

  private static func sync(_ url: URL, flags: Int32) throws {
    let fd = open(url.path, flags | O_CLOEXEC)
    guard fd >= 0 else { throw TensorGraphError(.io, "cannot open \(url.path) to flush it: \(systemError())") }
    defer { close(fd) }
    guard fsync(fd) == 0 else { throw TensorGraphError(.io, "cannot flush \(url.path) to disk: \(systemError())") }
  }

  private static func syncDirectory(_ url: URL) {
    let fd = open(url.path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
    if fd >= 0 {
      fsync(fd)
      close(fd)
    }
  }

  private static func systemError() -> String { String(cString: strerror(errno)) }
}
