import TensorGraph
import TensorGraphTestSupport

extension GradientCheckTable {
  /// The rows of the `neuralNetwork` op family (`StandardOps`' family of the same name).
  static var neuralNetwork: [GradientCheck] { [] }
}
