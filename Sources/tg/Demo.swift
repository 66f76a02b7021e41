import ArgumentParser
import TensorGraph

/// `tg demo`: builds and runs a small graph, showing inferred shapes, a
/// variable update and a shape error pointing at its source line.
struct Demo: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Build and run a small graph: shapes, variables, and an error that points at its line.")

  func run() throws {
    let g = Graph()
    let x = try g.placeholder(.float32, shape: [nil, 3], name: "x")
    let w = try g.variable(Tensor([[1, 2], [3, 4], [5, 6]] as [[Float]]), name: "w")
    let b = try g.constant(Tensor([0.5, -0.5] as [Float]), name: "b")
    let y = try g.add(try g.matMul(x, w.value), b, name: "y")
    print("Graph:")
    for node in g.nodes { print("  \(node.name) = \(node.op) -> \(node.outputs.map(\.description).joined(separator: ", "))") }

    let session = Session(graph: g)
    try session.run(targets: [try g.globalVariablesInitializer()])
    let batch = try Tensor([[1, 0, 0], [0, 1, 1]] as [[Float]])
    print("\ny = x·w + b for x =\n\(batch)\n=\n\(try session.run(y, feeds: [x: batch]))")

    let step = try g.assignAdd(w.ref, try g.constant(try Tensor(shape: [3, 2], repeating: Float(1))))
    try session.run(targets: [step.node])
    print("\nafter w += 1:\n\(try session.run(y, feeds: [x: batch]))")

    print("\nA shape error names the node, the op, the shapes and the line that built it:")
    do {
      _ = try g.matMul(x, b)
    } catch {
      print("  \(error)")
    }
  }
}
