import TensorGraph

/// A few values of a tensor, laid out as numpy prints arrays: nested
/// brackets, aligned columns, and `...` in place of all but the first and
/// last three entries of any long axis once the tensor has more than
/// ``threshold`` elements (numpy's `edgeitems=3`, with a lower threshold so
/// that a batch of outputs fits on a screen).
enum TensorPreview {
  /// Element count above which long axes are summarized.
  static let threshold = 36
  static let edge = 3

  /// The values, continuation lines indented by `indent` spaces.
  static func render(_ t: Tensor, indent: Int = 0) -> String {
    let summarize = t.scalarCount > threshold
    // Visible flat indices, so that columns get the widest visible text.
    var visible: [Int] = []
    func collect(axis: Int, offset: Int, stride: Int) {
      if axis == t.rank { return visible.append(offset) }
      let inner = stride / max(t.shape[axis], 1)
      for i in indices(t.shape[axis], summarize) {
        if let i { collect(axis: axis + 1, offset: offset + i * inner, stride: inner) }
      }
    }
    collect(axis: 0, offset: 0, stride: t.scalarCount)
    let texts = aligned(elementTexts(t, visible), decimal: t.dtype.isFloatingPoint)
    var textOf: [Int: String] = [:]
    for (i, s) in zip(visible, texts) { textOf[i] = s }
    func render(axis: Int, offset: Int, stride: Int, pad: Int) -> String {
      if axis == t.rank { return textOf[offset] ?? "" }
      let inner = stride / max(t.shape[axis], 1)
      let separator = axis == t.rank - 1
        ? ", " : "," + String(repeating: "\n", count: t.rank - axis - 1) + String(repeating: " ", count: pad + 1)
      let parts = indices(t.shape[axis], summarize).map { i in
        i.map { render(axis: axis + 1, offset: offset + $0 * inner, stride: inner, pad: pad + 1) } ?? "..."
      }
      return "[" + parts.joined(separator: separator) + "]"
    }
    return render(axis: 0, offset: 0, stride: t.scalarCount, pad: indent)
  }

  private static func indices(_ n: Int, _ summarize: Bool) -> [Int?] {
    summarize && n > 2 * edge ? Array(0..<edge) + [nil] + Array((n - edge)..<n) : Array(0..<n)
  }

  /// The texts of elements `indices` as numpy writes them (`1.`, `0.5`,
  /// `1.5e-05`, `True`).
  private static func elementTexts(_ t: Tensor, _ indices: [Int]) -> [String] {
    switch t.dtype {
    case .float32, .float64:
      let all = t.doubles()
      let v = indices.map { all[$0] }
      let single = t.dtype == .float32
      return usesScientific(v) ? scientific(v, single: single) : v.map { fixed($0, single: single) }
    case .bool:
      let all = (try? t.scalars(as: Bool.self)) ?? []
      return indices.map { all[$0] ? "True" : "False" }
    default:
      let all = t.integers()
      return indices.map { String(all[$0]) }
    }
  }

  /// numpy's rule: scientific notation for the whole array when a finite
  /// nonzero magnitude is below 1e-4 or the largest is 1e8 or more.
  private static func usesScientific(_ v: [Double]) -> Bool {
    let magnitudes = v.filter { $0.isFinite && $0 != 0 }.map(\.magnitude)
    guard let low = magnitudes.min(), let high = magnitudes.max() else { return false }
    return low < 1e-4 || high >= 1e8
  }

  /// The shortest text that reads back as the same value (of the tensor's
  /// dtype), with at most 8 fractional digits (numpy's `precision=8`):
  /// `0.19957879`, `1.`, `-2.5`.
  private static func fixed(_ x: Double, single: Bool) -> String {
    if let special = nonFinite(x) { return special }
    let shortest = single ? Float(x).description : x.description
    if !shortest.contains("e"), let dot = shortest.firstIndex(of: "."),
      shortest.distance(from: dot, to: shortest.endIndex) <= 9
    {
      return trimZeros(shortest)
    }
    return trimZeros(String(format: "%.8f", x))
  }

  /// Scientific notation with as many mantissa digits as the element that
  /// needs most (up to 8), as numpy pads them: `1.0e-05`, `2.5e+00`.
  private static func scientific(_ v: [Double], single: Bool) -> [String] {
    func digits(_ x: Double) -> Int {
      guard x.isFinite else { return 0 }
      for p in 0..<8 {
        let back = Double(String(format: "%.\(p)e", x))!
        if single ? Float(back) == Float(x) : back == x { return p }
      }
      return 8
    }
    let p = max(1, v.map(digits).max() ?? 1)
    return v.map { nonFinite($0) ?? String(format: "%.\(p)e", $0) }
  }

  private static func nonFinite(_ x: Double) -> String? {
    if x.isNaN { return "nan" }
    if x.isInfinite { return x < 0 ? "-inf" : "inf" }
    return nil
  }

  private static func trimZeros(_ s: String) -> String {
    guard s.contains(".") else { return s }
    var t = Substring(s)
    while t.hasSuffix("0") { t = t.dropLast() }
    return t == "-0." ? "-0." : String(t)
  }

  /// Pads texts to one width; plain decimals line up on the point, as
  /// numpy's do.
  private static func aligned(_ texts: [String], decimal: Bool) -> [String] {
    func split(_ s: String) -> (Int, Int)? {
      guard decimal, !s.contains("e"), !s.contains("n"), let dot = s.firstIndex(of: ".") else { return nil }
      return (s.distance(from: s.startIndex, to: dot), s.distance(from: dot, to: s.endIndex) - 1)
    }
    let parts = texts.map(split)
    if decimal, parts.allSatisfy({ $0 != nil }) {
      let left = parts.map { $0!.0 }.max() ?? 0, right = parts.map { $0!.1 }.max() ?? 0
      return zip(texts, parts).map { s, p in
        String(repeating: " ", count: left - p!.0) + s + String(repeating: " ", count: right - p!.1)
      }
    }
    let width = texts.map(\.count).max() ?? 0
    return texts.map { String(repeating: " ", count: width - $0.count) + $0 }
  }
}
