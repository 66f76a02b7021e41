/// The element type of a tensor.
///
/// The raw values are TensorFlow's short names (`float32`, `int64`, …), which
/// are also what error messages and serialized graphs use.
public enum DType: String, CaseIterable, Sendable, Hashable, CustomStringConvertible {
  /// 32-bit IEEE 754 floating point (`tf.float32`).
  case float32
  /// 64-bit IEEE 754 floating point (`tf.float64`).
  case float64
  /// 32-bit signed integer (`tf.int32`).
  case int32
  /// 64-bit signed integer (`tf.int64`).
  case int64
  /// 8-bit unsigned integer (`tf.uint8`), e.g. raw image pixels.
  case uint8
  /// Boolean, one byte per element (`tf.bool`).
  case bool

  /// Size in bytes of one element.
  @inlinable
  public var byteSize: Int {
    switch self {
    case .float32, .int32: return 4
    case .float64, .int64: return 8
    case .uint8, .bool: return 1
    }
  }

  /// Whether the type is `float32` or `float64`.
  @inlinable
  public var isFloatingPoint: Bool { self == .float32 || self == .float64 }

  /// Whether the type is a signed or unsigned integer type.
  @inlinable
  public var isInteger: Bool { self == .int32 || self == .int64 || self == .uint8 }

  /// Whether arithmetic is defined on the type (every type but `bool`).
  @inlinable
  public var isNumeric: Bool { self != .bool }

  /// TensorFlow's `DataType` enum spelling (`DT_FLOAT`, `DT_INT32`, …).
  public var tensorFlowName: String {
    switch self {
    case .float32: return "DT_FLOAT"
    case .float64: return "DT_DOUBLE"
    case .int32: return "DT_INT32"
    case .int64: return "DT_INT64"
    case .uint8: return "DT_UINT8"
    case .bool: return "DT_BOOL"
    }
  }

  /// Parses a dtype from its short name (`float32`), its numpy-style alias
  /// (`float`, `double`) or TensorFlow's enum spelling (`DT_FLOAT`).
  public init?(name: String) {
    if let t = DType(rawValue: name) { self = t; return }
    switch name {
    case "float", "DT_FLOAT": self = .float32
    case "double", "DT_DOUBLE": self = .float64
    case "DT_INT32": self = .int32
    case "DT_INT64": self = .int64
    case "DT_UINT8": self = .uint8
    case "DT_BOOL": self = .bool
    default: return nil
    }
  }

  public var description: String { rawValue }
}

/// Sets of dtypes used in op signatures.
extension Set where Element == DType {
  /// `float32` and `float64`.
  public static let floatingPoint: Set<DType> = [.float32, .float64]
  /// Every numeric type (all but `bool`).
  public static let numeric: Set<DType> = [.float32, .float64, .int32, .int64, .uint8]
  /// The types arithmetic ops accept: floats and the signed integers.
  public static let arithmetic: Set<DType> = [.float32, .float64, .int32, .int64]
  /// `int32` and `int64`, TensorFlow's index types (`Tidx`).
  public static let indices: Set<DType> = [.int32, .int64]
  /// Every dtype.
  public static let all: Set<DType> = Set(DType.allCases)
}
