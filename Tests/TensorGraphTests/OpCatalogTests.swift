import Foundation
import Testing
import TensorGraph

/// The op catalog (`Docs/ops.md`) is the registry's, and the signature text
/// it prints is the signature the registry holds.
@Suite struct OpCatalogTests {
  @Test func docsOpsIsCurrent() throws {
    let url = SerializationFixtures.repositoryRoot.appendingPathComponent("Docs/ops.md")
    let committed = try String(contentsOf: url, encoding: .utf8)
    let generated = OpCatalog.markdown()
    if committed != generated {
      let a = committed.split(separator: "\n", omittingEmptySubsequences: false)
      let b = generated.split(separator: "\n", omittingEmptySubsequences: false)
      let line = (0..<min(a.count, b.count)).first { a[$0] != b[$0] } ?? min(a.count, b.count)
      Issue.record("""
        Docs/ops.md is stale from line \(line + 1): committed '\(line < a.count ? a[line] : "<end>")', \
        registry '\(line < b.count ? b[line] : "<end>")'. Run `tg ops --markdown > Docs/ops.md`.
        """)
    }
  }

  @Test func everyOpIsInOneSectionAndHasASummary() {
    let names = StandardOps.sections.flatMap { $0.ops.map(\.name) }
    #expect(names.count == Set(names).count)
    #expect(Set(names) == Set(OpRegistry.standard.ops.map(\.name)))
    for op in StandardOps.all {
      #expect(!op.summary.isEmpty, "\(op.name) has no summary for the catalog")
    }
  }

  /// Parsing the printed spec of every argument and attribute gives the same
  /// definition back, so the catalog shows exactly what the registry holds.
  @Test func specTextParsesBackToTheSameSignature() {
    for op in StandardOps.all {
      let reparsed = OpDef(
        op.name, inputs: op.inputs.map(\.spec), outputs: op.outputs.map(\.spec), attrs: op.attrs.map(\.spec),
        shape: op.shapeFunction, kernel: nil)
      #expect(reparsed.inputs == op.inputs, "\(op.name) inputs")
      #expect(reparsed.outputs == op.outputs, "\(op.name) outputs")
      #expect(reparsed.attrs.count == op.attrs.count)
      for (r, a) in zip(reparsed.attrs, op.attrs) {
        #expect(r.name == a.name && r.kind == a.kind, "\(op.name).\(a.name): \(a.spec)")
        #expect(r.defaultValue == a.defaultValue, "\(op.name).\(a.name) default: \(a.spec)")
        #expect(r.allowedTypes == a.allowedTypes && r.allowedStrings == a.allowedStrings, "\(op.name).\(a.name)")
        #expect(r.minimum == a.minimum, "\(op.name).\(a.name) minimum: \(a.spec)")
      }
    }
  }

  @Test func specTextByHand() throws {
    let op = OpDef(
      "Example", inputs: ["x: T", "values: N * T", "ref: Ref(T)", "i: int32"], outputs: ["y: T"],
      attrs: ["T: {float64, float32}", "N: int >= 1", "padding: {'SAME', 'VALID'}", "alpha: float = 0.2",
              "strides: list(int) = [1, 2]", "shape: shape = [2, ?]", "any: shape = unknown", "out: type = int64"],
      shape: { _ in [] }, kernel: nil)
    #expect(op.inputs.map(\.spec) == ["x: T", "values: N * T", "ref: Ref(T)", "i: int32"])
    #expect(op.attrs.map(\.spec) == [
      "T: {float32, float64}", "N: int >= 1", "padding: {'SAME', 'VALID'}", "alpha: float = 0.2",
      "strides: list(int) = [1, 2]", "shape: shape = [2, ?]", "any: shape = unknown", "out: type = int64",
    ])
    let entry = OpCatalog.entry(op)
    #expect(entry.contains("    Example(x: T, values: N * T, ref: Ref(T), i: int32) -> (y: T)"))
    #expect(entry.contains("Gradient: not registered."))
  }
}
