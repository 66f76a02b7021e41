import Foundation
import TensorGraph

/// Where `tg run --out DIR` writes fetched values, and how it writes them
/// all or nothing.
///
/// File names come from the fetch as written: `:` becomes `_` and `/`
/// becomes `-`, then `.npy` is appended, so `probs` is `probs.npy`,
/// `xent:1` is `xent_1.npy` and `dense/Relu` is `dense-Relu.npy`.
enum FetchFiles {
  /// The file name for fetch `name`.
  static func fileName(for name: String) -> String {
    String(name.map { $0 == "/" ? "-" : $0 == ":" ? "_" : $0 }) + ".npy"
  }

  /// Writes every tensor into `directory` (created if missing): each goes
  /// to a hidden staging file first, and only when all are complete are
  /// they renamed into place. A failure removes the staging files, so no
  /// destination holds a partial write and — short of a failing rename —
  /// either all files are written or none is.
  ///
  /// - Returns: The files written, in order.
  /// - Throws: ``UserError`` or `TensorGraphError` (`io`) naming the file.
  static func write(_ values: [(name: String, tensor: Tensor)], to directory: URL) throws -> [URL] {
    let fm = FileManager.default
    var isDirectory: ObjCBool = false
    var created = false
    if fm.fileExists(atPath: directory.path, isDirectory: &isDirectory) {
      guard isDirectory.boolValue else { throw UserError("--out '\(directory.path)' is a file, not a directory") }
    } else {
      do {
        try fm.createDirectory(at: directory, withIntermediateDirectories: true)
        created = true
      } catch {
        throw UserError("cannot create the output directory '\(directory.path)': \(GraphInput.reason(error))")
      }
    }
    let destinations = values.map { directory.appendingPathComponent(fileName(for: $0.name)) }
    for url in destinations where fm.fileExists(atPath: url.path, isDirectory: &isDirectory) && isDirectory.boolValue {
      throw UserError("cannot write '\(url.path)': a directory is in the way")
    }
    var staged: [URL] = []
    func cleanUp() {
      for url in staged { unlink(url.path) }
      if created { try? fm.removeItem(at: directory) }
    }
    do {
      for (value, destination) in zip(values, destinations) {
        let staging = directory.appendingPathComponent(".\(destination.lastPathComponent).staged-\(getpid())")
        try value.tensor.writeNPY(to: staging)
        staged.append(staging)
      }
      for (k, (staging, destination)) in zip(staged, destinations).enumerated() {
        guard rename(staging.path, destination.path) == 0 else {
          let reason = String(cString: strerror(errno))
          staged.removeFirst(k)
          created = false  // earlier files are in place: keep the directory
          throw UserError("cannot move '\(staging.path)' to '\(destination.path)': \(reason)")
        }
      }
    } catch {
      cleanUp()
      throw error
    }
    return destinations
  }
}
