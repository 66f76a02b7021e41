// Typed access to a parsed JSON document for the format decoders. A
// failure records the path to the value it is about; each level adds its
// component on the way out (only on the error path, so decoding valid
// files builds no path strings), and the decoder turns it into a
// TensorGraphError whose message starts with the path:
//
//     node[12] 'dense/MatMul' attr 'transpose_a'.b: expected bool, got string

/// One step of a path into a JSON document.
enum JSONPathComponent: Sendable {
  /// An object member: rendered `.key` (or `key` first).
  case key(String)
  /// An array element: rendered `[i]`.
  case index(Int)
  /// A pre-rendered step such as `node[12] 'dense/MatMul'`, separated from
  /// its neighbors by spaces.
  case label(String)
  /// A pre-rendered step such as `attr 'value'`: preceded by a space, and
  /// followed by `.key` as an object member is.
  case qualifier(String)
}

/// A problem found while decoding a parsed document, with where it is.
struct JSONDecodingFailure: Error {
  var reason: TensorGraphError.Reason
  var message: String
  var path: [JSONPathComponent] = []

  init(_ message: String, reason: TensorGraphError.Reason = .format) {
    self.reason = reason
    self.message = message
  }

  /// This failure with `component` prepended to its path.
  func at(_ component: JSONPathComponent) -> JSONDecodingFailure {
    var f = self
    f.path.insert(component, at: 0)
    return f
  }

  /// `path: message`.
  var description: String {
    let p = JSONDecodingFailure.render(path)
    return p.isEmpty ? message : "\(p): \(message)"
  }

  static func render(_ path: [JSONPathComponent]) -> String {
    var out = ""
    var afterLabel = true
    for component in path {
      switch component {
      case .label(let s):
        out += out.isEmpty ? s : " " + s
        afterLabel = true
      case .qualifier(let s):
        out += out.isEmpty ? s : " " + s
        afterLabel = false
      case .key(let k):
        out += out.isEmpty ? k : afterLabel ? " " + k : "." + k
        afterLabel = false
      case .index(let i):
        out += "[\(i)]"
        afterLabel = false
      }
    }
    return out
  }
}

/// Runs `body`; a failure inside it gets `component` prepended to its path.
@inline(__always)
func within<R>(_ component: @autoclosure () -> JSONPathComponent, _ body: () throws -> R) throws -> R {
  do {
    return try body()
  } catch var failure as JSONDecodingFailure {
    failure.path.insert(component(), at: 0)
    throw failure
  }
}

// MARK: - Typed access

extension JSONValue {
  /// A short rendering of the value for messages: its kind, and the value
  /// itself when it is a short scalar.
  var shortDescription: String {
    switch self {
    case .bool(let b): return "bool \(b)"
    case .number(let t): return "\(kindName) \(t.count > 24 ? String(t.prefix(24)) + "…" : t)"
    case .string(let s): return "string \"\(s.count > 40 ? String(s.prefix(40)) + "…" : s)\""
    default: return kindName
    }
  }

  private func mismatch(_ expected: String) -> JSONDecodingFailure {
    JSONDecodingFailure("expected \(expected), got \(shortDescription)")
  }

  func object() throws -> JSONObject {
    if case .object(let o) = self { return o }
    throw mismatch("an object")
  }

  func array() throws -> [JSONValue] {
    if case .array(let a) = self { return a }
    throw mismatch("an array")
  }

  func string() throws -> String {
    if case .string(let s) = self { return s }
    throw mismatch("a string")
  }

  func bool() throws -> Bool {
    if case .bool(let b) = self { return b }
    throw mismatch("bool")
  }

  /// An integer that fits in 64 bits.
  func int() throws -> Int {
    guard case .number(let text) = self, JSONValue.isIntegerText(text) else { throw mismatch("an integer") }
    guard let v = Int(text) else { throw JSONDecodingFailure("integer \(text) does not fit in 64 bits") }
    return v
  }

  /// A number, or one of the strings "NaN", "Infinity", "-Infinity".
  func double() throws -> Double {
    switch self {
    case .number(let text):
      if let v = Double(text) { return v }
    case .string("NaN"): return .nan
    case .string("Infinity"): return .infinity
    case .string("-Infinity"): return -.infinity
    default: break
    }
    throw mismatch("a number (or \"NaN\", \"Infinity\", \"-Infinity\")")
  }

  /// Each element of an array decoded by `element`, with its index in the
  /// path of any failure.
  func array<T>(of element: (JSONValue) throws -> T) throws -> [T] {
    let items = try array()
    var out: [T] = []
    out.reserveCapacity(items.count)
    for (i, item) in items.enumerated() {
      out.append(try within(.index(i)) { try element(item) })
    }
    return out
  }
}

extension JSONObject {
  /// Member `key`, which must be present.
  func required(_ key: String) throws -> JSONValue {
    guard let v = self[key] else { throw JSONDecodingFailure("missing member \"\(key)\"") }
    return v
  }

  /// Throws when a member is not one of `known`.
  func checkKeys(_ known: [String]) throws {
    for m in members where !known.contains(m.key) {
      throw JSONDecodingFailure(
        "unknown member \"\(m.key)\" (expected \(known.map { "\"\($0)\"" }.joined(separator: ", ")))")
    }
  }
}
