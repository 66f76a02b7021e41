// A strict RFC 8259 JSON parser for untrusted input: no trailing commas,
// comments, NaN literals or duplicate keys; strings must be valid UTF-8;
// nesting is limited so hostile input cannot exhaust the stack. Errors say
// what was expected, at which byte, line and column.

struct JSONParser {
  /// Deeper nesting is rejected: the graph format needs 7 levels.
  static let maxDepth = 64

  private let bytes: UnsafeRawBufferPointer
  private let what: String
  private let baseOffset: Int
  private var pos = 0
  private var depth = 0

  private init(bytes: UnsafeRawBufferPointer, what: String, baseOffset: Int) {
    self.bytes = bytes
    self.what = what
    self.baseOffset = baseOffset
  }

  /// Parses one JSON value filling `bytes` (surrounding whitespace allowed).
  ///
  /// - Parameters:
  ///   - what: Names the input in errors ("graph file 'mlp.json'").
  ///   - baseOffset: Added to byte offsets in errors, for JSON embedded in
  ///     a larger file (the safetensors header starts at byte 8).
  /// - Throws: ``TensorGraphError`` (`format`) naming the byte offset, line
  ///   and column of the first problem.
  static func parse(_ bytes: UnsafeRawBufferPointer, what: String, baseOffset: Int = 0) throws -> JSONValue {
    var parser = JSONParser(bytes: bytes, what: what, baseOffset: baseOffset)
    parser.skipWhitespace()
    guard parser.pos < bytes.count else { throw parser.failure("the input is empty; expected a JSON value") }
    let value = try parser.parseValue()
    parser.skipWhitespace()
    guard parser.pos == bytes.count else {
      throw parser.failure("unexpected \(parser.describeCurrent()) after the end of the JSON value")
    }
    return value
  }

  /// 1-based line and column of byte `offset` of `bytes`.
  static func lineAndColumn(of offset: Int, in bytes: UnsafeRawBufferPointer) -> (line: Int, column: Int) {
    var line = 1, lineStart = 0
    for i in 0..<min(offset, bytes.count) where bytes[i] == UInt8(ascii: "\n") {
      line += 1
      lineStart = i + 1
    }
    return (line, offset - lineStart + 1)
  }

  // MARK: - Errors

  private func failure(_ message: String, at offset: Int? = nil) -> TensorGraphError {
    let at = offset ?? pos
    let (line, column) = JSONParser.lineAndColumn(of: at, in: bytes)
    return TensorGraphError(
      .format, "\(what): invalid JSON at byte \(baseOffset + at) (line \(line), column \(column)): \(message)")
  }

  private func describeCurrent() -> String {
    guard pos < bytes.count else { return "end of input" }
    let c = bytes[pos]
    if c >= 0x21 && c < 0x7F { return "'\(Character(Unicode.Scalar(c)))'" }
    return "byte 0x" + String(c, radix: 16, uppercase: true)
  }

  // MARK: - Values

  private mutating func skipWhitespace() {
    while pos < bytes.count {
      switch bytes[pos] {
      case 0x20, 0x09, 0x0A, 0x0D: pos += 1
      default: return
      }
    }
  }

  private mutating func parseValue() throws -> JSONValue {
    guard pos < bytes.count else { throw failure("unexpected end of input; expected a value") }
    switch bytes[pos] {
    case UInt8(ascii: "{"): return try parseObject()
    case UInt8(ascii: "["): return try parseArray()
    case UInt8(ascii: "\""): return .string(try parseString())
    case UInt8(ascii: "t"): try expectLiteral("true"); return .bool(true)
    case UInt8(ascii: "f"): try expectLiteral("false"); return .bool(false)
    case UInt8(ascii: "n"): try expectLiteral("null"); return .null
    case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number(try parseNumber())
    default: throw failure("unexpected \(describeCurrent()); expected a value")
    }
  }

  private mutating func expectLiteral(_ word: StaticString) throws {
    let n = word.utf8CodeUnitCount
    let start = word.utf8Start
    guard pos + n <= bytes.count, (0..<n).allSatisfy({ bytes[pos + $0] == start[$0] }) else {
      throw failure("invalid literal; expected '\(word)'")
    }
    pos += n
  }

