// Einsum's equation: parsed and checked as TensorFlow's
// ParseEinsumEquation and ValidateEinsumEquation, then resolved against
// the operands' ranks (the ellipsis becomes one label per broadcast
// dimension) and their shapes (every label gets its size).

/// A parsed einsum equation such as `"bij,bjk->bik"` or `"...ii->...i"`:
/// the labels of each operand and of the output, the ellipsis written as
/// ``ellipsis``.
struct EinsumEquation: Sendable, Equatable {
  /// The ellipsis (`...`) as one label character.
  static let ellipsis: Character = "…"
  /// The labels of each operand, in axis order.
  var inputs: [[Character]]
  /// The labels of the output, in axis order.
  var output: [Character]

  /// Parses `equation`, which must name `operands` (1 or 2) operands and
  /// hold exactly one `->`.
  init(_ equation: String, operands: Int) throws(IndexingError) {
    let sides = equation.filter { !$0.isWhitespace }.components(separatedBy: "->")
    guard sides.count == 2 else {
      throw .init(message: "Expecting exactly one '->' in einsum equation: \(equation)")
    }
    func labels(_ term: String) throws(IndexingError) -> [Character] {
      let parts = term.components(separatedBy: "...")
      guard parts.count <= 2 else {
        throw .init(message: "Expected at most one ellipsis (...), but found \(parts.count - 1) in: \(term)")
      }
      for part in parts where part.contains(".") || part.contains(Self.ellipsis) {
        throw .init(message: "Invalid character '.' in einsum subscripts: \(term) (an ellipsis is written ...)")
      }
      return parts.count == 2 ? Array(parts[0]) + [Self.ellipsis] + Array(parts[1]) : Array(parts[0])
    }
    let terms = sides[0].components(separatedBy: ",")
    guard terms.count == 1 || terms.count == 2 else {
      throw .init(message: "Expecting 1 or 2 input subscripts in equation '\(equation)' but got: \(terms.count)")
    }
    guard terms.count == operands else {
      throw .init(message: "Expecting \(terms.count) inputs for equation '\(equation)' but got: \(operands)")
    }
    var inputs: [[Character]] = []
    for term in terms { inputs.append(try labels(term)) }
    let output = try labels(sides[1])
    let seen = Set(inputs.joined())
    if let stray = output.first(where: { $0 != Self.ellipsis && !seen.contains($0) }) {
      throw .init(message: "Output subscript '\(stray)' of einsum equation '\(equation)' does not appear in any input")
    }
    self.inputs = inputs
    self.output = output
  }

  /// The synthetic label of broadcast dimension `i` (counted from the
  /// left of the broadcast dimensions) of an ellipsis.
  static func broadcastLabel(_ i: Int) -> Character { Character(UnicodeScalar(0xE000 + i)!) }

  /// The labels of each operand and of the output with each ellipsis
  /// expanded: operand dimensions under the ellipsis are right-aligned
  /// against the longest one (NumPy broadcasting), whose count `E` the
  /// output's ellipsis takes.
  func expanded(ranks: [Int]) throws(IndexingError) -> (inputs: [[Character]], output: [Character], broadcastRank: Int) {
    var counts: [Int] = []
    for (k, labels) in inputs.enumerated() {
      let named = labels.filter { $0 != Self.ellipsis }.count
      let hasEllipsis = labels.contains(Self.ellipsis)
      guard hasEllipsis ? ranks[k] >= named : ranks[k] == named else {
        throw .init(
          message: hasEllipsis
            ? "Expected input \(k) to have rank at least \(named) but got: \(ranks[k])"
            : "Input \(k) has rank \(ranks[k]) but its subscripts '\(String(labels))' name \(named) dimensions")
      }
      counts.append(ranks[k] - named)
    }
    let e = counts.max() ?? 0
    func expand(_ labels: [Character], _ n: Int) -> [Character] {
      labels.flatMap { $0 == Self.ellipsis ? (e - n..<e).map(Self.broadcastLabel) : [$0] }
    }
    if !output.contains(Self.ellipsis), e > 0 {
      throw .init(message: "Output contains \(e) broadcasting dimension(s) but no ellipsis (...) was found in the output subscripts.")
    }
    return (zip(inputs, counts).map { expand($0, $1) }, expand(output, e), e)
  }
}

/// The size of every label of an einsum on operands of `shapes`, checking
/// that a label names equal dimensions everywhere, and that broadcast
/// (ellipsis) dimensions are equal or 1.
func einsumLabelSizes(
  _ labels: [[Character]], _ shapes: [PartialShape], equation: String
) throws(IndexingError) -> [Character: Dimension] {
  var sizes: [Character: Dimension] = [:]
  for (k, (names, shape)) in zip(labels, shapes).enumerated() {
    for (axis, label) in names.enumerated() {
      let d = shape[axis]
      guard let known = sizes[label] else {
        sizes[label] = d
        continue
      }
      let isBroadcast = label.unicodeScalars.first!.value >= 0xE000
      if isBroadcast {
        // NumPy broadcasting: 1 stretches; unknown stays unknown.
        if known == 1 { sizes[label] = d } else if d == 1 || d.merged(with: known) != nil {
          sizes[label] = known.value == nil ? d : known
        } else {
          throw .init(message: "Invalid broadcasting dimensions: \(shapes[0]) vs. \(shapes[k]) in einsum '\(equation)'")
        }
      } else if let merged = d.merged(with: known) {
        sizes[label] = merged
      } else {
        throw .init(message: "Expected dimension \(known) at axis \(axis) of the input shaped \(shape) but got dimension \(d) (label '\(label)' of einsum '\(equation)')")
      }
    }
  }
  return sizes
}
