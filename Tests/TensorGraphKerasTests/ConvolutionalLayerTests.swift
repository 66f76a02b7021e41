import Foundation
import Testing
import TensorGraphKeras
import TensorGraphTestSupport

/// Conv2D, the pooling layers and BatchNormalization: shapes and summaries
/// against tf_keras 2.21, values against direct loops and hand formulas,
/// training-time behavior, saving, and errors.
@Suite struct ConvolutionalLayerTests {
  /// Deterministic values in [-1, 1).
  static func values(_ count: Int, seed: Int) -> [Float] {
    (0..<count).map { i in Float(((i * 7919 + seed * 104_729) % 2000) - 1000) / 1000 }
  }

  @Test func summariesMatchKeras() throws {
    try KerasContext().run {
      let cnn = try Sequential([
        Conv2D(32, 3, activation: "relu", inputShape: [28, 28, 1]),
        MaxPooling2D(2),
        Conv2D(64, 3, activation: "relu"),
        MaxPooling2D(2),
        Flatten(),
        Dense(128, activation: "relu"),
        Dropout(0.5),
        Dense(10, activation: "softmax"),
      ])
      #expect(try cnn.summaryLines() == KerasReference.cnn)

      let inputs = try Input(shape: [32, 32, 3])
      var x = try Conv2D(16, 3, strides: 2, padding: "same")(inputs)
      x = try BatchNormalization()(x)
      x = try Activation("relu")(x)
      x = try AveragePooling2D(2, padding: "same")(x)
      x = try Conv2D(8, kernelSize: [3, 2], dilationRate: [2], useBias: false)(x)
      x = try GlobalAveragePooling2D()(x)
      let outputs = try Dense(10)(x)
      let functional = try Model(inputs: inputs, outputs: outputs)
      #expect(try functional.summaryLines() == KerasReference.convFunctional)
    }
  }

  @Test func layersBuildKerasNodeNames() throws {
    try KerasContext().run {
      let x = try Input(shape: [8, 8, 2])
      var y = try Conv2D(4, 3, activation: "relu")(x)
      y = try BatchNormalization()(y)
      y = try MaxPooling2D(2)(y)
      y = try AveragePooling2D(1)(y)
      _ = try GlobalAveragePooling2D()(y)
      let names = Set(x.graph.nodes.map(\.name))
      // The names tf_keras 2.21 gives these nodes in a tf.Graph
      // (KerasReference.convolutionalGraphNodeNames).
      for n in [
        "conv2d/kernel", "conv2d/bias", "conv2d/Conv2D", "conv2d/BiasAdd", "conv2d/Relu",
        "batch_normalization/gamma", "batch_normalization/beta", "batch_normalization/moving_mean",
        "batch_normalization/moving_variance", "max_pooling2d/MaxPool", "average_pooling2d/AvgPool",
        "global_average_pooling2d/Mean",
      ] {
        #expect(KerasReference.convolutionalGraphNodeNames.contains(n), "tf_keras has no node \(n)")
        #expect(names.contains(n), "missing \(n)")
      }
      // tf_keras puts its FusedBatchNormV3 inside the branch functions of a
      // learning-phase `batch_normalization/cond`; TensorGraph builds the
      // training or inference op directly, under the layer's scope.
      #expect(KerasReference.convolutionalGraphNodeNames.contains("batch_normalization/cond"))
      #expect(names.contains("batch_normalization/FusedBatchNormV3"))
    }
  }

