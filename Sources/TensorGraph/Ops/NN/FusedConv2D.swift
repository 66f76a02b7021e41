// _FusedConv2D: Conv2D followed by BiasAdd or inference-mode batch
// normalization, and optionally an activation, in one node — TensorFlow's
// op as Grappler's remapper makes it (same name, inputs and attributes).
// The kernel is in Runtime/Kernels/FusedConv2DKernels.swift; the remapper
// patterns in Compiler/Passes/Remapper+Conv2D.swift.
//
//   fused_ops [BiasAdd(, act)]         args [bias]
//       y = act(conv(x, w) + bias)
//   fused_ops [FusedBatchNorm(, act)]  args [scale, offset, mean, variance]
//       y = act((conv(x, w) − mean)·scale/√(variance + ε) + offset)

/// The fused_ops `_FusedConv2D` accepts, with the number of args each
/// takes: a first op, then at most one of the activations `_FusedMatMul`
/// applies.
enum FusedConvolution {
  /// The first entries of fused_ops and how many args each takes.
  static let arguments = ["BiasAdd": 1, "FusedBatchNorm": 4]

  /// Checks `fused_ops` and the number of args; returns the first op and
  /// the activation.
  static func parse(_ ops: [String], args: Int) throws -> (op: String, activation: String?) {
    guard let first = ops.first, let count = arguments[first], ops.count <= 2,
      ops.dropFirst().allSatisfy(StandardOps.fusedMatMulActivations.contains)
    else {
      throw TensorGraphError(
        .invalidArgument,
        "fused_ops \(ops) is not supported: use [\"BiasAdd\"] or [\"FusedBatchNorm\"], optionally followed by one of \(StandardOps.fusedMatMulActivations.sorted())"
      )
    }
    guard args == count else {
      throw TensorGraphError(
        .invalidArgument,
        "fused_ops \(ops) takes \(count) argument\(count == 1 ? "" : "s") (\(first == "BiasAdd" ? "the bias" : "scale, offset, mean, variance")) but \(args) were given"
      )
    }
    return (first, ops.dropFirst().first)
  }
}

// MARK: - _FusedConv2D

