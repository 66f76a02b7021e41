import Testing
import TensorGraphKeras
import TensorGraphTestSupport

/// Metrics against tf_keras 2.21 (`KerasReference.metrics` and
/// `.evaluations`, from scripts/make-keras-fixtures.py): the value per
/// example, and evaluate's loss and metrics averaged over uneven batches.
@Suite struct KerasMetricTests {
  @Test(arguments: KerasReference.metrics)
  func perExampleMatchesKeras(_ c: KerasReference.MetricCase) throws {
    let metric = try c.metric.makeMetric(
      sparseTargets: c.sparse, outputShape: PartialShape(c.yPredShape.map { $0 as Int? }))
    #expect(metric.name == c.metric)
    let g = Graph()
    let yTrue = try g.constant(try fixtureTensor(c.yTrue, c.yTrueShape, int32: c.sparse))
    let values = try evaluate(try metric.perExample(yTrue: yTrue, yPred: try g.constant(Tensor.f32(c.yPred, c.yPredShape)), in: g))
    expectClose(values.doubles(), c.perExample, tolerance: 1e-6)
  }

  /// An identity model's `evaluate` reports the loss and every metric as
  /// Keras does: means over all examples, whatever the batch split.
  @Test(arguments: KerasReference.evaluations)
  func evaluateMatchesKeras(_ c: KerasReference.EvaluateCase) throws {
    try KerasContext().run {
      let model = try Sequential([InputLayer(shape: Array(c.xShape.dropFirst())), Activation("linear")])
      try model.compile(optimizer: "sgd", loss: c.loss, metrics: c.metrics)
      let logs = try model.evaluate(
        Tensor.f32(c.x, c.xShape), try fixtureTensor(c.y, c.yShape, int32: c.sparse), batchSize: c.batchSize,
        verbose: 0)
      #expect(Set(logs.names) == Set(c.results.keys), "\(c.label): \(logs.names)")
      for (name, expected) in c.results {
        let got = try #require(logs[name], "\(c.label): no \(name)")
        #expect(Swift.abs(got - expected) <= 1e-6 * Swift.max(1, Swift.abs(expected)), "\(c.label) \(name): \(got) vs Keras \(expected)")
      }
    }
  }

  @Test func fixturesCoverEveryMetric() {
    let names = Set(KerasReference.metrics.map(\.metric))
    #expect(names == ["binary_accuracy", "categorical_accuracy", "sparse_categorical_accuracy", "mae", "mse"])
    #expect(KerasReference.evaluations.count >= 4)
  }
}
