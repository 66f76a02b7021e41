// The .npy format (numpy's NEP 1): the magic "\x93NUMPY", a major and minor
// version byte, the header length (2 bytes little-endian in version 1.0, 4
// bytes in 2.0 and 3.0), a Python dict literal
// {'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), } padded with
// spaces and a newline so the data starts at a multiple of 64 bytes
// (Latin-1 in 1.0 and 2.0, UTF-8 in 3.0), then the raw elements.
// Spec: https://numpy.org/doc/stable/reference/generated/numpy.lib.format.html

enum NPYFormat {
  static let magic: [UInt8] = [0x93] + Array("NUMPY".utf8)

  /// What a header declares.
  struct Header {
    var dtype: DType
    /// Whether elements are stored big-endian (and must be swapped).
    var bigEndian: Bool
    var fortranOrder: Bool
    var shape: [Int]
  }

  /// The descr numpy writes for `dtype` on a little-endian machine.
  static func descr(of dtype: DType) -> String {
    switch dtype {
    case .float32: return "<f4"
    case .float64: return "<f8"
    case .int32: return "<i4"
    case .int64: return "<i8"
    case .uint8: return "|u1"
    case .bool: return "|b1"
    }
  }

  // MARK: - Writing

  /// The header numpy's `np.save` writes for a C-order array of `dtype`
  /// and `shape`, byte for byte: version 1.0, or 2.0 when the header does
  /// not fit in 65535 bytes.
  static func header(dtype: DType, shape: [Int]) -> [UInt8] {
    let shapeText: String
    switch shape.count {
    case 0: shapeText = "()"
    case 1: shapeText = "(\(shape[0]),)"
    default: shapeText = "(" + shape.map(String.init).joined(separator: ", ") + ")"
    }
    var dict = "{'descr': '\(descr(of: dtype))', 'fortran_order': False, 'shape': \(shapeText), }"
    // numpy leaves room to grow the first axis in place.
    if let first = shape.first { dict += String(repeating: " ", count: max(0, 21 - String(first).count)) }
    let text = Array(dict.utf8)
    let hlen = text.count + 1
    func wrap(major: UInt8, lengthSize: Int) -> [UInt8]? {
      let padding = 64 - ((magic.count + 2 + lengthSize + hlen) % 64)
      let total = hlen + padding
      guard lengthSize == 4 || total <= Int(UInt16.max) else { return nil }
      var out = magic + [major, 0]
      if lengthSize == 2 {
        withUnsafeBytes(of: UInt16(total).littleEndian) { out.append(contentsOf: $0) }
      } else {
        withUnsafeBytes(of: UInt32(total).littleEndian) { out.append(contentsOf: $0) }
      }
      out += text
      out += [UInt8](repeating: UInt8(ascii: " "), count: padding)
      out.append(UInt8(ascii: "\n"))
      return out
    }
    return wrap(major: 1, lengthSize: 2) ?? wrap(major: 2, lengthSize: 4)!
  }

  // MARK: - Reading

  /// Reads and checks the magic, version and header; returns the header
  /// and the byte offset where the data starts.
  static func readHeader(_ source: any ByteSource, context: String) throws -> (Header, dataStart: Int) {
    func fail(_ message: String) -> TensorGraphError { TensorGraphError(.format, "\(context): \(message)") }
    let size = source.size
    var prefix = [UInt8](repeating: 0, count: min(size, 12))
    if !prefix.isEmpty { try prefix.withUnsafeMutableBytes { try source.read(into: $0.baseAddress!, offset: 0, count: $0.count) } }
    guard prefix.count >= 6, Array(prefix[0..<6]) == magic else {
      throw fail("not a .npy file: it does not start with the magic string \\x93NUMPY")
    }
    guard prefix.count >= 8 else { throw fail("truncated at byte \(size): the version bytes are missing") }
    let (major, minor) = (prefix[6], prefix[7])
    guard [1, 2, 3].contains(major), minor == 0 else {
      throw fail("unsupported .npy format version \(major).\(minor) at byte 6 (this build reads 1.0, 2.0 and 3.0)")
    }
    let lengthSize = major == 1 ? 2 : 4
    guard prefix.count >= 8 + lengthSize else {
      throw fail("truncated at byte \(size): the \(lengthSize)-byte header length at byte 8 is missing")
    }
    let headerLength =
      lengthSize == 2
      ? Int(UInt16(prefix[8]) | UInt16(prefix[9]) << 8)
      : Int(UInt32(prefix[8]) | UInt32(prefix[9]) << 8 | UInt32(prefix[10]) << 16 | UInt32(prefix[11]) << 24)
    let headerStart = 8 + lengthSize
    guard headerLength <= size - headerStart else {
      throw fail(
        "the header length at byte 8 is \(headerLength), which runs past the end of the file: the header would end at byte \(headerStart + headerLength) but the file has \(size) bytes")
    }
    var raw = [UInt8](repeating: 0, count: headerLength)
    if headerLength > 0 { try raw.withUnsafeMutableBytes { try source.read(into: $0.baseAddress!, offset: headerStart, count: headerLength) } }
    let text: String
    if major == 3 {
      guard let s = String(validating: raw, as: UTF8.self) else { throw fail("the version 3.0 header is not valid UTF-8") }
      text = s
    } else {
      text = String(String.UnicodeScalarView(raw.map { Unicode.Scalar($0) }))  // Latin-1
    }
    let header: Header
    do {
      header = try parse(text)
    } catch let e as PythonLiteral.SyntaxError {
      throw fail("header (bytes \(headerStart)..<\(headerStart + headerLength)): \(e.message) at character \(e.offset)")
    } catch let e as JSONDecodingFailure {
      throw fail("header (bytes \(headerStart)..<\(headerStart + headerLength)): \(e.description)")
    }
    return (header, headerStart + headerLength)
  }

