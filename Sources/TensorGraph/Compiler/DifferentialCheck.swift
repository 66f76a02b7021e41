import Foundation

/// Runs a graph and its transformed version on the same seeded random
/// feeds and compares every kept output — the check every pass's tests
/// use, and the one to run on your own passes.
///
/// Both graphs start from the same variable values (the original's
/// initializers run once and the values are copied into the transformed
/// graph's session, so initializers may be pruned away), run `steps` times
/// — fetching the kept outputs and running the kept nodes, e.g. a train op
/// — on fresh feeds each step, and finally compare every variable both
/// have:
///
///     let check = DifferentialCheck(steps: 3, tolerance: 1e-5)
///     try check.verify(original: g, transformed: optimized, keep: KeepSet(fetches: [loss], targets: [train]))
///
/// Random ops must have fixed seeds (a graph seed or op seeds), or the two
/// runs draw different numbers.
public struct DifferentialCheck: Sendable {
  /// Seed of the random feeds.
  public var seed: UInt64
  /// The size of unknown dimensions in the feeds.
  public var unknownDimension: Int
  /// Values of integer feeds whose range the graph does not imply.
  public var integerRange: Range<Int>
  /// Allowed difference: `|a − b| ≤ tolerance · (1 + |b|)`, elementwise.
  public var tolerance: Double
  /// How many times to run (each with new feeds).
  public var steps: Int
  /// Feeds to use instead of random ones, by output name (`"x"`, `"x:1"`).
  public var feedOverrides: [String: Tensor]
  /// Initial variable values by name; the rest come from the original
  /// graph's initializers (`name/Assign`).
  public var variables: [String: Tensor]

  /// Creates a check.
  public init(
    seed: UInt64 = 1, unknownDimension: Int = 4, integerRange: Range<Int> = 0..<2, tolerance: Double = 1e-5,
    steps: Int = 1, feedOverrides: [String: Tensor] = [:], variables: [String: Tensor] = [:]
  ) {
    self.seed = seed
    self.unknownDimension = unknownDimension
    self.integerRange = integerRange
    self.tolerance = tolerance
    self.steps = steps
    self.feedOverrides = feedOverrides
    self.variables = variables
  }

  /// Runs both graphs and compares; see ``DifferentialReport``.
  ///
  /// - Throws: ``TensorGraphError`` when the original graph cannot run with
  ///   these feeds (a setup problem) or the transformed graph lacks a kept
  ///   output or a variable of the original. A transformed graph that fails
  ///   to run is a reported difference, not an error.
  public func run(original: Graph, transformed: Graph, keep: KeepSet) throws -> DifferentialReport {
    let a = Session(graph: original), b = Session(graph: transformed)
    try GraphRunner.setVariables(a, values: variables)
    let initial = GraphRunner.variableValues(a)
    var forB: [String: Tensor] = [:]
    for node in transformed.nodes where node.op == "VariableV2" {
      guard let v = initial[node.name] else {
        throw node.error(
          .invalidArgument,
          "variable '\(node.name)' of the transformed graph has no initialized counterpart in the original")
      }
      forB[node.name] = v
    }
    try b.restoreVariables(forB, requireAll: true)

    let fetchNames = keep.outputs.sorted()
    let fetchesA = try keep.fetches(in: original), targetsA = try keep.targets(in: original)
    let fetchesB = try keep.fetches(in: transformed), targetsB = try keep.targets(in: transformed)
    let feedNames = try GraphRunner.requiredFeeds(original, keep: keep)
    let generator = RandomFeeds(seed: seed, unknownDimension: unknownDimension, integerRange: integerRange)
    var report = DifferentialReport(tolerance: tolerance, comparisons: [])

    for step in 0..<max(1, steps) {
      var feedsA: [Output: Tensor] = [:], feedsB: [Output: Tensor] = [:]
      for name in feedNames {
        let value = try feedOverrides[name] ?? feedOverrides[KeepSet.split(name).node]
          ?? generator.value(for: name, in: original, stream: step)
        feedsA[try original.output(named: name)] = value
        feedsB[try transformed.output(named: name)] = value
      }
      let expected = try a.run(fetches: fetchesA, feeds: feedsA, targets: targetsA)
      let actual: [Tensor]
      do {
        actual = try b.run(fetches: fetchesB, feeds: feedsB, targets: targetsB)
      } catch {
        report.comparisons.append(
          .init(name: "(run)", step: step, maxAbsoluteError: .infinity, passed: false,
            detail: "the transformed graph failed to run: \(error)"))
        return report
      }
      for (k, name) in fetchNames.enumerated() {
        report.comparisons.append(compare(name, step: step, expected[k], actual[k]))
      }
    }
    let finalA = GraphRunner.variableValues(a), finalB = GraphRunner.variableValues(b)
    for name in finalA.keys.sorted() {
      guard let x = finalA[name], let y = finalB[name] else { continue }
      report.comparisons.append(compare(name, step: nil, x, y))
    }
    return report
  }

