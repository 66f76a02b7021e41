import Testing
import TensorGraph
import TensorGraphTestSupport

@Suite struct GradientCoreTests {
  @Test func gradientNodesLiveUnderTheGradientsScope() throws {
    let g = Graph()
    let x = try g.placeholder(.float32, shape: [2, 3], name: "x")
    let w = try g.placeholder(.float32, shape: [3, 4], name: "w")
    let y = try g.withNameScope("dense") { try g.matMul(x, w) }
    let loss = try g.sum(y)
    let grads = try g.gradients(of: loss, with: [x, w])
    #expect(grads[0]?.node.name == "gradients/dense/MatMul_grad/MatMul")
    #expect(grads[1]?.node.name == "gradients/dense/MatMul_grad/MatMul_1")
    #expect(grads.map { $0?.shape } == [PartialShape([2, 3]), PartialShape([3, 4])])
    // A second call gets its own scope.
    let again = try g.gradients(of: loss, with: [x])
    #expect(again[0]?.node.name.hasPrefix("gradients_1/") == true)
  }

  @Test func unconnectedInputsGiveNilOrZeros() throws {
    let g = Graph()
    let x = try g.placeholder(.float64, shape: [2], name: "x")
    let z = try g.placeholder(.float64, shape: [2], name: "z")
    let y = try g.sum(try g.multiply(x, x))
    #expect(try g.gradients(of: y, with: [z])[0] == nil)
    let zeros = try #require(try g.gradients(of: y, with: [z], unconnected: .zero)[0])
    let v = try Session(graph: g).run(zeros, feeds: [x: Tensor.f64([1, 2], [2]), z: Tensor.f64([5, 5], [2])])
    expectClose(v, [0, 0])
  }

  @Test func fanOutAccumulatesWithAddN() throws {
    let g = Graph()
    let x = try g.placeholder(.float64, shape: [], name: "x")
    // y = x·x + x·x·x  → dy/dx = 2x + 3x²
    let y = try g.add(try g.multiply(x, x), try g.multiply(try g.multiply(x, x), x))
    let dx = try #require(try g.gradients(of: y, with: [x])[0])
    #expect(g.nodes.contains { $0.op == "AddN" && $0.name.hasPrefix("gradients/") })
    expectClose(try Session(graph: g).run(dx, feeds: [x: Tensor(2.0)]), [4 + 12])
  }

  @Test func stopGradientAndStopGradientsListBlockFlow() throws {
    let g = Graph()
    let x = try g.placeholder(.float64, shape: [], name: "x")
    let a = try g.multiply(x, x)
    let y = try g.add(a, try g.stopGradient(a))
    let dx = try #require(try g.gradients(of: y, with: [x])[0])
    expectClose(try Session(graph: g).run(dx, feeds: [x: Tensor(3.0)]), [6])
    let stopped = try g.gradients(of: [y], with: [x], stopGradients: [a], unconnected: .zero)[0]!
    expectClose(try Session(graph: g).run(stopped, feeds: [x: Tensor(3.0)]), [0])
  }

  @Test func initialGradientsScaleTheResult() throws {
    let g = Graph()
    let x = try g.placeholder(.float64, shape: [3], name: "x")
    let y = try g.multiply(x, x)
    let seed = try g.constant(Tensor.f64([1, 10, 100], [3]))
    let dx = try #require(try g.gradients(of: [y], with: [x], gradYs: [seed])[0])
    expectClose(try Session(graph: g).run(dx, feeds: [x: Tensor.f64([1, 2, 3], [3])]), [2, 40, 600])
  }

  @Test func missingGradientsAreAllNamedBeforeAnyNodeIsAdded() throws {
    let registry = OpRegistry.standard.adding([
      OpDef("Mystery", inputs: ["x: T"], outputs: ["y: T"], attrs: ["T: {float32, float64}"],
            shape: ShapeRules.unchanged, kernel: { _ in { ctx in ctx.setOutput(0, ctx.input(0)) } })
    ])
    let g = Graph(registry: registry)
    let x = try g.placeholder(.float64, shape: [2], name: "x")
    let m1 = try g.addNode(op: "Mystery", inputs: [x], name: "first", site: SourceLocation())
    let m2 = try g.addNode(op: "Mystery", inputs: [g.output(m1)], name: "second", site: SourceLocation())
    let y = try g.sum(g.output(m2))
    let before = g.nodeCount
    let e = expectError(.noGradient, containing: ["2 op(s)", "first (Mystery)", "second (Mystery)", "GradientTests.swift"]) {
      try g.gradients(of: y, with: [x])
    }
    #expect(e?.site?.fileID.hasSuffix("GradientTests.swift") == true)
    #expect(g.nodeCount == before)
  }

  @Test func integerYsAreRejected() throws {
    let g = Graph()
    let x = try g.placeholder(.int32, shape: [2], name: "x")
    expectError(.dtypeMismatch, containing: ["floating-point"]) { try g.gradients(of: x, with: [x]) }
  }

  @Test func gradientNodesPointAtTheCallSite() throws {
    let g = Graph()
    let x = try g.placeholder(.float64, shape: [2], name: "x")
    let y = try g.sum(try g.multiply(x, x))
    let dx = try g.gradients(of: y, with: [x])[0]!; let line = #line
    #expect(dx.node.site?.line == line)
  }
}

@Suite struct BinaryGradientTests {
  @Test func unknownShapesUseBroadcastGradientArgs() throws {
    let g = Graph()
    let x = try g.placeholder(.float64, shape: [nil, nil], name: "x")
    let b = try g.placeholder(.float64, shape: [nil], name: "b")
    let y = try g.sum(try g.multiply(try g.add(x, b), try g.add(x, b)))
    let grads = try g.gradients(of: y, with: [x, b])
    #expect(g.nodes.contains { $0.op == "BroadcastGradientArgs" })
    let out = try Session(graph: g).run(
      fetches: grads.map { $0! }, feeds: [x: Tensor.f64([1, 2, 3, 4], [2, 2]), b: Tensor.f64([1, -1], [2])])
    // d/dx (x+b)² = 2(x+b); d/db = Σ_rows 2(x+b)
    expectClose(out[0], [4, 2, 8, 6], shape: [2, 2])
    expectClose(out[1], [12, 8], shape: [2])
  }

  @Test func staticShapesNeedNoShapeOps() throws {
    let g = Graph()
    let x = try g.placeholder(.float32, shape: [nil, 10], name: "x")
    let b = try g.placeholder(.float32, shape: [10], name: "b")
    let y = try g.sum(try g.add(x, b))
    _ = try g.gradients(of: y, with: [x, b])
    #expect(!g.nodes.contains { $0.op == "BroadcastGradientArgs" })
  }
}
