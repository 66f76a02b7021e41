// Attribute values in the graph format, mirroring TensorFlow's AttrValue
// JSON: one member naming the kind.
//
//     {"i": 3}  {"f": 0.5}  {"f": "NaN"}  {"b": true}  {"s": "SAME"}  {"type": "DT_FLOAT"}
//     {"shape": {"dim": [{"size": -1}, {"size": 784}]}}  {"shape": {"unknown_rank": true}}
//     {"tensor": {...}}  {"list": {"i": [1, 2]}}  {"list": {"type": ["DT_FLOAT"]}}

extension AttrValue {
  /// The JSON of this value. Tensors are written by `tensor`, which decides
  /// between inline bytes and the weights file.
  func json(tensor: (Tensor) -> JSONValue) -> JSONValue {
    func one(_ key: String, _ value: JSONValue) -> JSONValue { .object(JSONObject([(key, value)])) }
    func list(_ key: String, _ values: [JSONValue]) -> JSONValue { one("list", one(key, .array(values))) }
    switch self {
    case .int(let v): return one("i", .int(v))
    case .float(let v): return one("f", .double(v))
    case .bool(let v): return one("b", .bool(v))
    case .string(let v): return one("s", .string(v))
    case .type(let v): return one("type", .string(v.tensorFlowName))
    case .shape(let v): return one("shape", v.json)
    case .tensor(let t): return one("tensor", tensor(t))
    case .ints(let v): return list("i", v.map(JSONValue.int))
    case .floats(let v): return list("f", v.map(JSONValue.double))
    case .bools(let v): return list("b", v.map(JSONValue.bool))
    case .strings(let v): return list("s", v.map(JSONValue.string))
    case .types(let v): return list("type", v.map { .string($0.tensorFlowName) })
    case .shapes(let v): return list("shape", v.map(\.json))
    }
  }

  private static let scalarKeys = ["i", "f", "b", "s", "type", "shape", "tensor", "list"]
  private static let listKeys = ["i", "f", "b", "s", "type", "shape"]

  /// The kind a JSON attribute key denotes, for messages.
  private static func kindName(ofKey key: String, list: Bool) -> String {
    let kind: AttrKind
    switch key {
    case "i": kind = list ? .ints : .int
    case "f": kind = list ? .floats : .float
    case "b": kind = list ? .bools : .bool
    case "s": kind = list ? .strings : .string
    case "type": kind = list ? .types : .type
    case "shape": kind = list ? .shapes : .shape
    default: kind = .tensor
    }
    return kind.rawValue
  }

  /// Parses an attribute value.
  ///
  /// - Parameters:
  ///   - expected: The kind the op declares for this attribute, if it
  ///     declares it: a value of another kind is rejected here, with the
  ///     path, and an empty `{"list": {}}` takes this kind.
  ///   - weights: Resolves `weights_key` references of tensors.
  static func decodeJSON(
    _ value: JSONValue, expected: AttrKind?, weights: (String) throws -> Tensor?
  ) throws -> AttrValue {
    let o = try value.object()
    guard o.members.count == 1, let (key, inner) = o.members.first else {
      throw JSONDecodingFailure(
        "expected an object with exactly one of \(scalarKeys.map { "\"\($0)\"" }.joined(separator: ", ")); got \(o.members.isEmpty ? "an empty object" : "members " + o.keys.map { "\"\($0)\"" }.joined(separator: ", "))")
    }
    guard scalarKeys.contains(key) else {
      throw JSONDecodingFailure(
        "unknown attribute value kind \"\(key)\" (expected one of \(scalarKeys.map { "\"\($0)\"" }.joined(separator: ", ")))")
    }
    if key == "list" {
      let l = try within(.key("list")) { try inner.object() }
      guard l.members.count <= 1 else {
        throw JSONDecodingFailure(
          "a list holds one kind of element; got members \(l.keys.map { "\"\($0)\"" }.joined(separator: ", "))"
        ).at(.key("list"))
      }
      guard let (listKey, items) = l.members.first else {
        // TensorFlow writes an empty list as {"list": {}}: its kind comes
        // from the op definition.
        guard let expected, expected.rawValue.hasPrefix("list(") else {
          throw JSONDecodingFailure(
            "an empty list {} has no element kind, and the op does not declare this attribute as a list"
          ).at(.key("list"))
        }
        try check(kind: expected, expected: expected)
        return empty(expected)
      }
      guard listKeys.contains(listKey) else {
        throw JSONDecodingFailure(
          "unsupported list element kind \"\(listKey)\" (expected one of \(listKeys.map { "\"\($0)\"" }.joined(separator: ", ")))"
        ).at(.key("list"))
      }
      let v = try within(.key("list")) {
        try within(.key(listKey)) { try decodeList(listKey, items) }
      }
      try check(kind: v.kind, expected: expected)
      return v
    }
    if let expected, expected.rawValue != kindName(ofKey: key, list: false) {
      throw JSONDecodingFailure(
        "expected \(expected) (\(jsonForm(of: expected))), got \(kindName(ofKey: key, list: false)) ({\"\(key)\": …})",
        reason: .invalidAttribute)
    }
    return try within(.key(key)) {
      switch key {
      case "i": return .int(try inner.int())
      case "f": return .float(try inner.double())
      case "b": return .bool(try inner.bool())
      case "s": return .string(try inner.string())
      case "type": return .type(try DType.decodeJSON(inner))
      case "shape": return .shape(try PartialShape.decodeJSON(inner))
      default: return .tensor(try Tensor.decodeJSON(inner, weights: weights))
      }
    }
  }

  private static func decodeList(_ key: String, _ items: JSONValue) throws -> AttrValue {
    switch key {
    case "i": return .ints(try items.array { try $0.int() })
    case "f": return .floats(try items.array { try $0.double() })
    case "b": return .bools(try items.array { try $0.bool() })
    case "s": return .strings(try items.array { try $0.string() })
    case "type": return .types(try items.array { try DType.decodeJSON($0) })
    default: return .shapes(try items.array { try PartialShape.decodeJSON($0) })
    }
  }

  private static func check(kind: AttrKind, expected: AttrKind?) throws {
    if let expected, expected != kind {
      throw JSONDecodingFailure(
        "expected \(expected) (\(jsonForm(of: expected))), got \(kind) (\(jsonForm(of: kind)))",
        reason: .invalidAttribute)
    }
  }

  private static func empty(_ kind: AttrKind) -> AttrValue {
    switch kind {
    case .floats: return .floats([])
    case .bools: return .bools([])
    case .strings: return .strings([])
    case .types: return .types([])
    case .shapes: return .shapes([])
    default: return .ints([])
    }
  }

  /// How a kind is spelled in JSON, for messages: `{"b": …}`.
  private static func jsonForm(of kind: AttrKind) -> String {
    switch kind {
    case .int: return "{\"i\": …}"
    case .float: return "{\"f\": …}"
    case .bool: return "{\"b\": …}"
    case .string: return "{\"s\": …}"
    case .type: return "{\"type\": …}"
    case .shape: return "{\"shape\": …}"
    case .tensor: return "{\"tensor\": …}"
    case .ints: return "{\"list\": {\"i\": […]}}"
    case .floats: return "{\"list\": {\"f\": […]}}"
    case .bools: return "{\"list\": {\"b\": […]}}"
    case .strings: return "{\"list\": {\"s\": […]}}"
    case .types: return "{\"list\": {\"type\": […]}}"
    case .shapes: return "{\"list\": {\"shape\": […]}}"
    }
  }
}
