import TensorGraph
import TensorGraphTestSupport

extension KernelCheckTable {
  /// The rows of the `elementwiseMath` op family (`StandardOps`' family of the same name).
  static var elementwiseMath: [KernelCheck] { [] }
}
