import Testing
import TensorGraphKeras
import TensorGraphTestSupport

/// `compile` builds its train op with the graph optimizers' `minimize`, so
/// its updates are gated per variable: each waits for every reader of its
/// weight that a step runs, and a step on two threads trains bitwise like
/// one on a single thread.
@Suite struct KerasUpdateGatingTests {
  static func model() throws -> Sequential {
    let model = try Sequential([
      Conv2D(4, 3, activation: "relu", inputShape: [6, 6, 1]),
      BatchNormalization(),
      Flatten(),
      Dropout(0.25),
      Dense(8, activation: "relu"),
      Dense(3, activation: "softmax"),
    ])
    try model.compile(optimizer: "adam", loss: "sparse_categorical_crossentropy", metrics: ["accuracy"])
    return model
  }

  @Test func everyReaderOfAWeightRunsBeforeItsUpdate() throws {
    try KerasContext(seed: 3).run {
      let model = try Self.model()
      // The convolution's input gradient is built but needed by nothing.
      let checked = UpdateOrdering.expectUpdatesFollowReaders(
        model.graph, unordered: ["gradients/conv2d/Conv2D_grad/Conv2DBackpropInput"])
      // conv2d: kernel (Conv2D), bias (BiasAdd); batch_normalization:
      // gamma (both normalizations, both their gradients, and two Muls of
      // the inference branch's gradient), beta (both normalizations);
      // dense, dense_1: kernel (forward MatMul and the input gradient's),
      // bias (BiasAdd).
      #expect(checked == 2 + 6 + 2 + 3 + 3, "\(checked)")
    }
  }

  @Test func twoThreadsTrainBitwiseLikeOne() throws {
    let data = TestData.images(n: 48, shape: [6, 6, 1], classes: 3, seed: 5)
    let x = Tensor.f32(data.x.doubles().map { $0 / 255 }, data.x.shape), y = data.y.converted(to: .int32)
    func weights(threads: Int) throws -> (initial: [Tensor], trained: [Tensor]) {
      try KerasContext(seed: 9, options: SessionOptions(threads: threads)).run {
        let model = try Self.model()
        let initial = try model.getWeights()
        _ = try model.fit(x, y, batchSize: 16, epochs: 2, verbose: 0)
        return (initial, try model.getWeights())
      }
    }
    let one = try weights(threads: 1)
    #expect(one.trained != one.initial)
    #expect(one.trained.allSatisfy { $0.doubles().allSatisfy(\.isFinite) })
    for _ in 0..<2 { #expect(try weights(threads: 2).trained == one.trained) }
  }
}
