import Dispatch
import Foundation

/// Times a graph before and after a pass pipeline on the same feeds and
/// variable values, and reports the speed-up next to the pipeline's
/// ``PassReport``.
///
/// Runs of the two graphs alternate (before, after, before, …), so a
/// shared machine's load affects both alike. Build with `-c release`:
/// debug-build timings say little.
///
///     let experiment = PassExperiment(manager: .default, keep: KeepSet(fetches: [loss], targets: [train]),
///                                     feeds: ["x": batch, "labels": labels])
///     let result = try experiment.run(graph)
///     print(result)          // timings, speed-up and the pass report
public struct PassExperiment: Sendable {
  /// The pipeline to evaluate.
  public var manager: PassManager
  /// What the graph is run for: fetches, targets, fed outputs.
  public var keep: KeepSet
  /// Values of the fed outputs by name; missing ones are random
  /// (``RandomFeeds``).
  public var feeds: [String: Tensor]
  /// Initial variable values by name; the rest come from the original
  /// graph's initializers.
  public var variables: [String: Tensor]
  /// Timed runs of each graph.
  public var repetitions: Int
  /// Untimed runs of each graph first.
  public var warmupRuns: Int
  /// The size of unknown dimensions in random feeds.
  public var unknownDimension: Int
  /// Session options of both runs.
  public var sessionOptions: SessionOptions

  /// Creates an experiment.
  public init(
    manager: PassManager = .default, keep: KeepSet, feeds: [String: Tensor] = [:], variables: [String: Tensor] = [:],
    repetitions: Int = 30, warmupRuns: Int = 3, unknownDimension: Int = 32,
    sessionOptions: SessionOptions = SessionOptions()
  ) {
    self.manager = manager
    self.keep = keep
    self.feeds = feeds
    self.variables = variables
    self.repetitions = repetitions
    self.warmupRuns = warmupRuns
    self.unknownDimension = unknownDimension
    self.sessionOptions = sessionOptions
  }

  /// Optimizes `graph` with ``manager`` and times both versions.
  public func run(_ graph: Graph) throws -> ExperimentResult {
    let result = try manager.run(graph, keep: keep)
    return try compare(original: graph, transformed: result.graph, report: result.report)
  }

  /// Times `original` against `transformed` (e.g. a graph you transformed
  /// yourself); `report` is shown with the timings.
  public func compare(original: Graph, transformed: Graph, report: PassReport? = nil) throws -> ExperimentResult {
    let a = Session(graph: original, options: sessionOptions)
    let b = Session(graph: transformed, options: sessionOptions)
    try GraphRunner.setVariables(a, values: variables)
    let initial = GraphRunner.variableValues(a)
    try b.restoreVariables(initial.filter { transformed.node(named: $0.key) != nil }, requireAll: false)
    let random = RandomFeeds(seed: 1, unknownDimension: unknownDimension)
    var values: [String: Tensor] = [:]
    for name in try GraphRunner.requiredFeeds(original, keep: keep) {
      values[name] = try feeds[name] ?? feeds[KeepSet.split(name).node] ?? random.value(for: name, in: original)
    }
    let runA = try Runner(session: a, keep: keep, feeds: values)
    let runB = try Runner(session: b, keep: keep, feeds: values)
    for _ in 0..<warmupRuns {
      try runA.run()
      try runB.run()
    }
    var before: [Double] = [], after: [Double] = []
    for _ in 0..<max(1, repetitions) {
      before.append(try runA.timed())
      after.append(try runB.timed())
    }
    return ExperimentResult(
      graph: transformed, report: report, before: Timing(before), after: Timing(after))
  }

  /// One graph's run, resolved once.
  private struct Runner {
    let session: Session
    let fetches: [Output]
    let targets: [Node]
    let feeds: [Output: Tensor]

    init(session: Session, keep: KeepSet, feeds: [String: Tensor]) throws {
      self.session = session
      fetches = try keep.fetches(in: session.graph)
      targets = try keep.targets(in: session.graph)
      self.feeds = try GraphRunner.resolveFeeds(feeds, in: session.graph)
    }

    func run() throws {
      _ = try session.run(fetches: fetches, feeds: feeds, targets: targets)
    }

    func timed() throws -> Double {
      let start = DispatchTime.now().uptimeNanoseconds
      try run()
      return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    }
  }
}

/// Repeated timings of one graph: sorted samples, median and spread.
public struct Timing: Sendable, CustomStringConvertible {
  /// Seconds per run, ascending.
  public var samples: [Double]

  /// Sorts `samples`.
  public init(_ samples: [Double]) { self.samples = samples.sorted() }

  /// The fastest run.
  public var min: Double { samples.first ?? .nan }
  /// The slowest run.
  public var max: Double { samples.last ?? .nan }
  /// The median run.
  public var median: Double { quantile(0.5) }
  /// The interquartile range relative to the median (0.05: the middle
  /// half of the runs lie within 5% of the median's size).
  public var spread: Double { (quantile(0.75) - quantile(0.25)) / median }

  /// The `q` quantile, interpolated.
  public func quantile(_ q: Double) -> Double {
    guard !samples.isEmpty else { return .nan }
    let x = q * Double(samples.count - 1)
    let i = Int(x), f = x - Double(i)
    return i + 1 < samples.count ? samples[i] * (1 - f) + samples[i + 1] * f : samples[i]
  }

  public var description: String {
    "median \(formatSeconds(median)) (min \(formatSeconds(min)), max \(formatSeconds(max)), IQR \(String(format: "%.1f", spread * 100))%, \(samples.count) runs)"
  }
}

/// What a ``PassExperiment`` measured.
public struct ExperimentResult: Sendable, CustomStringConvertible {
  /// The transformed graph.
  public var graph: Graph
  /// The pipeline's report, when a pipeline ran.
  public var report: PassReport?
  /// Timings of the original graph.
  public var before: Timing
  /// Timings of the transformed graph.
  public var after: Timing

  /// Median before over median after (2: twice as fast).
  public var speedup: Double { before.median / after.median }

  public var description: String {
    var lines = [
      "before: \(before)", "after:  \(after)", String(format: "speed-up: %.2f×", speedup),
    ]
    #if DEBUG
      lines.append("(debug build: build with -c release for meaningful timings)")
    #endif
    if let report { lines += ["", report.table()] }
    return lines.joined(separator: "\n")
  }
}
