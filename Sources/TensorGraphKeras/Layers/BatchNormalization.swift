/// Batch normalization over the last axis: `γ·(x − μ)/√(σ² + ε) + β`, with
/// the batch's statistics while `fit` trains and the moving averages
/// otherwise (`evaluate`, `predict`, calling the model).
///
///     BatchNormalization()     // after Conv2D(32, 3): 4 × 32 = 128 params, 64 trainable
///
/// Keras's defaults: momentum 0.99, ε 0.001, γ ones, β zeros, moving mean
/// zeros, moving variance ones. The graph holds `batch_normalization/gamma`,
/// `beta`, `moving_mean`, `moving_variance` (the last two not trainable)
/// and two `FusedBatchNormV3` nodes — training and inference — between
/// which `keras_learning_phase` selects. Each training step also runs
/// `moving = moving − (moving − batch statistic)·(1 − momentum)` for both
/// averages, as Keras's `AssignMovingAvg`; the batch variance there is the
/// Bessel-corrected one the fused op reports, as in tf.keras's fused path.
///
/// Inputs of rank 2 or 3 are normalized through the same fused op after a
/// reshape to `[-1, 1, 1, channels]`. (tf.keras computes those with its
/// unfused path, whose moving variance uses the uncorrected batch variance:
/// the normalized outputs agree, the moving variance differs by the factor
/// n/(n − 1) of the batch.)
public final class BatchNormalization: Layer {
  public static let className = "BatchNormalization"
  public let state: LayerState
  /// The weight of the old average in each update.
  public let momentum: Double
  /// Added to the variance before the square root.
  public let epsilon: Double
  /// Whether there is a trainable offset β.
  public let center: Bool
  /// Whether there is a trainable scale γ.
  public let scale: Bool
  /// How β is initialized.
  public let betaInitializer: Initializer
  /// How γ is initialized.
  public let gammaInitializer: Initializer
  /// How the moving mean is initialized.
  public let movingMeanInitializer: Initializer
  /// How the moving variance is initialized.
  public let movingVarianceInitializer: Initializer
  /// γ, β and the moving statistics, once built.
  public private(set) var gamma: Variable?, beta: Variable?, movingMean: Variable?, movingVariance: Variable?
  /// The normalized axis as Keras saves it: the last, counted from 0 once built.
  private var axis = -1

  /// Creates the layer (normalizing the last axis).
  public init(
    momentum: Double = 0.99, epsilon: Double = 0.001, center: Bool = true, scale: Bool = true,
    betaInitializer: Initializer = .zeros, gammaInitializer: Initializer = .ones,
    movingMeanInitializer: Initializer = .zeros, movingVarianceInitializer: Initializer = .ones,
    inputShape: [Int?]? = nil, name: String? = nil
  ) {
    self.momentum = momentum
    self.epsilon = epsilon
    self.center = center
    self.scale = scale
    self.betaInitializer = betaInitializer
    self.gammaInitializer = gammaInitializer
    self.movingMeanInitializer = movingMeanInitializer
    self.movingVarianceInitializer = movingVarianceInitializer
    state = LayerState(Self.self, name: name, inputShape: inputShape)
  }

  public func build(_ inputShapes: [PartialShape], in context: BuildContext) throws {
    guard (0...1).contains(momentum), epsilon > 0 else {
      throw TensorGraphError(
        .invalidArgument,
        "layer '\(name)' (BatchNormalization): momentum must be in [0, 1] and epsilon positive, not \(momentum) and \(epsilon)")
    }
    let shape = inputShapes[0]
    guard let rank = shape.rank, (2...4).contains(rank), let channels = shape[rank - 1].value else {
      throw TensorGraphError(
        .shapeMismatch,
        "layer '\(name)' (BatchNormalization) needs inputs of rank 2 to 4 with a known last axis, "
          + "but got shape \(Shape.tupleDescription(shape))")
    }
    axis = rank - 1
    if scale { gamma = try context.addWeight("gamma", shape: [channels], initializer: gammaInitializer) }
    if center { beta = try context.addWeight("beta", shape: [channels], initializer: betaInitializer) }
    movingMean = try context.addWeight(
      "moving_mean", shape: [channels], initializer: movingMeanInitializer, trainable: false)
    movingVariance = try context.addWeight(
      "moving_variance", shape: [channels], initializer: movingVarianceInitializer, trainable: false)
  }

  public func call(_ inputs: [Output], in context: CallContext) throws -> [Output] {
    let g = context.graph
    guard let movingMean, let movingVariance else {
      throw TensorGraphError(.invalidArgument, "layer '\(name)' is not built")
    }
    var x = inputs[0]
    let rank = x.shape.rank ?? 4
    let channels = movingMean.ref.shape[0].value!
    if rank != 4 { x = try g.reshape(x, [-1, 1, 1, channels]) }
    let gammaValue = try gamma?.value ?? g.constant(Tensor(shape: [channels], repeating: Float(1)), name: "ones")
    let betaValue = try beta?.value ?? g.constant(Tensor(shape: [channels], repeating: Float(0)), name: "zeros")
    let train = try g.fusedBatchNorm(
      x, scale: gammaValue, offset: betaValue, mean: movingMean.value, variance: movingVariance.value,
      epsilon: epsilon, exponentialAvgFactor: 1, isTraining: true, name: "FusedBatchNormV3")
    let infer = try g.fusedBatchNorm(
      x, scale: gammaValue, offset: betaValue, mean: movingMean.value, variance: movingVariance.value,
      epsilon: epsilon, isTraining: false, name: "FusedBatchNormV3_1")
    var y = try g.selectV2(try context.learningPhase, train.y, infer.y)
    if rank != 4 {
      // Back to the input's shape: static when at most the batch is unknown.
      let dims = inputs[0].shape.dims ?? []
      if dims.filter({ $0.value == nil }).count <= 1 {
        y = try g.reshape(y, dims.map { $0.value ?? -1 })
      } else {
        y = try g.reshape(y, shape: try g.shape(of: inputs[0]))
      }
    }
    // moving −= (moving − batch)·(1 − momentum), as Keras's AssignMovingAvg.
    let decay = try g.constant(1 - momentum, dtype: .float32, name: "decay")
    for (variable, batch, scope) in [
      (movingMean, train.batchMean, "AssignMovingAvg"), (movingVariance, train.batchVariance, "AssignMovingAvg_1"),
    ] {
      try g.withNameScope(scope) {
        let delta = try g.multiply(try g.subtract(variable.value, batch), decay)
        // After both normalizations have read the old value.
        let update = try g.withControlDependencies([train.y.node, infer.y.node]) {
          try g.assignSub(variable.ref, delta)
        }
        context.addUpdate(update.node)
      }
    }
    return [y]
  }

  public func config() -> [String: ConfigValue] {
    [
      "axis": .array([.int(axis)]), "momentum": .double(momentum), "epsilon": .double(epsilon),
      "center": .bool(center), "scale": .bool(scale),
      "beta_initializer": betaInitializer.config, "gamma_initializer": gammaInitializer.config,
      "moving_mean_initializer": movingMeanInitializer.config,
      "moving_variance_initializer": movingVarianceInitializer.config,
      "beta_regularizer": .null, "gamma_regularizer": .null, "beta_constraint": .null, "gamma_constraint": .null,
    ]
  }
}
