import Foundation
import Testing
import TensorGraph
import TensorGraphTestSupport

/// Per-channel statistics by hand (channels last).
private func statistics(_ x: [Double], channels c: Int) -> (mean: [Double], variance: [Double]) {
  let n = Double(x.count / c)
  var mean = [Double](repeating: 0, count: c), variance = mean
  for (i, v) in x.enumerated() { mean[i % c] += v / n }
  for (i, v) in x.enumerated() { variance[i % c] += (v - mean[i % c]) * (v - mean[i % c]) / n }
  return (mean, variance)
}

private func normalized(
  _ x: [Double], mean: [Double], variance: [Double], scale: [Double], offset: [Double], epsilon: Double
) -> [Double] {
  let c = mean.count
  return x.enumerated().map { i, v in
    let k = i % c
    return scale[k] * (v - mean[k]) / (variance[k] + epsilon).squareRoot() + offset[k]
  }
}

/// The inputs of the TensorFlow 2.21 fixture (FusedBatchNormReference, made
/// by scripts/make-batchnorm-fixtures.py): x = arange(24)·0.1 +
/// sin(arange(24)) as [2, 2, 2, 3], dy = cos(arange(24)), ε = 0.001.
private enum TF {
  static let x = (0..<24).map { Double($0) * 0.1 + sin(Double($0)) }
  static let dy = (0..<24).map { cos(Double($0)) }
  static let scale = [1.0, 2.0, 0.5], offset = [0.1, -0.2, 0.3]
  static let mean = [0.5, 0.2, -0.1], variance = [1.5, 0.7, 2.0]
}

@Suite struct FusedBatchNormTests {
  private func build(
    _ g: Graph, x: [Double], shape: [Int], mean: [Double], variance: [Double], training: Bool, factor: Double = 1,
    epsilon: Double = 0.001, dtype: DType = .float32
  ) throws -> FusedBatchNormOutputs {
    let c = shape.last!
    let t = { (v: [Double], s: [Int]) in dtype == .float32 ? Tensor.f32(v, s) : Tensor.f64(v, s) }
    return try g.fusedBatchNorm(
      try g.constant(t(x, shape)), scale: try g.constant(t(TF.scale.prefix(c).map { $0 }, [c])),
      offset: try g.constant(t(TF.offset.prefix(c).map { $0 }, [c])), mean: try g.constant(t(mean, [mean.count])),
      variance: try g.constant(t(variance, [variance.count])), epsilon: epsilon, exponentialAvgFactor: factor,
      isTraining: training)
  }

  @Test(arguments: [DType.float32, .float64], [1.0, 0.3])
  func trainingOutputsFollowTheFormulas(dtype: DType, factor: Double) throws {
    let shape = [3, 4, 5, 3]
    let x = ConvReference.random(shape, seed: 1).map { $0 * 2 + 0.5 }
    let (mean, variance) = statistics(x, channels: 3)
    let g = Graph()
    let bn = try build(g, x: x, shape: shape, mean: TF.mean, variance: TF.variance, training: true, factor: factor, dtype: dtype)
    let out = try Session(graph: g).run(fetches: [bn.y, bn.batchMean, bn.batchVariance, bn.reserveSpace1, bn.reserveSpace2, bn.reserveSpace3])
    let tol = dtype == .float32 ? 1e-5 : 1e-12
    let n = Double(x.count / 3)
    expectClose(out[0], normalized(x, mean: mean, variance: variance, scale: TF.scale, offset: TF.offset, epsilon: 0.001), shape: shape, tolerance: tol)
    expectClose(out[1], (0..<3).map { (1 - factor) * TF.mean[$0] + factor * mean[$0] }, shape: [3], tolerance: tol)
    expectClose(out[2], (0..<3).map { (1 - factor) * TF.variance[$0] + factor * variance[$0] * n / (n - 1) }, shape: [3], tolerance: tol)
    expectClose(out[3], mean, shape: [3], tolerance: tol)
    expectClose(out[4], variance, shape: [3], tolerance: tol)
    #expect(out[5].shape == [0])
  }

  @Test(arguments: [DType.float32, .float64])
  func inferenceUsesTheGivenStatistics(dtype: DType) throws {
    let shape = [2, 3, 3, 3]
    let x = ConvReference.random(shape, seed: 2)
    let g = Graph()
    let bn = try build(g, x: x, shape: shape, mean: TF.mean, variance: TF.variance, training: false, dtype: dtype)
    let out = try Session(graph: g).run(fetches: [bn.y, bn.batchMean, bn.batchVariance, bn.reserveSpace1, bn.reserveSpace2])
    let tol = dtype == .float32 ? 1e-5 : 1e-12
    expectClose(out[0], normalized(x, mean: TF.mean, variance: TF.variance, scale: TF.scale, offset: TF.offset, epsilon: 0.001), shape: shape, tolerance: tol)
    for (i, v) in [(1, TF.mean), (2, TF.variance), (3, TF.mean), (4, TF.variance)] {
      expectClose(out[i], v, shape: [3], tolerance: tol)
    }
  }

