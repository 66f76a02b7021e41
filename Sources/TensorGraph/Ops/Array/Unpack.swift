// Unpack: the slices of a tensor along one dimension, as separate tensors;
// the inverse of Pack. The kernel is in Runtime/Kernels/SplitKernels.swift.

// MARK: - Unpack

extension StandardOps {
  static let unpack = OpDef(
    "Unpack", inputs: ["value: T"], outputs: ["output: num * T"], attrs: ["num: int >= 0", "T: type", "axis: int = 0"],
    summary: "Unstacks value along axis into num tensors of one rank less; dimension axis must have size num.",
    shape: { c in
      let num = c.int("num")
      let input = c.shape(0)
      guard var dims = input.dims else { return Array(repeating: .unknown, count: num) }
      if dims.isEmpty { throw c.error("cannot unstack a scalar") }
      let a = c.int("axis")
      guard let axis = normalizedAxis(a, rank: dims.count) else {
        throw c.invalid("axis \(a) is out of range for a value of shape \(input); it must be in [\(-dims.count), \(dims.count))")
      }
      if let d = dims[axis].value, d != num {
        throw c.error("cannot unstack dimension \(axis) of \(input) into \(num) tensors: its size is \(d)")
      }
      dims.remove(at: axis)
      return Array(repeating: PartialShape(dims: dims), count: num)
    },
    kernel: unpackKernel,
    gradient: .function { c in
      // The outputs are the slices of the value: dx stacks their gradients
      // (zeros for slices that received none).
      [try c.graph.stack(try c.upstreamOrZeros(), axis: c.int("axis"))]
    },
    cost: { c in Cost(flops: 0, bytes: Double(c.inputBytes + c.outputBytes)) })
}

extension Graph {
  /// The slices of `value` along `axis` as separate tensors (`Unpack`,
  /// `tf.unstack`); `num` defaults to the size of that dimension, which
  /// must then be known. Negative axes count from the end.
  ///
  ///     let rows = try g.unstack(m)   // [3, 4] → three [4]
  public func unstack(
    _ value: Output, num: Int? = nil, axis: Int = 0, name: String? = nil, file: String = #fileID, line: Int = #line
  ) throws -> [Output] {
    var count = num
    if count == nil {
      guard let rank = value.shape.rank, let a = normalizedAxis(axis, rank: rank), let d = value.shape[a].value else {
        throw TensorGraphError(
          .invalidArgument,
          "unstack of \(value.name) needs num: the size of dimension \(axis) of \(value.shape) is not known when building",
          op: "Unpack", site: SourceLocation(fileID: file, line: line))
      }
      count = d
    }
    return try buildMulti(
      "Unpack", [value], attrs: ["num": .int(count!), "axis": .int(axis)], name: name ?? "unstack", file: file,
      line: line)
  }
}
