import Foundation

// Where a dataset's files are looked for, in order: the directory the
// caller passes, else the directory an environment variable names, else a
// system directory a Debian package installs. The first that applies is
// the one used (a set but wrong variable is an error, not a silent
// fallback), and a missing file is reported with every path tried and how
// to install the data.

struct DatasetLocation {
  /// The dataset's name in messages ("Fashion-MNIST").
  var name: String
  /// The environment variable that may name the directory.
  var environmentVariable: String
  /// The directory a system package installs, if any.
  var systemDirectory: String?
  /// How to get the files, as full sentences.
  var installHint: String

  /// The directory to read and a phrase saying where it came from.
  func resolve(_ directory: String?, _ environment: [String: String]) -> (path: String, origin: String)? {
    if let directory { return (directory, "the directory passed to loadData") }
    if let value = environment[environmentVariable], !value.isEmpty {
      return (value, "$\(environmentVariable)")
    }
    if let systemDirectory { return (systemDirectory, "the default directory") }
    return nil
  }

  /// The path of each file of `candidates` (per entry, names tried in
  /// order: the first that exists wins), or an `io` error listing every
  /// path tried for the files that are missing.
  func files(_ candidates: [[String]], directory: String?, environment: [String: String]) throws -> [String] {
    guard let (dir, origin) = resolve(directory, environment) else {
      throw TensorGraphError(
        .io,
        "\(name) was not found: no directory was passed to loadData, $\(environmentVariable) is not set, and there is no default system directory for it. \(installHint)")
    }
    var found: [String] = []
    var missing: [String] = []
    for names in candidates {
      let paths = names.map { (dir as NSString).appendingPathComponent($0) }
      if let hit = paths.first(where: { FileManager.default.fileExists(atPath: $0) }) {
        found.append(hit)
      } else {
        missing += paths
      }
    }
    guard missing.isEmpty else {
      throw TensorGraphError(
        .io,
        "\(name) was not found in '\(dir)' (\(origin)): missing \(missing.map { "'\($0)'" }.joined(separator: ", ")). \(installHint)")
    }
    return found
  }
}
