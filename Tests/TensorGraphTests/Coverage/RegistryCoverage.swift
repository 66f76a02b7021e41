import Testing
import TensorGraph

/// An op that a coverage table deliberately leaves out, and why.
struct CoverageExemption: Sendable {
  let op: String
  let reason: String
}

/// The registry walk the coverage suites share: which ops a table must
/// cover, which it does, and whether its entries are stale.
enum RegistryCoverage {
  /// The ops of `required` (in registry order) neither covered nor exempt.
  static func missing(_ required: [String], covered: Set<String>, exemptions: [CoverageExemption]) -> [String] {
    let done = covered.union(exemptions.map(\.op))
    return required.filter { !done.contains($0) }
  }

  /// Records an issue for every stale entry: a covered op or an exemption
  /// outside `eligible` (ops that are not registered, or lack the property
  /// the table checks, `property`), an op both covered and exempt, an op
  /// exempted twice, an exemption without a reason.
  static func expectNoStaleEntries(
    eligible: Set<String>, covered: Set<String>, exemptions: [CoverageExemption], property: String,
    sourceLocation: Testing.SourceLocation = #_sourceLocation
  ) {
    let exempt = exemptions.map(\.op)
    #expect(covered.subtracting(eligible).sorted() == [], "rows for ops without \(property)", sourceLocation: sourceLocation)
    #expect(Set(exempt).subtracting(eligible).sorted() == [], "exemptions for ops without \(property)",
      sourceLocation: sourceLocation)
    #expect(covered.intersection(exempt).sorted() == [], "ops both checked and exempt", sourceLocation: sourceLocation)
    #expect(Set(exempt).count == exempt.count, "an op exempted twice", sourceLocation: sourceLocation)
    for e in exemptions {
      #expect(!e.reason.isEmpty, "the exemption of \(e.op) gives no reason", sourceLocation: sourceLocation)
    }
  }

  /// The standard registry plus `Mystery`, an op with a kernel and a
  /// gradient function that no table has a row for: each walk must name it.
  static let registryWithAnUncheckedOp = OpRegistry.standard.adding([
    OpDef("Mystery", inputs: ["x: T"], outputs: ["y: T"], attrs: ["T: {float64}"], shape: ShapeRules.unchanged,
          kernel: { _ in { ctx in ctx.setOutput(0, ctx.input(0)) } }, gradient: .function { c in [c.grad] })
  ])

  /// The exemption that makes `Mystery` covered.
  static let mysteryExemption = CoverageExemption(op: "Mystery", reason: "a test op")
}
