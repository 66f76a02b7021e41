import ArgumentParser
import Foundation
import TensorGraph

/// A `--feed NAME=FILE.npy` argument: an output of the graph (`x`, `x:1`)
/// and the `.npy` file holding its value.
struct FeedSpec: ExpressibleByArgument {
  /// The output's name as the user wrote it.
  var name: String
  /// The `.npy` file.
  var path: String

  /// Splits at the first `=` (node names cannot contain one); `nil` when
  /// either side is empty, which argument-parser reports as a usage error.
  init?(argument: String) {
    guard let eq = argument.firstIndex(of: "=") else { return nil }
    name = String(argument[..<eq])
    path = String(argument[argument.index(after: eq)...])
    if name.isEmpty || path.isEmpty { return nil }
  }

  static var defaultValueDescription: String { "name=file.npy" }

  /// Reads the file and checks its dtype and shape against `output`.
  ///
  /// - Throws: `TensorGraphError` when the file is missing or malformed;
  ///   ``UserError`` when its dtype or shape does not fit the output.
  func read(for output: Output) throws -> Tensor {
    let value = try Tensor(npyFile: URL(fileURLWithPath: path))
    let want = output.node.outputs[output.index]
    guard value.dtype == want.dtype else {
      throw UserError(
        "feed '\(name)': '\(path)' holds \(value.dtype) \(value.shape) but \(output.name) is \(want.dtype) \(want.shape); "
          + "convert it in numpy with .astype(np.\(want.dtype))")
    }
    guard want.shape.accepts(value.shape) else {
      throw UserError(
        "feed '\(name)': '\(path)' has shape \(value.shape) but \(output.name) takes \(want.shape)")
    }
    return value
  }
}
