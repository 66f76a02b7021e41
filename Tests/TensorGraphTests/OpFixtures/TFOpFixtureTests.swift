import Foundation
import Testing
import TensorGraph
import TensorGraphTestSupport

/// Every case of every op family's fixture (`Fixtures/ops/*.safetensors`,
/// TensorFlow 2.21's own `tf.raw_ops` outputs and `GradientTape`
/// gradients, from `scripts/make-op-fixtures.py`) run through the same op
/// with the same explicit attributes. Each case runs twice: on constants
/// (shapes and values known when the graph is built) and on fed
/// placeholders of unknown shape (nothing known until run time). The
/// outputs must have TensorFlow's dtypes, shapes and values, and the
/// inferred shapes must admit them; the gradients of
/// `sum_j sum(y_j * dy_j)` must be TensorFlow's; and inputs TensorFlow
/// rejects must make ours throw, in both variants.
@Suite struct TFOpFixtureTests {
  static let families = TFOpFixtures.families

  @Test func everyFamilyHasCases() throws {
    #expect(Self.families.contains("harness"), "the harness family of scripts/tf_op_fixtures/harness.py")
    for family in Self.families {
      #expect(try !TFOpFixtures.cases(family).isEmpty, "\(family).safetensors has no cases")
    }
  }

  @Test(arguments: families)
  func matchesTensorFlow(_ family: String) throws {
    for c in try TFOpFixtures.cases(family) {
      if let message = c.error {
        Self.expectRejected(c, message: message)
      } else {
        try Self.check(c)
      }
    }
  }

  // MARK: - One case

  /// Tolerance relative to the larger magnitude, and the absolute
  /// difference always allowed, by dtype unless the case sets them.
  static func tolerance(_ c: TFOpCase, _ dtype: DType) -> (relative: Double, floor: Double) {
    let relative = c.rtol ?? (dtype == .float32 ? 2e-6 : 1e-13)
    return (relative, c.atol ?? (dtype == .float32 ? 1e-6 : 1e-13))
  }

  /// The node of `c` on `inputs`.
  static func build(_ c: TFOpCase, _ g: Graph, _ inputs: [Output]) throws -> Node {
    try g.addNode(op: c.op, inputs: inputs, attrs: c.attrs, name: "op")
  }

  /// The case's node on constants: the build sees every shape and value.
  static func onConstants(_ c: TFOpCase) throws -> (Graph, [Output], Node) {
    let g = Graph()
    let xs = try c.inputs.enumerated().map { i, t in try g.constant(t, name: "x\(i)") }
    return (g, xs, try build(c, g, xs))
  }

  /// The case's outputs with its inputs fed to placeholders of unknown
  /// rank: only the run knows the shapes and values.
  static func runFed(_ c: TFOpCase) throws -> [Tensor] {
    let h = Graph()
    let ps = try c.inputs.enumerated().map { i, t in try h.placeholder(t.dtype, shape: nil, name: "x\(i)") }
    let node = try build(c, h, ps)
    return try Session(graph: h).run(
      fetches: (0..<node.outputs.count).map { h.output(node, $0) }, feeds: Dictionary(uniqueKeysWithValues: zip(ps, c.inputs)))
  }

  static func check(_ c: TFOpCase) throws {
    let (g, xs, node) = try onConstants(c)
    let ys = (0..<c.outputs.count).map { g.output(node, $0) }
    #expect(node.outputs.count == c.outputs.count, "\(c): \(node.outputs.count) outputs, TensorFlow has \(c.outputs.count)")
    guard node.outputs.count == c.outputs.count else { return }
    var fetches = ys
    var wrt: [Int] = []
    if !c.gradients.isEmpty {
      let floating = c.upstream.keys.sorted()
      let dys = try floating.map { try g.constant(c.upstream[$0]!, name: "dy\($0)") }
      wrt = c.gradients.keys.sorted()
      let dxs = try g.gradients(of: floating.map { ys[$0] }, with: wrt.map { xs[$0] }, gradYs: dys)
      for (i, dx) in zip(wrt, dxs) {
        guard let dx else {
          Issue.record("\(c): no gradient for input \(i), TensorFlow has one")
          return
        }
        fetches.append(dx)
      }
    }
    let got = try Session(graph: g).run(fetches: fetches)
    for (j, want) in c.outputs.enumerated() {
      #expect(ys[j].shape.accepts(want.shape), "\(c): output \(j) inferred as \(ys[j].shape), TensorFlow's is \(want.shape)")
      compare(got[j], want, c, "output \(j)")
    }
    for (k, i) in wrt.enumerated() { compare(got[c.outputs.count + k], c.gradients[i]!, c, "gradient of input \(i)") }

    let fed = try runFed(c)
    for (j, want) in c.outputs.enumerated() { compare(fed[j], want, c, "output \(j), fed") }
  }

  static func compare(_ got: Tensor, _ want: Tensor, _ c: TFOpCase, _ what: String) {
    guard got.dtype == want.dtype, got.shape == want.shape else {
      Issue.record("\(c): \(what) is \(got.dtype) \(got.shape), TensorFlow's is \(want.dtype) \(want.shape)")
      return
    }
    let (relative, floor) = tolerance(c, want.dtype)
    let exact = !want.dtype.isFloatingPoint
    if let m = ElementwiseEdgeFixtures.mismatch(
      got.doubles(), want.doubles(), tolerance: exact ? 0 : relative, floor: exact ? 0 : floor, signedZeros: false,
      at: { "[\($0)]" })
    {
      Issue.record("\(c): \(what) differs from TensorFlow: \(m)")
    }
  }

  /// TensorFlow rejected the inputs: building on constants or running on
  /// fed placeholders must throw a ``TensorGraphError`` (never crash).
  static func expectRejected(_ c: TFOpCase, message: String) {
    do {
      let (g, _, node) = try onConstants(c)
      _ = try Session(graph: g).run(fetches: (0..<node.outputs.count).map { g.output(node, $0) })
      Issue.record("\(c): accepted on constants; TensorFlow says: \(message)")
    } catch is TensorGraphError {
    } catch {
      Issue.record("\(c): threw \(error), not a TensorGraphError")
    }
    do {
      _ = try runFed(c)
      Issue.record("\(c): accepted when fed; TensorFlow says: \(message)")
    } catch is TensorGraphError {
    } catch {
      Issue.record("\(c): threw \(error), not a TensorGraphError when fed")
    }
  }
}
