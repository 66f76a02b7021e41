// Variable initializers with Keras's names and defaults, built in the graph
// (so a saved graph re-creates fresh values) from the random ops.

/// How a variable's initial value is drawn. Keras names; `fan_in` and
/// `fan_out` are computed as Keras does: for a shape `[..., in, out]` they
/// are `in` and `out` times the product of the leading (receptive field)
/// dimensions.
public enum Initializer: Sendable, Hashable {
  /// All zeros (Keras's default bias initializer).
  case zeros
  /// All ones.
  case ones
  /// Every element equal to the value.
  case constant(Double)
  /// Uniform in `[-limit, limit]` with `limit = √(6 / (fan_in + fan_out))`
  /// (Keras's default kernel initializer).
  case glorotUniform
  /// Truncated normal with `stddev = √(2 / (fan_in + fan_out)) / 0.8796…`.
  case glorotNormal
  /// Uniform in `[-limit, limit]`, `limit = √(6 / fan_in)`.
  case heUniform
  /// Truncated normal with `stddev = √(2 / fan_in) / 0.8796…`.
  case heNormal
  /// Uniform in `[-limit, limit]`, `limit = √(3 / fan_in)`.
  case lecunUniform
  /// Truncated normal with `stddev = √(1 / fan_in) / 0.8796…`.
  case lecunNormal
  /// Uniform in `[minval, maxval)`.
  case randomUniform(minval: Double, maxval: Double)
  /// Normal with the given mean and standard deviation.
  case randomNormal(mean: Double, stddev: Double)
  /// Normal redrawn beyond two standard deviations.
  case truncatedNormal(mean: Double, stddev: Double)

  /// Looks up an initializer by its Keras identifier (`glorot_uniform`,
  /// `he_normal`, `zeros`, …).
  public init?(name: String) {
    switch name {
    case "zeros", "zero": self = .zeros
    case "ones", "one": self = .ones
    case "glorot_uniform": self = .glorotUniform
    case "glorot_normal": self = .glorotNormal
    case "he_uniform": self = .heUniform
    case "he_normal": self = .heNormal
    case "lecun_uniform": self = .lecunUniform
    case "lecun_normal": self = .lecunNormal
    case "random_uniform": self = .randomUniform(minval: -0.05, maxval: 0.05)
    case "random_normal": self = .randomNormal(mean: 0, stddev: 0.05)
    case "truncated_normal": self = .truncatedNormal(mean: 0, stddev: 0.05)
    default: return nil
    }
  }

  /// Keras's `(fan_in, fan_out)` for a weight shape.
  public static func fans(_ shape: [Int]) -> (fanIn: Double, fanOut: Double) {
    switch shape.count {
    case 0: return (1, 1)
    case 1: return (Double(shape[0]), Double(shape[0]))
    case 2: return (Double(shape[0]), Double(shape[1]))
    default:
      let receptive = Double(shape.dropLast(2).reduce(1, *))
      return (Double(shape[shape.count - 2]) * receptive, Double(shape[shape.count - 1]) * receptive)
    }
  }
}

/// The standard deviation of a unit normal truncated at ±2 (Keras's
/// correction for truncated-normal variance scaling).
private let truncatedNormalStddev = 0.87962566103423978

extension Graph {
  /// Nodes drawing an initial value of `shape` from `initializer` (under
  /// the current name scope, as Keras's `Initializer/` nodes).
  public func initialValue(
    _ initializer: Initializer, shape: [Int], dtype: DType = .float32, seed: Int? = nil, file: String = #fileID,
    line: Int = #line
  ) throws -> Output {
    let (fanIn, fanOut) = Initializer.fans(shape)
    func uniform(limit: Double) throws -> Output {
      try randomUniform(shape: shape, minval: -limit, maxval: limit, dtype: dtype, seed: seed, file: file, line: line)
    }
    func scaledTruncated(_ variance: Double) throws -> Output {
      try truncatedNormal(
        shape: shape, stddev: variance.squareRoot() / truncatedNormalStddev, dtype: dtype, seed: seed, file: file,
        line: line)
    }
    switch initializer {
    case .zeros: return try fill(dims: shape, value: try constant(0, dtype: dtype), name: "zeros", file: file, line: line)
    case .ones: return try fill(dims: shape, value: try constant(1, dtype: dtype), name: "ones", file: file, line: line)
    case .constant(let v): return try fill(dims: shape, value: try constant(v, dtype: dtype), name: "Const", file: file, line: line)
    case .glorotUniform: return try uniform(limit: (6 / max(1, fanIn + fanOut)).squareRoot())
    case .glorotNormal: return try scaledTruncated(2 / max(1, fanIn + fanOut))
    case .heUniform: return try uniform(limit: (6 / max(1, fanIn)).squareRoot())
    case .heNormal: return try scaledTruncated(2 / max(1, fanIn))
    case .lecunUniform: return try uniform(limit: (3 / max(1, fanIn)).squareRoot())
    case .lecunNormal: return try scaledTruncated(1 / max(1, fanIn))
    case .randomUniform(let lo, let hi):
      return try randomUniform(shape: shape, minval: lo, maxval: hi, dtype: dtype, seed: seed, file: file, line: line)
    case .randomNormal(let mean, let sd):
      return try randomNormal(shape: shape, mean: mean, stddev: sd, dtype: dtype, seed: seed, file: file, line: line)
    case .truncatedNormal(let mean, let sd):
      return try truncatedNormal(shape: shape, mean: mean, stddev: sd, dtype: dtype, seed: seed, file: file, line: line)
    }
  }

  /// A variable of `shape` initialized by `initializer`, its initializer
  /// nodes under `name/Initializer/` as Keras names them.
  public func variable(
    _ name: String, shape: [Int], initializer: Initializer, dtype: DType = .float32, trainable: Bool = true,
    seed: Int? = nil, file: String = #fileID, line: Int = #line
  ) throws -> Variable {
    let scope = withNameScope(name) { currentScope }
    let initial = try withNameScope(scope + "/") {
      try withNameScope("Initializer") {
        try initialValue(initializer, shape: shape, dtype: dtype, seed: seed, file: file, line: line)
      }
    }
    return try variable(initial, name: scope + "/", trainable: trainable, file: file, line: line)
  }
}