  @Test func matchesTensorFlow() throws {
    let g = Graph()
    let shape = [2, 2, 2, 3]
    let train = try build(g, x: TF.x, shape: shape, mean: TF.mean, variance: TF.variance, training: true)
    let ema = try build(g, x: TF.x, shape: shape, mean: TF.mean, variance: TF.variance, training: true, factor: 0.3)
    let infer = try build(g, x: TF.x, shape: shape, mean: TF.mean, variance: TF.variance, training: false)
    let dy = try g.constant(Tensor.f32(TF.dy, shape))
    let out = try Session(graph: g).run(fetches: [train.y, train.batchMean, train.batchVariance, train.reserveSpace2, ema.batchMean, ema.batchVariance, infer.y])
    let R = FusedBatchNormReference.self
    expectClose(out[0], R.trainingY, shape: shape, tolerance: 1e-6)
    expectClose(out[1], R.trainingBatchMean, tolerance: 1e-6)
    expectClose(out[2], R.trainingBatchVariance, tolerance: 1e-6)
    expectClose(out[3], R.trainingReserveSpace2, tolerance: 1e-6)
    expectClose(out[4], R.averagedBatchMean, tolerance: 1e-6)
    expectClose(out[5], R.averagedBatchVariance, tolerance: 1e-6)
    expectClose(out[6], R.inferenceY, shape: shape, tolerance: 1e-6)
    // The gradient ops, fed TensorFlow's inputs.
    let x = try g.constant(Tensor.f32(TF.x, shape)), scale = try g.constant(Tensor.f32(TF.scale, [3]))
    for (training, r1, r2, dx, dscale, doffset) in [
      (true, train.reserveSpace1, train.reserveSpace2, R.trainingXBackprop, R.trainingScaleBackprop, R.trainingOffsetBackprop),
      (false, try g.constant(Tensor.f32(TF.mean, [3])), try g.constant(Tensor.f32(TF.variance, [3])), R.inferenceXBackprop,
       R.inferenceScaleBackprop, R.inferenceOffsetBackprop),
    ] {
      let o = try g.buildMulti(
        "FusedBatchNormGradV3", [dy, x, scale, r1, r2, train.reserveSpace3],
        attrs: ["epsilon": .float(0.001), "is_training": .bool(training)], name: nil, file: #fileID, line: #line)
      let v = try Session(graph: g).run(fetches: o)
      expectClose(v[0], dx, shape: shape, tolerance: 1e-5)
      expectClose(v[1], dscale, tolerance: 1e-5)
      expectClose(v[2], doffset, tolerance: 1e-5)
      #expect(v[3].shape == [0] && v[4].shape == [0])
    }
  }

  @Test func emptyBatchGivesNaNStatisticsAsTensorFlow() throws {
    let g = Graph()
    let bn = try build(g, x: [], shape: [0, 2, 2, 3], mean: TF.mean, variance: TF.variance, training: true, factor: 0.5)
    let out = try Session(graph: g).run(fetches: [bn.y, bn.batchMean, bn.batchVariance, bn.reserveSpace1])
    #expect(out[0].shape == [0, 2, 2, 3])
    #expect(out[1].doubles().allSatisfy(\.isNaN) && out[2].doubles().allSatisfy(\.isNaN))
    expectClose(out[3], [0, 0, 0], tolerance: 0)
  }

  @Test func emptyStatisticsAreAllowedInTrainingWithFactorOne() throws {
    let g = Graph()
    let bn = try build(g, x: TF.x, shape: [2, 2, 2, 3], mean: [], variance: [], training: true)
    expectClose(try Session(graph: g).run(bn.batchMean), FusedBatchNormReference.trainingBatchMean, tolerance: 1e-6)
    expectError(.shapeMismatch, containing: ["'mean'", "one element per channel"]) {
      try build(Graph(), x: TF.x, shape: [2, 2, 2, 3], mean: [], variance: [], training: true, factor: 0.5)
    }
  }

  @Test func shapesWithUnknownBatch() throws {
    let g = Graph()
    let x = try g.placeholder(.float32, shape: [nil, 4, 4, nil], name: "x")
    let v = try g.placeholder(.float32, shape: [8], name: "v")
    let bn = try g.fusedBatchNorm(x, scale: v, offset: v, mean: v, variance: v)
    #expect(bn.y.shape == [.unknown, 4, 4, 8] && bn.batchMean.shape == [8] && bn.reserveSpace3.shape == [0])
    let grads = try g.gradients(of: bn.y, with: [x, v])
    #expect(grads[0]?.shape == [.unknown, 4, 4, 8] && grads[0]?.node.op == "FusedBatchNormGradV3")
  }
}

@Suite struct FusedBatchNormGradientTests {
  // Finite-difference checks of both ops' gradients, in both modes, are
  // rows of Coverage/GradientCheckTable.swift.

  @Test(arguments: [true, false])
  func gradientsIndependentOfStaticShapes(training: Bool) {
    expectGradientsIndependentOfStaticShapes(inputs: GradientCheckTable.batchNormInputs([2, 3, 2, 3], seed: 4)) { g, v, _ in
      try g.fusedBatchNorm(v[0], scale: v[1], offset: v[2], mean: v[3], variance: v[4], isTraining: training).y
    }
  }
}