  /// Conv2D with strides, dilation and "same" padding, then max and
  /// average pooling, against direct loops over the same weights.
  @Test func forwardValuesMatchDirectLoops() throws {
    let (n, h, w, c, f) = (2, 7, 6, 3, 4)
    let images = Self.values(n * h * w * c, seed: 1)
    let kernel = Self.values(3 * 3 * c * f, seed: 2), bias = Self.values(f, seed: 3)
    // TensorFlow's SAME: output ⌈in/stride⌉, padding total
    // max((out−1)·stride + window − in, 0), the smaller half before.
    func conv(stride: Int, dilation: Int, same: Bool) -> (out: [Float], oh: Int, ow: Int) {
      let window = 2 * dilation + 1
      let oh = same ? (h + stride - 1) / stride : (h - window) / stride + 1
      let ow = same ? (w + stride - 1) / stride : (w - window) / stride + 1
      let padTop = same ? max((oh - 1) * stride + window - h, 0) / 2 : 0
      let padLeft = same ? max((ow - 1) * stride + window - w, 0) / 2 : 0
      var out = [Float](repeating: 0, count: n * oh * ow * f)
      for b in 0..<n {
        for i in 0..<oh {
          for j in 0..<ow {
            for o in 0..<f {
              var s = Double(bias[o])
              for di in 0..<3 {
                for dj in 0..<3 {
                  let y = i * stride + di * dilation - padTop, x = j * stride + dj * dilation - padLeft
                  guard y >= 0, y < h, x >= 0, x < w else { continue }
                  for ch in 0..<c {
                    s += Double(images[((b * h + y) * w + x) * c + ch]) * Double(kernel[((di * 3 + dj) * c + ch) * f + o])
                  }
                }
              }
              out[((b * oh + i) * ow + j) * f + o] = Float(max(s, 0))
            }
          }
        }
      }
      return (out, oh, ow)
    }
    for (stride, dilation, padding) in [(1, 1, "valid"), (2, 1, "same"), (1, 2, "valid"), (2, 2, "same")] {
      let expected = conv(stride: stride, dilation: dilation, same: padding == "same")
      try KerasContext().run {
        let layer = Conv2D(
          f, kernelSize: [3], strides: [stride], padding: padding, dilationRate: [dilation], activation: "relu")
        let model = try Sequential([InputLayer(shape: [h, w, c]), layer])
        try layer.setWeights([try Tensor(shape: [3, 3, c, f], scalars: kernel), try Tensor(shape: [f], scalars: bias)])
        let y = try model(try Tensor(shape: [n, h, w, c], scalars: images))
        expectClose(y, expected.out.map(Double.init), shape: [n, expected.oh, expected.ow, f], tolerance: 1e-5)
      }
    }
    // Pooling 2×2, stride 2, "same" on 7×6: windows at the bottom edge
    // hold one row; the average counts only in-image values.
    try KerasContext().run {
      let x = try Tensor(shape: [n, h, w, c], scalars: images)
      let maxModel = try Sequential([InputLayer(shape: [h, w, c]), MaxPooling2D(2, padding: "same")])
      let avgModel = try Sequential([InputLayer(shape: [h, w, c]), AveragePooling2D(2, padding: "same")])
      let gapModel = try Sequential([InputLayer(shape: [h, w, c]), GlobalAveragePooling2D()])
      var maxOut: [Double] = [], avgOut: [Double] = [], gapOut: [Double] = []
      for b in 0..<n {
        for i in 0..<4 {
          for j in 0..<3 {
            for ch in 0..<c {
              let taps = [(2 * i, 2 * j), (2 * i, 2 * j + 1), (2 * i + 1, 2 * j), (2 * i + 1, 2 * j + 1)]
                .filter { $0.0 < h && $0.1 < w }.map { Double(images[((b * h + $0.0) * w + $0.1) * c + ch]) }
              maxOut.append(taps.max()!)
              avgOut.append(taps.reduce(0, +) / Double(taps.count))
            }
          }
        }
        for ch in 0..<c {
          var s = 0.0
          for p in 0..<(h * w) { s += Double(images[(b * h * w + p) * c + ch]) }
          gapOut.append(s / Double(h * w))
        }
      }
      expectClose(try maxModel(x), maxOut, shape: [n, 4, 3, c])
      expectClose(try avgModel(x), avgOut, shape: [n, 4, 3, c], tolerance: 1e-6)
      expectClose(try gapModel(x), gapOut, shape: [n, c], tolerance: 1e-6)
    }
  }

  /// While fitting, batch norm normalizes with the batch's statistics and
  /// moves the averages toward them; calling the model uses the averages.
  @Test func batchNormalizationTrainsWithBatchStatistics() throws {
    let (n, c) = (8, 3)
    let xs = Self.values(n * 2 * 2 * c, seed: 5).map { $0 * 3 + 1 }
    try KerasContext(seed: 1).run {
      let bn = BatchNormalization(momentum: 0.9, epsilon: 0.01)
      let model = try Sequential([InputLayer(shape: [2, 2, c]), bn, Flatten()])
      // SGD with learning rate 0: only the moving averages change.
      try model.compile(optimizer: SGD(learningRate: 0), loss: "mse")
      let x = try Tensor(shape: [n, 2, 2, c], scalars: xs)
      let target = try Tensor(shape: [n, 4 * c], repeating: Float(0))
      // Before training: moving mean 0, variance 1 → y = x / √(1 + ε).
      expectClose(try model(x), xs.map { Double($0) / (1.01).squareRoot() }, shape: [n, 4 * c], tolerance: 1e-5)
      _ = try model.fit(x, target, batchSize: n, epochs: 1, verbose: 0, shuffle: false)
      var mean = [Double](repeating: 0, count: c), variance = [Double](repeating: 0, count: c)
      let count = Double(n * 4)
      for (i, v) in xs.enumerated() { mean[i % c] += Double(v) / count }
      for (i, v) in xs.enumerated() { variance[i % c] += (Double(v) - mean[i % c]) * (Double(v) - mean[i % c]) }
      let corrected = variance.map { $0 / (count - 1) }
      let weights = try bn.getWeights()  // gamma, beta, moving_mean, moving_variance
      expectClose(weights[2], mean.map { 0.1 * $0 }, tolerance: 1e-6)
      expectClose(weights[3], corrected.map { 0.9 + 0.1 * $0 }, tolerance: 1e-5)
      // The loss fit reported used the batch-normalized outputs: the mean
      // of y² is the mean over channels of σ²/(σ² + ε) (γ = 1, β = 0).
      let history = try model.fit(x, target, batchSize: n, epochs: 1, verbose: 0, shuffle: false)
      let biased = variance.map { $0 / count }
      let expectedLoss = biased.map { $0 / ($0 + 0.01) }.reduce(0, +) / Double(c)
      #expect(abs(history["loss"][0] - expectedLoss) < 1e-4, "loss \(history["loss"][0]) vs \(expectedLoss)")
      // Inference uses the moving averages (after two updates).
      let w2 = try bn.getWeights()
      let mm = w2[2].doubles(), mv = w2[3].doubles()
      let expected = xs.enumerated().map { i, v in (Double(v) - mm[i % c]) / (mv[i % c] + 0.01).squareRoot() }
      expectClose(try model.predict(x, verbose: 0), expected, shape: [n, 4 * c], tolerance: 1e-5)
    }
  }

