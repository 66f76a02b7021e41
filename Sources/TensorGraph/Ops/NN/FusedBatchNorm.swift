// FusedBatchNormV3 and FusedBatchNormGradV3, as TensorFlow's:
//
//   training    μ, σ² = mean and (biased) variance of x per channel
//               y = scale·(x − μ)/√(σ² + ε) + offset
//               batch_mean     = (1 − f)·mean + f·μ
//               batch_variance = (1 − f)·variance + f·σ²·n/(n − 1)
//               (f = exponential_avg_factor; with f = 1 they are μ and the
//               Bessel-corrected variance, and mean/variance may be empty)
//               reserve_space_1, _2 = μ, σ² (what the gradient needs)
//   inference   y with the given mean and variance; batch_mean,
//               batch_variance, reserve_space_1, _2 pass them through
//
// reserve_space_3 (and the gradient's reserve_space_4, _5) are empty, as on
// TensorFlow's CPU. Kernels are in Runtime/Kernels/FusedBatchNormKernels.swift.

private let batchNormFormats = "data_format: {'NHWC', 'NCHW', 'NDHWC', 'NCDHW'} = 'NHWC'"

// MARK: - Shape rules

enum BatchNormShapes {
  /// The rank of `x` and its channel axis for `data_format`.
  static func layout(_ dataFormat: String) -> (rank: Int, channelAxis: Int) {
    switch dataFormat {
    case "NCHW": return (4, 1)
    case "NDHWC": return (5, 4)
    case "NCDHW": return (5, 1)
    default: return (4, 3)
    }
  }

  /// Checks `x`'s rank and merges its channel dimension with the per-channel
  /// vectors at `vectors` (named `labels`); returns x's shape and the
  /// channel count.
  static func channels(
    _ c: ShapeContext, x: Int, vectors: [Int], labels: [String]
  ) throws -> (x: PartialShape, channels: Dimension) {
    let (rank, axis) = layout(c.string("data_format"))
    var xs = c.shape(x)
    if let r = xs.rank, r != rank {
      throw c.error("'x' must be a \(rank)-D tensor (\(c.string("data_format"))) but has shape \(xs)")
    }
    if xs.rank == nil { xs = .unknown(rank: rank) }
    var channels = xs[axis]
    for (i, label) in zip(vectors, labels) {
      try c.requireVector(i, label)
      guard let m = channels.merged(with: c.shape(i)[0]) else {
        throw c.error(
          "'\(label)' must have one element per channel of x (\(channels)), but has shape \(c.shape(i)); x has shape \(xs)")
      }
      channels = m
    }
    var dims = xs.dims!
    dims[axis] = channels
    return (PartialShape(dims: dims), channels)
  }

  /// A few flops per element of x.
  static func cost(_ c: CostContext) -> Cost {
    Cost(flops: 8 * CostContext.elements(c.inputs[0].shape), bytes: c.inputBytes + c.outputBytes)
  }
}

// MARK: - FusedBatchNormV3

extension StandardOps {
  static let fusedBatchNormV3 = OpDef(
    "FusedBatchNormV3", inputs: ["x: T", "scale: U", "offset: U", "mean: U", "variance: U"],
    outputs: [
      "y: T", "batch_mean: U", "batch_variance: U", "reserve_space_1: U", "reserve_space_2: U", "reserve_space_3: U",
    ],
    attrs: [
      "T: {float32, float64}", "U: {float32, float64}", "epsilon: float = 0.0001",
      "exponential_avg_factor: float = 1.0", batchNormFormats, "is_training: bool = true",
    ],
    summary: "Batch normalization: normalizes x per channel with batch statistics (training, also updating running averages) or given ones (inference), then scales and offsets.",
    shape: { c in
      // In training with f = 1 the given statistics are not read and may
      // be empty (TensorFlow's FusedBatchNormShape).
      let statistics = !c.bool("is_training") || c.float("exponential_avg_factor") != 1
      let (x, channels) = try BatchNormShapes.channels(
        c, x: 0, vectors: statistics ? [1, 2, 3, 4] : [1, 2],
        labels: statistics ? ["scale", "offset", "mean", "variance"] : ["scale", "offset"])
      if !statistics { try c.requireVector(3, "mean"); try c.requireVector(4, "variance") }
      let vector = PartialShape(dims: [channels])
      return [x, vector, vector, vector, vector, [0]]
    },
    kernel: fusedBatchNormV3Kernel,
    gradient: .function { c in
      // TensorFlow's _FusedBatchNormV3Grad: the gradient of y only (the
      // statistics outputs are running averages, not differentiated), by
      // FusedBatchNormGradV3 — with the batch statistics saved in the
      // reserve spaces in training, the given ones in inference.
      guard let dy = c.upstream[0] else { return [nil, nil, nil, nil, nil] }
      let g = c.graph, training = c.bool("is_training")
      let mean = training ? c.output(3) : c.input(3), variance = training ? c.output(4) : c.input(4)
      let grads = try g.fusedBatchNormGrad(
        dy, c.input(0), scale: c.input(1), reserveSpace1: mean, reserveSpace2: variance, reserveSpace3: c.output(5),
        like: c)
      guard !training else { return [grads.x, grads.scale, grads.offset, nil, nil] }
      // Inference: y = scale·(x − mean)·r + offset with r = 1/√(variance + ε)
      // also depends on the given statistics (TensorFlow returns no
      // gradient for them):
      //   d mean     = −scale·r·Σ dy            = −scale·r·d offset
      //   d variance = −½·scale·r³·Σ dy·(x − mean) = −½·scale·r²·d scale
      let scale = c.input(1)
      let r2 = try g.reciprocal(try g.add(variance, try g.constant(c.float("epsilon"), dtype: variance.dtype)))
      let dMean = try g.negate(try g.multiply(try g.multiply(scale, try g.sqrt(r2)), grads.offset))
      let dVariance = try g.multiply(
        try g.constant(-0.5, dtype: variance.dtype), try g.multiply(try g.multiply(scale, r2), grads.scale))
      return [grads.x, grads.scale, grads.offset, dMean, dVariance]
    },
    cost: { c in BatchNormShapes.cost(c) })
}

