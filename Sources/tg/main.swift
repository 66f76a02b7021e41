import TensorGraph
do {
  let g = Graph()
  let x = try g.placeholder(.float32, shape: [nil, 3], name: "x")
  let w = try g.variable(Tensor([[1, 2], [3, 4], [5, 6]] as [[Float]]), name: "w")
  let b = try g.constant(Tensor([0.5, -0.5] as [Float]), name: "b")
  let y = try g.matMul(x, w.value) + b
  print(g.nodes.map(\.description).joined(separator: "\n"))
  let s = Session(graph: g)
  try s.run(targets: [try g.globalVariablesInitializer()])
  let out = try s.run(y, feeds: [x: Tensor([[1, 0, 0], [0, 1, 1]] as [[Float]])])
  print(out)
  _ = try g.matMul(x, b)
} catch {
  print("error:", error)
}
