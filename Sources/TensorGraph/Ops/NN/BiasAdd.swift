// BiasAdd: adds a per-channel bias vector to a batch of features, with the
// channel the last dimension (NHWC) or dimension 1 (NCHW); BiasAddGrad, its
// gradient with respect to the bias, sums over every other dimension.

// MARK: - BiasAdd

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
    kernel: biasAddKernel,
    gradient: .function { c in
      // d(value + bias) = dvalue + Σ dbias over every axis but the channel
      // one: BiasAddGrad (TensorFlow's _BiasAddGrad)
      [c.grad, try c.graph.biasAddGrad(c.grad, dataFormat: c.string("data_format"))]
    })
}

/// `output = value + bias` broadcast along the channel dimension: the NHWC
/// loop adds the bias vector to each contiguous row; the NCHW loop adds one
/// bias value to each contiguous spatial plane.
let biasAddKernel: KernelFactory = { b in try makeBiasAddKernel(b, nchw: b.string("data_format") == "NCHW") }

/// BiasAdd's kernel for one layout (BiasAddV1 uses the NHWC one).
func makeBiasAddKernel(_ b: KernelBuildContext, nchw: Bool) throws -> KernelFunction {
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

// MARK: - BiasAddGrad

extension StandardOps {
  static let biasAddGrad = OpDef(
    "BiasAddGrad", inputs: ["out_backprop: T"], outputs: ["output: T"],
    attrs: ["T: {float32, float64, int32, int64, uint8}", "data_format: {'NHWC', 'NCHW'} = 'NHWC'"],
    summary: "Sums out_backprop over every dimension but the channel one (the last for NHWC, dimension 1 for NCHW): the gradient of BiasAdd with respect to the bias.",
    shape: { c in
      let nchw = c.string("data_format") == "NCHW"
      let input = c.shape(0)
      guard let rank = input.rank else { return [.unknown(rank: 1)] }
      let minRank = nchw ? 3 : 2
      if rank < minRank {
        throw c.error(
          "'out_backprop' must have rank at least \(minRank) for data_format \(c.string("data_format")), but has shape \(input)")
      }
      return [[input[nchw ? 1 : rank - 1]]]
    },
    kernel: biasAddGradKernel,
    gradient: .function { c in
      // Linear: the gradient of a per-channel sum spreads each channel's
      // gradient over that channel, i.e. BiasAdd(0, grad) in the same format.
      let g = c.graph
      return [try g.biasAdd(try g.zerosLike(c.input(0)), c.grad, dataFormat: c.string("data_format"))]
    })
}

/// Sums every dimension but the channel one, in a fixed order. NHWC adds the
/// rows (contiguous channel vectors) into per-chunk partial sums, the chunks
/// sized from the input alone and combined in order, so the result does not
/// depend on the thread count; NCHW sums each contiguous spatial plane.
let biasAddGradKernel: KernelFactory = { b in
  let nchw = b.string("data_format") == "NCHW"
  func make<T: TensorNumericScalar>(_: T.Type) -> KernelFunction {
    { ctx in
      let x = ctx.input(0)
      let minRank = nchw ? 3 : 2
      guard x.rank >= minRank else {
        throw ctx.error(
          .shapeMismatch,
          "'out_backprop' must have rank at least \(minRank) for data_format \(nchw ? "NCHW" : "NHWC"), but has shape \(x.shape)")
      }
      let channels = x.shape[nchw ? 1 : x.rank - 1]
      let out = ctx.allocateOutput(0, dtype: T.dtype, shape: [channels])
      let px = x.unsafePointer(as: T.self), po = out.unsafeMutablePointer(as: T.self)
      po.initialize(repeating: 0, count: channels)
      if nchw {
        let batch = x.shape[0], plane = x.shape.dropFirst(2).reduce(1, *)
        for n in 0..<batch {
          for ch in 0..<channels {
            po[ch] = T.wrappedAdd(po[ch], contiguousSum(px + (n * channels + ch) * plane, plane))
          }
        }
      } else if channels > 0 {
        let rows = x.scalarCount / channels
        let chunks = Swift.min(x.scalarCount / elementwiseGrain, 64, rows)
        if chunks < 2 {
          addRows(px, rows: 0..<rows, channels: channels, into: po)
        } else {
          let size = (rows + chunks - 1) / chunks
          ctx.withTemporary(T.self, count: chunks * channels) { partial in
            ctx.parallelFor(chunks: chunks) { c in
              let p = partial + c * channels
              p.initialize(repeating: 0, count: channels)
              let start = Swift.min(rows, c * size)
              addRows(px, rows: start..<Swift.min(rows, start + size), channels: channels, into: p)
            }
            addRows(UnsafePointer(partial), rows: 0..<chunks, channels: channels, into: po)
          }
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

/// Adds rows `rows` of the row-major `[_, channels]` matrix at `x` to `sum`.
@inline(__always)
private func addRows<T: TensorNumericScalar>(
  _ x: UnsafePointer<T>, rows: Range<Int>, channels: Int, into sum: UnsafeMutablePointer<T>
) {
  for r in rows {
    let row = x + r * channels
    for ch in 0..<channels { sum[ch] = T.wrappedAdd(sum[ch], row[ch]) }
  }
}

/// The sum of `n` contiguous elements: four interleaved partial sums,
/// combined pairwise (a fixed order, faster than one dependent chain).
@inline(__always)
private func contiguousSum<T: TensorNumericScalar>(_ x: UnsafePointer<T>, _ n: Int) -> T {
  var s0: T = 0, s1: T = 0, s2: T = 0, s3: T = 0
  var j = 0
  while j + 4 <= n {
    s0 = T.wrappedAdd(s0, x[j])
    s1 = T.wrappedAdd(s1, x[j + 1])
    s2 = T.wrappedAdd(s2, x[j + 2])
    s3 = T.wrappedAdd(s3, x[j + 3])
    j += 4
  }
  while j < n {
    s0 = T.wrappedAdd(s0, x[j])
    j += 1
  }
  return T.wrappedAdd(T.wrappedAdd(s0, s1), T.wrappedAdd(s2, s3))
}

extension Graph {
  /// The sum of `outBackprop` over every dimension but the channel one
  /// (`BiasAddGrad`): the gradient of ``biasAdd(_:_:dataFormat:name:file:line:)``
  /// with respect to its bias.
  func biasAddGrad(
    _ outBackprop: Output, dataFormat: String = "NHWC", name: String? = nil, file: String = #fileID,
    line: Int = #line
  ) throws -> Output {
    try build("BiasAddGrad", [outBackprop], attrs: ["data_format": .string(dataFormat)], name: name, file: file,
      line: line)
  }
}
