/// One input or output argument of an op signature.
///
/// Written as TensorFlow's `REGISTER_OP` writes them and parsed once when the
/// registry is built: `"x: T"`, `"axis: Tidx"`, `"values: N * T"`,
/// `"ref: Ref(T)"`, `"y: int32"`.
public struct ArgDef: Sendable, Hashable {
  /// How the argument's dtype is determined.
  public enum TypeSpec: Sendable, Hashable {
    /// Always this dtype.
    case fixed(DType)
    /// The value of the named `type` attribute.
    case attr(String)
  }

  /// The argument name (`a`, `b`, `values`).
  public var name: String
  /// Its dtype rule.
  public var type: TypeSpec
  /// For a homogeneous list (`N * T`), the `int` attribute holding its length.
  public var countAttr: String?
  /// Whether the argument is a reference to a variable (`Ref(T)`): kernels
  /// receive the variable itself and may update it in place.
  public var isRef: Bool

  /// Parses `"name: [N *] [Ref(]type[)]"`.
  init(parsing spec: String) {
    let parts = spec.split(separator: ":", maxSplits: 1).map { $0.trimmingWhitespace() }
    precondition(parts.count == 2, "bad argument spec '\(spec)'")
    name = parts[0]
    var rest = parts[1]
    countAttr = nil
    if let star = rest.firstIndex(of: "*") {
      countAttr = String(rest[..<star]).trimmingWhitespace()
      rest = String(rest[rest.index(after: star)...]).trimmingWhitespace()
    }
    isRef = rest.hasPrefix("Ref(") && rest.hasSuffix(")")
    if isRef { rest = String(rest.dropFirst(4).dropLast()) }
    type = DType(name: rest).map(TypeSpec.fixed) ?? .attr(rest)
  }
}

/// One attribute of an op signature, with its kind, default and constraint.
///
/// Parsed from TensorFlow-style specs: `"T: {float, double}"`,
/// `"transpose_a: bool = false"`, `"N: int >= 1"`,
/// `"padding: {'SAME', 'VALID'}"`, `"out_type: {int32, int64} = int32"`.
public struct AttrDef: Sendable {
  /// The attribute name.
  public var name: String
  /// The kind of value it holds.
  public var kind: AttrKind
  /// The value used when a node does not set it; `nil` makes it required.
  public var defaultValue: AttrValue?
  /// For `type` attributes: the dtypes allowed (`nil` allows all).
  public var allowedTypes: Set<DType>?
  /// For `string` attributes: the values allowed (`nil` allows all).
  public var allowedStrings: [String]?
  /// For `int` attributes: the smallest value allowed.
  public var minimum: Int?

  init(parsing spec: String) {
    let parts = spec.split(separator: ":", maxSplits: 1).map { $0.trimmingWhitespace() }
    precondition(parts.count == 2, "bad attribute spec '\(spec)'")
    name = parts[0]
    var rest = parts[1]
    var defaultText: String?
    // The default follows the first '=' that is not part of '>='.
    var search = rest.startIndex
    while let eq = rest[search...].firstIndex(of: "=") {
      if eq > rest.startIndex && rest[rest.index(before: eq)] == ">" {
        search = rest.index(after: eq)
        continue
      }
      defaultText = String(rest[rest.index(after: eq)...]).trimmingWhitespace()
      rest = String(rest[..<eq]).trimmingWhitespace()
      break
    }
    allowedTypes = nil
    allowedStrings = nil
    minimum = nil
    if rest.hasPrefix("{") {
      let items = rest.dropFirst().dropLast().split(separator: ",").map { $0.trimmingWhitespace() }
      if items.first?.hasPrefix("'") == true {
        kind = .string
        allowedStrings = items.map { String($0.dropFirst().dropLast()) }
      } else {
        kind = .type
        allowedTypes = Set(items.map { item in
          guard let t = DType(name: item) else { preconditionFailure("bad dtype '\(item)' in '\(spec)'") }
          return t
        })
      }
    } else if rest.hasPrefix("int"), let ge = rest.range(of: ">=") {
      kind = .int
      guard let m = Int(rest[ge.upperBound...].trimmingWhitespace()) else {
        preconditionFailure("bad minimum in '\(spec)'")
      }
      minimum = m
    } else {
      switch rest {
      case "int": kind = .int
      case "float": kind = .float
      case "bool": kind = .bool
      case "string": kind = .string
      case "type": kind = .type
      case "shape": kind = .shape
      case "tensor": kind = .tensor
      case "list(int)": kind = .ints
      case "list(float)": kind = .floats
      case "list(bool)": kind = .bools
      case "list(string)": kind = .strings
      case "list(type)": kind = .types
      case "list(shape)": kind = .shapes
      default: preconditionFailure("bad attribute kind '\(rest)' in '\(spec)'")
      }
    }
    defaultValue = defaultText.map { AttrDef.parseDefault($0, kind: kind, spec: spec) }
  }

  private static func parseDefault(_ text: String, kind: AttrKind, spec: String) -> AttrValue {
    func list(_ t: String) -> [String] {
      t.dropFirst().dropLast().split(separator: ",").map { $0.trimmingWhitespace() }
    }
    switch kind {
    case .int: return .int(Int(text)!)
    case .float: return .float(Double(text)!)
    case .bool: return .bool(text == "true")
    case .string: return .string(String(text.dropFirst().dropLast()))
    case .type: return .type(DType(name: text)!)
    case .shape: return .shape(text == "unknown" ? .unknown : PartialShape(list(text).map { Int($0) }))
    case .ints: return .ints(list(text).map { Int($0)! })
    case .floats: return .floats(list(text).map { Double($0)! })
    case .bools: return .bools(list(text).map { $0 == "true" })
    case .strings: return .strings(list(text).map { String($0.dropFirst().dropLast()) })
    case .types: return .types(list(text).map { DType(name: $0)! })
    case .shapes, .tensor: preconditionFailure("no defaults for \(kind) in '\(spec)'")
    }
  }

  /// Checks `value` against kind and constraints; returns a sentence saying
  /// what is wrong, or `nil` when it is acceptable.
  func problem(with value: AttrValue) -> String? {
    guard value.kind == kind else {
      return "attribute '\(name)' must be \(kind), got \(value.kind) \(value)"
    }
    switch value {
    case .type(let t):
      if let allowedTypes, !allowedTypes.contains(t) {
        let list = allowedTypes.map(\.rawValue).sorted().joined(separator: ", ")
        return "attribute '\(name)' is \(t), which is not one of {\(list)}"
      }
    case .string(let s):
      if let allowedStrings, !allowedStrings.contains(s) {
        return "attribute '\(name)' is '\(s)', which is not one of \(allowedStrings.map { "'\($0)'" }.joined(separator: ", "))"
      }
    case .int(let i):
      if let minimum, i < minimum {
        return "attribute '\(name)' is \(i) but must be at least \(minimum)"
      }
    default: break
    }
    return nil
  }
}

extension StringProtocol {
  func trimmingWhitespace() -> String {
    var s = Substring(self)
    while s.first?.isWhitespace == true { s = s.dropFirst() }
    while s.last?.isWhitespace == true { s = s.dropLast() }
    return String(s)
  }
}
