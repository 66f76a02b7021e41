import Foundation
import Testing
import TensorGraph
import TensorGraphTestSupport

/// A broken pass: drops the producer of the first input of every `AddV2`,
/// so the node reading it cannot be rebuilt.
struct DropInputPass: GraphPass {
  var name: String { "drop-input" }
  func run(_ graph: Graph, keep: KeepSet) throws -> Graph {
    let rewriter = GraphRewriter(graph)
    let victims = Set(graph.nodes.filter { $0.op == "AddV2" }.map { $0.inputs[0].node })
    for node in graph.nodes {
      if victims.contains(node.id) { rewriter.drop(node) } else { try rewriter.copy(node) }
    }
    return try rewriter.finish()
  }
}

/// Collects what the instruments saw (shared by the hooks' closures).
final class Events: @unchecked Sendable {
  private let lock = NSLock()
  private var list: [String] = []
  func append(_ s: String) { lock.withLock { list.append(s) } }
  var all: [String] { lock.withLock { list } }
}

@Suite struct PassManagerTests {
  /// y = exp(x·1) + exp(x·1) − 0, with a dead branch.
  static func sample() throws -> (Graph, KeepSet) {
    let g = Graph()
    let x = try g.placeholder(.float32, shape: [nil, 2], name: "x")
    let a = try g.exp(try g.multiply(x, try g.constant(1.0)))
    let b = try g.exp(try g.multiply(x, try g.constant(1.0)))
    _ = try g.tanh(a, name: "dead")
    let y = try g.subtract(try g.add(a, b), try g.constant(0.0), name: "y")
    return (g, KeepSet(fetches: [y]))
  }

  @Test func runsAPipelineByNamesToAFixedPoint() throws {
    let (g, keep) = try Self.sample()
    let manager = try PassManager(
      pipeline: ["pruning", "constfold", "arithmetic", "common_subgraph_elimination"], fixedPoint: true)
    let result = try manager.run(g, keep: keep)
    try DifferentialCheck().verify(original: g, transformed: result.graph, keep: keep)
    #expect(result.graph.count(of: "Exp") == 1 && result.graph.count(of: "Mul") == 0)
    #expect(result.graph.node(named: "dead") == nil)
    #expect(result.graph.node(named: "y")?.op == "Sub", "x − 0 stays: its name must stay")
    let rounds = Set(result.report.entries.map(\.iteration))
    #expect(rounds.count >= 2, "a second round confirms the fixed point")
    #expect(result.report.entries.suffix(4).allSatisfy { !$0.changed }, "the last round changed nothing")
  }

  @Test func rejectsUnknownPassNames() {
    expectError(.invalidArgument, containing: ["'constant_folding'", "constfold", "remap"]) {
      try PassManager(pipeline: ["constant_folding"])
    }
  }

  @Test func verifierNamesTheBrokenPass() throws {
    let (g, keep) = try Self.sample()
    let e = expectError(.invalidGraph, containing: ["drop-input", "y:0", "no longer exists"]) {
      try PassManager([PruningPass(), DropInputPass()]).run(g, keep: keep)
    }
    #expect(e?.message.hasPrefix("pass 'drop-input' broke the graph") == true)
  }

  @Test func verifierCatchesAChangedDtypeAndPassErrors() throws {
    let (g, keep) = try Self.sample()
    let retype = FunctionPass("retype") { graph, _ in
      let rewriter = GraphRewriter(graph)
      for node in graph.nodes {
        if node.name == "y", let x = rewriter.mapped(node.inputs[0]) {
          try rewriter.add(op: "Cast", inputs: [x], attrs: ["DstT": .type(.float64)], replacing: node)
        } else {
          try rewriter.copy(node)
        }
      }
      return try rewriter.finish()
    }
    expectError(.invalidGraph, containing: ["retype", "changed dtype from float32 to float64"]) {
      try PassManager([retype]).run(g, keep: keep)
    }
    let failing = FunctionPass("failing") { graph, _ in
      _ = try graph.requireNode(named: "nonexistent")
      return graph
    }
    expectError(.unknownNode, containing: ["pass 'failing' failed", "nonexistent"]) {
      try PassManager([failing]).run(g, keep: keep)
    }
  }

  @Test func callsInstrumentsAroundEveryPass() throws {
    let (g, keep) = try Self.sample()
    let events = Events()
    var manager = try PassManager(pipeline: ["pruning", "arithmetic"])
    manager.instruments = [
      PassHooks(
        before: { pass, graph in events.append("before \(pass) \(graph.nodeCount)") },
        after: { pass, before, after, entry in
          events.append("after \(pass) \(before.nodeCount)→\(after.nodeCount) changed: \(entry.changed)")
        }),
      PassHooks.printDiffs { events.append("diff " + $0.prefix(2)) },
    ]
    _ = try manager.run(g, keep: keep)
    let seen = events.all
    #expect(seen.first == "before pruning 11")
    #expect(seen.contains("after pruning 11→10 changed: true"))
    #expect(seen.contains { $0.hasPrefix("after arithmetic 10→") })
    #expect(seen.filter { $0.hasPrefix("diff ") }.count == 4, "two passes changed the graph: a heading and a diff each")
  }

  @Test func reportsSizesCostsAndDiffsAsTableAndJSON() throws {
    let (g, keep) = try Self.sample()
    var manager = PassManager.default
    manager.peakMemory = PeakMemoryMeasurement(feeds: ["x": Tensor.f32([1, 2, 3, 4], [2, 2])])
    let report = try manager.run(g, keep: keep).report
    #expect(report.initial.nodes == 11 && report.final.nodes < report.initial.nodes)
    #expect(report.initial.flops > report.final.flops)
    #expect(report.initial.peakBytes != nil && report.final.peakBytes != nil)
    let table = report.table()
    for text in ["pass", "MFLOP", "pruning", "arithmetic", "(pipeline)", "→"] { #expect(table.contains(text)) }
    let json = try #require(
      try JSONSerialization.jsonObject(with: Data(report.json().utf8)) as? [String: Any])
    let passes = try #require(json["passes"] as? [[String: Any]])
    #expect(passes.count == report.entries.count)
    let pruning = try #require(passes.first { $0["pass"] as? String == "pruning" })
    #expect((pruning["removed"] as? [String]) == ["dead"])
    let diff = try #require(report.entries.first { $0.pass == "arithmetic" && $0.changed }?.diff)
    #expect(diff.removed.map(\.op) == ["Mul", "Mul"])
  }

  @Test func diffListsRemovedAddedAndRewiredNodes() throws {
    let (g, keep) = try Self.sample()
    let after = try PassManager.default.run(g, keep: keep).graph
    let diff = GraphDiff(g, after)
    #expect(diff.removed.contains { $0.name == "dead" && $0.op == "Tanh" })
    #expect(diff.changed.contains { $0.name == "y" && $0.details.contains { $0.hasPrefix("op Sub → FusedElementwise") } })
    #expect(diff.description.split(separator: "\n").contains("- dead (Tanh)"))
    #expect(GraphDiff(g, g).isEmpty && GraphDiff(g, g).description == "(no changes)")
  }

  @Test func verifierChecksStructureAndTypes() throws {
    let (g, _) = try Self.sample()
    try GraphVerifier().verify(g)
    let batch: PartialShape = [.unknown, 3]
    #expect(PartialShape([4, 3]).isRefinement(of: batch))
    #expect(!batch.isRefinement(of: [4, 3]))
    #expect(!PartialShape([4]).isRefinement(of: [4, 1]) && PartialShape([4]).isRefinement(of: .unknown))
  }
}