  /// Interprets the header dict as numpy does: exactly the keys `descr`,
  /// `fortran_order` and `shape`.
  private static func parse(_ text: String) throws -> Header {
    guard case .dict(let items) = try PythonLiteral.parse(text) else {
      throw JSONDecodingFailure("the header is not a Python dict literal")
    }
    var values: [String: PythonLiteral] = [:]
    for (k, v) in items {
      guard case .string(let key) = k else { throw JSONDecodingFailure("a header key is \(k.kindName), not a string") }
      guard ["descr", "fortran_order", "shape"].contains(key) else {
        throw JSONDecodingFailure("unexpected header key '\(key)' (expected 'descr', 'fortran_order', 'shape')")
      }
      values[key] = v
    }
    for key in ["descr", "fortran_order", "shape"] where values[key] == nil {
      throw JSONDecodingFailure("the header has no '\(key)'")
    }
    guard case .string(let descr) = values["descr"]! else {
      if case .list = values["descr"]! {
        throw JSONDecodingFailure("'descr' is a structured dtype, which TensorGraph does not support")
      }
      throw JSONDecodingFailure("'descr' is \(values["descr"]!.kindName), not a string")
    }
    guard case .bool(let fortran) = values["fortran_order"]! else {
      throw JSONDecodingFailure("'fortran_order' is \(values["fortran_order"]!.kindName), not True or False")
    }
    guard case .tuple(let dims) = values["shape"]! else {
      throw JSONDecodingFailure("'shape' is \(values["shape"]!.kindName), not a tuple")
    }
    var shape: [Int] = []
    for d in dims {
      guard case .int(let n) = d, n >= 0 else {
        throw JSONDecodingFailure("'shape' must hold non-negative integers, got \(d)")
      }
      shape.append(n)
    }
    let (dtype, bigEndian) = try parseDescr(descr)
    return Header(dtype: dtype, bigEndian: bigEndian, fortranOrder: fortran, shape: shape)
  }

  /// `<f4`, `>f8`, `|u1`, `|b1`, …: byte order, kind, size.
  private static func parseDescr(_ descr: String) throws -> (DType, bigEndian: Bool) {
    let unsupported = JSONDecodingFailure(
      "dtype '\(descr)' is not supported (TensorGraph reads <f4, <f8, <i4, <i8, |u1, |b1, and '>' big-endian forms)")
    let chars = Array(descr.unicodeScalars)
    guard chars.count >= 3, "<>|=".unicodeScalars.contains(chars[0]) else { throw unsupported }
    let dtype: DType
    switch String(String.UnicodeScalarView(chars[1...])) {
    case "f4": dtype = .float32
    case "f8": dtype = .float64
    case "i4": dtype = .int32
    case "i8": dtype = .int64
    case "u1": dtype = .uint8
    case "b1": dtype = .bool
    default: throw unsupported
    }
    if dtype.byteSize > 1 && chars[0] == "|" { throw unsupported }
    return (dtype, chars[0] == ">" && dtype.byteSize > 1)
  }
}

// MARK: - PythonLiteral descriptions for messages

extension PythonLiteral: CustomStringConvertible {
  var description: String {
    switch self {
    case .string(let s): return "'\(s)'"
    case .int(let i): return "\(i)"
    case .bool(let b): return b ? "True" : "False"
    case .none: return "None"
    case .tuple(let t): return "(" + t.map(\.description).joined(separator: ", ") + (t.count == 1 ? ",)" : ")")
    case .list(let l): return "[" + l.map(\.description).joined(separator: ", ") + "]"
    case .dict(let d): return "{" + d.map { "\($0.0): \($0.1)" }.joined(separator: ", ") + "}"
    }
  }
}
