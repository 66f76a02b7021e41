// Shape: a tensor's dimensions as a tensor. Shape functions of ops taking
// shapes (Reshape, Fill, BroadcastTo, …) see through it: they read the
// partial shape of Shape's input (ShapeContext.inputAsShape).

// MARK: - Shape

extension StandardOps {
  static let shape = OpDef(
    "Shape", inputs: ["input: T"], outputs: ["output: out_type"],
    attrs: ["T: type", "out_type: {int32, int64} = int32"], flags: .cheap,
    summary: "Returns the shape of the input as a rank-1 integer tensor.",
    shape: { c in [[c.shape(0).rank.map(Dimension.known) ?? .unknown]] },
    kernel: { b in
      let wide = b.type("out_type") == .int64
      return { ctx in
        let shape = ctx.input(0).shape
        if wide {
          ctx.setOutput(0, Tensor(shape.map { Int64($0) }))
          return
        }
        if let big = shape.first(where: { $0 > Int(Int32.max) }) {
          throw ctx.error(.invalidArgument, "the shape \(shape) has a dimension \(big) that does not fit out_type int32; use int64")
        }
        ctx.setOutput(0, Tensor(shape.map { Int32($0) }))
      }
    },
    gradient: .notDifferentiable,
    cost: { c in Cost(flops: 0, bytes: Double(c.outputBytes)) })
}

extension Graph {
  /// The shape of `x` as a rank-1 tensor of `outType` (`int32` or
  /// `int64`) (`Shape`).
  public func shape(
    of x: Output, outType: DType = .int32, name: String? = nil, file: String = #fileID, line: Int = #line
  ) throws -> Output {
    try build("Shape", [x], attrs: ["out_type": .type(outType)], name: name ?? "Shape", file: file, line: line)
  }
}
