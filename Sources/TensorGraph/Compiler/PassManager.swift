import Dispatch

/// One step of a pipeline: a pass, or a group of passes repeated until a
/// round changes nothing (or `maxIterations` rounds ran).
public enum PipelineStage: Sendable {
  /// Run this pass once.
  case pass(any GraphPass)
  /// Run these passes in order, round after round, until a round changes
  /// nothing or `maxIterations` rounds have run.
  case fixedPoint([any GraphPass], maxIterations: Int)
}

/// Runs a pipeline of passes on a graph: verifies the graph after every
/// pass, measures it, calls instruments before and after each pass, and
/// says which pass broke the graph when one does.
///
///     let result = try PassManager.default.run(graph, keep: KeepSet(fetches: [loss], targets: [train]))
///     print(result.report.table())
///
/// Pipelines can name passes (``PassRegistry``):
///
///     let manager = try PassManager(pipeline: ["pruning", "constfold", "arithmetic"], fixedPoint: true)
public struct PassManager: Sendable {
  /// The pipeline.
  public var stages: [PipelineStage]
  /// Hooks called before and after every pass.
  public var instruments: [any PassInstrument] = []
  /// Check the graph after every pass with ``GraphVerifier`` (on by
  /// default).
  public var verifies = true
  /// The size that unknown dimensions get in FLOP and byte estimates.
  public var batchSize = 32
  /// How to measure peak memory after each pass, if at all.
  public var peakMemory: PeakMemoryMeasurement?
  /// Record a ``GraphDiff`` per pass in the report (on by default).
  public var recordsDiffs = true

  /// A manager running `stages`.
  public init(stages: [PipelineStage]) {
    self.stages = stages
  }

  /// A manager running `passes` in order, once, or — with `fixedPoint` —
  /// round after round until a round changes nothing.
  public init(_ passes: [any GraphPass], fixedPoint: Bool = false, maxIterations: Int = 8) {
    stages = fixedPoint ? [.fixedPoint(passes, maxIterations: maxIterations)] : passes.map { .pass($0) }
  }

  /// A manager running the passes named `pipeline` (looked up in
  /// `registry`).
  ///
  /// - Throws: ``TensorGraphError`` (`invalidArgument`) for an unknown name.
  public init(
    pipeline: [String], registry: PassRegistry = .standard, fixedPoint: Bool = false, maxIterations: Int = 8
  ) throws {
    self.init(try pipeline.map { try registry.require($0) }, fixedPoint: fixedPoint, maxIterations: maxIterations)
  }

  /// The standard pipeline: Einsum lowered to BatchMatMulV2 first, then
  /// pruning, constant folding, arithmetic
  /// simplification and common subexpression elimination repeated to a
  /// fixed point (each exposes work for the others), then folding of
  /// inference batch norms into convolutions, the remapper's MatMul and
  /// Conv2D fusions and elementwise fusion. Fusions come last, on the graph
  /// with its gradients (see Docs/passes.md).
  public static var `default`: PassManager {
    PassManager(stages: [
      .pass(LowerEinsumPass()),
      .fixedPoint(
        [PruningPass(), ConstantFoldingPass(), ArithmeticOptimizerPass(), CommonSubexpressionEliminationPass()],
        maxIterations: 8),
      .pass(FoldBatchNormsPass()),
      .pass(RemapperPass()),
      .pass(ElementwiseFusionPass()),
    ])
  }

  /// The names of the standard pipeline's passes, in order.
  public static let defaultPipelineNames = [
    "lower_einsum", "pruning", "constfold", "arithmetic", "common_subgraph_elimination", "fold_batch_norms", "remap",
    "elementwise_fusion",
  ]

  /// Runs the pipeline on `graph` (which is not modified).
  ///
  /// - Returns: The transformed graph and the report.
  /// - Throws: ``TensorGraphError`` naming the pass, when a pass throws or
  ///   its result fails verification (reason `invalidGraph`).
  public func run(_ graph: Graph, keep: KeepSet) throws -> PassResult {
    let verifier = GraphVerifier()
    if verifies {
      do {
        try verifier.verify(graph)
      } catch var e as TensorGraphError {
        e.message = "the input graph is invalid before any pass ran: " + e.message
        throw e
      }
    }
    var current = graph
    var stats = try measure(graph, keep: keep)
    var report = PassReport(initial: stats, entries: [])

    func runPass(_ pass: any GraphPass, iteration: Int) throws -> Bool {
      for i in instruments { i.willRun(pass: pass.name, graph: current) }
      let start = DispatchTime.now().uptimeNanoseconds
      let out: Graph
      do {
        out = try pass.run(current, keep: keep)
      } catch var e as TensorGraphError {
        e.message = "pass '\(pass.name)' failed: " + e.message
        throw e
      }
      let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
      let diff = out === current ? nil : GraphDiff(current, out)
      let changed = !(diff?.isEmpty ?? true)
      if verifies && out !== current {
        do {
          try verifier.verify(out, against: current, keep: keep)
        } catch var e as TensorGraphError {
          e.message = "pass '\(pass.name)' broke the graph: " + e.message
          throw e
        }
      }
      let after = changed ? try measure(out, keep: keep) : stats
      let entry = PassReport.Entry(
        pass: pass.name, iteration: iteration, before: stats, after: after, seconds: seconds, changed: changed,
        diff: recordsDiffs ? diff : nil)
      report.entries.append(entry)
      for i in instruments { i.didRun(pass: pass.name, before: current, after: out, entry: entry) }
      if changed { current = out }
      stats = after
      return changed
    }

    for stage in stages {
      switch stage {
      case .pass(let p):
        _ = try runPass(p, iteration: 0)
      case .fixedPoint(let passes, let maxIterations):
        for iteration in 0..<max(1, maxIterations) {
          var changed = false
          for p in passes { changed = try runPass(p, iteration: iteration) || changed }
          if !changed { break }
        }
      }
    }
    return PassResult(graph: current, report: report)
  }

  private func measure(_ graph: Graph, keep: KeepSet) throws -> GraphStatistics {
    var s = GraphStatistics(graph, batchSize: batchSize)
    if let peakMemory { s.peakBytes = try peakMemory.measure(graph, keep: keep) }
    return s
  }
}

/// A transformed graph and what each pass did.
public struct PassResult: Sendable {
  /// The graph after the last pass.
  public var graph: Graph
  /// Per-pass measurements and diffs.
  public var report: PassReport
}

/// How a ``PassManager`` measures peak memory: one run of the kept outputs
/// and nodes with these feeds, variables set to these values.
public struct PeakMemoryMeasurement: Sendable {
  /// Values for placeholders (and other fed outputs), by output name.
  public var feeds: [String: Tensor]
  /// Variable values by variable name; variables without one are set by
  /// running their initializers (`name/Assign`).
  public var variables: [String: Tensor]

  /// Creates a measurement.
  public init(feeds: [String: Tensor], variables: [String: Tensor] = [:]) {
    self.feeds = feeds
    self.variables = variables
  }

  /// The peak bytes of one run of `graph`'s kept outputs and nodes
  /// (``RunMetadata/peakBytes``).
  public func measure(_ graph: Graph, keep: KeepSet) throws -> Int {
    let session = Session(graph: graph)
    try GraphRunner.setVariables(session, values: variables)
    let fetches = try keep.fetches(in: graph)
    let targets = try keep.targets(in: graph)
    let feedValues = try GraphRunner.resolveFeeds(feeds, in: graph)
    let result = try session.run(fetches: fetches, feeds: feedValues, targets: targets, options: RunOptions())
    return result.metadata.peakBytes
  }
}
