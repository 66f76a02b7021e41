import TensorGraph
import TensorGraphTestSupport

extension GradientCheckTable {
  /// The rows of the `indexing` op family (`StandardOps`' family of the
  /// same name).
  static var indexing: [GradientCheck] {
    var rng = TestRandom(seed: 60)
    let x = Tensor.f64(rng.uniform(24, in: -2...2), [2, 3, 4])
    var rows = [
      ("x[::-1, 1:, ::2]", [SliceIndex.range(nil, nil, stride: -1), .range(1, nil), .range(nil, nil, stride: 2)]),
      ("x[..., newaxis, -1]", [.ellipsis, .newAxis, .index(-1)]),
    ].map { label, indices in
      GradientCheck(op: "StridedSlice", label: label, inputs: [x]) { g, v, _ in
        try g.square(try g.stridedSlice(v[0], indices))
      }
    }
    // StridedSliceGrad is linear in dy; its gradient is the same slice.
    rows.append(GradientCheck(op: "StridedSliceGrad", label: "[2, 3, 4] by x[1:, ::-2]", inputs: [
      Tensor.f64(rng.uniform(6, in: -2...2), [1, 3, 2]),
    ]) { g, v, _ in
      let ints = { (a: [Int32]) in try g.constant(Tensor(a)) }
      let dx = try g.stridedSliceGrad(
        shape: try ints([2, 3, 4]), begin: try ints([1, 0, 0]), end: try ints([0, 0, 0]), strides: try ints([1, 1, -2]),
        dy: v[0], masks: StridedSliceMasks(begin: 6, end: 7))
      return try g.square(dx)
    })
    // GatherV2 with repeated indices (their gradients add up).
    let p = Tensor.f64(rng.uniform(24, in: -2...2), [2, 3, 4])
    let gathers: [(String, [Int32], [Int], Int, Int)] = [
      ("axis 0 repeated", [1, 0, 1], [3], 0, 0), ("axis 1 matrix", [2, 0, 2, 2], [2, 2], 1, 0),
      ("axis 2 batch_dims 1", [3, 0, 3, 1, 1, 2], [2, 3], 2, 1),
    ]
    for (label, ids, idsShape, axis, batchDims) in gathers {
      rows.append(GradientCheck(op: "GatherV2", label: label, inputs: [p]) { g, v, _ in
        let i = try g.constant(try Tensor(shape: idsShape, scalars: ids))
        return try g.square(try g.gather(v[0], indices: i, axis: axis, batchDims: batchDims))
      })
    }
    // The segment reductions; the maxima away from ties.
    let data = Tensor.f64(rng.uniform(12, in: -2...2), [6, 2])
    let sorted = Tensor([Int32(0), 0, 1, 3, 3, 3]), unsorted = Tensor([Int32(3), -1, 0, 3, 1, 0])
    let segments: [(String, @Sendable (Graph, Output) throws -> Output)] = [
      ("SegmentSum", { g, x in try g.segmentSum(x, segmentIDs: try g.constant(sorted)) }),
      ("SegmentMean", { g, x in try g.segmentMean(x, segmentIDs: try g.constant(sorted)) }),
      ("SegmentMax", { g, x in try g.segmentMax(x, segmentIDs: try g.constant(sorted)) }),
      ("UnsortedSegmentSum", { g, x in
        try g.unsortedSegmentSum(x, segmentIDs: try g.constant(unsorted), numSegments: try g.constant(Tensor(Int32(4))))
      }),
      ("UnsortedSegmentMax", { g, x in
        // Segment 2 is empty: its lowest value must not reach the sum.
        let y = try g.unsortedSegmentMax(x, segmentIDs: try g.constant(unsorted), numSegments: try g.constant(Tensor(Int32(4))))
        return try g.gather(y, indices: try g.constant(Tensor([Int32(0), 1, 3])))
      }),
    ]
    for (op, build) in segments {
      rows.append(GradientCheck(op: op, label: "[6, 2]", inputs: [data]) { g, v, _ in try g.square(try build(g, v[0])) })
    }
    // GatherNd and the scatters, with a duplicate tuple where the op sums
    // duplicates (TensorScatterUpdate's last one wins, and TensorFlow's
    // gradient gives every duplicate the slice's gradient, so its row has
    // none).
    let t = Tensor.f64(rng.uniform(12, in: -2...2), [4, 3])
    let u = Tensor.f64(rng.uniform(9, in: -2...2), [3, 3])
    let duplicated: @Sendable (Graph) throws -> Output = { g in
      try g.constant(try Tensor(shape: [3, 1], scalars: [Int32(2), 0, 2]))
    }
    rows.append(GradientCheck(op: "GatherNd", label: "rows with a duplicate", inputs: [t]) { g, v, _ in
      try g.square(try g.gatherNd(v[0], indices: try duplicated(g)))
    })
    rows.append(GradientCheck(op: "GatherNd", label: "elements", inputs: [t]) { g, v, _ in
      let pairs = try g.constant(try Tensor(shape: [2, 2], scalars: [Int64(3), 1, 0, 2]))
      return try g.square(try g.gatherNd(v[0], indices: pairs))
    })
    rows.append(GradientCheck(op: "ScatterNd", label: "rows with a duplicate", inputs: [u]) { g, v, _ in
      try g.square(try g.scatterNd(indices: try duplicated(g), updates: v[0], shape: [4, 3]))
    })
    rows.append(GradientCheck(op: "TensorScatterUpdate", label: "distinct rows", inputs: [t, Tensor.f64(rng.uniform(6, in: -2...2), [2, 3])]) {
      g, v, _ in
      let distinct = try g.constant(try Tensor(shape: [2, 1], scalars: [Int32(3), 1]))
      return try g.square(try g.tensorScatterUpdate(v[0], indices: distinct, updates: v[1]))
    })
    rows.append(GradientCheck(op: "TensorScatterAdd", label: "rows with a duplicate", inputs: [t, u]) { g, v, _ in
      try g.square(try g.tensorScatterAdd(v[0], indices: try duplicated(g), updates: v[1]))
    })
    rows.append(GradientCheck(op: "TensorScatterSub", label: "rows with a duplicate", inputs: [t, u]) { g, v, _ in
      try g.square(try g.tensorScatterSub(v[0], indices: try duplicated(g), updates: v[1]))
    })
    return rows
  }
}
