import Testing
import TensorGraph
import TensorGraphTestSupport

/// Runs ``KernelCheckTable`` and walks the registry so that a new op with a
/// kernel cannot go unchecked.
@Suite struct KernelCoverageTests {
  @Test(arguments: KernelCheckTable.rows)
  func kernelMatchesReference(_ row: KernelCheck) throws {
    try row.run()
  }

  /// The Placeholder row feeds its value; unfed, the kernel itself runs
  /// and must refuse, naming the placeholder.
  @Test func anUnfedPlaceholderThrows() throws {
    let g = Graph()
    let x = try g.placeholder(.float32, shape: [2], name: "x")
    expectError(.missingFeed, containing: ["placeholder 'x'", "must be fed"]) { try evaluate(try g.negate(x)) }
  }

  /// The checks themselves can fail: a row whose run lacks its op, or
  /// whose value, NaN, dtype or shape is wrong, records an issue.
  @Test(arguments: [
    ("Exp", ExpectedOutput.values(.float64, [2], [-1, .nan])),
    ("Neg", .values(.float64, [2], [-1, 0])),
    ("Neg", .values(.float64, [2], [-1.001, .nan], tolerance: 1e-4)),
    ("Neg", .values(.float32, [2], [-1, .nan])),
    ("Neg", .values(.float64, [1, 2], [-1, .nan])),
  ])
  func aWrongRowFails(_ op: String, _ expected: ExpectedOutput) {
    let row = KernelCheck(op: op) { g in KernelProgram(try g.negate(try g.constant(Tensor([1.0, .nan]))), expected) }
    withKnownIssue { try row.run() }
  }

  /// The names of the ops with a kernel.
  static func opsWithKernels(_ registry: OpRegistry) -> [String] {
    registry.ops.filter { $0.kernel != nil }.map(\.name)
  }

  /// Every op with a kernel has a row or a reasoned exemption.
  @Test func everyKernelHasANumericCheck() {
    let missing = Self.missing(in: .standard, exemptions: KernelCheckTable.exemptions)
    #expect(missing.isEmpty, "ops with a kernel and no row in KernelCheckTable: \(missing)")
  }

  /// Rows and exemptions name registered ops with kernels, an op is never
  /// both checked and exempt, every exemption says why, and no two rows
  /// share a name.
  @Test func tableHasNoStaleEntries() {
    RegistryCoverage.expectNoStaleEntries(
      eligible: Set(Self.opsWithKernels(.standard)), covered: Set(KernelCheckTable.rows.map(\.op)),
      exemptions: KernelCheckTable.exemptions, property: "a kernel")
    let names = KernelCheckTable.rows.map(\.testDescription)
    #expect(Set(names).count == names.count, "two rows with the same op and label")
  }

  /// The walk itself: an op added to the registry with a kernel and no row
  /// is named.
  @Test func anUncheckedNewOpIsNamed() {
    let registry = RegistryCoverage.registryWithAnUncheckedOp
    #expect(Self.missing(in: registry, exemptions: KernelCheckTable.exemptions) == ["Mystery"])
    #expect(Self.missing(in: registry, exemptions: KernelCheckTable.exemptions + [RegistryCoverage.mysteryExemption]) == [])
  }

  static func missing(in registry: OpRegistry, exemptions: [CoverageExemption]) -> [String] {
    RegistryCoverage.missing(opsWithKernels(registry), covered: Set(KernelCheckTable.rows.map(\.op)), exemptions: exemptions)
  }
}
