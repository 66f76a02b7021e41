/// A typed attribute value of a node, mirroring TensorFlow's `AttrValue`
/// oneof: scalars, lists of scalars, shapes, dtypes and tensors.
///
/// Literals convert: `["transpose_a": true, "axis": 1, "padding": "SAME"]`.
public enum AttrValue: Sendable, Equatable, CustomStringConvertible {
  /// An integer (`i`).
  case int(Int)
  /// A float (`f`). Stored in double precision; TensorFlow stores float32.
  case float(Double)
  /// A boolean (`b`).
  case bool(Bool)
  /// A string (`s`).
  case string(String)
  /// A dtype (`type`).
  case type(DType)
  /// A partial shape (`shape`).
  case shape(PartialShape)
  /// A tensor (`tensor`), e.g. a Const's value.
  case tensor(Tensor)
  /// A list of integers (`list.i`).
  case ints([Int])
  /// A list of floats (`list.f`).
  case floats([Double])
  /// A list of booleans (`list.b`).
  case bools([Bool])
  /// A list of strings (`list.s`).
  case strings([String])
  /// A list of dtypes (`list.type`).
  case types([DType])
  /// A list of shapes (`list.shape`).
  case shapes([PartialShape])

  /// The kind of value this is.
  public var kind: AttrKind {
    switch self {
    case .int: return .int
    case .float: return .float
    case .bool: return .bool
    case .string: return .string
    case .type: return .type
    case .shape: return .shape
    case .tensor: return .tensor
    case .ints: return .ints
    case .floats: return .floats
    case .bools: return .bools
    case .strings: return .strings
    case .types: return .types
    case .shapes: return .shapes
    }
  }

  public var description: String {
    switch self {
    case .int(let v): return "\(v)"
    case .float(let v): return "\(v)"
    case .bool(let v): return "\(v)"
    case .string(let v): return "\"\(v)\""
    case .type(let v): return "\(v)"
    case .shape(let v): return "\(v)"
    case .tensor(let t): return "tensor<\(t.dtype) \(t.shape)>"
    case .ints(let v): return "\(v)"
    case .floats(let v): return "\(v)"
    case .bools(let v): return "\(v)"
    case .strings(let v): return "\(v)"
    case .types(let v): return "[" + v.map(\.rawValue).joined(separator: ", ") + "]"
    case .shapes(let v): return "[" + v.map(\.description).joined(separator: ", ") + "]"
    }
  }
}

/// The kinds of attribute values, as an op definition declares them.
public enum AttrKind: String, Sendable, Hashable, CustomStringConvertible {
  case int, float, bool, string, type, shape, tensor
  case ints = "list(int)", floats = "list(float)", bools = "list(bool)"
  case strings = "list(string)", types = "list(type)", shapes = "list(shape)"

  public var description: String { rawValue }
}

extension AttrValue: ExpressibleByIntegerLiteral, ExpressibleByFloatLiteral,
  ExpressibleByBooleanLiteral, ExpressibleByStringLiteral
{
  public init(integerLiteral value: Int) { self = .int(value) }
  public init(floatLiteral value: Double) { self = .float(value) }
  public init(booleanLiteral value: Bool) { self = .bool(value) }
  public init(stringLiteral value: String) { self = .string(value) }
}
