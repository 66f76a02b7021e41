// MatMul and BatchMatMulV2: shape rules, costs and builders. Kernels live in
// Runtime/Kernels/MatMulKernels.swift.

// MARK: - MatMul

extension StandardOps {
  static let matMul = OpDef(
    "MatMul", inputs: ["a: T", "b: T"], outputs: ["product: T"],
    attrs: ["T: {float32, float64, int32, int64}", "transpose_a: bool = false", "transpose_b: bool = false",
      // Hints TensorFlow 2.21 sets on the MatMuls of a gradient; they do
      // not change the product.
      "grad_a: bool = false", "grad_b: bool = false",
    ],
    summary: "Multiplies two matrices, optionally transposing either first.",
    shape: { c in
      let ta = c.bool("transpose_a"), tb = c.bool("transpose_b")
      for (i, label) in [(0, "a"), (1, "b")] where c.shape(i).rank.map({ $0 != 2 }) ?? false {
        throw c.error("input '\(label)' must be a matrix (rank 2) but has shape \(c.shape(i))")
      }
      let a = c.shape(0), b = c.shape(1)
      let (m, k1) = ta ? (a[1], a[0]) : (a[0], a[1])
      let (k2, n) = tb ? (b[1], b[0]) : (b[0], b[1])
      guard k1.isCompatible(with: k2) else {
        let flags = [ta ? "transpose_a" : nil, tb ? "transpose_b" : nil].compactMap { $0 }
        let note = flags.isEmpty ? "" : " (with \(flags.joined(separator: ", ")))"
        throw c.error("inner dimensions differ: \(a) × \(b)\(note)")
      }
      return [[m, n]]
    },
    kernel: matMulKernel,
    gradient: .function { c in
      // C = op(A)·op(B): dA = dC·op(B)ᵀ, dB = op(A)ᵀ·dC, with the transposes
      // folded into MatMul's flags (TensorFlow's _MatMulGrad).
      let g = c.graph, a = c.input(0), b = c.input(1), d = c.grad
      switch (c.bool("transpose_a"), c.bool("transpose_b")) {
      case (false, false):
        return [try g.matMul(d, b, transposeB: true), try g.matMul(a, d, transposeA: true)]
      case (false, true):
        return [try g.matMul(d, b), try g.matMul(d, a, transposeA: true)]
      case (true, false):
        return [try g.matMul(b, d, transposeB: true), try g.matMul(a, d)]
      case (true, true):
        return [
          try g.matMul(b, d, transposeA: true, transposeB: true), try g.matMul(d, a, transposeA: true, transposeB: true),
        ]
      }
    },
    cost: { c in
      let a = c.inputs[0].shape, out = c.outputs[0].shape
      let k = c.bool("transpose_a") ? a[0] : a[1]
      return Cost(flops: 2 * Double(out[0]) * Double(out[1]) * Double(k), bytes: c.inputBytes + c.outputBytes)
    })
}

extension Graph {
  /// The matrix product `a · b` (`MatMul`), transposing either operand
  /// first when asked (free: the flags go to BLAS).
  public func matMul(
    _ a: Output, _ b: Output, transposeA: Bool = false, transposeB: Bool = false, name: String? = nil,
    file: String = #fileID, line: Int = #line
  ) throws -> Output {
    try build(
      "MatMul", [a, b], attrs: ["transpose_a": .bool(transposeA), "transpose_b": .bool(transposeB)], name: name,
      file: file, line: line)
  }
}

// MARK: - BatchMatMulV2

extension StandardOps {
  static let batchMatMulV2 = OpDef(
    "BatchMatMulV2", inputs: ["x: T", "y: T"], outputs: ["output: T"],
    attrs: ["T: {float32, float64, int32, int64}", "adj_x: bool = false", "adj_y: bool = false",
      // As MatMul's grad_a and grad_b: hints only.
      "grad_x: bool = false", "grad_y: bool = false",
    ],
    summary: "Multiplies the last two dimensions of x and y; the leading (batch) dimensions broadcast.",
    shape: { c in
      let x = c.shape(0), y = c.shape(1)
      for (s, label) in [(x, "x"), (y, "y")] where (s.rank ?? 2) < 2 {
        throw c.error("input '\(label)' must have rank ≥ 2 but has shape \(s)")
      }
      guard let xd = x.dims, let yd = y.dims else { return [.unknown] }
      let ax = c.bool("adj_x"), ay = c.bool("adj_y")
      let (m, k1) = ax ? (xd[xd.count - 1], xd[xd.count - 2]) : (xd[xd.count - 2], xd[xd.count - 1])
      let (k2, n) = ay ? (yd[yd.count - 1], yd[yd.count - 2]) : (yd[yd.count - 2], yd[yd.count - 1])
      guard k1.isCompatible(with: k2) else {
        throw c.error("inner dimensions differ: \(x) × \(y)\(ax || ay ? " (with adj_x=\(ax), adj_y=\(ay))" : "")")
      }
      guard
        let batch = PartialShape.broadcast(
          PartialShape(dims: Array(xd.dropLast(2))), PartialShape(dims: Array(yd.dropLast(2))))
      else {
        throw c.error("batch dimensions do not broadcast: \(x) × \(y)")
      }
      return [PartialShape(dims: batch.dims! + [m, n])]
    },
    kernel: batchMatMulKernel,
    gradient: .function { c in
      // As MatMul per batch entry; then sum over broadcast batch dimensions.
      let g = c.graph, x = c.input(0), y = c.input(1), d = c.grad
      let gx: Output, gy: Output
      switch (c.bool("adj_x"), c.bool("adj_y")) {
      case (false, false):
        gx = try g.batchMatMul(d, y, adjY: true)
        gy = try g.batchMatMul(x, d, adjX: true)
      case (false, true):
        gx = try g.batchMatMul(d, y)
        gy = try g.batchMatMul(d, x, adjX: true)
      case (true, false):
        gx = try g.batchMatMul(y, d, adjY: true)
        gy = try g.batchMatMul(x, d)
      case (true, true):
        gx = try g.batchMatMul(y, d, adjX: true, adjY: true)
        gy = try g.batchMatMul(d, x, adjX: true, adjY: true)
      }
      return [try c.unbroadcast(gx, to: x), try c.unbroadcast(gy, to: y)]
    },
    cost: { c in
      let x = c.inputs[0].shape, out = c.outputs[0].shape
      let k = c.bool("adj_x") ? x[x.count - 2] : x[x.count - 1]
      return Cost(flops: 2 * CostContext.elements(out) * Double(k), bytes: c.inputBytes + c.outputBytes)
    })
}

extension Graph {
  /// Batched matrix product over the last two dimensions, broadcasting the
  /// leading ones (`BatchMatMulV2`); `adjX`/`adjY` transpose the matrices.
  public func batchMatMul(
    _ x: Output, _ y: Output, adjX: Bool = false, adjY: Bool = false, name: String? = nil,
    file: String = #fileID, line: Int = #line
  ) throws -> Output {
    try build(
      "BatchMatMulV2", [x, y], attrs: ["adj_x": .bool(adjX), "adj_y": .bool(adjY)], name: name, file: file,
      line: line)
  }
}
