// Softmax and LogSoftmax over the last dimension. Kernels live in
// Runtime/Kernels/SoftmaxKernels.swift.

extension StandardOps {
  /// Softmax-like ops: `logits: T → <output>: T` of the same shape, rank ≥ 1.
  static func softmaxOp(
    _ name: String, output: String, summary: String, log: Bool, gradient: @escaping GradientFunction,
    file: String = #filePath
  ) -> OpDef {
    OpDef(
      name, inputs: ["logits: T"], outputs: ["\(output): T"], attrs: ["T: {float32, float64}"],
      summary: summary,
      shape: { c in
        if c.shape(0).rank == 0 {
          throw c.error("'logits' must have rank at least 1, but is a scalar")
        }
        return [c.shape(0)]
      },
      kernel: softmaxKernel(log: log),
      gradient: .function(gradient),
      // Per element: a max, a subtraction, an exponential, a sum and a scale.
      cost: elementwiseCost(flopsPerElement: transcendentalFlops + 4), file: file)
  }

  static let softmax = softmaxOp(
    "Softmax", output: "softmax", summary: "Computes exp(logits) / sum(exp(logits)) over the last dimension.",
    log: false,
    gradient: { c in
      // ∂yᵢ/∂xⱼ = yᵢ(δᵢⱼ − yⱼ), so dx = (dy − Σ(dy·y))·y, the sum over the
      // last axis (TensorFlow's _SoftmaxGrad; reuses the output)
      let g = c.graph, y = c.output(0)
      let dot = try g.sum(try g.multiply(c.grad, y), axes: [-1], keepDims: true)
      return [try g.multiply(try g.subtract(c.grad, dot), y)]
    })

  static let logSoftmax = softmaxOp(
    "LogSoftmax", output: "logsoftmax",
    summary: "Computes logits - log(sum(exp(logits))) over the last dimension.", log: true,
    gradient: { c in
      // ∂yᵢ/∂xⱼ = δᵢⱼ − softmax(x)ⱼ with softmax = exp(y), so dx = dy −
      // Σ(dy)·exp(y), the sum over the last axis (TensorFlow's _LogSoftmaxGrad)
      let g = c.graph
      let total = try g.sum(c.grad, axes: [-1], keepDims: true)
      return [try g.subtract(c.grad, try g.multiply(total, try g.exp(c.output(0))))]
    })
}

extension Graph {
  /// `exp(x) / Σ exp(x)` over the last dimension (`Softmax`); each row sums
  /// to 1. The row maximum is subtracted first, so huge logits are safe.
  public func softmax(_ logits: Output, name: String? = nil, file: String = #fileID, line: Int = #line) throws
    -> Output
  {
    try build("Softmax", [logits], name: name, file: file, line: line)
  }

  /// `x - log Σ exp(x)` over the last dimension (`LogSoftmax`), computed
  /// stably (the row maximum is subtracted first).
  public func logSoftmax(_ logits: Output, name: String? = nil, file: String = #fileID, line: Int = #line) throws
    -> Output
  {
    try build("LogSoftmax", [logits], name: name, file: file, line: line)
  }
}
