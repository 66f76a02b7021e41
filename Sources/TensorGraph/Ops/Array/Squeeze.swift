// Squeeze: removes size-1 dimensions (zero-copy), the inverse of
// ExpandDims.

// MARK: - Squeeze

extension StandardOps {
  static let squeeze = OpDef(
    "Squeeze", inputs: ["input: T"], outputs: ["output: T"], attrs: ["T: type", "squeeze_dims: list(int) = []"],
    flags: .cheap,
    summary: "Removes the dimensions in squeeze_dims, which must have size 1, or every size-1 dimension when squeeze_dims is empty.",
    shape: { c in
      let input = c.shape(0)
      guard let dims = input.dims else { return [.unknown] }
      let axes = try squeezedAxes(c.ints("squeeze_dims"), rank: dims.count) { c.invalid($0) }
      var out: [Dimension] = []
      for (i, d) in dims.enumerated() {
        let listed = axes.contains(i)
        switch d.value {
        case nil:
          if listed { continue }  // assumed to be 1; the kernel checks
          if axes.isEmpty { return [.unknown] }  // it may be 1 or not: the rank is unknown
        case 1? where listed || axes.isEmpty:
          continue
        case let v? where listed:
          throw c.invalid("cannot squeeze dimension \(i) of \(input): its size is \(v), not 1")
        default:
          break
        }
        out.append(d)
      }
      return [PartialShape(dims: out)]
    },
    kernel: { b in
      let list = b.ints("squeeze_dims")
      return { ctx in
        let x = ctx.input(0)
        let axes = try squeezedAxes(list, rank: x.rank) { ctx.error(.invalidArgument, $0) }
        var shape: [Int] = []
        for (i, d) in x.shape.enumerated() {
          if axes.contains(i) {
            guard d == 1 else {
              throw ctx.error(.invalidArgument, "cannot squeeze dimension \(i) of the input of shape \(x.shape): its size is \(d), not 1")
            }
          } else if !(axes.isEmpty && d == 1) {
            shape.append(d)
          }
        }
        ctx.setOutput(0, Tensor(dtype: x.dtype, shape: shape, buffer: x.storage))
      }
    },
    gradient: .function { c in
      // A reshape: the gradient is reshaped back.
      [try c.graph.reshape(c.grad, like: c.input(0))]
    },
    cost: { _ in Cost(flops: 0, bytes: 0) })
}

/// The axes of `squeeze_dims` mapped to `[0, rank)`; `fail` makes the error
/// for one out of range.
private func squeezedAxes(
  _ list: [Int], rank: Int, _ fail: (String) -> TensorGraphError
) throws -> Set<Int> {
  var axes = Set<Int>()
  for (i, a) in list.enumerated() {
    guard let axis = normalizedAxis(a, rank: rank) else {
      throw fail("squeeze_dims[\(i)] = \(a) is out of range for an input of rank \(rank); it must be in [\(-rank), \(rank))")
    }
    axes.insert(axis)
  }
  return axes
}

extension Graph {
  /// `x` without its size-1 dimensions `axes` (`Squeeze`, `tf.squeeze`);
  /// with no axes, without every size-1 dimension. Negative axes count from
  /// the end.
  ///
  ///     try g.squeeze(x, axes: [1])   // [?, 1, 3] → [?, 3]
  public func squeeze(
    _ x: Output, axes: [Int] = [], name: String? = nil, file: String = #fileID, line: Int = #line
  ) throws -> Output {
    try build("Squeeze", [x], attrs: ["squeeze_dims": .ints(axes)], name: name, file: file, line: line)
  }
}
