// ExpandDims: inserts a size-1 dimension (zero-copy).

extension StandardOps {
  static let expandDims = OpDef(
    "ExpandDims", inputs: ["input: T", "dim: Tdim"], outputs: ["output: T"],
    attrs: ["T: type", "Tdim: {int32, int64} = int32"], flags: .cheap,
    summary: "Inserts a dimension of size 1 at index dim (negative counts from the end, -1 appends).",
    shape: { c in
      guard let dim = c.constantValue(1)?.integers(), dim.count == 1 else {
        if (c.shape(1).elementCount ?? 1) != 1 {
          throw c.invalid("'dim' must hold exactly one value but has shape \(c.shape(1))")
        }
        return [c.shape(0).rank.map { .unknown(rank: $0 + 1) } ?? .unknown]
      }
      guard var dims = c.shape(0).dims else { return [.unknown] }
      let d = dim[0] < 0 ? dim[0] + dims.count + 1 : dim[0]
      guard d >= 0 && d <= dims.count else {
        throw c.invalid("dim \(dim[0]) is out of range for an input of rank \(dims.count); it must be in [\(-dims.count - 1), \(dims.count)]")
      }
      dims.insert(1, at: d)
      return [PartialShape(dims: dims)]
    },
    kernel: { _ in
      { ctx in
        let x = ctx.input(0)
        let values = ctx.input(1).integers()
        guard values.count == 1 else {
          throw ctx.error(.invalidArgument, "'dim' must hold exactly one value but holds \(values.count)")
        }
        let d = values[0] < 0 ? values[0] + x.rank + 1 : values[0]
        guard d >= 0 && d <= x.rank else {
          throw ctx.error(.invalidArgument, "dim \(values[0]) is out of range for an input of shape \(x.shape)")
        }
        var shape = x.shape
        shape.insert(1, at: d)
        ctx.setOutput(0, try x.reshaped(to: shape))
      }
    },
    gradient: .function { c in
      // A reshape: the gradient is reshaped back.
      [try c.graph.reshape(c.grad, like: c.input(0)), nil]
    })
}

extension Graph {
  /// `x` with a size-1 dimension inserted at `axis` (`ExpandDims`,
  /// `tf.expand_dims`).
  public func expandDims(
    _ x: Output, axis: Int, name: String? = nil, file: String = #fileID, line: Int = #line
  ) throws -> Output {
    try buildWithIndexInput(
      "ExpandDims", [x], index: [axis], scalar: true, argName: "dim", name: name, defaultName: "ExpandDims",
      file: file, line: line)
  }
}
