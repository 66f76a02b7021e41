import Testing
import TensorGraph

/// Runs `passes` on `graph` through a verifying ``PassManager``, expects
/// the first pass to change the graph (`fires: true`) or to leave it alone,
/// and checks with a ``DifferentialCheck`` that every kept output (and
/// every variable after `check.steps` runs) is unchanged. Returns the
/// pipeline's result for further checks.
///
///     let result = try expectPass(ConstantFoldingPass(), on: g, keep: KeepSet(fetches: [y]), fires: true)
///     #expect(result.graph.node(named: "y")?.op == "Const")
@discardableResult
public func expectPass(
  _ passes: [any GraphPass], on graph: Graph, keep: KeepSet, fires: Bool,
  check: DifferentialCheck = DifferentialCheck(steps: 2), sourceLocation: Testing.SourceLocation = #_sourceLocation
) throws -> PassResult {
  let result = try PassManager(passes).run(graph, keep: keep)
  let changed = result.report.entries.first?.changed ?? false
  #expect(
    changed == fires,
    "\(passes.first?.name ?? "pipeline") \(fires ? "did not fire" : "fired"):\n\(result.report.entries.first?.diff?.description ?? "")",
    sourceLocation: sourceLocation)
  let report = try check.run(original: graph, transformed: result.graph, keep: keep)
  #expect(report.passed, "\(report)", sourceLocation: sourceLocation)
  return result
}

/// ``expectPass(_:on:keep:fires:check:sourceLocation:)`` for one pass.
@discardableResult
public func expectPass(
  _ pass: any GraphPass, on graph: Graph, keep: KeepSet, fires: Bool,
  check: DifferentialCheck = DifferentialCheck(steps: 2), sourceLocation: Testing.SourceLocation = #_sourceLocation
) throws -> PassResult {
  try expectPass([pass], on: graph, keep: keep, fires: fires, check: check, sourceLocation: sourceLocation)
}

extension Graph {
  /// How many nodes run `op`.
  public func count(of op: String) -> Int { nodes.filter { $0.op == op }.count }
}
