import TensorGraph
import TensorGraphTestSupport

extension GradientCheckTable {
  /// The rows of the `indexing` op family (`StandardOps`' family of the same name).
  static var indexing: [GradientCheck] { [] }
}
