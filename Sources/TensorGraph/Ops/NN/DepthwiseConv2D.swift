// DepthwiseConv2dNative and its gradient ops: each input channel convolved
// with its own `multiplier` filters (output channel c·multiplier + m), as
// TensorFlow's. Kernels are in Runtime/Kernels/DepthwiseConv2DKernels.swift.

/// The signature attributes of the depthwise ops (TensorFlow's).
private let depthwiseAttrs = [
  "T: {float32, float64}", "strides: list(int)", "padding: {'SAME', 'VALID', 'EXPLICIT'}",
  "explicit_paddings: list(int) = []", "data_format: {'NHWC', 'NCHW'} = 'NHWC'",
  "dilations: list(int) = [1, 1, 1, 1]",
]

// MARK: - DepthwiseConv2dNative

extension StandardOps {
  static let depthwiseConv2dNative = OpDef(
    "DepthwiseConv2dNative", inputs: ["input: T", "filter: T"], outputs: ["output: T"], attrs: depthwiseAttrs,
    summary: "Convolves each input channel with its own filters ([height, width, in_channels, channel_multiplier]); output channel c·multiplier + m.",
    shape: { c in
      [try ConvolutionShapes.output(input: c.shape(0), filter: c.shape(1), attrs: c.windowAttributes(operands: 2), depthwise: true)]
    },
    kernel: depthwiseConv2dNativeKernel,
    gradient: .function { c in
      // As Conv2D's, channel by channel (TensorFlow's _DepthwiseConv2dNativeGrad).
      let g = c.graph, x = c.input(0), w = c.input(1), attrs = c.convolutionAttributes
      return [
        try g.build(
          "DepthwiseConv2dNativeBackpropInput", [try g.shapeTensor(of: x), w, c.grad], attrs: attrs, name: nil,
          file: #fileID, line: #line),
        try g.build(
          "DepthwiseConv2dNativeBackpropFilter", [x, try g.shapeTensor(of: w), c.grad], attrs: attrs, name: nil,
          file: #fileID, line: #line),
      ]
    },
    cost: { c in ConvolutionShapes.cost(c, output: c.outputs[0].shape, filter: c.inputs[1].shape, depthwise: true) })
}

extension Graph {
  /// The depthwise 2-D convolution of `input` with `filter`
  /// (`DepthwiseConv2dNative`, as `tf.nn.depthwise_conv2d_native`): input
  /// channel `c` convolved with `filter[:, :, c, m]` gives output channel
  /// `c·multiplier + m`.
  ///
  /// - Parameters:
  ///   - input: `[batch, height, width, channels]` (NHWC).
  ///   - filter: `[filter_height, filter_width, channels, channel_multiplier]`.
  ///   - strides, padding, explicitPaddings, dataFormat, dilations: As for
  ///     ``conv2d(_:filter:strides:padding:explicitPaddings:dataFormat:dilations:name:file:line:)``.
  public func depthwiseConv2dNative(
    _ input: Output, filter: Output, strides: [Int], padding: String, explicitPaddings: [Int] = [],
    dataFormat: String = "NHWC", dilations: [Int] = [1], name: String? = nil, file: String = #fileID,
    line: Int = #line
  ) throws -> Output {
    try build(
      "DepthwiseConv2dNative", [input, filter],
      attrs: windowAttributes(
        strides: strides, padding: padding, explicitPaddings: explicitPaddings, dataFormat: dataFormat,
        dilations: dilations),
      name: name, file: file, line: line)
  }

  /// The gradient of a depthwise convolution with respect to its input
  /// (`DepthwiseConv2dNativeBackpropInput`), of shape `inputSizes`.
  public func depthwiseConv2dNativeBackpropInput(
    inputSizes: Output, filter: Output, outBackprop: Output, strides: [Int], padding: String,
    explicitPaddings: [Int] = [], dataFormat: String = "NHWC", dilations: [Int] = [1], name: String? = nil,
    file: String = #fileID, line: Int = #line
  ) throws -> Output {
    try build(
      "DepthwiseConv2dNativeBackpropInput", [inputSizes, filter, outBackprop],
      attrs: windowAttributes(
        strides: strides, padding: padding, explicitPaddings: explicitPaddings, dataFormat: dataFormat,
        dilations: dilations),
      name: name, file: file, line: line)
  }

  /// The gradient of a depthwise convolution with respect to its filter
  /// (`DepthwiseConv2dNativeBackpropFilter`), of shape `filterSizes`.
  public func depthwiseConv2dNativeBackpropFilter(
    _ input: Output, filterSizes: Output, outBackprop: Output, strides: [Int], padding: String,
    explicitPaddings: [Int] = [], dataFormat: String = "NHWC", dilations: [Int] = [1], name: String? = nil,
    file: String = #fileID, line: Int = #line
  ) throws -> Output {
    try build(
      "DepthwiseConv2dNativeBackpropFilter", [input, filterSizes, outBackprop],
      attrs: windowAttributes(
        strides: strides, padding: padding, explicitPaddings: explicitPaddings, dataFormat: dataFormat,
        dilations: dilations),
      name: name, file: file, line: line)
  }
}

// MARK: - DepthwiseConv2dNativeBackpropInput

extension StandardOps {
  static let depthwiseConv2dNativeBackpropInput = OpDef(
    "DepthwiseConv2dNativeBackpropInput", inputs: ["input_sizes: int32", "filter: T", "out_backprop: T"],
    outputs: ["output: T"], attrs: depthwiseAttrs,
    summary: "Computes the gradient of DepthwiseConv2dNative with respect to its input.",
    shape: { c in
      [try ConvolutionShapes.backprop(c, sizes: 0, input: nil, filter: c.shape(1), outBackprop: c.shape(2), depthwise: true)]
    },
    kernel: depthwiseConv2dNativeBackpropInputKernel,
    gradient: .function { c in
      // Linear in the filter and in dy (TensorFlow's
      // _DepthwiseConv2dNativeBackpropInputGrad): dw = BackpropFilter(dz,
      // shape(w), dy), d(dy) = DepthwiseConv2dNative(dz, w).
      let g = c.graph, w = c.input(1), dy = c.input(2), attrs = c.convolutionAttributes
      return [
        nil,
        try g.build(
          "DepthwiseConv2dNativeBackpropFilter", [c.grad, try g.shapeTensor(of: w), dy], attrs: attrs, name: nil,
          file: #fileID, line: #line),
        try g.build("DepthwiseConv2dNative", [c.grad, w], attrs: attrs, name: nil, file: #fileID, line: #line),
      ]
    },
    cost: { c in ConvolutionShapes.cost(c, output: c.inputs[2].shape, filter: c.inputs[1].shape, depthwise: true) })
}

// MARK: - DepthwiseConv2dNativeBackpropFilter

extension StandardOps {
  static let depthwiseConv2dNativeBackpropFilter = OpDef(
    "DepthwiseConv2dNativeBackpropFilter", inputs: ["input: T", "filter_sizes: int32", "out_backprop: T"],
    outputs: ["output: T"], attrs: depthwiseAttrs,
    summary: "Computes the gradient of DepthwiseConv2dNative with respect to its filter.",
    shape: { c in
      [try ConvolutionShapes.backprop(c, sizes: 1, input: c.shape(0), filter: nil, outBackprop: c.shape(2), depthwise: true)]
    },
    kernel: depthwiseConv2dNativeBackpropFilterKernel,
    gradient: .function { c in
      // Linear in x and in dy (TensorFlow's
      // _DepthwiseConv2dNativeBackpropFilterGrad): dx = BackpropInput(shape(x),
      // dz, dy), d(dy) = DepthwiseConv2dNative(x, dz).
      let g = c.graph, x = c.input(0), dy = c.input(2), attrs = c.convolutionAttributes
      return [
        try g.build(
          "DepthwiseConv2dNativeBackpropInput", [try g.shapeTensor(of: x), c.grad, dy], attrs: attrs, name: nil,
          file: #fileID, line: #line),
        nil,
        try g.build("DepthwiseConv2dNative", [x, c.grad], attrs: attrs, name: nil, file: #fileID, line: #line),
      ]
    },
    cost: { c in ConvolutionShapes.cost(c, output: c.inputs[2].shape, filter: c.outputs[0].shape, depthwise: true) })
}