  /// Runs the check and throws unless every comparison passed.
  ///
  /// - Throws: ``TensorGraphError`` (`invalidGraph`) naming the first
  ///   output or variable that differs, the step, the largest difference
  ///   and where it is.
  @discardableResult
  public func verify(original: Graph, transformed: Graph, keep: KeepSet) throws -> DifferentialReport {
    let report = try run(original: original, transformed: transformed, keep: keep)
    if let bad = report.comparisons.first(where: { !$0.passed }) {
      throw TensorGraphError(.invalidGraph, "differential check failed: \(bad)", node: bad.name)
    }
    return report
  }

  private func compare(_ name: String, step: Int?, _ x: Tensor, _ y: Tensor) -> DifferentialReport.Comparison {
    guard x.dtype == y.dtype, x.shape == y.shape else {
      return .init(
        name: name, step: step, maxAbsoluteError: .infinity, passed: false,
        detail: "expected \(x.dtype)\(PartialShape(x.shape)), got \(y.dtype)\(PartialShape(y.shape))")
    }
    let u = x.doubles(), v = y.doubles()
    var worst = 0.0, worstIndex = -1, passed = true
    for i in 0..<u.count {
      let e = u[i], a = v[i]
      if e == a || (e.isNaN && a.isNaN) { continue }
      let d = Swift.abs(e - a)
      if !(d <= tolerance * (1 + Swift.abs(e))) { passed = false }
      if !(d <= worst) {
        worst = d.isNaN ? .infinity : d
        worstIndex = i
      }
    }
    let detail = worstIndex < 0 ? "" : "largest difference at flat index \(worstIndex): expected \(u[worstIndex]), got \(v[worstIndex])"
    return .init(name: name, step: step, maxAbsoluteError: worst, passed: passed, detail: detail)
  }
}

/// The result of a ``DifferentialCheck``: one comparison per kept output
/// per step, and one per variable at the end.
public struct DifferentialReport: Sendable, CustomStringConvertible {
  /// One compared value.
  public struct Comparison: Sendable, CustomStringConvertible {
    /// The output (`"y:0"`) or variable name.
    public var name: String
    /// The step, or `nil` for a variable compared after the last step.
    public var step: Int?
    /// The largest elementwise difference.
    public var maxAbsoluteError: Double
    /// Whether every element was within tolerance.
    public var passed: Bool
    /// Where the largest difference is, or why the values are not
    /// comparable.
    public var detail: String

    public var description: String {
      let what = step.map { "'\(name)' at step \($0)" } ?? "variable '\(name)' after the last step"
      let verdict = passed ? "matches" : "differs"
      return "\(what) \(verdict) (max |Δ| \(maxAbsoluteError))" + (detail.isEmpty ? "" : ": \(detail)")
    }
  }

  /// The tolerance used.
  public var tolerance: Double
  /// Every comparison, in order.
  public var comparisons: [Comparison]

  /// Whether every comparison passed.
  public var passed: Bool { comparisons.allSatisfy(\.passed) }

  /// The largest difference seen.
  public var maxAbsoluteError: Double { comparisons.map(\.maxAbsoluteError).max() ?? 0 }

  public var description: String {
    (["differential check: \(passed ? "passed" : "FAILED"), \(comparisons.count) comparisons, tolerance \(tolerance)"]
      + comparisons.filter { !$0.passed }.map { "  " + $0.description }).joined(separator: "\n")
  }
}
