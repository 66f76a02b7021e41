// BiasAdd: adds a per-channel bias vector to a batch of features, with the
// channel the last dimension (NHWC) or dimension 1 (NCHW).

extension StandardOps {
  static let biasAdd = OpDef(
    "BiasAdd", inputs: ["value: T", "bias: T"], outputs: ["output: T"],
    attrs: ["T: {float32, float64, int32, int64, uint8}", "data_format: {'NHWC', 'NCHW'} = 'NHWC'"],
    flags: .cheap,
    summary: "Adds bias to the channel dimension of value (the last for NHWC, dimension 1 for NCHW).",
    shape: { c in
      let nchw = c.string("data_format") == "NCHW"
      let value = c.shape(0), bias = c.shape(1)
      let minRank = nchw ? 3 : 2
      if let rank = value.rank, rank < minRank {
        throw c.error(
          "'value' must have rank at least \(minRank) for data_format \(c.string("data_format")), but has shape \(value)")
      }
      if let rank = bias.rank, rank != 1 {
        throw c.error("'bias' must be a vector (rank 1), but has shape \(bias)")
      }
      guard var dims = value.dims else { return [.unknown] }
      let channelAxis = nchw ? 1 : dims.count - 1
      guard let channels = dims[channelAxis].merged(with: bias[0]) else {
        throw c.error(
          "'bias' must have one element per channel of 'value' (dimension \(channelAxis)), but 'bias' has shape \(bias) and 'value' has shape \(value)"
        )
      }
      dims[channelAxis] = channels
      return [PartialShape(dims: dims)]
    },
    kernel: biasAddKernel)
}

/// `output = value + bias` broadcast along the channel dimension: the NHWC
/// loop adds the bias vector to each contiguous row; the NCHW loop adds one
/// bias value to each contiguous spatial plane.
let biasAddKernel: KernelFactory = { b in
  let nchw = b.string("data_format") == "NCHW"
  func make<T: TensorNumericScalar>(_: T.Type) -> KernelFunction {
    { ctx in
      let value = ctx.input(0), bias = ctx.input(1)
      guard value.rank >= 2 else {
        throw ctx.error(.shapeMismatch, "'value' must have rank at least 2, but has shape \(value.shape)")
      }
      let channelAxis = nchw ? 1 : value.rank - 1
      guard bias.rank == 1, bias.shape[0] == value.shape[channelAxis] else {
        throw ctx.error(
          .shapeMismatch,
          "'bias' must be a vector with one element per channel of 'value' (dimension \(channelAxis)), but 'bias' has shape \(bias.shape) and 'value' has shape \(value.shape)"
        )
      }
      let out = ctx.allocateOutput(0, dtype: T.dtype, shape: value.shape)
      let px = value.unsafePointer(as: T.self), pb = bias.unsafePointer(as: T.self)
      let po = out.unsafeMutablePointer(as: T.self)
      let channels = bias.shape[0]
      if nchw {
        let batch = value.shape[0], plane = value.shape.dropFirst(2).reduce(1, *)
        for n in 0..<batch {
          for ch in 0..<channels {
            let base = (n * channels + ch) * plane, add = pb[ch]
            for i in base..<(base + plane) { po[i] = T.wrappedAdd(px[i], add) }
          }
        }
      } else if channels > 0 {
        for row in 0..<(value.scalarCount / channels) {
          let x = px + row * channels, o = po + row * channels
          for ch in 0..<channels { o[ch] = T.wrappedAdd(x[ch], pb[ch]) }
        }
      }
      ctx.setOutput(0, out)
    }
  }
  switch b.inputs[0].dtype {
  case .float32: return make(Float.self)
  case .float64: return make(Double.self)
  case .int32: return make(Int32.self)
  case .int64: return make(Int64.self)
  case .uint8: return make(UInt8.self)
  case .bool: throw b.unsupported()
  }
}

extension Graph {
  /// `value + bias` with `bias` a vector added along the channel dimension
  /// (`BiasAdd`): the last dimension for `dataFormat` "NHWC" (the default;
  /// `value` of rank ≥ 2), dimension 1 for "NCHW" (rank ≥ 3).
  public func biasAdd(
    _ value: Output, _ bias: Output, dataFormat: String = "NHWC", name: String? = nil, file: String = #fileID,
    line: Int = #line
  ) throws -> Output {
    try build("BiasAdd", [value, bias], attrs: ["data_format": .string(dataFormat)], name: name, file: file,
      line: line)
  }
}
