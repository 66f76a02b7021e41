import Testing
import TensorGraph
import TensorGraphTestSupport

// The tutorial of Docs/passes.md, verbatim: a pass written outside the
// library that rewrites Pow(x, 2) into Square(x), registered by name,
// checked and measured. Keep the two in step.

// MARK: - Tutorial: the pass

/// `Pow(x, 2)` → `Square(x)`: a multiply instead of a call to `pow`.
struct PowTwoToSquare: GraphPass {
  var name: String { "pow2-to-square" }

  func run(_ graph: Graph, keep: KeepSet) throws -> Graph {
    let rewriter = GraphRewriter(graph)
    for node in graph.nodes {
      // Match Pow whose exponent is a constant 2 (in the new graph, so
      // constants folded earlier count).
      if node.op == "Pow",
        let base = rewriter.mapped(node.inputs[0]), let exponent = rewriter.mapped(node.inputs[1]),
        let two = graph.constantValue(of: node.inputs[1]), two.scalarCount == 1, two.doubles()[0] == 2,
        exponent.shape.rank == 0
      {
        // Same name, so kept outputs stay kept; same site for errors.
        try rewriter.add(op: "Square", inputs: [base], replacing: node)
      } else {
        try rewriter.copy(node)
      }
    }
    // Returning the input graph says "nothing changed".
    return rewriter.changed ? try rewriter.finish() : graph
  }
}

@Suite struct PassTutorialTests {
  /// y = Σ (x² + x) with x² written as Pow(x, 2).
  static func graph() throws -> (Graph, Output) {
    let g = Graph()
    let x = try g.placeholder(.float32, shape: [nil, 256], name: "x")
    let squared = try g.pow(x, try g.constant(2.0))
    let y = try g.sum(try g.add(squared, x), name: "y")
    return (g, y)
  }

  @Test func writeRegisterCheckAndMeasureAPass() throws {
    let (g, y) = try Self.graph()
    let keep = KeepSet(fetches: [y])

    // Register it next to the standard passes and name it in a pipeline.
    var registry = PassRegistry.standard
    registry.register(PowTwoToSquare())
    let manager = try PassManager(pipeline: ["constfold", "pow2-to-square", "pruning"], registry: registry)

    // Run it: verified after every pass, reported.
    let result = try manager.run(g, keep: keep)
    print(result.report.table())
    #expect(result.graph.count(of: "Pow") == 0 && result.graph.count(of: "Square") == 1)

    // Check it: same outputs on random feeds.
    try DifferentialCheck(unknownDimension: 64).verify(original: g, transformed: result.graph, keep: keep)

    // Measure it: before and after, alternating runs.
    let experiment = PassExperiment(manager: manager, keep: keep, repetitions: 5, unknownDimension: 64)
    let timing = try experiment.run(g)
    print(timing)
    #expect(timing.speedup > 0 && timing.before.samples.count == 5)
  }

  @Test func leavesOtherExponentsAlone() throws {
    let g = Graph()
    let x = try g.placeholder(.float32, shape: [3], name: "x")
    let y = try g.pow(x, try g.constant(3.0), name: "y")
    _ = try expectPass(PowTwoToSquare(), on: g, keep: KeepSet(fetches: [y]), fires: false,
      check: DifferentialCheck(feedOverrides: ["x": Tensor.f32([1, 2, 3], [3])]))
  }
}
