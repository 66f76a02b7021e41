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