  @Test func batchNormalizationOnDenseOutputs() throws {
    try KerasContext(seed: 3).run {
      let bn = BatchNormalization()
      let model = try Sequential([Dense(5, inputShape: [4]), bn])
      #expect(model.outputs[0].shape == PartialShape([nil, 5]))
      #expect(bn.countParams() == 20 && bn.trainableWeights.count == 2 && bn.nonTrainableWeights.count == 2)
      try model.compile(optimizer: "adam", loss: "mse")
      let x = try Tensor(shape: [6, 4], scalars: Self.values(24, seed: 9))
      let history = try model.fit(x, try Tensor(shape: [6, 5], repeating: Float(0.5)), batchSize: 3, epochs: 2, verbose: 0)
      #expect(history["loss"].count == 2 && history["loss"].allSatisfy { $0.isFinite })
    }
  }

  @Test func savedCNNReloadsWithTheSameOutputs() throws {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("tg-cnn-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: dir) }
    let x = try Tensor(shape: [4, 10, 10, 1], scalars: Self.values(400, seed: 11))
    let y = try Tensor(shape: [4], scalars: [0, 1, 2, 1] as [Int32])
    let (before, loss) = try KerasContext(seed: 4).run { () throws -> (Tensor, Double) in
      let model = try Sequential([
        Conv2D(4, 3, padding: "same", activation: "relu", inputShape: [10, 10, 1]),
        BatchNormalization(),
        MaxPooling2D(2),
        Conv2D(6, kernelSize: [2, 3], strides: [2, 1]),
        AveragePooling2D(poolSize: [2, 1]),
        GlobalAveragePooling2D(),
        Dense(3, activation: "softmax"),
      ])
      try model.compile(optimizer: "adam", loss: "sparse_categorical_crossentropy")
      _ = try model.fit(x, y, batchSize: 2, epochs: 2, verbose: 0)
      try model.save(to: dir)
      return (try model.predict(x, verbose: 0), try model.evaluate(x, y, verbose: 0)["loss"]!)
    }
    try KerasContext().run {
      let loaded = try Model.load(from: dir)
      expectClose(try loaded.predict(x, verbose: 0), before, tolerance: 1e-6)
      #expect(abs(try loaded.evaluate(x, y, verbose: 0)["loss"]! - loss) < 1e-6)
      #expect(loaded.layers.map { type(of: $0).className } == [
        "Conv2D", "BatchNormalization", "MaxPooling2D", "Conv2D", "AveragePooling2D", "GlobalAveragePooling2D", "Dense",
      ])
    }
  }

  @Test func badParametersThrowNamingTheLayer() throws {
    try KerasContext().run {
      let x = try Input(shape: [5, 5, 3])
      expectError(.shapeMismatch, containing: ["conv2d", "7×7 window does not fit", "(None, 5, 5, 3)", "same"]) {
        try Conv2D(2, 7)(x)
      }
      expectError(.shapeMismatch, containing: ["5×5 window does not fit"]) {
        try Conv2D(2, 3, dilationRate: 2)(try Input(shape: [4, 9, 1]))
      }
      expectError(.invalidArgument, containing: ["strides must be one positive number or two, not [0, 0]"]) {
        try Conv2D(2, 3, strides: 0)(x)
      }
      expectError(.invalidArgument, containing: ["positive number of filters, not -1"]) { try Conv2D(-1, 3)(x) }
      expectError(.invalidArgument, containing: ["padding must be \"valid\" or \"same\", not \"full\""]) {
        try Conv2D(2, 3, padding: "full")(x)
      }
      expectError(.shapeMismatch, containing: ["(None, 28, 28)", "add a channels axis"]) {
        try Conv2D(2, 3)(try Input(shape: [28, 28]))
      }
      expectError(.shapeMismatch, containing: ["max_pooling2d", "6×6 window does not fit"]) { try MaxPooling2D(6)(x) }
      expectError(.shapeMismatch, containing: ["GlobalAveragePooling2D", "(None, 4)"]) {
        try GlobalAveragePooling2D()(try Input(shape: [4]))
      }
      expectError(.invalidArgument, containing: ["momentum must be in [0, 1]"]) {
        try BatchNormalization(momentum: 1.5)(x)
      }
      // A model whose input does not match: the channel count is checked
      // when data arrives.
      let model = try Sequential([Conv2D(2, 3, inputShape: [5, 5, 3])])
      expectError(.shapeMismatch) { _ = try model(try Tensor(shape: [1, 5, 5, 2], repeating: Float(0))) }
    }
  }
}
