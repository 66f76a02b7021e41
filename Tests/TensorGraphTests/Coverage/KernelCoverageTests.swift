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
    let missing = Self.missing(in: .standard, rows: KernelCheckTable.rows, exemptions: KernelCheckTable.exemptions)
    #expect(missing.isEmpty, "ops with a kernel and no row in KernelCheckTable: \(missing)")
  }

  /// Rows and exemptions name registered ops with kernels, an op is never
  /// both checked and exempt, every exemption says why, and no two rows
  /// share a name.
  @Test func tableHasNoStaleEntries() {
    let kernels = Set(Self.opsWithKernels(.standard))
    let checked = Set(KernelCheckTable.rows.map(\.op))
    let exempt = KernelCheckTable.exemptions.map(\.op)
    #expect(checked.subtracting(kernels).sorted() == [], "rows for ops without a kernel")
    #expect(Set(exempt).subtracting(kernels).sorted() == [], "exemptions for ops without a kernel")
    #expect(checked.intersection(exempt).sorted() == [], "ops both checked and exempt")
    #expect(Set(exempt).count == exempt.count, "an op exempted twice")
    for e in KernelCheckTable.exemptions {
      #expect(!e.reason.isEmpty, "the exemption of \(e.op) gives no reason")
    }
    let names = KernelCheckTable.rows.map(\.testDescription)
    #expect(Set(names).count == names.count, "two rows with the same op and label")
  }

  /// The walk itself: an op added to the registry with a kernel and no row
  /// is named.
  @Test func anUncheckedNewOpIsNamed() {
    let registry = OpRegistry.standard.adding([
      OpDef("Mystery", inputs: ["x: T"], outputs: ["y: T"], attrs: ["T: {float64}"], shape: ShapeRules.unchanged,
            kernel: { _ in { ctx in ctx.setOutput(0, ctx.input(0)) } }, gradient: .notDifferentiable)
    ])
    #expect(Self.missing(in: registry, rows: KernelCheckTable.rows, exemptions: KernelCheckTable.exemptions) == ["Mystery"])
    let exempt = KernelCheckTable.exemptions + [KernelCheckExemption(op: "Mystery", reason: "a test op")]
    #expect(Self.missing(in: registry, rows: KernelCheckTable.rows, exemptions: exempt) == [])
  }

  static func missing(in registry: OpRegistry, rows: [KernelCheck], exemptions: [KernelCheckExemption]) -> [String] {
    let covered = Set(rows.map(\.op) + exemptions.map(\.op))
    return opsWithKernels(registry).filter { !covered.contains($0) }
  }
}
