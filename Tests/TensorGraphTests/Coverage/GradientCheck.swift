import Testing
import TensorGraph
import TensorGraphTestSupport

/// One finite-difference check of one op's gradient rule, in the style of
/// JAX's `grad_test_spec`: float64 inputs away from the op's kinks, the
/// builder of the checked function, and the tolerance.
///
/// ``GradientCheckTable/rows`` holds every row; ``GradientCoverageTests``
/// runs them and fails for any op with a gradient function and no row.
struct GradientCheck: Sendable, CustomTestStringConvertible {
  /// The op whose gradient rule this row checks; the built function must
  /// contain a node of it (so a row cannot check something else).
  let op: String
  /// What distinguishes this row from the op's other rows (shape, attrs).
  var label = ""
  /// The differentiated inputs.
  let inputs: [Tensor]
  /// Inputs fed as given and not differentiated (labels, conditions).
  var constants: [Tensor] = []
  var tolerance = 1e-4
  var delta = 1e-6
  /// Builds the checked function from the input and constant placeholders.
  let build: @Sendable (Graph, [Output], [Output]) throws -> Output

  var testDescription: String { label.isEmpty ? op : "\(op) \(label)" }

  /// Runs the check: the graph must contain the op, and the symbolic
  /// gradient of every input must match central differences.
  func run(sourceLocation: Testing.SourceLocation = #_sourceLocation) {
    let op = self.op, build = self.build
    expectGradientsMatch(
      inputs: inputs, constants: constants, tolerance: tolerance, delta: delta, sourceLocation: sourceLocation
    ) { g, x, c in
      let y = try build(g, x, c)
      #expect(g.nodes.contains { $0.op == op }, "the row for \(op) built no \(op) node", sourceLocation: sourceLocation)
      return y
    }
  }
}
