import Testing
import TensorGraph
import TensorGraphTestSupport

@Suite struct PruningTests {
  @Test func removesWhatTheFetchesDoNotNeed() throws {
    let g = Graph()
    let x = try g.placeholder(.float32, shape: [nil, 3], name: "x")
    _ = try g.placeholder(.float32, shape: [2], name: "unused")
    let y = try g.relu(x, name: "y")
    let dead = try g.exp(x, name: "dead")
    _ = try g.tanh(dead, name: "dead2")
    let result = try expectPass(PruningPass(), on: g, keep: KeepSet(fetches: [y]), fires: true)
    let names = Set(result.graph.nodes.map(\.name))
    #expect(names == ["x", "unused", "y"], "placeholders stay even when unused")
    #expect(result.report.entries[0].diff?.removed.map(\.name) == ["dead", "dead2"])
  }

  @Test func keepsStatefulOpsReachableFromKeptTargetsOnly() throws {
    let g = Graph()
    let v = try g.variable(Tensor.f32([1, 2, 3], [3]), name: "v")
    let step = try g.assignAdd(v.ref, g.constant(Tensor.f32([1, 1, 1], [3])), name: "step")
    _ = try g.assignSub(v.ref, g.constant(Tensor.f32([5, 5, 5], [3])), name: "unreachable")
    let w = try g.variable(Tensor.f32([7], [1]), name: "w")  // a variable nothing reads
    // y reads v after the update: without the control dependency the read
    // races with AssignAdd and the differential check could not compare runs.
    let y = try g.withControlDependencies([step.node]) {
      try g.multiply(g.identity(v.value), try g.constant(2.0), name: "y")
    }
    let keep = KeepSet(fetches: [y], targets: [step.node])
    let result = try expectPass(PruningPass(), on: g, keep: keep, fires: true, check: DifferentialCheck(steps: 3))
    let out = result.graph
    #expect(out.node(named: "step") != nil)
    #expect(out.node(named: "unreachable") == nil)
    #expect(out.node(named: "v/Assign") == nil, "initializers are pruned unless kept")
    #expect(out.node(named: w.node.name) == nil, "a variable nothing kept reads goes")
    #expect(out.globalVariables.map(\.name) == ["v"])
    let all = try expectPass(PruningPass(keepsUnreachableVariables: true), on: g, keep: keep, fires: true)
    #expect(all.graph.globalVariables.map(\.name) == ["v", "w"])
  }

  @Test func keepsInitializersWhenTheInitOpIsKept() throws {
    let g = Graph()
    let v = try g.variable(Tensor.f32([1, 2], [2]), name: "v")
    let y = try g.square(v.value, name: "y")
    _ = try g.exp(y, name: "dead")
    let initOp = try g.globalVariablesInitializer()
    let result = try expectPass(
      PruningPass(), on: g, keep: KeepSet(fetches: [y], targets: [initOp]), fires: true)
    #expect(result.graph.node(named: "v/Assign") != nil && result.graph.node(named: "init") != nil)
    #expect(result.graph.node(named: "dead") == nil)
  }

  @Test func controlDependenciesKeepTheirSources() throws {
    let g = Graph()
    let x = try g.placeholder(.float32, shape: [2], name: "x")
    let side = try g.exp(x, name: "side")
    let y = try g.withControlDependencies([side.node]) { try g.negate(x, name: "y") }
    let result = try expectPass(PruningPass(), on: g, keep: KeepSet(fetches: [y]), fires: false)
    #expect(result.graph.node(named: "side") != nil)
  }

  @Test func doesNothingWhenEverythingIsNeeded() throws {
    let g = Graph()
    let x = try g.placeholder(.float32, shape: [nil], name: "x")
    let y = try g.add(try g.exp(x), x, name: "y")
    let result = try expectPass(PruningPass(), on: g, keep: KeepSet(fetches: [y]), fires: false)
    #expect(result.graph === g, "an unchanged graph is returned as is")
  }
}
