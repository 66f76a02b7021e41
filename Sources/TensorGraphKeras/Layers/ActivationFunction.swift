/// An activation function, by its Keras name: `"relu"`, `"sigmoid"`,
/// `"tanh"`, `"softmax"`, `"linear"` (and `"elu"`, `"softplus"`,
/// `"exponential"`).
///
///     Dense(128, activation: "relu")
///     Dense(10, activation: .softmax)
///
/// A string literal is checked when the layer is first called: an unknown
/// name throws an error that lists the known ones and suggests the closest.
public struct ActivationFunction: Hashable, Sendable, ExpressibleByStringLiteral, CustomStringConvertible {
  /// The Keras name.
  public let name: String

  /// The function named `name` (checked when applied; see ``validated()``).
  public init(_ name: String) { self.name = name }
  /// The function named by a string literal.
  public init(stringLiteral value: String) { self.init(value) }

  /// `x` (Keras's default: no activation).
  public static let linear = ActivationFunction("linear")
  /// `max(x, 0)` (`Relu`).
  public static let relu = ActivationFunction("relu")
  /// `1 / (1 + e⁻ˣ)` (`Sigmoid`).
  public static let sigmoid = ActivationFunction("sigmoid")
  /// `tanh x` (`Tanh`).
  public static let tanh = ActivationFunction("tanh")
  /// `eˣ / Σ eˣ` over the last axis (`Softmax`).
  public static let softmax = ActivationFunction("softmax")
  /// `x` if `x > 0` else `eˣ − 1` (`Elu`).
  public static let elu = ActivationFunction("elu")
  /// `log(1 + eˣ)` (`Softplus`).
  public static let softplus = ActivationFunction("softplus")
  /// `eˣ` (`Exp`).
  public static let exponential = ActivationFunction("exponential")

  /// Every known name.
  public static let knownNames = ["linear", "relu", "sigmoid", "tanh", "softmax", "elu", "softplus", "exponential"]

  public var description: String { name }

  /// The function, or an error naming the unknown activation with
  /// suggestions.
  public func validated() throws -> ActivationFunction {
    guard Self.knownNames.contains(name) else {
      throw unknownNameError("activation function", name, known: Self.knownNames)
    }
    return self
  }

  /// Adds the activation of `x` to `graph` (no node for `linear`), named
  /// as Keras's TensorFlow ops are (`Relu`, `Softmax`, …) in the current
  /// name scope.
  public func apply(_ x: Output, in graph: Graph) throws -> Output {
    switch try validated().name {
    case "linear": return x
    case "relu": return try graph.relu(x)
    case "sigmoid": return try graph.sigmoid(x)
    case "tanh": return try graph.tanh(x)
    case "softmax": return try graph.softmax(x)
    case "elu": return try graph.elu(x)
    case "softplus": return try graph.softplus(x)
    default: return try graph.exp(x)
    }
  }
}
