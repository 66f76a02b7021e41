// BiasAddV1: TensorFlow's first BiasAdd, with no data_format: the bias is
// added along the last dimension of a value of rank ≥ 2 (BiasAdd's NHWC
// kernel, BiasAdd.swift).

extension StandardOps {
  static let biasAddV1 = OpDef(
    "BiasAddV1", inputs: ["value: T", "bias: T"], outputs: ["output: T"],
    attrs: ["T: {float32, float64, int32, int64, uint8}"], flags: .cheap,
    summary: "Adds bias to the last dimension of value (rank ≥ 2): BiasAdd without data_format.",
    shape: { c in
      let value = c.shape(0), bias = c.shape(1)
      if let rank = value.rank, rank < 2 {
        throw c.error("'value' must have rank at least 2, but has shape \(value)")
      }
      if let rank = bias.rank, rank != 1 {
        throw c.error("'bias' must be a vector (rank 1), but has shape \(bias)")
      }
      guard var dims = value.dims else { return [.unknown] }
      guard let channels = dims[dims.count - 1].merged(with: bias[0]) else {
        throw c.error(
          "'bias' must have one element per entry of the last dimension of 'value', but 'bias' has shape \(bias) and 'value' has shape \(value)"
        )
      }
      dims[dims.count - 1] = channels
      return [PartialShape(dims: dims)]
    },
    kernel: { b in try makeBiasAddKernel(b, nchw: false) },
    gradient: .function { c in
      // d(value + bias) = dvalue + Σ dbias over every axis but the last
      // (TensorFlow's _BiasAddGradV1 sums over range(rank − 1): BiasAddGrad
      // in NHWC)
      [c.grad, try c.graph.biasAddGrad(c.grad, dataFormat: "NHWC")]
    })
}

extension Graph {
  /// `value + bias` with `bias` a vector added along the last dimension of
  /// `value` (rank ≥ 2) (`BiasAddV1`; TensorFlow's `nn_ops.bias_add_v1`).
  public func biasAddV1(_ value: Output, _ bias: Output, name: String? = nil, file: String = #fileID, line: Int = #line)
    throws -> Output
  {
    try build("BiasAddV1", [value, bias], name: name, file: file, line: line)
  }
}
