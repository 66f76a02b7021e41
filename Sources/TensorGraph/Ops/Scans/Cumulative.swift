// Cumsum and Cumprod: TensorFlow's scans along one axis, with its attrs
// `exclusive` (each output leaves its own element out) and `reverse` (scan
// from the end), and math_grad.py's gradients. Kernels:
// Runtime/Kernels/ScanKernels.swift.

// MARK: - Definitions

extension StandardOps {
  /// Shape rule of the scans: the input's shape; a constant axis is
  /// checked against a known rank (`axis` must be a scalar).
  @Sendable static func scanShape(_ c: ShapeContext) throws -> [PartialShape] {
    try c.requireRank(1, atMost: 0, "axis")
    let x = c.shape(0)
    if let a = c.constantInts(1)?.first, let rank = x.rank, normalizedAxis(a, rank: rank) == nil {
      throw c.invalid("ScanOp: Expected scan axis in the range [\(-rank), \(rank)), but got \(a) for an input of shape \(x)")
    }
    return [x]
  }

  /// The definition shared by the two scans.
  static func scanOp(
    _ name: String, _ kind: ScanKind, summary: String, gradient: GradientRule, file: String = #filePath
  ) -> OpDef {
    OpDef(
      name, inputs: ["x: T", "axis: Tidx"], outputs: ["out: T"],
      attrs: ["exclusive: bool = false", "reverse: bool = false", "T: {float32, float64, int32, int64}",
              "Tidx: {int32, int64} = int32"],
      summary: summary, shape: scanShape, kernel: scanKernel(kind), gradient: gradient,
      cost: { c in
        Cost(flops: CostContext.elements(c.inputs[0].shape), bytes: Double(c.inputBytes + c.outputBytes))
      }, file: file)
  }

  static let cumsum = scanOp(
    "Cumsum", .sum, summary: "The cumulative sum of x along axis (exclusive leaves each element out; reverse scans from the end).",
    gradient: .function { c in
      // Each x[i] reaches every output it is summed into, those after it
      // (before it when reversed): dx = cumsum(dy, reverse: !reverse),
      // with the same exclusive (TensorFlow's _CumsumGrad).
      let g = c.graph
      return [
        try g.cumsum(c.grad, axis: c.input(1), exclusive: c.bool("exclusive"), reverse: !c.bool("reverse")), nil,
      ]
    })

  static let cumprod = scanOp(
    "Cumprod", .prod, summary: "The cumulative product of x along axis (exclusive leaves each element out; reverse scans from the end).",
    gradient: .function { c in
      // TensorFlow's _CumprodGrad: with p = cumprod(x), ∂p_j/∂x_i = p_j/x_i
      // for the j that take x_i, so dx = cumsum(p·dy, reverse: !reverse) / x,
      // 0 where x = 0 (div_no_nan: TensorFlow's formula, which gives 0
      // there rather than the product of the others).
      let g = c.graph, x = c.input(0), axis = c.input(1)
      let exclusive = c.bool("exclusive"), reverse = c.bool("reverse")
      let p = try g.cumprod(x, axis: axis, exclusive: exclusive, reverse: reverse)
      let out = try g.cumsum(try g.multiply(p, c.grad), axis: axis, exclusive: exclusive, reverse: !reverse)
      let zero = try g.constant(0, dtype: x.dtype)
      return [try g.selectV2(try g.equal(x, zero), zero, try g.divide(out, x)), nil]
    })
}

// MARK: - Builders

extension Graph {
  /// The cumulative sum of `x` along `axis` (`Cumsum`, `tf.math.cumsum`):
  /// `[a, b, c]` gives `[a, a + b, a + b + c]`; `exclusive` gives `[0, a,
  /// a + b]`, `reverse` `[a + b + c, b + c, c]`.
  public func cumsum(
    _ x: Output, axis: Int = 0, exclusive: Bool = false, reverse: Bool = false, name: String? = nil,
    file: String = #fileID, line: Int = #line
  ) throws -> Output {
    try buildWithIndexInput(
      "Cumsum", [x], index: [axis], scalar: true, argName: "axis",
      attrs: ["exclusive": .bool(exclusive), "reverse": .bool(reverse)], name: name, defaultName: "Cumsum",
      file: file, line: line)
  }

  /// The cumulative sum along the axis held by the integer scalar `axis`.
  public func cumsum(
    _ x: Output, axis: Output, exclusive: Bool = false, reverse: Bool = false, name: String? = nil,
    file: String = #fileID, line: Int = #line
  ) throws -> Output {
    try build(
      "Cumsum", [x, axis], attrs: ["exclusive": .bool(exclusive), "reverse": .bool(reverse)], name: name, file: file,
      line: line)
  }

  /// The cumulative product of `x` along `axis` (`Cumprod`,
  /// `tf.math.cumprod`): `[a, b, c]` gives `[a, ab, abc]`; `exclusive`
  /// starts from 1.
  public func cumprod(
    _ x: Output, axis: Int = 0, exclusive: Bool = false, reverse: Bool = false, name: String? = nil,
    file: String = #fileID, line: Int = #line
  ) throws -> Output {
    try buildWithIndexInput(
      "Cumprod", [x], index: [axis], scalar: true, argName: "axis",
      attrs: ["exclusive": .bool(exclusive), "reverse": .bool(reverse)], name: name, defaultName: "Cumprod",
      file: file, line: line)
  }

  /// The cumulative product along the axis held by the integer scalar `axis`.
  public func cumprod(
    _ x: Output, axis: Output, exclusive: Bool = false, reverse: Bool = false, name: String? = nil,
    file: String = #fileID, line: Int = #line
  ) throws -> Output {
    try build(
      "Cumprod", [x, axis], attrs: ["exclusive": .bool(exclusive), "reverse": .bool(reverse)], name: name, file: file,
      line: line)
  }
}
