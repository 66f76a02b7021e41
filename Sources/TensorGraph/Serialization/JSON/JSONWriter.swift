// A canonical JSON writer: the same value always gives the same bytes.
// Members are written in the order the value lists them (the encoders fix
// that order); numbers are written as their stored text; strings escape
// only what JSON requires. Layout is a pure function of nesting depth, so
// files diff well: containers near the root go one member per line,
// deeper ones stay on one line.

struct JSONWriter {
  /// How a container at a given depth is laid out.
  struct Layout: Sendable {
    /// Objects at depth ≤ this are expanded one member per line
    /// (`-1`: never).
    var expandObjectsToDepth: Int
    /// Arrays at depth ≤ this are expanded one element per line.
    var expandArraysToDepth: Int
    /// Separators inside one-line containers: `", "`/`": "` or `","`/`":"`.
    var spaced: Bool

    /// Everything on one line, no spaces: the safetensors header.
    static let compact = Layout(expandObjectsToDepth: -1, expandArraysToDepth: -1, spaced: false)
  }

  private(set) var bytes: [UInt8] = []
  private let layout: Layout

  init(layout: Layout, reservingCapacity capacity: Int = 4096) {
    self.layout = layout
    bytes.reserveCapacity(capacity)
  }

  /// The encoding of `value` with `layout`.
  static func encode(_ value: JSONValue, layout: Layout) -> [UInt8] {
    var writer = JSONWriter(layout: layout)
    writer.write(value, depth: 0)
    if layout.expandObjectsToDepth >= 0 { writer.bytes.append(UInt8(ascii: "\n")) }
    return writer.bytes
  }

  private mutating func newline(indent: Int) {
    bytes.append(UInt8(ascii: "\n"))
    for _ in 0..<(indent * 2) { bytes.append(UInt8(ascii: " ")) }
  }

  private mutating func append(_ s: StaticString) {
    s.withUTF8Buffer { bytes.append(contentsOf: $0) }
  }

  mutating func write(_ value: JSONValue, depth: Int) {
    switch value {
    case .null: append("null")
    case .bool(let b): b ? append("true") : append("false")
    case .number(let text): bytes.append(contentsOf: text.utf8)
    case .string(let s): writeString(s)
    case .array(let items):
      guard !items.isEmpty else { return append("[]") }
      let expand = depth <= layout.expandArraysToDepth
      bytes.append(UInt8(ascii: "["))
      for (i, item) in items.enumerated() {
        if i > 0 { layout.spaced && !expand ? append(", ") : append(",") }
        if expand { newline(indent: depth + 1) }
        write(item, depth: depth + 1)
      }
      if expand { newline(indent: depth) }
      bytes.append(UInt8(ascii: "]"))
    case .object(let object):
      guard !object.members.isEmpty else { return append("{}") }
      let expand = depth <= layout.expandObjectsToDepth
      bytes.append(UInt8(ascii: "{"))
      for (i, member) in object.members.enumerated() {
        if i > 0 { layout.spaced && !expand ? append(", ") : append(",") }
        if expand { newline(indent: depth + 1) }
        writeString(member.key)
        layout.spaced ? append(": ") : append(":")
        write(member.value, depth: depth + 1)
      }
      if expand { newline(indent: depth) }
      bytes.append(UInt8(ascii: "}"))
    }
  }

  private mutating func writeString(_ s: String) {
    bytes.append(UInt8(ascii: "\""))
    for c in s.utf8 {
      switch c {
      case UInt8(ascii: "\""): append("\\\"")
      case UInt8(ascii: "\\"): append("\\\\")
      case 0x0A: append("\\n")
      case 0x0D: append("\\r")
      case 0x09: append("\\t")
      case 0x08: append("\\b")
      case 0x0C: append("\\f")
      case 0..<0x20:
        append("\\u00")
        let hex: [UInt8] = Array("0123456789abcdef".utf8)
        bytes.append(hex[Int(c >> 4)])
        bytes.append(hex[Int(c & 0xF)])
      default: bytes.append(c)
      }
    }
    bytes.append(UInt8(ascii: "\""))
  }
}
