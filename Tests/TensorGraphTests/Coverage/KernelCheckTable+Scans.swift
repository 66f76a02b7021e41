import TensorGraph
import TensorGraphTestSupport

extension KernelCheckTable {
  /// The rows of the `scans` op family (`StandardOps`' family of the same name).
  static var scans: [KernelCheck] { [] }
}
