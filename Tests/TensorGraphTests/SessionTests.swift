import Testing
import TensorGraph
import TensorGraphTestSupport

@Suite struct SessionTests {
  @Test func feedsFetchesAndPruning() throws {
    let g = Graph()
    let x = try g.placeholder(.float32, shape: [2], name: "x")
    let unfed = try g.placeholder(.float32, shape: [2], name: "unfed")
    let y = try g.multiply(x, x, name: "y")
    _ = try g.add(unfed, x, name: "needs_unfed")
    let s = Session(graph: g)
    // `unfed` is not needed for y, so it need not be fed.
    let out = try s.run(fetches: [y, x], feeds: [x: Tensor([3, -2] as [Float])])
    expectClose(out[0], [9, 4], shape: [2])
    expectClose(out[1], [3, -2], shape: [2])
    // Feeding an intermediate value replaces its computation.
    expectClose(try s.run(y, feeds: [y: Tensor([7, 7] as [Float])]), [7, 7])
  }

  @Test func runByName() throws {
    let g = Graph()
    let x = try g.placeholder(.float64, shape: nil, name: "x")
    _ = try g.add(x, x, name: "twice")
    let s = Session(graph: g)
    let out = try s.run(fetches: ["twice:0"], feeds: ["x": Tensor(Double(21))])
    #expect(try out[0].scalar(as: Double.self) == 42)
    expectError(.unknownNode, containing: ["'thrice'"]) { try s.run(fetches: ["thrice"], feeds: [:]) }
  }

  @Test func missingFeedNamesThePlaceholder() throws {
    let g = Graph()
    let x = try g.placeholder(.float32, shape: [nil, 784], name: "images")
    let y = try g.add(x, x)
    let e = expectError(.missingFeed, containing: ["images (Placeholder)", "float32[?, 784]", "must be fed"]) {
      try Session(graph: g).run(y)
    }
    #expect(e?.site?.fileID.hasSuffix("SessionTests.swift") == true)
  }

  @Test func badFeedsAreRejected() throws {
    let g = Graph()
    let x = try g.placeholder(.float32, shape: [nil, 3], name: "x")
    let y = try g.add(x, x)
    let s = Session(graph: g)
    expectError(.invalidFeed, containing: ["'x:0'", "float64", "float32"]) {
      try s.run(y, feeds: [x: Tensor.f64([1, 2, 3], [1, 3])])
    }
    expectError(.invalidFeed, containing: ["'x:0'", "[1, 4]", "[?, 3]"]) {
      try s.run(y, feeds: [x: Tensor.f32([1, 2, 3, 4], [1, 4])])
    }
    // The session stays usable after errors.
    expectClose(try s.run(y, feeds: [x: Tensor.f32([1, 2, 3], [1, 3])]), [2, 4, 6], shape: [1, 3])
  }

  @Test func fetchFromAnotherGraphIsRejected() throws {
    let g = Graph(), other = Graph()
    let a = try other.constant(Tensor(Float(1)))
    expectError(.invalidArgument, containing: ["different graph"]) { try Session(graph: g).run(a) }
  }

  @Test func kernelErrorCarriesNodeAndSite() throws {
    let g = Graph()
    let a = try g.placeholder(.float32, shape: nil, name: "a")
    let b = try g.placeholder(.float32, shape: nil, name: "b")
    let sum = try g.add(a, b, name: "sum")
    let s = Session(graph: g)
    expectError(.shapeMismatch, containing: ["sum (AddV2)", "[2] and [3]", "SessionTests.swift"]) {
      try s.run(sum, feeds: [a: Tensor.f32([1, 2], [2]), b: Tensor.f32([1, 2, 3], [3])])
    }
    expectClose(try s.run(sum, feeds: [a: Tensor.f32([1, 2], [2]), b: Tensor.f32([1], [1])]), [2, 3])
  }

