/// Constants of TensorGraph's file formats: the graph JSON format's
/// version, the producer string written into files, and the size above
/// which constants go to the weights file. The format itself is described
/// in `Docs/format.md`.
public enum GraphFormat {
  /// The TensorGraph release writing files, as in `producer`.
  public static let libraryVersion = "0.1.0"

  /// The `producer` recorded in graph files and checkpoints.
  public static let producer = "TensorGraph \(libraryVersion)"

  /// The graph format version this build writes, and the newest it reads.
  /// Files with a larger `format_version` are rejected with a message
  /// naming both versions.
  public static let version = 1

  /// The oldest graph format version this build reads.
  public static let oldestReadableVersion = 1

  /// Tensor attributes (`Const` values) larger than this many bytes are
  /// stored in the weights file instead of inline, by default.
  public static let defaultInlineByteLimit = 1024
}
