import Testing
import TensorGraph
import TensorGraphTestSupport

/// Einsum's equation rules, shapes and errors. Values are checked against
/// ``EinsumReference`` (KernelCheckTable.linalg) and TensorFlow's own
/// (`Fixtures/ops/linalg.safetensors`).
@Suite struct EinsumTests {
  @Test func implicitModeAndShapes() throws {
    let g = Graph()
    let a = try g.placeholder(.float32, shape: [2, 3], name: "a")
    let b = try g.placeholder(.float32, shape: [3, 4], name: "b")
    // NumPy's implicit mode: the labels that appear once, sorted.
    let y = try g.einsum("ij,jk", [a, b])
    #expect(y.node.attrs["equation"] == .string("ij,jk->ik") && y.shape == [2, 4])
    let q = try g.placeholder(.float32, shape: [nil, 5, 2, 3], name: "q")
    #expect(try g.einsum("...ij,jk->...ik", [q, b]).shape == [.unknown, 5, 2, 4])
    let u = try g.placeholder(.float32, shape: nil, name: "u")
    #expect(try g.einsum("ij,jk->ki", [u, b]).shape == PartialShape.unknown(rank: 2))
    let out = try Session(graph: g).run(
      fetches: [y], feeds: [a: Tensor.f32([1, 2, 3, 4, 5, 6], [2, 3]), b: Tensor.f32((0..<12).map(Double.init), [3, 4])])
    #expect(out[0].doubles() == [32, 38, 44, 50, 68, 83, 98, 113])
  }

  @Test func badEquationsAreErrors() throws {
    let g = Graph()
    let a = try g.constant(Tensor.f64([1, 2, 3, 4, 5, 6], [2, 3]))
    expectError(.invalidArgument, containing: ["Expecting 1 or 2 input subscripts", "Einsum"]) {
      try g.einsum("ij,jk,kl->il", [a, a, a])
    }
    expectError(.invalidArgument, containing: ["at most one ellipsis"]) { try g.einsum("......i->i", [a]) }
    expectError(.invalidArgument, containing: ["'z'", "does not appear"]) { try g.einsum("ij->iz", [a]) }
    expectError(.shapeMismatch, containing: ["Expected dimension 3", "label 'j'"]) { try g.einsum("ij,jk->ik", [a, a]) }
    expectError(.shapeMismatch, containing: ["name 3 dimensions"]) { try g.einsum("ijk->i", [a]) }
    // Fed: the kernel checks what the build could not see.
    let h = Graph()
    let x = try h.placeholder(.float64, shape: nil, name: "x")
    let y = try h.einsum("ij,jk->ik", [x, x], name: "product")
    expectError(.invalidArgument, containing: ["Expected dimension", "product"]) {
      try Session(graph: h).run(y, feeds: [x: Tensor.f64([1, 2, 3, 4, 5, 6], [2, 3])])
    }
  }
}