  @Test func variablesInitializeAssignAndUpdate() throws {
    let g = Graph()
    let v = try g.variable(Tensor.f32([1, 2], [2]), name: "v")
    #expect(v.node.name == "v")
    #expect(v.initializer.name == "v/Assign")
    #expect(v.value.node.name == "v/read")
    #expect(g.node(named: "v/initial_value")?.op == "Const")
    let doubled = try g.add(v.value, v.value)
    let s = Session(graph: g)
    expectError(.uninitializedVariable, containing: ["'v'", "initializer"]) { try s.run(doubled) }
    try s.run(targets: [try g.globalVariablesInitializer()])
    expectClose(try s.run(doubled), [2, 4])
    let bump = try g.assignAdd(v.ref, try g.constant(Tensor.f32([10, 10], [2]))).node
    try s.run(targets: [bump])
    try s.run(targets: [bump])
    expectClose(try s.run(v.value), [21, 22])
    let down = try g.assignSub(v.ref, try g.constant(Tensor.f32([1, 2], [2]))).node
    try s.run(targets: [down])
    expectClose(try s.run(v.value), [20, 20])
    // A second session has its own, uninitialized, state.
    expectError(.uninitializedVariable) { try Session(graph: g).run(v.value) }
  }

  @Test func fetchedVariableValuesAreSnapshots() throws {
    let g = Graph()
    let v = try g.variable(Tensor.f32([1], [1]), name: "counter")
    let inc = try g.assignAdd(v.ref, try g.constant(Tensor.f32([1], [1]))).node
    let s = Session(graph: g)
    try s.run(targets: [v.initializer])
    let before = try s.run(v.value)
    try s.run(targets: [inc])
    expectClose(before, [1])
    expectClose(try s.run(v.value), [2])
  }

  @Test func assignChecksShapes() throws {
    let g = Graph()
    let v = try g.variable(Tensor.f32([1, 2], [2]), name: "v")
    let p = try g.placeholder(.float32, shape: nil, name: "p")
    let set = try g.assign(v.ref, p).node
    let s = Session(graph: g)
    try s.run(targets: [set], feeds: [p: Tensor.f32([5, 6], [2])])
    expectClose(try s.run(v.value), [5, 6])
    expectError(.shapeMismatch, containing: ["[3]", "[2]"]) {
      try s.run(targets: [set], feeds: [p: Tensor.f32([1, 2, 3], [3])])
    }
    let c = try g.constant(Tensor.f32([1, 2, 3], [3]))
    expectError(.shapeMismatch, containing: ["cannot assign a value of shape [3] to a variable of shape [2]"]) {
      try g.assign(v.ref, c)
    }
  }

  @Test func updateOpsNeedVariableInputs() throws {
    let g = Graph()
    let c = try g.constant(Tensor.f32([1], [1]), name: "c")
    let node = try g.addNode(op: "AssignAdd", inputs: [c, c], name: "bad")
    expectError(.invalidArgument, containing: ["must be a variable", "c (Const)"]) {
      try Session(graph: g).run(targets: [node])
    }
  }

  @Test func controlDependenciesRunFirst() throws {
    let g = Graph()
    let v = try g.variable(Tensor.f32([0], [1]), name: "v")
    let inc = try g.assignAdd(v.ref, try g.constant(Tensor.f32([1], [1]))).node
    let read = try g.withControlDependencies([inc]) { try g.identity(v.ref) }
    #expect(read.node.controlInputs == [inc.id])
    let s = Session(graph: g)
    try s.run(targets: [v.initializer])
    expectClose(try s.run(read), [1])
    expectClose(try s.run(read), [2])
  }

  @Test func plansAreCachedPerSignature() throws {
    let g = Graph()
    let x = try g.placeholder(.float32, shape: [1], name: "x")
    let y = try g.add(x, x)
    let s = Session(graph: g)
    let p1 = try s.plan(fetches: [y], feedRefs: [x.ref], targets: [])
    let p2 = try s.plan(fetches: [y], feedRefs: [x.ref], targets: [])
    #expect(p1 === p2)
    #expect(p1.stepCount == 1)  // only the AddV2: x is fed
  }
}
