/// " (did you mean 'x'?)" for a name close to one of `candidates`, else "".
func didYouMean(_ name: String, among candidates: [String]) -> String {
  let lowered = name.lowercased()
  let scored = candidates.map { ($0, editDistance(lowered, $0.lowercased())) }
  let best = scored.filter { $0.1 <= max(2, name.count / 3) }.sorted { ($0.1, $0.0) < ($1.1, $1.0) }
  guard !best.isEmpty else { return "" }
  return " (did you mean " + best.prefix(2).map { "'\($0.0)'" }.joined(separator: " or ") + "?)"
}

/// An error for an unknown name of a kind (`activation`, `loss`), listing
/// the known names and suggesting close ones.
func unknownNameError(_ kind: String, _ name: String, known: [String]) -> TensorGraphError {
  TensorGraphError(
    .invalidArgument,
    "unknown \(kind) '\(name)'\(didYouMean(name, among: known)); known \(kind)s: \(known.joined(separator: ", "))")
}

/// Levenshtein distance.
func editDistance(_ a: String, _ b: String) -> Int {
  let x = Array(a.utf8), y = Array(b.utf8)
  if x.isEmpty { return y.count }
  if y.isEmpty { return x.count }
  var previous = Array(0...y.count)
  var current = [Int](repeating: 0, count: y.count + 1)
  for i in 1...x.count {
    current[0] = i
    for j in 1...y.count {
      current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (x[i - 1] == y[j - 1] ? 0 : 1))
    }
    swap(&previous, &current)
  }
  return previous[y.count]
}