/// The outputs of ``Graph/fusedBatchNorm(_:scale:offset:mean:variance:epsilon:exponentialAvgFactor:dataFormat:isTraining:name:file:line:)``.
public struct FusedBatchNormOutputs: Sendable {
  /// The normalized, scaled and offset input.
  public var y: Output
  /// Training: the updated running mean; inference: the given mean.
  public var batchMean: Output
  /// Training: the updated running variance (from the Bessel-corrected
  /// batch variance); inference: the given variance.
  public var batchVariance: Output
  /// The batch mean (training) or given mean, for the gradient.
  public var reserveSpace1: Output
  /// The biased batch variance (training) or given variance.
  public var reserveSpace2: Output
  /// Empty on the CPU.
  public var reserveSpace3: Output
}

extension Graph {
  /// Batch normalization in one op (`FusedBatchNormV3`, as
  /// `tf.compat.v1.nn.fused_batch_norm`).
  ///
  ///     let bn = try g.fusedBatchNorm(x, scale: gamma, offset: beta, mean: movingMean,
  ///                                   variance: movingVariance, exponentialAvgFactor: 0.01)
  ///     // bn.y; assign bn.batchMean and bn.batchVariance to the moving averages
  ///
  /// - Parameters:
  ///   - x: A 4-D tensor (channels last for "NHWC").
  ///   - scale, offset: Per-channel vectors (γ, β).
  ///   - mean, variance: Per-channel statistics: the running averages to
  ///     update in training (may be empty when `exponentialAvgFactor` is 1),
  ///     the statistics to normalize with in inference.
  ///   - epsilon: Added to the variance before the square root.
  ///   - exponentialAvgFactor: The weight `f` of the batch statistics in
  ///     the running averages.
  ///   - isTraining: Normalize with batch statistics (`true`) or the given
  ///     ones.
  public func fusedBatchNorm(
    _ x: Output, scale: Output, offset: Output, mean: Output, variance: Output, epsilon: Double = 0.0001,
    exponentialAvgFactor: Double = 1, dataFormat: String = "NHWC", isTraining: Bool = true, name: String? = nil,
    file: String = #fileID, line: Int = #line
  ) throws -> FusedBatchNormOutputs {
    let o = try buildMulti(
      "FusedBatchNormV3", [x, scale, offset, mean, variance],
      attrs: [
        "epsilon": .float(epsilon), "exponential_avg_factor": .float(exponentialAvgFactor),
        "data_format": .string(dataFormat), "is_training": .bool(isTraining),
      ],
      name: name, file: file, line: line)
    return FusedBatchNormOutputs(
      y: o[0], batchMean: o[1], batchVariance: o[2], reserveSpace1: o[3], reserveSpace2: o[4], reserveSpace3: o[5])
  }

