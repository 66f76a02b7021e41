import Testing
import TensorGraph
import TensorGraphTestSupport

@Suite struct GraphNamingTests {
  @Test func clashingNamesGetTensorFlowSuffixes() throws {
    let g = Graph()
    let a = try g.placeholder(.float32, shape: [2], name: "x")
    let b = try g.placeholder(.float32, shape: [2], name: "x")
    let c = try g.placeholder(.float32, shape: [2], name: "x")
    #expect([a, b, c].map(\.node.name) == ["x", "x_1", "x_2"])
    // `x_1` is taken, so a node explicitly named x_1 becomes x_1_1.
    let d = try g.placeholder(.float32, shape: [2], name: "x_1")
    #expect(d.node.name == "x_1_1")
  }

  @Test func nameScopesPrefixAndUniquify() throws {
    let g = Graph()
    let x = try g.placeholder(.float32, shape: [1, 2], name: "x")
    let w = try g.constant(Tensor.f32([1, 2], [2, 1]), name: "w")
    let first = try g.withNameScope("dense") { try g.matMul(x, w) }
    let second = try g.withNameScope("dense") { try g.matMul(x, w) }
    #expect(first.node.name == "dense/MatMul")
    #expect(second.node.name == "dense_1/MatMul")
    let nested = try g.withNameScope("outer") { try g.withNameScope("inner") { try g.identity(x) } }
    #expect(nested.node.name == "outer/inner/Identity")
    // A node named like an existing scope is uniquified too.
    let clash = try g.identity(x, name: "dense")
    #expect(clash.node.name == "dense_2")
  }

  @Test func outputsHaveTensorFlowNames() throws {
    let g = Graph()
    let x = try g.placeholder(.float32, shape: nil, name: "x")
    #expect(x.name == "x:0")
    #expect(try g.output(named: "x") == x)
    #expect(try g.output(named: "x:0") == x)
    expectError(.unknownNode, containing: ["'y'"]) { try g.output(named: "y") }
    expectError(.unknownNode, containing: ["output 3"]) { try g.output(named: "x:3") }
  }

  @Test func unknownNameSuggestsCloseOnes() throws {
    let g = Graph()
    _ = try g.placeholder(.float32, shape: nil, name: "images")
    expectError(.unknownNode, containing: ["did you mean 'images'"]) { try g.output(named: "imagse") }
  }

  @Test func consumersAndPruning() throws {
    let g = Graph()
    let x = try g.placeholder(.float32, shape: [2], name: "x")
    let y = try g.placeholder(.float32, shape: [2], name: "y")
    let s = try g.add(x, y, name: "s")
    let unused = try g.multiply(x, x, name: "unused")
    #expect(Set(g.consumers(of: x.nodeID)) == Set([s.nodeID, unused.nodeID]))
    #expect(g.subgraph(fetches: [s]) == [x.nodeID, y.nodeID, s.nodeID])
    // Feeding s cuts its inputs away.
    #expect(g.subgraph(fetches: [s], cut: [s.ref]) == [])
    #expect(g.topologicalOrder == Array(0..<g.nodeCount))
  }

  @Test func nodesRecordTheirCreationSite() throws {
    let g = Graph()
    let x = try g.placeholder(.float32, shape: [nil, 784], name: "x"); let line = #line
    #expect(x.node.site?.line == line)
    #expect(x.node.site?.fileID.hasSuffix("GraphTests.swift") == true)
  }

  @Test func genericAddNodeInfersTypeAttributes() throws {
    let g = Graph()
    let a = try g.constant(Tensor.f64([1, 2], [2]))
    let node = try g.addNode(op: "AddV2", inputs: [a, a], name: "sum")
    #expect(node.attrs["T"] == .type(.float64))
    #expect(node.outputs == [TensorType(.float64, [2])])
  }
}

@Suite struct GraphErrorTests {
  @Test func shapeErrorNamesNodeOpShapesAndLine() throws {
    let g = Graph()
    let x = try g.placeholder(.float32, shape: [nil, 784], name: "x")
    let w = try g.constant(try Tensor(zeros: [512, 10]))
    let e = expectError(.shapeMismatch, containing: ["dense_1/MatMul (MatMul)", "inner dimensions differ: [?, 784] × [512, 10]"]) {
      try g.withNameScope("dense_1") { try g.matMul(x, w) }
    }
    #expect(e?.site?.fileID.hasSuffix("GraphTests.swift") == true)
  }

  @Test func unknownOpSuggests() throws {
    let g = Graph()
    expectError(.unknownOp, containing: ["'Matmul'", "did you mean 'MatMul'"]) { try g.addNode(op: "Matmul") }
  }

  @Test func dtypeMismatchSaysWhichInput() throws {
    let g = Graph()
    let a = try g.constant(Tensor.f32([1], [1]))
    let b = try g.constant(Tensor.f64([1], [1]))
    expectError(.dtypeMismatch, containing: ["input 'y' is float64", "'T' is float32"]) { try g.add(a, b) }
  }

  @Test func attributeErrors() throws {
    let g = Graph()
    let a = try g.constant(Tensor.f32([1, 2, 3, 4], [2, 2]))
    expectError(.invalidAttribute, containing: ["'transpose_c' is not an attribute of MatMul"]) {
      try g.addNode(op: "MatMul", inputs: [a, a], attrs: ["transpose_c": true])
    }
    expectError(.invalidAttribute, containing: ["'transpose_a' must be bool"]) {
      try g.addNode(op: "MatMul", inputs: [a, a], attrs: ["transpose_a": 1])
    }
    expectError(.missingAttribute, containing: ["'dtype'"]) { try g.addNode(op: "Placeholder") }
    let flags = try g.constant(Tensor([true, false]))
    expectError(.invalidAttribute, containing: ["'T' is bool, which is not one of {float32, float64, int32, int64}"]) {
      try g.addNode(op: "MatMul", inputs: [flags, flags])
    }
  }

  @Test func wrongInputCount() throws {
    let g = Graph()
    let a = try g.constant(Tensor.f32([1], [1]))
    expectError(.invalidArgument, containing: ["takes 2 input(s)", "1 were given"]) {
      try g.addNode(op: "AddV2", inputs: [a])
    }
  }

  @Test func exactNamesMustBeFreeAndValid() throws {
    let g = Graph()
    _ = try g.addNode(op: "NoOp", name: "a", exactName: true)
    expectError(.duplicateName, containing: ["'a' already exists"]) { try g.addNode(op: "NoOp", name: "a", exactName: true) }
    expectError(.invalidArgument, containing: ["not a valid node name"]) { try g.addNode(op: "NoOp", name: "_bad", exactName: true) }
  }

  @Test func inputsFromAnotherGraphAreRejected() throws {
    let g1 = Graph(), g2 = Graph()
    let a = try g1.constant(Tensor.f32([1], [1]))
    let b = try g2.constant(Tensor.f32([1], [1]))
    expectError(.invalidArgument, containing: ["different graph"]) { try g2.add(a, b) }
  }
}
