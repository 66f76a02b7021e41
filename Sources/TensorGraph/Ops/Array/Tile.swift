// Tile and BroadcastTo: repeat a tensor's elements. Kernels are in
// Runtime/Kernels/TileKernels.swift.

// MARK: - Tile

extension StandardOps {
  static let tile = OpDef(
    "Tile", inputs: ["input: T", "multiples: Tmultiples"], outputs: ["output: T"],
    attrs: ["T: type", "Tmultiples: {int32, int64} = int32"],
    summary: "Repeats the input multiples[i] times along each dimension i.",
    shape: { c in
      try c.requireVector(1, "multiples")
      let input = c.shape(0)
      if let m = c.constantInts(1), let bad = m.firstIndex(where: { $0 < 0 }) {
        throw c.invalid("multiples \(m) has a negative entry \(m[bad]) at axis \(bad)")
      }
      var multiples = c.shapeInput(1)
      if let r = input.rank {
        if let n = c.shape(1)[0].value ?? multiples.rank, n != r {
          throw c.error("multiples has \(n) entries but the input \(input) has rank \(r)")
        }
        if multiples.rank == nil { multiples = .unknown(rank: r) }
      }
      guard let m = multiples.dims else { return [.unknown] }
      var dims: [Dimension] = []
      for (i, k) in m.enumerated() {
        guard let d = Dimension.product(input.rank == nil ? .unknown : input[i], k) else {
          throw c.invalid("tiling \(input) by \(multiples) overflows along axis \(i)")
        }
        dims.append(d)
      }
      return [PartialShape(dims: dims)]
    },
    kernel: tileKernel,
    gradient: .function { c in
      // Each input element appears once per tile, so dx sums dy over the
      // tiles: viewed as [m₀, d₀, m₁, d₁, …] (the multiples interleaved with
      // the input's dimensions), dy holds the tiles along the m axes.
      let g = c.graph, x = c.input(0), multiples = c.input(1)
      if let m = g.constantValue(of: multiples.ref)?.integers(), let d = x.shape.dims {
        // Multiples of 1 need no axis; one unknown dimension becomes -1.
        var split: [Dimension] = [], axes: [Int] = []
        for (mi, di) in zip(m, d) {
          if mi != 1 {
            axes.append(split.count)
            split.append(.known(mi))
          }
          split.append(di)
        }
        if axes.isEmpty { return [c.grad, nil] }
        let unknown = split.filter { $0.value == nil }.count
        if unknown == 0 || (unknown == 1 && !split.contains(0)) {
          return [try g.sum(try g.reshape(c.grad, split.map { $0.value ?? -1 }), axes: axes), nil]
        }
      }
      let split = try g.reshape(try g.stack([multiples, try g.shapeTensor(of: x, dtype: multiples.dtype)], axis: 1), [-1])
      let axes: Output
      if let rank = x.shape.rank ?? (multiples.shape.rank == 1 ? multiples.shape[0].value : nil) {
        axes = try g.constant(Tensor.indexVector(Array(stride(from: 0, to: 2 * rank, by: 2)), wide: false), name: "axes")
      } else {
        let length = try g.reshape(try g.shape(of: split), [])
        axes = try g.range(start: try g.constant(Tensor(Int32(0))), limit: length, delta: try g.constant(Tensor(Int32(2))))
      }
      return [try g.sum(try g.reshape(c.grad, shape: split), axes: axes), nil]
    },
    cost: { c in Cost(flops: 0, bytes: Double(c.inputBytes + c.outputBytes)) })
}

extension Graph {
  /// Repeats `x` `multiples[i]` times along each dimension `i` (`Tile`).
  public func tile(
    _ x: Output, multiples: [Int], name: String? = nil, file: String = #fileID, line: Int = #line
  ) throws -> Output {
    try buildWithIndexInput(
      "Tile", [x], index: multiples, argName: "multiples", name: name, defaultName: "Tile", file: file, line: line)
  }

  /// Repeats `x` by the integer vector `multiples`.
  public func tile(
    _ x: Output, multiples: Output, name: String? = nil, file: String = #fileID, line: Int = #line
  ) throws -> Output {
    try build("Tile", [x, multiples], name: name, file: file, line: line)
  }
}

// MARK: - BroadcastTo

extension StandardOps {
  static let broadcastTo = OpDef(
    "BroadcastTo", inputs: ["input: T", "shape: Tidx"], outputs: ["output: T"],
    attrs: ["T: type", "Tidx: {int32, int64} = int32"],
    summary: "Broadcasts the input to the given shape with numpy's rules (dimensions of 1 stretch).",
    shape: { c in
      try c.requireVector(1, "shape")
      if let s = c.constantInts(1), let bad = s.firstIndex(where: { $0 < 0 }) {
        throw c.invalid("the target shape \(s) has a negative dimension \(s[bad]) at axis \(bad)")
      }
      let target = c.shapeInput(1)
      let input = c.shape(0)
      guard var out = target.dims, let inDims = input.dims else { return [target] }
      guard inDims.count <= out.count else {
        throw c.error("cannot broadcast a tensor of shape \(input) to the lower-rank shape \(target)")
      }
      let offset = out.count - inDims.count
      for (i, d) in inDims.enumerated() where d.value.map({ $0 != 1 }) ?? false {
        // A dimension other than 1 cannot stretch: the target must equal it.
        guard let m = out[offset + i].merged(with: d) else {
          throw c.error("cannot broadcast a tensor of shape \(input) to shape \(target): dimension \(d) at axis \(i) is neither 1 nor \(out[offset + i])")
        }
        out[offset + i] = m
      }
      return [PartialShape(dims: out)]
    },
    kernel: broadcastToKernel,
    gradient: .function { c in
      // The stretched and added dimensions repeat the input: dx sums dy over them.
      [try c.unbroadcast(c.grad, to: c.input(0)), nil]
    },
    cost: { c in Cost(flops: 0, bytes: Double(c.inputBytes + c.outputBytes)) })
}

extension Graph {
  /// `x` broadcast to `shape` with numpy's rules (`BroadcastTo`).
  public func broadcastTo(
    _ x: Output, shape: [Int], name: String? = nil, file: String = #fileID, line: Int = #line
  ) throws -> Output {
    try buildWithIndexInput(
      "BroadcastTo", [x], index: shape, argName: "shape", name: name, defaultName: "BroadcastTo", file: file,
      line: line)
  }

  /// `x` broadcast to the shape held by the integer vector `shape`.
  public func broadcastTo(
    _ x: Output, shape: Output, name: String? = nil, file: String = #fileID, line: Int = #line
  ) throws -> Output {
    try build("BroadcastTo", [x, shape], name: name, file: file, line: line)
  }
}