extension StandardOps {
  static let fusedConv2D = OpDef(
    "_FusedConv2D", inputs: ["input: T", "filter: T", "args: num_args * T"], outputs: ["output: T"],
    attrs: [
      "T: {float32, float64}", "num_args: int >= 0", "strides: list(int)", "padding: {'SAME', 'VALID', 'EXPLICIT'}",
      "explicit_paddings: list(int) = []", "data_format: {'NHWC', 'NCHW'} = 'NHWC'", "filter_format: {'HWIO'} = 'HWIO'",
      "dilations: list(int) = [1, 1, 1, 1]", "use_cudnn_on_gpu: bool = true", "fused_ops: list(string) = []",
      "epsilon: float = 0.0001", "leakyrelu_alpha: float = 0.2",
    ],
    summary: "activation(Conv2D(input, filter) then BiasAdd or inference batch normalization) in one kernel (fused_ops: [\"BiasAdd\"] with args [bias], or [\"FusedBatchNorm\"] with args [scale, offset, mean, variance]; optionally followed by Relu, Relu6, Elu, Tanh or Sigmoid).",
    shape: { c in
      do {
        _ = try FusedConvolution.parse(c.strings("fused_ops"), args: c.inputs.count - 2)
      } catch let e as TensorGraphError {
        throw c.invalid(e.message)
      }
      let out = try ConvolutionShapes.output(
        input: c.shape(0), filter: c.shape(1), attrs: c.windowAttributes(operands: 2), depthwise: false)
      let channels = ImageLayout(c.string("data_format")).channelAxis
      var oc = out[channels]
      for i in 2..<c.inputs.count {
        let v = c.shape(i)
        if let r = v.rank, r != 1 {
          throw c.error("the fused argument \(i - 2) must be a vector with one value per output channel, but has shape \(v)")
        }
        guard let merged = oc.merged(with: v[0]) else {
          throw c.error(
            "the fused argument \(i - 2) has shape \(v) but the convolution has \(oc) output channels: \(out)")
        }
        oc = merged
      }
      var dims = out.dims!
      dims[channels] = oc
      return [PartialShape(dims: dims)]
    },
    kernel: fusedConv2DKernel,
    gradient: .function { c in
      // y = act(z), dz from the activation's rule on the output (as
      // _FusedMatMul). Then, with dc the gradient of the convolution's
      // output c = conv(x, w): dx = Conv2DBackpropInput(shape(x), w, dc),
      // dw = Conv2DBackpropFilter(x, shape(w), dc), and
      //   BiasAdd         z = c + bias:  dc = dz, dbias = Σ dz
      //   FusedBatchNorm  z = c·a + offset − mean·a, a = scale·r,
      //                   r = 1/√(variance + ε):
      //                   dc = dz·a, doffset = Σ dz, dscale = r·Σ dz·(c − mean),
      //                   dmean = −a·doffset, dvariance = −½·scale·r²·dscale
      //                   (c recomputed by a Conv2D, needed for dscale only).
      let g = c.graph, x = c.input(0), w = c.input(1), attrs = c.convolutionAttributes
      let ops = c.strings("fused_ops")
      let dz = try g.fusedActivationGradient(ops.dropFirst().first, output: c.output(0), grad: c.grad)
      func backprops(_ dc: Output) throws -> [Output?] {
        [
          try g.build(
            "Conv2DBackpropInput", [try g.shapeTensor(of: x), w, dc], attrs: attrs, name: nil, file: #fileID,
            line: #line),
          try g.build(
            "Conv2DBackpropFilter", [x, try g.shapeTensor(of: w), dc], attrs: attrs, name: nil, file: #fileID,
            line: #line),
        ]
      }
      if ops.first == "BiasAdd" { return try backprops(dz) + [try g.biasAddGrad(dz)] }
      let scale = c.input(2), mean = c.input(4), variance = c.input(5)
      let r2 = try g.reciprocal(try g.add(variance, try g.constant(c.float("epsilon"), dtype: variance.dtype)))
      let r = try g.sqrt(r2), a = try g.multiply(scale, r)
      let conv = try g.build("Conv2D", [x, w], attrs: attrs, name: nil, file: #fileID, line: #line)
      let dOffset = try g.biasAddGrad(dz)
      let dScale = try g.multiply(try g.biasAddGrad(try g.multiply(dz, try g.subtract(conv, mean))), r)
      let dMean = try g.negate(try g.multiply(a, dOffset))
      let dVariance = try g.multiply(
        try g.constant(-0.5, dtype: variance.dtype), try g.multiply(try g.multiply(scale, r2), dScale))
      return try backprops(try g.multiply(dz, a)) + [dScale, dOffset, dMean, dVariance]
    },
    cost: { c in
      let conv = ConvolutionShapes.cost(c, output: c.outputs[0].shape, filter: c.inputs[1].shape, depthwise: false)
      let elements = CostContext.elements(c.outputs[0].shape)
      let activation = c.strings("fused_ops").count > 1 ? transcendentalFlops : 0
      let epilogue = c.strings("fused_ops").first == "BiasAdd" ? 1.0 : 2.0
      return Cost(flops: conv.flops + elements * (epilogue + activation), bytes: conv.bytes)
    })
}

extension Graph {
  /// `activation(conv2d(input, filter) + bias)` in one node (`_FusedConv2D`
  /// with fused_ops `[BiasAdd(, activation)]`, what the remapper pass makes
  /// of `Conv2D` → `BiasAdd` → activation).
  ///
  /// - Parameters:
  ///   - bias: One value per output channel.
  ///   - activation: `nil`, `"Relu"`, `"Relu6"`, `"Elu"`, `"Tanh"` or
  ///     `"Sigmoid"`.
  ///   - strides, padding, explicitPaddings, dataFormat, dilations: As
  ///     ``conv2d(_:filter:strides:padding:explicitPaddings:dataFormat:dilations:name:file:line:)``.
  public func fusedConv2d(
    _ input: Output, filter: Output, bias: Output, activation: String? = nil, strides: [Int], padding: String,
    explicitPaddings: [Int] = [], dataFormat: String = "NHWC", dilations: [Int] = [1], name: String? = nil,
    file: String = #fileID, line: Int = #line
  ) throws -> Output {
    var attrs = windowAttributes(
      strides: strides, padding: padding, explicitPaddings: explicitPaddings, dataFormat: dataFormat,
      dilations: dilations)
    attrs["fused_ops"] = .strings(["BiasAdd"] + (activation.map { [$0] } ?? []))
    return try build("_FusedConv2D", [input, filter, bias], attrs: attrs, name: name ?? "FusedConv2D", file: file, line: line)
  }

  /// `activation(batchNorm(conv2d(input, filter)))` with given statistics
  /// in one node (`_FusedConv2D` with fused_ops `[FusedBatchNorm(,
  /// activation)]`, what the remapper pass makes of `Conv2D` →
  /// inference-mode `FusedBatchNormV3` → activation): per output channel,
  /// `(conv − mean)·scale/√(variance + epsilon) + offset`.
  ///
  /// - Parameters:
  ///   - scale, offset, mean, variance: One value per output channel.
  ///   - epsilon: Added to the variance before the square root.
  ///   - activation: As ``fusedConv2d(_:filter:bias:activation:strides:padding:explicitPaddings:dataFormat:dilations:name:file:line:)``.
  public func fusedConv2d(
    _ input: Output, filter: Output, scale: Output, offset: Output, mean: Output, variance: Output,
    epsilon: Double = 0.0001, activation: String? = nil, strides: [Int], padding: String,
    explicitPaddings: [Int] = [], dataFormat: String = "NHWC", dilations: [Int] = [1], name: String? = nil,
    file: String = #fileID, line: Int = #line
  ) throws -> Output {
    var attrs = windowAttributes(
      strides: strides, padding: padding, explicitPaddings: explicitPaddings, dataFormat: dataFormat,
      dilations: dilations)
    attrs["fused_ops"] = .strings(["FusedBatchNorm"] + (activation.map { [$0] } ?? []))
    attrs["epsilon"] = .float(epsilon)
    return try build(
      "_FusedConv2D", [input, filter, scale, offset, mean, variance], attrs: attrs, name: name ?? "FusedConv2D",
      file: file, line: line)
  }
}
