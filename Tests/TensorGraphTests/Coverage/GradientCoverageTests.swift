import Testing
import TensorGraph
import TensorGraphTestSupport

/// Runs ``GradientCheckTable`` and walks the registry so that a new op with
/// a gradient function cannot go unchecked.
@Suite struct GradientCoverageTests {
  @Test(arguments: GradientCheckTable.rows)
  func gradientMatchesFiniteDifferences(_ row: GradientCheck) {
    row.run()
  }

  /// The names of the ops whose gradient is a function.
  static func opsWithGradientFunctions(_ registry: OpRegistry) -> [String] {
    registry.ops.compactMap { op in
      if case .function = op.gradient { return op.name }
      return nil
    }
  }

  /// Every op with a gradient function has a row or a reasoned exemption.
  @Test func everyGradientFunctionHasAFiniteDifferenceCheck() {
    let missing = Self.missing(in: .standard, rows: GradientCheckTable.rows, exemptions: GradientCheckTable.exemptions)
    #expect(missing.isEmpty, "ops with a gradient function and no row in GradientCheckTable: \(missing)")
  }

  /// Rows and exemptions name registered ops with gradient functions, an
  /// op is never both checked and exempt, and every exemption says why.
  @Test func tableHasNoStaleEntries() {
    let differentiable = Set(Self.opsWithGradientFunctions(.standard))
    let checked = Set(GradientCheckTable.rows.map(\.op))
    let exempt = GradientCheckTable.exemptions.map(\.op)
    #expect(checked.subtracting(differentiable).sorted() == [], "rows for ops without a gradient function")
    #expect(Set(exempt).subtracting(differentiable).sorted() == [], "exemptions for ops without a gradient function")
    #expect(checked.intersection(exempt).sorted() == [], "ops both checked and exempt")
    #expect(Set(exempt).count == exempt.count, "an op exempted twice")
    for e in GradientCheckTable.exemptions {
      #expect(!e.reason.isEmpty, "the exemption of \(e.op) gives no reason")
    }
  }

  /// The walk itself: an op added to the registry with a gradient function
  /// and no row is named.
  @Test func anUncheckedNewOpIsNamed() {
    let registry = OpRegistry.standard.adding([
      OpDef("Mystery", inputs: ["x: T"], outputs: ["y: T"], attrs: ["T: {float64}"], shape: ShapeRules.unchanged,
            kernel: { _ in { ctx in ctx.setOutput(0, ctx.input(0)) } }, gradient: .function { c in [c.grad] })
    ])
    #expect(Self.missing(in: registry, rows: GradientCheckTable.rows, exemptions: GradientCheckTable.exemptions) == ["Mystery"])
    let exempt = GradientCheckTable.exemptions + [GradientCheckExemption(op: "Mystery", reason: "a test op")]
    #expect(Self.missing(in: registry, rows: GradientCheckTable.rows, exemptions: exempt) == [])
  }

  static func missing(in registry: OpRegistry, rows: [GradientCheck], exemptions: [GradientCheckExemption]) -> [String] {
    let covered = Set(rows.map(\.op) + exemptions.map(\.op))
    return opsWithGradientFunctions(registry).filter { !covered.contains($0) }
  }
}
