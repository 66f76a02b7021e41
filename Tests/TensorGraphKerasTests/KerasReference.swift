import Testing
import TensorGraphKeras
import TensorGraphTestSupport

/// tf_keras 2.21's reference values and the inputs that produced them.
///
/// The values live in `KerasReference+Generated.swift`, written by
/// `scripts/make-keras-fixtures.py` (its docstring says how to set up the
/// environment); this file declares their types. To add a case, add it to
/// the script, run it, and read the new row from a test.
enum KerasReference {
  static func backspaces(_ n: Int) -> String { String(repeating: "\u{8}", count: n) }

  /// One `Progbar.update` call at a fake time (seconds since the bar was made).
  struct ProgbarEvent: Sendable {
    let time: Double
    let step: Int
    let names: [String]
    let values: [Double]
    let finalize: Bool
  }

  /// A progress bar, the updates replayed on it, and all it wrote.
  struct ProgbarCase: Sendable, CustomTestStringConvertible {
    let label: String
    let target: Int
    let verbose: Int
    let statefulMetrics: [String]
    let events: [ProgbarEvent]
    let output: String
    var testDescription: String { label }
  }

  /// A layer's output shape and parameter count on an input of `input`
  /// (without the batch axis).
  struct LayerShape: Sendable, CustomTestStringConvertible {
    let label: String
    let input: [Int]
    let output: [Int?]
    let params: Int
    var testDescription: String { label }
  }

  /// A merge layer (`Concatenate`, `Add`) on inputs of these shapes.
  struct MergeShape: Sendable, CustomTestStringConvertible {
    let label: String
    let layer: String
    let inputs: [[Int]]
    let output: [Int?]
    var testDescription: String { label }
  }

  /// A loss (Keras class name) on constant inputs; `activation` ("",
  /// "softmax", "sigmoid") is applied to `yPred` first, in the graph.
  struct LossCase: Sendable, CustomTestStringConvertible {
    let label: String
    let loss: String
    let fromLogits: Bool
    let activation: String
    let sparse: Bool
    let yTrue: [Double]
    let yTrueShape: [Int]
    let yPred: [Double]
    let yPredShape: [Int]
    let value: Double
    var testDescription: String { label }
  }

  /// A metric function's value per example.
  struct MetricCase: Sendable, CustomTestStringConvertible {
    let label: String
    let metric: String
    let sparse: Bool
    let yTrue: [Double]
    let yTrueShape: [Int]
    let yPred: [Double]
    let yPredShape: [Int]
    let perExample: [Double]
    var testDescription: String { label }
  }

  /// `evaluate` of an identity model compiled with `loss` and `metrics`.
  struct EvaluateCase: Sendable, CustomTestStringConvertible {
    let label: String
    let loss: String
    let metrics: [String]
    let sparse: Bool
    let x: [Double]
    let xShape: [Int]
    let y: [Double]
    let yShape: [Int]
    let batchSize: Int
    let results: [String: Double]
    var testDescription: String { label }
  }

  /// Three epochs of an optimizer (made by name, or from Keras's
  /// hyperparameter names) on the fixed regression.
  struct OptimizerCase: Sendable, CustomTestStringConvertible {
    let label: String
    let name: String
    let byName: Bool
    let hyperparameters: [String: Double]
    let weights: [Double]
    let losses: [Double]
    var testDescription: String { label }
  }

  /// An optimizer's hyperparameters when made with no arguments.
  struct OptimizerDefaults: Sendable {
    let name: String
    let hyperparameters: [String: Double]
  }

  /// The loss row labelled `label`; a missing label fails the calling test.
  static func loss(_ label: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) throws -> LossCase {
    try #require(losses.first { $0.label == label }, "no loss fixture '\(label)'", sourceLocation: sourceLocation)
  }
}

/// `tensor(values, shape)` in float32, or int32 for sparse targets.
func fixtureTensor(_ values: [Double], _ shape: [Int], int32: Bool = false) throws -> Tensor {
  int32 ? try Tensor(shape: shape, scalars: values.map { Int32($0) }) : Tensor.f32(values, shape)
}

/// Checks that two arrays have the same count and elements within
/// `tolerance` (as ``expectClose(_:_:shape:tolerance:sourceLocation:)``).
func expectClose(
  _ actual: [Double], _ expected: [Double], tolerance: Double = 1e-5, sourceLocation: Testing.SourceLocation = #_sourceLocation
) {
  expectClose(Tensor.f64(actual, [actual.count]), expected, shape: [expected.count], tolerance: tolerance,
              sourceLocation: sourceLocation)
}
