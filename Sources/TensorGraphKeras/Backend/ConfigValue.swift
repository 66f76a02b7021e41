import Foundation

/// A JSON value in a Keras configuration (`get_config()`): what a saved
/// model's `keras.json` holds for layers, losses, metrics and optimizers.
public enum ConfigValue: Sendable, Equatable, Codable, CustomStringConvertible {
  /// JSON `null`.
  case null
  /// A boolean.
  case bool(Bool)
  /// An integer.
  case int(Int)
  /// A floating-point number.
  case double(Double)
  /// A string.
  case string(String)
  /// An array.
  case array([ConfigValue])
  /// An object.
  case object([String: ConfigValue])

  /// Decodes any JSON value.
  public init(from decoder: Decoder) throws {
    let c = try decoder.singleValueContainer()
    if c.decodeNil() {
      self = .null
    } else if let b = try? c.decode(Bool.self) {
      self = .bool(b)
    } else if let i = try? c.decode(Int.self) {
      self = .int(i)
    } else if let d = try? c.decode(Double.self) {
      self = .double(d)
    } else if let s = try? c.decode(String.self) {
      self = .string(s)
    } else if let a = try? c.decode([ConfigValue].self) {
      self = .array(a)
    } else {
      self = .object(try c.decode([String: ConfigValue].self))
    }
  }

  /// Encodes the value as JSON.
  public func encode(to encoder: Encoder) throws {
    var c = encoder.singleValueContainer()
    switch self {
    case .null: try c.encodeNil()
    case .bool(let b): try c.encode(b)
    case .int(let i): try c.encode(i)
    case .double(let d): try c.encode(d)
    case .string(let s): try c.encode(s)
    case .array(let a): try c.encode(a)
    case .object(let o): try c.encode(o)
    }
  }

  public var description: String {
    switch self {
    case .null: return "null"
    case .bool(let b): return String(b)
    case .int(let i): return String(i)
    case .double(let d): return String(d)
    case .string(let s): return "\"\(s)\""
    case .array(let a): return "[" + a.map(\.description).joined(separator: ", ") + "]"
    case .object(let o):
      return "{" + o.keys.sorted().map { "\"\($0)\": \(o[$0]!)" }.joined(separator: ", ") + "}"
    }
  }

  // MARK: - Reading

  /// The member `key` of an object, or `nil`.
  public subscript(key: String) -> ConfigValue? {
    if case .object(let o) = self { return o[key] }
    return nil
  }

  /// The value as an integer (integers, and doubles without a fraction).
  public var intValue: Int? {
    switch self {
    case .int(let i): return i
    case .double(let d) where d.rounded() == d && abs(d) < 1e15: return Int(d)
    default: return nil
    }
  }

  /// The value as a double (doubles and integers).
  public var doubleValue: Double? {
    switch self {
    case .double(let d): return d
    case .int(let i): return Double(i)
    default: return nil
    }
  }

  /// The value as a string.
  public var stringValue: String? {
    if case .string(let s) = self { return s }
    return nil
  }

  /// The value as a boolean.
  public var boolValue: Bool? {
    if case .bool(let b) = self { return b }
    return nil
  }

  /// The value as an array.
  public var arrayValue: [ConfigValue]? {
    if case .array(let a) = self { return a }
    return nil
  }

  /// A shape: an array of integers and nulls (`[null, 28, 28]`).
  public var shapeValue: [Int?]? {
    guard let a = arrayValue else { return nil }
    var dims: [Int?] = []
    for v in a {
      if case .null = v {
        dims.append(nil)
      } else if let i = v.intValue {
        dims.append(i)
      } else {
        return nil
      }
    }
    return dims
  }

  /// A shape as a config value (`nil` dimensions become `null`).
  public static func shape(_ dims: [Int?]) -> ConfigValue {
    .array(dims.map { $0.map(ConfigValue.int) ?? .null })
  }
}

/// Reads typed members of a layer's or an object's config, throwing a
/// clear error for a member that is missing or of the wrong type.
public struct ConfigReader {
  /// The config being read.
  public let config: ConfigValue
  /// What is being read, for error messages (`layer 'dense' (Dense)`).
  public let context: String

  /// Creates a reader.
  public init(_ config: ConfigValue, context: String) {
    self.config = config
    self.context = context
  }

  private func fail(_ key: String, _ what: String) -> TensorGraphError {
    TensorGraphError(.format, "\(context): config member '\(key)' \(what)")
  }

  /// A required member.
  public func value(_ key: String) throws -> ConfigValue {
    guard let v = config[key] else { throw fail(key, "is missing") }
    return v
  }

  /// A required string member.
  public func string(_ key: String) throws -> String {
    guard let s = try value(key).stringValue else { throw fail(key, "must be a string") }
    return s
  }

  /// A required integer member.
  public func int(_ key: String) throws -> Int {
    guard let i = try value(key).intValue else { throw fail(key, "must be an integer") }
    return i
  }

  /// A required number member.
  public func double(_ key: String) throws -> Double {
    guard let d = try value(key).doubleValue else { throw fail(key, "must be a number") }
    return d
  }

  /// A required boolean member.
  public func bool(_ key: String) throws -> Bool {
    guard let b = try value(key).boolValue else { throw fail(key, "must be true or false") }
    return b
  }

  /// An optional member of any type (`nil` when absent or null).
  public func optional(_ key: String) -> ConfigValue? {
    if let v = config[key], v != .null { return v }
    return nil
  }

  /// A required shape member (integers and nulls).
  public func shape(_ key: String) throws -> [Int?] {
    guard let s = try value(key).shapeValue else { throw fail(key, "must be a list of integers or nulls") }
    return s
  }
}
