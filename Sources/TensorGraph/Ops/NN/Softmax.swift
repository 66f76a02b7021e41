// Softmax and LogSoftmax over the last dimension. Kernels live in
// Runtime/Kernels/SoftmaxKernels.swift.

extension StandardOps {
  /// Softmax-like ops: `logits: T → <output>: T` of the same shape, rank ≥ 1.
  static func softmaxOp(_ name: String, output: String, summary: String, log: Bool) -> OpDef {
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
      // Per element: a max, a subtraction, an exponential, a sum and a scale.
      cost: elementwiseCost(flopsPerElement: transcendentalFlops + 4))
  }

  static let softmax = softmaxOp(
    "Softmax", output: "softmax", summary: "Computes exp(logits) / sum(exp(logits)) over the last dimension.",
    log: false)

  static let logSoftmax = softmaxOp(
    "LogSoftmax", output: "logsoftmax",
    summary: "Computes logits - log(sum(exp(logits))) over the last dimension.", log: true)
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
