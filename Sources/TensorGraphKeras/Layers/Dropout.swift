/// Randomly zeroes a fraction `rate` of its inputs while training and
/// scales the rest by `1 / (1 − rate)`; passes inputs through unchanged in
/// `evaluate`, `predict` and calls (Keras's inverted dropout).
///
/// The graph computes both paths and selects on the context's
/// `keras_learning_phase` (`dropout/SelectV2`), which `fit` feeds `true`.
/// The mask comes from a `RandomUniform` node seeded by `seed` and the
/// context's random seed, so seeded runs are reproducible.
public final class Dropout: Layer {
  public static let className = "Dropout"
  public let state: LayerState
  /// The fraction of inputs dropped, in `[0, 1)`.
  public let rate: Double
  /// The op-level seed of the mask.
  public let seed: Int?

  /// Creates the layer.
  public init(_ rate: Double, seed: Int? = nil, inputShape: [Int?]? = nil, name: String? = nil) {
    self.rate = rate
    self.seed = seed
    state = LayerState(Self.self, name: name, inputShape: inputShape)
  }

  public func build(_ inputShapes: [PartialShape], in context: BuildContext) throws {
    guard rate >= 0, rate < 1 else {
      throw TensorGraphError(.invalidArgument, "layer '\(name)' (Dropout): rate must be in [0, 1), not \(rate)")
    }
  }

  public func call(_ inputs: [Output], in context: CallContext) throws -> [Output] {
    let x = inputs[0], g = context.graph
    guard rate > 0 else { return [try g.identity(x)] }
    // dropped = x · (1 / keep) · [u ≥ rate], u ~ U[0, 1) per element.
    let u = try g.randomUniform(shape: try g.shape(of: x), dtype: x.dtype, seed: seed)
    let keep = try g.greaterEqual(u, try g.constant(rate, dtype: x.dtype, name: "rate"))
    let scaled = try g.multiply(x, try g.constant(1 / (1 - rate), dtype: x.dtype, name: "scale"))
    let dropped = try g.multiply(scaled, try g.cast(keep, to: x.dtype))
    return [try g.selectV2(try context.learningPhase, dropped, x)]
  }

  public func config() -> [String: ConfigValue] {
    ["rate": .double(rate), "seed": seed.map(ConfigValue.int) ?? .null, "noise_shape": .null]
  }
}
