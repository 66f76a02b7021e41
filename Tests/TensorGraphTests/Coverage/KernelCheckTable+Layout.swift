import TensorGraph
import TensorGraphTestSupport

extension KernelCheckTable {
  /// The rows of the `layout` op family (`StandardOps.layoutOps`).
  static var layout: [KernelCheck] { [] }
}