  private mutating func enter() throws {
    depth += 1
    guard depth <= JSONParser.maxDepth else {
      throw failure("nesting deeper than \(JSONParser.maxDepth) levels")
    }
  }

  private mutating func parseArray() throws -> JSONValue {
    try enter()
    defer { depth -= 1 }
    pos += 1
    var items: [JSONValue] = []
    skipWhitespace()
    if pos < bytes.count && bytes[pos] == UInt8(ascii: "]") {
      pos += 1
      return .array(items)
    }
    while true {
      skipWhitespace()
      items.append(try parseValue())
      skipWhitespace()
      guard pos < bytes.count else { throw failure("unexpected end of input; expected ',' or ']' in an array") }
      switch bytes[pos] {
      case UInt8(ascii: ","): pos += 1
      case UInt8(ascii: "]"): pos += 1; return .array(items)
      default: throw failure("unexpected \(describeCurrent()); expected ',' or ']' in an array")
      }
    }
  }

  private mutating func parseObject() throws -> JSONValue {
    try enter()
    defer { depth -= 1 }
    let offset = pos
    pos += 1
    var members: [(key: String, value: JSONValue)] = []
    var seen: Set<String>?  // built once an object is too big for a linear scan
    skipWhitespace()
    if pos < bytes.count && bytes[pos] == UInt8(ascii: "}") {
      pos += 1
      return .object(JSONObject(members, offset: offset))
    }
    while true {
      skipWhitespace()
      guard pos < bytes.count, bytes[pos] == UInt8(ascii: "\"") else {
        throw failure("unexpected \(describeCurrent()); expected a member name (a string) in an object")
      }
      let keyOffset = pos
      let key = try parseString()
      let duplicate: Bool
      if var set = seen {
        duplicate = !set.insert(key).inserted
        seen = set
      } else {
        duplicate = members.contains { $0.key == key }
        if members.count >= 8 { seen = Set(members.map(\.key) + [key]) }
      }
      if duplicate { throw failure("duplicate member name \"\(key)\"", at: keyOffset) }
      skipWhitespace()
      guard pos < bytes.count, bytes[pos] == UInt8(ascii: ":") else {
        throw failure("unexpected \(describeCurrent()); expected ':' after member name \"\(key)\"")
      }
      pos += 1
      skipWhitespace()
      members.append((key, try parseValue()))
      skipWhitespace()
      guard pos < bytes.count else { throw failure("unexpected end of input; expected ',' or '}' in an object") }
      switch bytes[pos] {
      case UInt8(ascii: ","): pos += 1
      case UInt8(ascii: "}"): pos += 1; return .object(JSONObject(members, offset: offset))
      default: throw failure("unexpected \(describeCurrent()); expected ',' or '}' in an object")
      }
    }
  }

  // MARK: - Numbers

  private func isDigit(_ i: Int) -> Bool {
    i < bytes.count && bytes[i] >= UInt8(ascii: "0") && bytes[i] <= UInt8(ascii: "9")
  }

  private mutating func parseNumber() throws -> String {
    let start = pos
    if bytes[pos] == UInt8(ascii: "-") { pos += 1 }
    guard isDigit(pos) else { throw failure("expected a digit in a number") }
    if bytes[pos] == UInt8(ascii: "0") {
      pos += 1
    } else {
      while isDigit(pos) { pos += 1 }
    }
    if pos < bytes.count && bytes[pos] == UInt8(ascii: ".") {
      pos += 1
      guard isDigit(pos) else { throw failure("expected a digit after the decimal point") }
      while isDigit(pos) { pos += 1 }
    }
    if pos < bytes.count && (bytes[pos] == UInt8(ascii: "e") || bytes[pos] == UInt8(ascii: "E")) {
      pos += 1
      if pos < bytes.count && (bytes[pos] == UInt8(ascii: "+") || bytes[pos] == UInt8(ascii: "-")) { pos += 1 }
      guard isDigit(pos) else { throw failure("expected a digit in the exponent") }
      while isDigit(pos) { pos += 1 }
    }
    return String(decoding: UnsafeRawBufferPointer(rebasing: bytes[start..<pos]), as: UTF8.self)
  }

