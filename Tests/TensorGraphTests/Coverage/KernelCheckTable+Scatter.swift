import TensorGraph
import TensorGraphTestSupport

extension KernelCheckTable {
  /// GatherNd, ScatterNd and TensorScatterUpdate/Add/Sub against loops over
  /// the coordinate tuples, written from the ops' definitions: a tuple
  /// `(i₀, …, i_d)` names the slice starting at `Σ iₖ·stride(k)`.
  static var scatterRows: [KernelCheck] {
    let p = (0..<24).map { Double($0) * 1.5 - 7 }, shape = [2, 3, 4]
    let strides = [12, 4, 1]
    /// The slice of `shape` a tuple names: its flat start and length.
    func slice(_ tuple: [Int]) -> (start: Int, count: Int) {
      (zip(tuple, strides).map { $0 * $1 }.reduce(0, +), shape[tuple.count...].reduce(1, *))
    }
    var rows: [KernelCheck] = []
    let gathers: [(String, [[Int]], [Int])] = [
      ("elements", [[1, 2, 3], [0, 0, 0], [1, 2, 3]], [3]),
      ("rows with a duplicate", [[1], [0], [1]], [3]),
      ("matrices, batched tuples", [[1, 0], [0, 2], [1, 1], [0, 0]], [2, 2]),
    ]
    for (label, tuples, batch) in gathers {
      var want: [Double] = []
      for t in tuples {
        let (start, count) = slice(t)
        want += p[start..<(start + count)]
      }
      let depth = tuples[0].count
      let outShape = batch + Array(shape[depth...])
      for dtype in [DType.float64, .int32] {
        rows.append(row("GatherNd", "\(label) \(dtype)", [tensor(p, shape, dtype)], .values(dtype, outShape, dtype.isFloatingPoint ? want : want.map { $0.rounded(.towardZero) })) { g, v in
          let i = try g.constant(try Tensor(shape: batch + [depth], scalars: tuples.flatMap { $0 }.map(Int32.init)))
          return try g.gatherNd(v[0], indices: i)
        })
      }
    }
    // Scatters: duplicates sum (the last wins for TensorScatterUpdate).
    let base = (0..<24).map { Double($0 % 7) - 3 }
    let tuples = [[1, 2], [0, 0], [1, 2], [0, 1]]
    let updates = (0..<16).map { Double($0) * 0.25 - 2 }
    func scatter(_ onto: [Double], _ combine: (Double, Double) -> Double) -> [Double] {
      var out = onto
      for (r, t) in tuples.enumerated() {
        let (start, count) = slice(t)
        for k in 0..<count { out[start + k] = combine(out[start + k], updates[r * count + k]) }
      }
      return out
    }
    let flatTuples = tuples.flatMap { $0 }.map(Int64.init)
    let idx: @Sendable (Graph) throws -> Output = { g in try g.constant(try Tensor(shape: [4, 2], scalars: flatTuples)) }
    rows.append(row("ScatterNd", "rows of [2, 3, 4] with a duplicate", [tensor(updates, [4, 4], .float64)],
      .values(.float64, shape, scatter([Double](repeating: 0, count: 24), +))) { g, v in
      try g.scatterNd(indices: try idx(g), updates: v[0], shape: shape)
    })
    rows.append(row("ScatterNd", "int32", [tensor(updates.map { ($0 * 4).rounded() }, [4, 4], .int32)],
      .values(.int32, shape, scatter([Double](repeating: 0, count: 24)) { $0 + ($1 * 4).rounded() })) { g, v in
      try g.scatterNd(indices: try idx(g), updates: v[0], shape: shape)
    })
    let scatters: [(String, (Double, Double) -> Double, @Sendable (Graph, Output, Output, Output) throws -> Output)] = [
      ("TensorScatterUpdate", { $1 }, { g, t, i, u in try g.tensorScatterUpdate(t, indices: i, updates: u) }),
      ("TensorScatterAdd", { $0 + $1 }, { g, t, i, u in try g.tensorScatterAdd(t, indices: i, updates: u) }),
      ("TensorScatterSub", { $0 - $1 }, { g, t, i, u in try g.tensorScatterSub(t, indices: i, updates: u) }),
    ]
    for (op, combine, build) in scatters {
      rows.append(row(op, "rows of [2, 3, 4] with a duplicate",
        [tensor(base, shape, .float64), tensor(updates, [4, 4], .float64)], .values(.float64, shape, scatter(base, combine))) {
        g, v in try build(g, v[0], try idx(g), v[1])
      })
    }
    return rows + whereUniqueRows
  }

  /// Where against a scan of the elements, Unique against a search of
  /// the values seen so far (with `==`: one zero, every NaN its own).
  static var whereUniqueRows: [KernelCheck] {
    let x: [Double] = [0, -0.0, .nan, 1.5, 0, -.infinity, 0, 0, 3, 0, 1e-30, 0]
    var rows: [KernelCheck] = []
    for shape in [[12], [3, 4], [2, 3, 2]] {
      var want: [Double] = []
      for (i, v) in x.enumerated() where v != 0 {
        var rest = i, coordinates: [Double] = []
        for d in shape.reversed() {
          coordinates.insert(Double(rest % d), at: 0)
          rest /= d
        }
        want += coordinates
      }
      for dtype in [DType.float64, .int32, .bool] {
        let values = dtype == .float64 ? x : x.map { $0 != 0 ? 1 : 0 }
        rows.append(row("Where", "\(shape) \(dtype)", [tensor(values, shape, dtype)],
          .values(.int64, [want.count / shape.count, shape.count], want)) { g, v in try g.where(v[0]) })
      }
    }
    let u: [Double] = [2, 0, -0.0, .nan, 2, -1, .nan, 0, 7, -1]
    for dtype in [DType.float64, .float32, .int64] {
      let values = dtype.isFloatingPoint ? u : u.map { $0.isNaN ? 5 : $0 }
      var s: [Double] = [], ids: [Double] = []
      for v in values {
        if let k = s.firstIndex(where: { $0 == v }) {
          ids.append(Double(k))
        } else {
          ids.append(Double(s.count))
          s.append(v)
        }
      }
      rows.append(row("Unique", "values \(dtype)", [tensor(values, [values.count], dtype)], .values(dtype, [s.count], s)) {
        g, v in try g.unique(v[0]).y
      })
      rows.append(row("Unique", "indices \(dtype)", [tensor(values, [values.count], dtype)], .values(.int32, [ids.count], ids)) {
        g, v in try g.unique(v[0]).idx
      })
    }
    return rows
  }
}
