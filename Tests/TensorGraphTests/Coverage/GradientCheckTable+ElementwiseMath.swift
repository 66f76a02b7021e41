import TensorGraph
import TensorGraphTestSupport

extension GradientCheckTable {
  /// The rows of the `elementwiseMath` op family (`StandardOps`' family of the same name).
  static var elementwiseMath: [GradientCheck] { [] }
}
