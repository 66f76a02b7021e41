// ClipByValue: t clipped into [clip_value_min, clip_value_max], each bound
// a scalar or exactly t's shape (TensorFlow's kernel broadcasts nothing
// else: a [1] bound is rejected). Kernel:
// Runtime/Kernels/ClipByValueKernels.swift.

extension StandardOps {
  static let clipByValue = OpDef(
    "ClipByValue", inputs: ["t: T", "clip_value_min: T", "clip_value_max: T"], outputs: ["output: T"],
    attrs: ["T: {float32, float64, int32, int64, uint8}"], flags: [.elementwise, .cheap],
    summary: "Clips t to [clip_value_min, clip_value_max] elementwise: max(min(t, max), min); each bound is a scalar or t's shape.",
    shape: { c in
      var shape = c.shape(0)
      for (i, name) in [(1, "clip_value_min"), (2, "clip_value_max")] {
        // A bound of unknown rank may be a scalar; one of known rank ≥ 1
        // must be t's shape.
        let bound = c.shape(i)
        guard let rank = bound.rank, rank > 0 else { continue }
        guard let merged = shape.merged(with: bound) else {
          throw c.error("'\(name)' must be a scalar or have the shape of 't' \(c.shape(0)), but has shape \(bound)")
        }
        shape = merged
      }
      return [shape]
    },
    kernel: clipByValueKernel,
    gradient: .function { c in
      // The gradient passes to t where lo ≤ t ≤ hi, to lo where t < lo and
      // to hi where t > hi, summed over a scalar bound (TensorFlow's
      // _clip_by_value_grad; a t equal to a bound sends it to t).
      let g = c.graph, t = c.input(0), lo = c.input(1), hi = c.input(2)
      let below = try g.less(t, lo), above = try g.greater(t, hi)
      let zeros = try g.zerosLike(c.grad)
      let gt = try g.selectV2(try g.logicalOr(below, above), zeros, c.grad)
      return [
        gt,
        try c.unbroadcast(try g.selectV2(below, c.grad, zeros), to: lo, other: t),
        try c.unbroadcast(try g.selectV2(above, c.grad, zeros), to: hi, other: t),
      ]
    })
}

extension Graph {
  /// `t` clipped into `[clipValueMin, clipValueMax]` elementwise,
  /// `max(min(t, clipValueMax), clipValueMin)` (`ClipByValue`;
  /// TensorFlow's `tf.clip_by_value`). Each bound is a scalar or has `t`'s
  /// shape; NaNs in `t` pass through.
  public func clipByValue(
    _ t: Output, clipValueMin: Output, clipValueMax: Output, name: String? = nil, file: String = #fileID,
    line: Int = #line
  ) throws -> Output {
    try build("ClipByValue", [t, clipValueMin, clipValueMax], name: name, file: file, line: line)
  }
}