  // MARK: - Strings

  private mutating func parseString() throws -> String {
    pos += 1
    let start = pos
    var ascii = true
    while pos < bytes.count {
      let c = bytes[pos]
      if c == UInt8(ascii: "\"") {
        let span = UnsafeRawBufferPointer(rebasing: bytes[start..<pos])
        pos += 1
        if ascii { return String(decoding: span, as: UTF8.self) }
        guard let s = String(validating: span, as: UTF8.self) else {
          throw failure("string is not valid UTF-8", at: start - 1)
        }
        return s
      }
      if c == UInt8(ascii: "\\") { return try parseEscapedString(from: start) }
      if c < 0x20 { throw failure("control character 0x\(String(c, radix: 16)) in a string; escape it") }
      if c >= 0x80 { ascii = false }
      pos += 1
    }
    throw failure("unterminated string", at: start - 1)
  }

  /// The slow path, for strings with escapes: decodes into bytes, then
  /// validates the result as UTF-8.
  private mutating func parseEscapedString(from start: Int) throws -> String {
    var out = Array(UnsafeRawBufferPointer(rebasing: bytes[start..<pos]))
    while pos < bytes.count {
      let c = bytes[pos]
      if c == UInt8(ascii: "\"") {
        pos += 1
        guard let s = String(validating: out, as: UTF8.self) else {
          throw failure("string is not valid UTF-8", at: start - 1)
        }
        return s
      }
      if c < 0x20 { throw failure("control character 0x\(String(c, radix: 16)) in a string; escape it") }
      guard c == UInt8(ascii: "\\") else {
        out.append(c)
        pos += 1
        continue
      }
      let escapeStart = pos
      pos += 1
      guard pos < bytes.count else { break }
      let e = bytes[pos]
      pos += 1
      switch e {
      case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): out.append(e)
      case UInt8(ascii: "b"): out.append(0x08)
      case UInt8(ascii: "f"): out.append(0x0C)
      case UInt8(ascii: "n"): out.append(0x0A)
      case UInt8(ascii: "r"): out.append(0x0D)
      case UInt8(ascii: "t"): out.append(0x09)
      case UInt8(ascii: "u"):
        var scalar = try parseHex4()
        if (0xD800..<0xDC00).contains(scalar) {
          guard pos + 1 < bytes.count, bytes[pos] == UInt8(ascii: "\\"), bytes[pos + 1] == UInt8(ascii: "u") else {
            throw failure("unpaired high surrogate in a \\u escape", at: escapeStart)
          }
          pos += 2
          let low = try parseHex4()
          guard (0xDC00..<0xE000).contains(low) else {
            throw failure("high surrogate not followed by a low surrogate", at: escapeStart)
          }
          scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
        } else if (0xDC00..<0xE000).contains(scalar) {
          throw failure("unpaired low surrogate in a \\u escape", at: escapeStart)
        }
        out.append(contentsOf: Array(String(Character(Unicode.Scalar(scalar)!)).utf8))
      default:
        throw failure("invalid escape '\\\(Character(Unicode.Scalar(e)))' in a string", at: escapeStart)
      }
    }
    throw failure("unterminated string", at: start - 1)
  }

  private mutating func parseHex4() throws -> UInt32 {
    guard pos + 4 <= bytes.count else { throw failure("truncated \\u escape") }
    var v: UInt32 = 0
    for _ in 0..<4 {
      let c = bytes[pos]
      let d: UInt8
      switch c {
      case UInt8(ascii: "0")...UInt8(ascii: "9"): d = c - UInt8(ascii: "0")
      case UInt8(ascii: "a")...UInt8(ascii: "f"): d = c - UInt8(ascii: "a") + 10
      case UInt8(ascii: "A")...UInt8(ascii: "F"): d = c - UInt8(ascii: "A") + 10
      default: throw failure("invalid hex digit in a \\u escape")
      }
      v = v << 4 | UInt32(d)
      pos += 1
    }
    return v
  }
}