  /// `FusedBatchNormGradV3` with the epsilon, format and mode of `node`.
  func fusedBatchNormGrad(
    _ dy: Output, _ x: Output, scale: Output, reserveSpace1: Output, reserveSpace2: Output, reserveSpace3: Output,
    like node: some AttributeReading
  ) throws -> (x: Output, scale: Output, offset: Output) {
    let o = try buildMulti(
      "FusedBatchNormGradV3", [dy, x, scale, reserveSpace1, reserveSpace2, reserveSpace3],
      attrs: node.attrs.filter { ["epsilon", "data_format", "is_training"].contains($0.key) }, name: nil,
      file: #fileID, line: #line)
    return (o[0], o[1], o[2])
  }
}

// MARK: - FusedBatchNormGradV3

extension StandardOps {
  static let fusedBatchNormGradV3 = OpDef(
    "FusedBatchNormGradV3",
    inputs: [
      "y_backprop: T", "x: T", "scale: U", "reserve_space_1: U", "reserve_space_2: U", "reserve_space_3: U",
    ],
    outputs: ["x_backprop: T", "scale_backprop: U", "offset_backprop: U", "reserve_space_4: U", "reserve_space_5: U"],
    attrs: [
      "T: {float32, float64}", "U: {float32, float64}", "epsilon: float = 0.0001", batchNormFormats,
      "is_training: bool = true",
    ],
    summary: "The gradient of FusedBatchNormV3's y with respect to x, scale and offset, given the statistics it normalized with (reserve_space_1, _2).",
    shape: { c in
      let (x, channels) = try BatchNormShapes.channels(
        c, x: 1, vectors: [2, 3, 4], labels: ["scale", "reserve_space_1", "reserve_space_2"])
      guard let merged = x.merged(with: c.shape(0)) else {
        throw c.error("'y_backprop' has shape \(c.shape(0)) but must be shaped like 'x', \(x)")
      }
      let vector = PartialShape(dims: [channels])
      return [merged, vector, vector, [0], [0]]
    },
    kernel: fusedBatchNormGradV3Kernel,
    gradient: .function { c in
      // The backward pass written with primitive ops (TensorFlow's
      // _BatchNormGrad; in training μ and σ² are recomputed from x, so
      // that their dependence on x is differentiated), then differentiated
      // with the upstream gradients as initial values (TensorFlow's
      // _FusedBatchNormGradGrad).
      let g = c.graph, dy = c.input(0), x = c.input(1), scale = c.input(2)
      let ys = try batchNormGradientByPrimitives(c)
      let seeds = zip(ys, c.upstream.prefix(3)).compactMap { y, u in u.map { (y, $0) } }
      let grads = try g.gradients(
        of: seeds.map(\.0), with: [dy, x, scale], gradYs: seeds.map(\.1), unconnected: .zero,
        name: "FusedBatchNormGradGrad")
      return [grads[0], grads[1], grads[2], nil, nil, nil]
    },
    cost: { c in BatchNormShapes.cost(c) })
}

/// `(dx, dscale, doffset)` of FusedBatchNormGradV3 node `c` built from
/// primitive ops (reductions over every axis but the channel one, with the
/// channel axis kept so per-channel values broadcast in either format):
///
///   training   μ, σ² from x; x̂ = (x − μ)·r, r = 1/√(σ² + ε)
///              dx = scale·r·(dy − mean(dy) − x̂·mean(dy·x̂))
///   inference  r from the given variance; dx = dy·scale·r
///   both       dscale = Σ dy·(x − μ)·r, doffset = Σ dy
private func batchNormGradientByPrimitives(_ c: GradientContext) throws -> [Output] {
  let g = c.graph, dy = c.input(0), x = c.input(1)
  let (rank, channelAxis) = BatchNormShapes.layout(c.string("data_format"))
  let axes = (0..<rank).filter { $0 != channelAxis }
  let perChannel = (0..<rank).map { $0 == channelAxis ? -1 : 1 }
  let scale = try g.reshape(c.input(2), perChannel)
  let epsilon = try g.constant(c.float("epsilon"), dtype: x.dtype)
  func channelVector(_ t: Output) throws -> Output { try g.reshape(t, [-1]) }
  let mean: Output, variance: Output
  if c.bool("is_training") {
    mean = try g.mean(x, axes: axes, keepDims: true)
    variance = try g.mean(try g.square(try g.subtract(x, mean)), axes: axes, keepDims: true)
  } else {
    mean = try g.reshape(c.input(3), perChannel)
    variance = try g.reshape(c.input(4), perChannel)
  }
  let r = try g.rsqrt(try g.add(variance, epsilon))
  let centered = try g.subtract(x, mean)
  let dOffset = try g.sum(dy, axes: axes, keepDims: true)
  let dScale = try g.sum(try g.multiply(try g.multiply(dy, centered), r), axes: axes, keepDims: true)
  let dx: Output
  if c.bool("is_training") {
    let xHat = try g.multiply(centered, r)
    let meanDy = try g.mean(dy, axes: axes, keepDims: true)
    let meanDyXHat = try g.mean(try g.multiply(dy, xHat), axes: axes, keepDims: true)
    let inner = try g.subtract(try g.subtract(dy, meanDy), try g.multiply(xHat, meanDyXHat))
    dx = try g.multiply(try g.multiply(scale, r), inner)
  } else {
    dx = try g.multiply(try g.multiply(dy, scale), r)
  }
  return [dx, try channelVector(dScale), try channelVector(dOffset)]
}
