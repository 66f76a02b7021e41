// The JSON document model shared by the graph format and the safetensors
// header: numbers keep their source text (integers and floats convert
// exactly, with no detour through Double), objects keep member order and
// where they start in the input (for error messages that point at a line).

/// A parsed or to-be-written JSON value.
enum JSONValue: Sendable {
  case null
  case bool(Bool)
  /// A number, as its JSON text (`-12`, `0.5`, `1e-05`).
  case number(String)
  case string(String)
  case array([JSONValue])
  case object(JSONObject)

  /// The kind of value, as error messages name it.
  var kindName: String {
    switch self {
    case .null: return "null"
    case .bool: return "bool"
    case .number(let text): return JSONValue.isIntegerText(text) ? "integer" : "number"
    case .string: return "string"
    case .array: return "array"
    case .object: return "object"
    }
  }

  /// Whether number text has no fraction and no exponent.
  static func isIntegerText(_ text: String) -> Bool {
    !text.utf8.contains { $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "e") || $0 == UInt8(ascii: "E") }
  }

  /// An integer value.
  static func int(_ v: Int) -> JSONValue { .number(String(v)) }

  /// A double: the shortest text that reads back to the same bits; NaN and
  /// the infinities, which JSON lacks, as the strings protobuf's JSON
  /// mapping uses ("NaN", "Infinity", "-Infinity").
  static func double(_ v: Double) -> JSONValue {
    if v.isNaN { return .string("NaN") }
    if v.isInfinite { return .string(v < 0 ? "-Infinity" : "Infinity") }
    return .number(v.description)
  }
}

/// A JSON object: members in document order, and the byte offset of its
/// opening brace in the parsed input (`-1` for objects built in memory).
struct JSONObject: Sendable {
  var members: [(key: String, value: JSONValue)]
  var offset: Int

  init(_ members: [(key: String, value: JSONValue)], offset: Int = -1) {
    self.members = members
    self.offset = offset
  }

  /// The value of member `key`, if present (objects in this format are
  /// small; a linear scan beats hashing).
  subscript(key: String) -> JSONValue? {
    for m in members where m.key == key { return m.value }
    return nil
  }

  /// The member names, in document order.
  var keys: [String] { members.map(\.key) }
}
