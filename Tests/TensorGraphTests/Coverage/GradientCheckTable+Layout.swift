import TensorGraph
import TensorGraphTestSupport

extension GradientCheckTable {
  /// The rows of the `layout` op family (`StandardOps.layoutOps`).
  static var layout: [GradientCheck] { [] }
}
