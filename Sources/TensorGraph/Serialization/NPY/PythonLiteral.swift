// The subset of Python literal syntax a .npy header uses — what numpy
// reads with `ast.literal_eval`: dicts, tuples, lists, strings, integers
// (with Python 2's `L` suffix), True, False and None.

enum PythonLiteral {
  case string(String)
  case int(Int)
  case bool(Bool)
  case none
  case tuple([PythonLiteral])
  case list([PythonLiteral])
  case dict([(PythonLiteral, PythonLiteral)])

  var kindName: String {
    switch self {
    case .string: return "a string"
    case .int: return "an integer"
    case .bool: return "a bool"
    case .none: return "None"
    case .tuple: return "a tuple"
    case .list: return "a list"
    case .dict: return "a dict"
    }
  }

  /// Parses `text` as one literal. Errors give the character offset.
  static func parse(_ text: String) throws -> PythonLiteral {
    var p = Parser(chars: Array(text.unicodeScalars))
    p.skipSpace()
    let value = try p.value(depth: 0)
    p.skipSpace()
    guard p.pos == p.chars.count else { throw p.failure("unexpected text after the literal") }
    return value
  }

  /// A syntax error at character `offset` of the header text.
  struct SyntaxError: Error {
    var offset: Int
    var message: String
  }

  private struct Parser {
    let chars: [Unicode.Scalar]
    var pos = 0

    func failure(_ message: String) -> SyntaxError { SyntaxError(offset: pos, message: message) }

    mutating func skipSpace() {
      while pos < chars.count, chars[pos] == " " || chars[pos] == "\t" || chars[pos] == "\n" || chars[pos] == "\r" {
        pos += 1
      }
    }

    mutating func value(depth: Int) throws -> PythonLiteral {
      guard depth < 16 else { throw failure("nesting too deep") }
      guard pos < chars.count else { throw failure("unexpected end of header; expected a value") }
      switch chars[pos] {
      case "{":
        pos += 1
        var items: [(PythonLiteral, PythonLiteral)] = []
        try sequence(close: "}") {
          let key = try $0.value(depth: depth + 1)
          $0.skipSpace()
          guard $0.pos < $0.chars.count, $0.chars[$0.pos] == ":" else { throw $0.failure("expected ':' in a dict") }
          $0.pos += 1
          $0.skipSpace()
          items.append((key, try $0.value(depth: depth + 1)))
        }
        return .dict(items)
      case "(":
        pos += 1
        var items: [PythonLiteral] = []
        var sawComma = false
        try sequence(close: ")", sawComma: &sawComma) { items.append(try $0.value(depth: depth + 1)) }
        // `(5)` is just 5 in Python; `(5,)` is a tuple.
        if items.count == 1 && !sawComma { return items[0] }
        return .tuple(items)
      case "[":
        pos += 1
        var items: [PythonLiteral] = []
        try sequence(close: "]") { items.append(try $0.value(depth: depth + 1)) }
        return .list(items)
      case "'", "\"":
        return .string(try string())
      case "0"..."9", "-", "+":
        return .int(try integer())
      default:
        for (word, v) in [("True", PythonLiteral.bool(true)), ("False", .bool(false)), ("None", .none)] {
          let w = Array(word.unicodeScalars)
          if pos + w.count <= chars.count, Array(chars[pos..<(pos + w.count)]) == w {
            pos += w.count
            return v
          }
        }
        throw failure("unexpected '\(Character(chars[pos]))'; expected a value")
      }
    }

    mutating func sequence(close: Unicode.Scalar, _ element: (inout Parser) throws -> Void) throws {
      var sawComma = false
      try sequence(close: close, sawComma: &sawComma, element)
    }

    /// Comma-separated elements up to `close`; a trailing comma is allowed.
    mutating func sequence(close: Unicode.Scalar, sawComma: inout Bool, _ element: (inout Parser) throws -> Void) throws {
      while true {
        skipSpace()
        guard pos < chars.count else { throw failure("unexpected end of header; expected '\(close)'") }
        if chars[pos] == close {
          pos += 1
          return
        }
        try element(&self)
        skipSpace()
        guard pos < chars.count else { throw failure("unexpected end of header; expected ',' or '\(close)'") }
        if chars[pos] == "," {
          sawComma = true
          pos += 1
        } else if chars[pos] != close {
          throw failure("unexpected '\(Character(chars[pos]))'; expected ',' or '\(close)'")
        }
      }
    }

    mutating func string() throws -> String {
      let quote = chars[pos]
      pos += 1
      var out = String.UnicodeScalarView()
      while pos < chars.count {
        let c = chars[pos]
        pos += 1
        if c == quote { return String(out) }
        if c == "\\" {
          guard pos < chars.count else { break }
          let e = chars[pos]
          pos += 1
          switch e {
          case "n": out.append("\n")
          case "t": out.append("\t")
          case "\\", "'", "\"": out.append(e)
          default: throw failure("unsupported escape '\\\(Character(e))' in a string")
          }
          continue
        }
        if c == "\n" { break }
        out.append(c)
      }
      throw failure("unterminated string")
    }

    mutating func integer() throws -> Int {
      let start = pos
      if chars[pos] == "-" || chars[pos] == "+" { pos += 1 }
      let digitsStart = pos
      while pos < chars.count, ("0"..."9").contains(chars[pos]) { pos += 1 }
      guard pos > digitsStart else { throw failure("expected digits") }
      let text = String(String.UnicodeScalarView(chars[start..<pos]))
      if pos < chars.count, chars[pos] == "L" || chars[pos] == "l" { pos += 1 }
      guard let v = Int(text) else { throw SyntaxError(offset: start, message: "integer \(text) does not fit in 64 bits") }
      return v
    }
  }
}
