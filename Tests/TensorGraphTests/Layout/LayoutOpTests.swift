import Testing
import TensorGraph
import TensorGraphTestSupport

/// ReverseV2, Roll, MirrorPad and PadV2 on TensorFlow's documented
/// examples, and the arguments they reject. TensorFlow's own values are in
/// `Fixtures/ops/layout.safetensors` (`TFOpFixtureTests`).
@Suite struct LayoutOpTests {
  static let matrix = Tensor.f64([1, 2, 3, 4, 5, 6], [2, 3])

  @Test func mirrorPadMatchesTheDocumentedExamples() throws {
    let g = Graph()
    let x = try g.constant(Self.matrix)
    let reflect = try g.mirrorPad(x, paddings: [[1, 1], [2, 2]], mode: "REFLECT")
    let symmetric = try g.mirrorPad(x, paddings: [[1, 1], [2, 2]], mode: "SYMMETRIC")
    #expect(reflect.shape == [4, 7])
    let out = try Session(graph: g).run(fetches: [reflect, symmetric])
    #expect(out[0].doubles() == [6, 5, 4, 5, 6, 5, 4, 3, 2, 1, 2, 3, 2, 1, 6, 5, 4, 5, 6, 5, 4, 3, 2, 1, 2, 3, 2, 1])
    #expect(out[1].doubles() == [2, 1, 1, 2, 3, 3, 2, 2, 1, 1, 2, 3, 3, 2, 5, 4, 4, 5, 6, 6, 5, 5, 4, 4, 5, 6, 6, 5])
  }

  @Test func rollReverseAndPadV2() throws {
    let g = Graph()
    let x = try g.constant(Self.matrix)
    let rolled = try g.roll(x, shift: [1, -1], axis: [1, 0])
    let reversed = try g.reverse(x, axis: [-1])
    let padded = try g.pad(
      x, paddings: try g.constant(try Tensor(shape: [2, 2], scalars: [Int32(0), 1, 1, 0])),
      constantValue: try g.constant(Tensor(-1.0)))
    let out = try Session(graph: g).run(fetches: [rolled, reversed, padded])
    #expect(out[0].doubles() == [6, 4, 5, 3, 1, 2])
    #expect(out[1].doubles() == [3, 2, 1, 6, 5, 4])
    #expect(out[2].shape == [3, 4] && out[2].doubles() == [-1, 1, 2, 3, -1, 4, 5, 6, -1, -1, -1, -1])
  }

  @Test func badArgumentsAreErrors() throws {
    let g = Graph()
    let x = try g.constant(Self.matrix)
    expectError(.invalidArgument, containing: ["no greater than the dimension size: 3, 0 greater than 2", "MirrorPad"]) {
      try g.mirrorPad(x, paddings: [[0, 0], [3, 0]], mode: "REFLECT")
    }
    expectError(.invalidArgument, containing: ["axis 1 specified more than once"]) {
      try g.reverse(x, axis: [1, -1])
    }
    expectError(.invalidArgument, containing: ["out of range for a tensor of rank 2"]) {
      try g.roll(x, shift: [1], axis: [2])
    }
    // Fed: the kernels check what the build could not see.
    let h = Graph()
    let p = try h.placeholder(.float64, shape: nil, name: "p")
    let axis = try h.placeholder(.int32, shape: nil, name: "axis")
    let r = try h.reverse(p, axis: axis, name: "flip")
    expectError(.invalidArgument, containing: ["'axis'[0] = 5 is out of valid range", "flip"]) {
      try Session(graph: h).run(r, feeds: [p: Self.matrix, axis: Tensor([Int32(5)])])
    }
    let m = try h.mirrorPad(p, paddings: [[2, 0], [0, 0]], mode: "SYMMETRIC", name: "mirror")
    expectError(.invalidArgument, containing: ["mirror"]) {
      try Session(graph: h).run(m, feeds: [p: Tensor.f64([1, 2], [1, 2]), axis: Tensor([Int32(0)])])
    }
  }
}
