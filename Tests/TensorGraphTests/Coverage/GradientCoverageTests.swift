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
    let missing = Self.missing(in: .standard, exemptions: GradientCheckTable.exemptions)
    #expect(missing.isEmpty, "ops with a gradient function and no row in GradientCheckTable: \(missing)")
  }

  /// Rows and exemptions name registered ops with gradient functions, an
  /// op is never both checked and exempt, and every exemption says why.
  @Test func tableHasNoStaleEntries() {
    RegistryCoverage.expectNoStaleEntries(
      eligible: Set(Self.opsWithGradientFunctions(.standard)), covered: Set(GradientCheckTable.rows.map(\.op)),
      exemptions: GradientCheckTable.exemptions, property: "a gradient function")
  }

  /// The walk itself: an op added to the registry with a gradient function
  /// and no row is named.
  @Test func anUncheckedNewOpIsNamed() {
    let registry = RegistryCoverage.registryWithAnUncheckedOp
    #expect(Self.missing(in: registry, exemptions: GradientCheckTable.exemptions) == ["Mystery"])
    #expect(Self.missing(in: registry, exemptions: GradientCheckTable.exemptions + [RegistryCoverage.mysteryExemption]) == [])
  }

  static func missing(in registry: OpRegistry, exemptions: [CoverageExemption]) -> [String] {
    RegistryCoverage.missing(
      opsWithGradientFunctions(registry), covered: Set(GradientCheckTable.rows.map(\.op)), exemptions: exemptions)
  }
}
