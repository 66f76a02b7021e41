// Standard base64 (RFC 4648 §4, with padding) for inline tensor bytes.
// Decoding is strict — no whitespace, no missing padding — and writes
// straight into the destination, whose size the caller has checked first.

enum Base64 {
  private static let alphabet: [UInt8] = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

  private static let reverse: [UInt8] = {
    var table = [UInt8](repeating: 0xFF, count: 256)
    for (i, c) in alphabet.enumerated() { table[Int(c)] = UInt8(i) }
    return table
  }()

  /// The base64 text of `bytes`.
  static func encode(_ bytes: UnsafeRawBufferPointer) -> String {
    let n = bytes.count
    let outCount = (n + 2) / 3 * 4
    return String(unsafeUninitializedCapacity: outCount) { out in
      alphabet.withUnsafeBufferPointer { a in
        var i = 0, o = 0
        while i + 3 <= n {
          let v = UInt32(bytes[i]) << 16 | UInt32(bytes[i + 1]) << 8 | UInt32(bytes[i + 2])
          out[o] = a[Int(v >> 18)]
          out[o + 1] = a[Int(v >> 12 & 63)]
          out[o + 2] = a[Int(v >> 6 & 63)]
          out[o + 3] = a[Int(v & 63)]
          i += 3
          o += 4
        }
        if n - i == 1 {
          let v = UInt32(bytes[i]) << 16
          out[o] = a[Int(v >> 18)]
          out[o + 1] = a[Int(v >> 12 & 63)]
          out[o + 2] = UInt8(ascii: "=")
          out[o + 3] = UInt8(ascii: "=")
        } else if n - i == 2 {
          let v = UInt32(bytes[i]) << 16 | UInt32(bytes[i + 1]) << 8
          out[o] = a[Int(v >> 18)]
          out[o + 1] = a[Int(v >> 12 & 63)]
          out[o + 2] = a[Int(v >> 6 & 63)]
          out[o + 3] = UInt8(ascii: "=")
        }
      }
      return outCount
    }
  }

  /// The number of bytes `text` decodes to, or a sentence saying why it is
  /// not well-formed base64 by length and padding.
  static func decodedCount(_ text: String) -> Result<Int, JSONDecodingFailure> {
    let u = text.utf8
    guard u.count % 4 == 0 else {
      return .failure(JSONDecodingFailure("base64 text has \(u.count) characters, not a multiple of 4"))
    }
    var padding = 0
    if u.last == UInt8(ascii: "=") { padding += 1 }
    if u.count >= 2 && u[u.index(u.endIndex, offsetBy: -2)] == UInt8(ascii: "=") { padding += 1 }
    return .success(u.count / 4 * 3 - padding)
  }

  /// Decodes `text` into `out`, which holds exactly ``decodedCount(_:)``
  /// bytes.
  static func decode(_ text: String, into out: UnsafeMutableRawBufferPointer) throws {
    var text = text
    try text.withUTF8 { s in
      try reverse.withUnsafeBufferPointer { r in
        let n = s.count
        var o = 0
        var i = 0
        while i < n {
          var v: UInt32 = 0
          var pad = 0
          for k in 0..<4 {
            let c = s[i + k]
            if c == UInt8(ascii: "=") && i + 4 == n && k >= 2 && (k == 3 || s[i + 3] == UInt8(ascii: "=")) {
              pad += 1
              v <<= 6
              continue
            }
            let d = r[Int(c)]
            guard d != 0xFF else {
              throw JSONDecodingFailure("invalid base64 character at position \(i + k)")
            }
            v = v << 6 | UInt32(d)
          }
          out[o] = UInt8(v >> 16)
          if pad < 2 { out[o + 1] = UInt8(v >> 8 & 0xFF) }
          if pad < 1 { out[o + 2] = UInt8(v & 0xFF) }
          o += 3 - pad
          i += 4
        }
      }
    }
  }
}
