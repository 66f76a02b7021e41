import Testing
import TensorGraph
import TensorGraphTestSupport

@Suite struct GraphRewriterTests {
  @Test func copiesNamesSitesCollectionsAndSeed() throws {
    let g = Graph()
    g.randomSeed = 17
    let x = try g.placeholder(.float32, shape: [nil, 2], name: "x")
    let v = try g.variable(Tensor.f32([1, 2], [2]), name: "v")
    let y = try g.add(x, v.value, name: "y")
    g.addToCollection("outputs", y.node)
    let rewriter = GraphRewriter(g)
    let copy = try rewriter.finish()
    #expect(!rewriter.changed)
    #expect(copy.nodes.map(\.name) == g.nodes.map(\.name))
    #expect(copy.nodes.map(\.site) == g.nodes.map(\.site))
    #expect(copy.nodes.map(\.outputs) == g.nodes.map(\.outputs))
    #expect(copy.randomSeed == 17)
    #expect(copy.collection("outputs").map(\.name) == ["y"])
    #expect(copy.trainableVariables.map(\.name) == ["v"])
    #expect(GraphDiff(g, copy).isEmpty)
  }

  @Test func replacesRewiresAndAddsUnderFreshNames() throws {
    let g = Graph()
    let x = try g.placeholder(.float32, shape: [3], name: "x")
    let n = try g.negate(x, name: "n")
    let y = try g.exp(n, name: "y")
    let rewriter = GraphRewriter(g)
    for node in g.nodes {
      if node.name == "n", let input = rewriter.mapped(node.inputs[0]) {
        let abs = try rewriter.add(op: "Abs", inputs: [input], name: "y")  // "y" is taken: gets a fresh name
        rewriter.replace(node, with: [rewriter.target.output(abs, 0)])
      } else {
        try rewriter.copy(node)
      }
    }
    let out = try rewriter.finish()
    #expect(rewriter.changed)
    #expect(out.node(named: "y_1")?.op == "Abs" && out.node(named: "n") == nil)
    let yNode = try out.requireNode(named: y.node.name)
    #expect(out.node(at: yNode.inputs[0].node).name == "y_1")
  }

  @Test func dropsReadersOfDroppedNodes() throws {
    let g = Graph()
    let x = try g.placeholder(.float32, shape: [3], name: "x")
    let a = try g.exp(x, name: "a")
    _ = try g.negate(a, name: "b")
    _ = try g.square(x, name: "c")
    let rewriter = GraphRewriter(g)
    for node in g.nodes {
      if node.name == "a" { rewriter.drop(node) } else { try rewriter.copy(node) }
    }
    let out = try rewriter.finish()
    #expect(rewriter.cascaded.map(\.name) == ["b"])
    #expect(out.nodes.map(\.name) == ["x", "c"])
  }

  @Test func controlDependenciesOnReplacedNodesFollowTheirReplacement() throws {
    let g = Graph()
    let x = try g.placeholder(.float32, shape: [3], name: "x")
    let side = try g.exp(x, name: "side")
    let gate = try g.withControlDependencies([side.node]) { try g.identity(x, name: "gate") }
    let after = try g.withControlDependencies([gate.node]) { try g.negate(x, name: "after") }
    let reader = try g.square(gate, name: "reader")
    let rewriter = GraphRewriter(g)
    for node in g.nodes {
      if node.name == "gate", let input = rewriter.mapped(node.inputs[0]) {
        rewriter.replace(node, with: [input])
      } else {
        try rewriter.copy(node)
      }
    }
    let out = try rewriter.finish()
    func controls(_ name: String) throws -> Set<String> {
      Set(try out.requireNode(named: name).controlInputs.map { out.node(at: $0).name })
    }
    #expect(try controls(after.node.name) == ["side", "x"], "waits for what the gate waited for and produced")
    #expect(try controls(reader.node.name) == ["side"], "readers inherit the gate's control inputs")
  }
}
