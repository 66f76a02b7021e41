import Foundation
import Testing
import TensorGraph
import TensorGraphTestSupport

/// Serializes the graph of every row of ``KernelCheckTable`` and
/// ``GradientCheckTable`` (the function and its symbolic gradients), loads
/// it back, and holds that the copy has the same nodes and, run on the same
/// feeds, gives bitwise the same outputs; then walks the registry so that
/// every op is seen surviving a round trip.
@Suite struct SerializationCoverageTests {
  /// Ops that appear in no round-tripped graph, each with its reason.
  /// Empty: every op is in some row's graph.
  static let exemptions: [CoverageExemption] = []

  /// The graph of a gradient row: the function on placeholders and the
  /// gradient of each input, fed the row's values.
  static func gradientProgram(_ row: GradientCheck, in g: Graph) throws -> KernelProgram {
    let xs = try row.inputs.enumerated().map { i, t in try g.placeholder(t.dtype, shape: t.shape, name: "x\(i)") }
    let cs = try row.constants.enumerated().map { i, t in try g.placeholder(t.dtype, shape: t.shape, name: "c\(i)") }
    let y = try row.build(g, xs, cs)
    let grads = try g.gradients(of: y, with: xs).compactMap { $0 }
    var feeds: [Output: Tensor] = [:]
    for (p, t) in zip(xs + cs, row.inputs + row.constants) { feeds[p] = t }
    return KernelProgram([y] + grads, [], feeds: feeds)
  }

  /// Serializes and reloads `g`; the copy must have the same nodes and,
  /// running `program`, give the same bits. Returns the copy.
  @discardableResult
  static func expectRoundTrip(
    _ g: Graph, _ program: KernelProgram, _ what: String, sourceLocation: Testing.SourceLocation = #_sourceLocation
  ) throws -> Graph {
    let copy = try Graph.deserialize(g.serialize())
    expectSameGraph(g, copy, sourceLocation: sourceLocation)
    let original = try program.run(in: Session(graph: g))
    let reloaded = try program.run(onCopy: copy)
    #expect(original.count == reloaded.count, sourceLocation: sourceLocation)
    for (k, (a, b)) in zip(original, reloaded).enumerated() {
      // Tensor == compares dtype, shape and bytes: NaN equals NaN.
      #expect(a == b, "\(what): fetch \(program.fetches[k].name) differs after the round trip: \(a) vs \(b)",
        sourceLocation: sourceLocation)
    }
    return copy
  }

  @Test(arguments: KernelCheckTable.rows)
  func kernelRowRoundTrips(_ row: KernelCheck) throws {
    let g = Graph()
    try Self.expectRoundTrip(g, try row.program(in: g), row.testDescription)
  }

  @Test(arguments: GradientCheckTable.rows)
  func gradientRowRoundTrips(_ row: GradientCheck) throws {
    let g = Graph()
    try Self.expectRoundTrip(g, try Self.gradientProgram(row, in: g), row.testDescription)
  }

  /// The ops of every row's reloaded graph.
  static func roundTrippedOps() throws -> Set<String> {
    var ops: Set<String> = []
    for row in KernelCheckTable.rows {
      let g = Graph()
      _ = try row.build(g)
      ops.formUnion(try Graph.deserialize(g.serialize()).nodes.map(\.op))
    }
    for row in GradientCheckTable.rows {
      let g = Graph()
      _ = try gradientProgram(row, in: g)
      ops.formUnion(try Graph.deserialize(g.serialize()).nodes.map(\.op))
    }
    return ops
  }

  static func missing(in registry: OpRegistry, covered: Set<String>, exemptions: [CoverageExemption]) -> [String] {
    RegistryCoverage.missing(registry.ops.map(\.name), covered: covered, exemptions: exemptions)
  }

  /// Every registered op appears in a round-tripped graph or has a
  /// reasoned exemption, and no exemption is stale.
  @Test func everyOpSurvivesARoundTrip() throws {
    let covered = try Self.roundTrippedOps()
    #expect(Self.missing(in: .standard, covered: covered, exemptions: Self.exemptions) == [],
      "ops in no round-tripped graph")
    RegistryCoverage.expectNoStaleEntries(
      eligible: Set(OpRegistry.standard.ops.map(\.name)), covered: covered, exemptions: Self.exemptions,
      property: "registration")
  }

  /// The walk itself: a registered op in no row's graph is named.
  @Test func anOpInNoGraphIsNamed() {
    let registry = RegistryCoverage.registryWithAnUncheckedOp
    let covered = Set(OpRegistry.standard.ops.map(\.name))
    #expect(Self.missing(in: registry, covered: covered, exemptions: Self.exemptions) == ["Mystery"])
    #expect(Self.missing(in: registry, covered: covered, exemptions: [RegistryCoverage.mysteryExemption]) == [])
  }
}
