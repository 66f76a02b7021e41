import TensorGraph
import TensorGraphTestSupport

extension KernelCheckTable {
  /// The rows of the `indexing` op family (`StandardOps`' family of the
  /// same name), against NumPy's indexing rules (``IndexingReference``).
  static var indexing: [KernelCheck] {
    let shape = [2, 3, 4], x = (0..<24).map(Double.init)
    var rows: [KernelCheck] = []
    for (label, indices) in StridedSliceTests.cases {
      for dtype in [DType.float32, .int64] {
        let want = IndexingReference.index(x, shape, indices)
        rows.append(row("StridedSlice", "\(label) \(dtype)", [tensor(x, shape, dtype)], .values(dtype, want.shape, want.values)) {
          g, v in try g.stridedSlice(v[0], indices)
        })
      }
    }
    // StridedSliceGrad: dy in the places the slice took, zeros elsewhere.
    let grads: [(String, [Int], [Int], [Int], StridedSliceMasks, [SliceIndex])] = [
      ("x[::-1, 2:0:-1, 3:0:-2]", [0, 2, 3], [0, 0, 0], [-1, -1, -2], StridedSliceMasks(begin: 1, end: 1),
       [.range(nil, nil, stride: -1), .range(2, 0, stride: -1), .range(3, 0, stride: -2)]),
      ("x[newaxis, 1, :, ::3]", [0, 1, 0, 0], [0, 2, 0, 0], [1, 1, 1, 3], StridedSliceMasks(begin: 12, end: 12, newAxis: 1, shrinkAxis: 2),
       [.newAxis, .index(1), .all, .range(nil, nil, stride: 3)]),
    ]
    for (label, begin, end, strides, masks, indices) in grads {
      let sliced = IndexingReference.index(x, shape, indices).shape
      let dy = (0..<sliced.reduce(1, *)).map { Double($0) + 0.5 }
      let want = IndexingReference.indexGradient(dy, shape, indices)
      rows.append(row("StridedSliceGrad", label, [tensor(dy, sliced, .float64)], .values(.float64, shape, want)) { g, v in
        let ints = { (a: [Int]) in try g.constant(Tensor(a.map(Int32.init))) }
        return try g.stridedSliceGrad(
          shape: try ints(shape), begin: try ints(begin), end: try ints(end), strides: try ints(strides), dy: v[0],
          masks: masks)
      })
    }
    rows += gatherRows + segmentRows + scatterRows
    return rows
  }

  /// GatherV2 against a nested loop over `[batch, outer, count, inner]`.
  static var gatherRows: [KernelCheck] {
    let p = (0..<24).map { Double($0) * 1.5 - 7 }, shape = [2, 3, 4]
    let cases: [(axis: Int, batchDims: Int, indices: [Int32], indicesShape: [Int])] = [
      (0, 0, [1, 0, 1], [3]), (1, 0, [2, 0, 1, 2], [2, 2]), (2, 0, [3], []), (-1, 0, [0, 3, 3], [3]),
      (1, 1, [2, 2, 0, 1], [2, 2]), (2, 2, [3, 0, 1, 1, 2, 0], [2, 3]),
    ]
    return cases.map { c in
      let axis = c.axis < 0 ? c.axis + 3 : c.axis, b = c.batchDims
      let batch = shape[..<b].reduce(1, *), outer = shape[b..<axis].reduce(1, *), a = shape[axis]
      let inner = shape[(axis + 1)...].reduce(1, *), count = c.indicesShape[b...].reduce(1, *)
      var want: [Double] = []
      for bi in 0..<batch {
        for o in 0..<outer {
          for j in 0..<count {
            let row = Int(c.indices[bi * count + j])
            for k in 0..<inner { want.append(p[((bi * outer + o) * a + row) * inner + k]) }
          }
        }
      }
      let outShape = Array(shape[..<axis]) + Array(c.indicesShape[b...]) + Array(shape[(axis + 1)...])
      return row("GatherV2", "axis \(c.axis) batch_dims \(b) indices \(c.indicesShape)", [tensor(p, shape, .float64)],
        .values(.float64, outShape, want)) { g, v in
        let ids = try g.constant(try Tensor(shape: c.indicesShape, scalars: c.indices))
        return try g.gather(v[0], indices: ids, axis: c.axis, batchDims: b)
      }
    }
  }

  /// The segment reductions worked by hand on 5 rows of 2.
  static var segmentRows: [KernelCheck] {
    let data: [Double] = [1, -2, 3, 4, -5, 6, 0.5, .nan, 2, -8]
    let sorted = Tensor([Int32(0), 0, 2, 2, 2]), unsorted = Tensor([Int32(2), -1, 0, 2, 0])
    let lowest = -Double.greatestFiniteMagnitude
    let cases: [(String, [Int], [Double], @Sendable (Graph, Output) throws -> Output)] = [
      ("SegmentSum", [3, 2], [4, 2, 0, 0, -2.5, .nan], { g, x in try g.segmentSum(x, segmentIDs: try g.constant(sorted)) }),
      ("SegmentMean", [3, 2], [2, 1, 0, 0, -2.5 / 3, .nan], { g, x in try g.segmentMean(x, segmentIDs: try g.constant(sorted)) }),
      // 6, NaN, -8 gives -8: as TensorFlow's, a NaN replaces the running
      // maximum and the next number replaces the NaN.
      ("SegmentMax", [3, 2], [3, 4, 0, 0, 2, -8], { g, x in try g.segmentMax(x, segmentIDs: try g.constant(sorted)) }),
      ("UnsortedSegmentSum", [4, 2], [-3, -2, 0, 0, 1.5, .nan, 0, 0], { g, x in
        try g.unsortedSegmentSum(x, segmentIDs: try g.constant(unsorted), numSegments: try g.constant(Tensor(Int32(4))))
      }),
      ("UnsortedSegmentMax", [4, 2], [2, 6, lowest, lowest, 1, .nan, lowest, lowest], { g, x in
        try g.unsortedSegmentMax(x, segmentIDs: try g.constant(unsorted), numSegments: try g.constant(Tensor(Int32(4))))
      }),
    ]
    return cases.map { op, shape, want, build in
      row(op, "by hand", [tensor(data, [5, 2], .float64)], .values(.float64, shape, want)) { g, v in try build(g, v[0]) }
    }
  }
}
