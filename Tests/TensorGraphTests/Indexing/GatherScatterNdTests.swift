import Testing
import TensorGraph
import TensorGraphTestSupport

/// GatherNd, ScatterNd and TensorScatterUpdate/Add/Sub, Where and Unique
/// on hand-worked values (TensorFlow's documented examples), their shape
/// inference on partial shapes, and the inputs they reject, at build time
/// when the shapes are known and at run time otherwise. TensorFlow's own
/// values are in `Fixtures/ops/indexing.safetensors` (`TFOpFixtureTests`).
@Suite struct GatherScatterNdTests {
  static func i32(_ shape: [Int], _ values: [Int32]) throws -> Tensor { try Tensor(shape: shape, scalars: values) }

  @Test func gatherNdPicksElementsAndRows() throws {
    let g = Graph()
    let p = try g.constant(Tensor.f64([1, 2, 3, 4], [2, 2]))
    let elements = try g.gatherNd(p, indices: try g.constant(try Self.i32([2, 2], [1, 0, 0, 1])))
    let rows = try g.gatherNd(p, indices: try g.constant(try Self.i32([1, 1], [1])))
    let out = try Session(graph: g).run(fetches: [elements, rows])
    #expect(out[0].shape == [2] && out[0].doubles() == [3, 2])
    #expect(out[1].shape == [1, 2] && out[1].doubles() == [3, 4])
  }

  @Test func scatterNdSumsDuplicatesAndUpdateKeepsTheLast() throws {
    let g = Graph()
    // tf.scatter_nd's documented example, plus a duplicate of index 3.
    let s = try g.scatterNd(
      indices: try g.constant(try Self.i32([5, 1], [4, 3, 1, 7, 3])),
      updates: try g.constant(Tensor.f64([9, 10, 11, 12, 0.5], [5])), shape: [8])
    let t = try g.constant(Tensor.f64([0, 0, 0, 0], [4]))
    let twice = try g.constant(try Self.i32([2, 1], [1, 1])), values = try g.constant(Tensor.f64([5, 7], [2]))
    let update = try g.tensorScatterUpdate(t, indices: twice, updates: values)
    let add = try g.tensorScatterAdd(t, indices: twice, updates: values)
    let sub = try g.tensorScatterSub(t, indices: twice, updates: values)
    let out = try Session(graph: g).run(fetches: [s, update, add, sub])
    #expect(out[0].doubles() == [0, 11, 0, 10.5, 9, 0, 0, 12])
    #expect(out[1].doubles() == [0, 7, 0, 0])
    #expect(out[2].doubles() == [0, 12, 0, 0])
    #expect(out[3].doubles() == [0, -12, 0, 0])
  }

  @Test func partialShapes() throws {
    let g = Graph()
    let p = try g.placeholder(.float32, shape: [nil, 3, 4], name: "p")
    #expect(try g.gatherNd(p, indices: try g.placeholder(.int32, shape: [5, 1], name: "i")).shape == [5, 3, 4])
    #expect(try g.gatherNd(p, indices: try g.placeholder(.int32, shape: [nil, 2], name: "j")).shape == [.unknown, 4])
    #expect(try g.gatherNd(p, indices: try g.placeholder(.int32, shape: [2, nil], name: "k")).shape == .unknown)
    let u = try g.placeholder(.float32, shape: [nil, 4], name: "u")
    let s = try g.scatterNd(indices: try g.placeholder(.int64, shape: [nil, 1], name: "l"), updates: u, shape: [6, 4])
    #expect(s.shape == [6, 4])
    #expect(try g.where(p).shape == [.unknown, 3])
    let (y, idx) = try g.unique(try g.placeholder(.int64, shape: [7], name: "v"))
    #expect(y.shape == [.unknown] && idx.shape == [7] && idx.dtype == .int32)
  }

  @Test func badTuplesAreErrorsNamingTheNode() throws {
    // Known shapes: the build rejects tuples longer than params' rank.
    let g = Graph()
    let p = try g.constant(Tensor.f64([1, 2, 3, 4, 5, 6], [2, 3]))
    expectError(.shapeMismatch, containing: ["must be <= params rank; saw: 3 vs. 2", "GatherNd"]) {
      try g.gatherNd(p, indices: try g.constant(try Self.i32([1, 3], [0, 0, 0])), name: "picks")
    }
    expectError(.shapeMismatch, containing: ["must match dimensions [0,1) of updates", "ScatterNd"]) {
      try g.scatterNd(
        indices: try g.constant(try Self.i32([2, 1], [0, 1])), updates: try g.constant(Tensor.f64([1, 2, 3], [3])),
        shape: [4])
    }
    // Values only known at run time: the kernel names the tuple and the node.
    let h = Graph()
    let params = try h.placeholder(.float64, shape: nil, name: "params")
    let indices = try h.placeholder(.int32, shape: nil, name: "indices")
    let y = try h.gatherNd(params, indices: indices, name: "picks")
    let feeds = [params: Tensor.f64([1, 2, 3, 4, 5, 6], [2, 3]), indices: try Self.i32([2, 2], [0, 1, 1, 5])]
    expectError(.invalidArgument, containing: ["indices[1] = [1, 5] does not index into param shape [2,3]", "picks"]) {
      try Session(graph: h).run(y, feeds: feeds)
    }
    let s = try h.scatterNd(indices: indices, updates: params, shape: [4, 3], name: "spread")
    expectError(.invalidArgument, containing: ["spread"]) {
      try Session(graph: h).run(s, feeds: [params: Tensor.f64([1, 2, 3], [1, 3]), indices: try Self.i32([1, 1], [4])])
    }
  }

  @Test func whereAndUniqueOnFedInputs() throws {
    let g = Graph()
    let x = try g.placeholder(.float32, shape: nil, name: "x")
    let w = try g.where(x)
    let (y, idx) = try g.unique(try g.reshape(x, [-1]), outIndex: .int64)
    let out = try Session(graph: g).run(
      fetches: [w, y, idx], feeds: [x: Tensor.f32([0, 2, 2, 0, .nan, -0.0], [2, 3])])
    #expect(out[0].shape == [3, 2] && out[0].doubles() == [0, 1, 0, 2, 1, 1])
    // -0 is 0; the NaN is a value of its own.
    #expect(out[1].shape == [3])
    let values = out[1].doubles()
    #expect(values[0] == 0 && values[1] == 2 && values[2].isNaN)
    #expect(out[2].dtype == .int64 && out[2].doubles() == [0, 1, 1, 0, 2, 0])
  }
}
