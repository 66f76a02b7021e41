// A numpy-like rendering of tensors: nested brackets, aligned columns, and
// numpy's summarization (`...` with 3 edge items per axis) past 1000 elements.

extension Tensor: CustomStringConvertible, CustomDebugStringConvertible {
  /// numpy's `repr` with `Tensor` for `array`, e.g.
  /// `Tensor([[1., 2.], [3., 4.]], dtype=float32)` over two lines.
  public var description: String {
    let prefix = "Tensor("
    return prefix + formattedElements(indent: prefix.count) + ", dtype=\(dtype))"
  }

  public var debugDescription: String {
    "Tensor(shape: \(shape), dtype: \(dtype), \(formattedElements(indent: 0)))"
  }

  /// The elements as numpy prints them, continuation lines indented by
  /// `indent` spaces.
  public func formattedElements(indent: Int = 0) -> String {
    let summarize = scalarCount > 1000
    let edge = 3
    // The flat indices that will be printed, and their texts, so that every
    // column gets the width of the widest element (as numpy does).
    var texts: [Int: String] = [:]
    func collect(axis: Int, offset: Int, stride: Int) {
      if axis == rank {
        texts[offset] = format(element: offset)
        return
      }
      let n = shape[axis]
      let inner = stride / Swift.max(n, 1)
      for i in visibleIndices(n, summarize: summarize, edge: edge) {
        if let i { collect(axis: axis + 1, offset: offset + i * inner, stride: inner) }
      }
    }
    collect(axis: 0, offset: 0, stride: scalarCount)
    // numpy aligns floats on the decimal point: integer parts padded on the
    // left, fractions on the right ("1. ", "2.5"); others right-aligned.
    let decimalAligned = dtype.isFloatingPoint && texts.values.allSatisfy { $0.contains(".") && !$0.contains("e") }
    var intWidth = 0, fracWidth = 0, width = 0
    for s in texts.values {
      width = Swift.max(width, s.count)
      if decimalAligned {
        let dot = s.firstIndex(of: ".")!
        intWidth = Swift.max(intWidth, s.distance(from: s.startIndex, to: dot))
        fracWidth = Swift.max(fracWidth, s.distance(from: dot, to: s.endIndex) - 1)
      }
    }
    for (k, s) in texts {
      if decimalAligned {
        let dot = s.firstIndex(of: ".")!
        let i = s.distance(from: s.startIndex, to: dot), f = s.distance(from: dot, to: s.endIndex) - 1
        texts[k] = String(repeating: " ", count: intWidth - i) + s + String(repeating: " ", count: fracWidth - f)
      } else {
        texts[k] = String(repeating: " ", count: width - s.count) + s
      }
    }

    func render(axis: Int, offset: Int, stride: Int, pad: Int) -> String {
      if axis == rank { return texts[offset] ?? "" }
      let n = shape[axis]
      let inner = stride / Swift.max(n, 1)
      let isLast = axis == rank - 1
      let separator = isLast
        ? ", "
        : "," + String(repeating: "\n", count: rank - axis - 1) + String(repeating: " ", count: pad + 1)
      let parts = visibleIndices(n, summarize: summarize, edge: edge).map { i -> String in
        guard let i else { return "..." }
        return render(axis: axis + 1, offset: offset + i * inner, stride: inner, pad: pad + 1)
      }
      return "[" + parts.joined(separator: separator) + "]"
    }
    if rank == 0 { return texts[0] ?? "" }
    return render(axis: 0, offset: 0, stride: scalarCount, pad: indent)
  }

  private func visibleIndices(_ n: Int, summarize: Bool, edge: Int) -> [Int?] {
    if summarize && n > 2 * edge {
      return Array(0..<edge) + [nil] + Array((n - edge)..<n)
    }
    return Array(0..<n)
  }

  private func format(element i: Int) -> String {
    let p = buffer.data
    switch dtype {
    case .float32: return Tensor.format(float: p.load(fromByteOffset: i * 4, as: Float.self).description)
    case .float64: return Tensor.format(float: p.load(fromByteOffset: i * 8, as: Double.self).description)
    case .int32: return p.load(fromByteOffset: i * 4, as: Int32.self).description
    case .int64: return p.load(fromByteOffset: i * 8, as: Int64.self).description
    case .uint8: return p.load(fromByteOffset: i, as: UInt8.self).description
    case .bool: return p.load(fromByteOffset: i, as: Bool.self) ? "True" : "False"
    }
  }

  /// numpy writes whole floats as `1.` and keeps the shortest round-trip
  /// digits otherwise; Swift's description already gives the latter.
  private static func format(float s: String) -> String {
    if s.hasSuffix(".0") { return String(s.dropLast()) }
    return s
  }
}
