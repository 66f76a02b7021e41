// Conv2D and its gradient ops Conv2DBackpropInput and Conv2DBackpropFilter,
// with TensorFlow's names, attributes and shape rules. Kernels (im2col +
// GEMM) are in Runtime/Kernels/Conv2DKernels.swift; the window arithmetic
// in WindowGeometry.swift.

/// The attributes a convolution's gradient nodes copy from it.
let convolutionAttributeNames: Set<String> = [
  "strides", "padding", "explicit_paddings", "data_format", "dilations", "use_cudnn_on_gpu",
]

extension AttributeReading {
  /// This node's window attributes (strides, padding, dilations, format),
  /// to put on the nodes of its gradient.
  var convolutionAttributes: [String: AttrValue] {
    attrs.filter { convolutionAttributeNames.contains($0.key) }
  }
}

/// The signature attributes of Conv2D and its backprop ops (TensorFlow's).
private let conv2DAttrs = [
  "T: {float32, float64}", "strides: list(int)", "use_cudnn_on_gpu: bool = true",
  "padding: {'SAME', 'VALID', 'EXPLICIT'}", "explicit_paddings: list(int) = []",
  "data_format: {'NHWC', 'NCHW'} = 'NHWC'", "dilations: list(int) = [1, 1, 1, 1]",
]

// MARK: - Shape rules

enum ConvolutionShapes {
  /// The output shape of a convolution of `input` with `filter`
  /// (`[height, width, in_channels, out_channels]`; for a depthwise
  /// convolution `[height, width, in_channels, multiplier]`, giving
  /// `in_channels · multiplier` output channels). Throws when the ranks are
  /// not 4, the channels differ or the window does not fit.
  static func output(
    input: PartialShape, filter: PartialShape, attrs w: WindowAttributes, depthwise: Bool
  ) throws -> PartialShape {
    let layout = w.layout
    if let r = input.rank, r != 4 {
      throw TensorGraphError(.shapeMismatch, "'input' must be a 4-D tensor (\(layout.name)) but has shape \(input)")
    }
    if let r = filter.rank, r != 4 {
      throw TensorGraphError(
        .shapeMismatch,
        "'filter' must be a 4-D tensor [height, width, in_channels, \(depthwise ? "channel_multiplier" : "out_channels")] but has shape \(filter)"
      )
    }
    let describe = { "input shape \(input), filter shape \(filter)" }
    guard let channels = input[layout.channelAxis].merged(with: filter[2]) else {
      throw TensorGraphError(
        .shapeMismatch,
        "the input has \(input[layout.channelAxis]) channels but the filter expects \(filter[2]) (\(describe()))")
    }
    if filter[0] == 0 || filter[1] == 0 {
      throw TensorGraphError(.shapeMismatch, "the filter must have a positive height and width (\(describe()))")
    }
    let h = try w.outputDimension(input: input[layout.heightAxis], window: filter[0], vertical: true, describe: describe)
    let wd = try w.outputDimension(input: input[layout.widthAxis], window: filter[1], vertical: false, describe: describe)
    let outChannels: Dimension = depthwise ? (Dimension.product(channels, filter[3]) ?? .unknown) : filter[3]
    return PartialShape(dims: layout.shape(batch: input[0], height: h, width: wd, channels: outChannels))
  }

  /// The concrete geometry of a convolution at run time, with the checks
  /// of ``output(input:filter:attrs:depthwise:)``.
  static func geometry(input: [Int], filter: [Int], attrs w: WindowAttributes, depthwise: Bool) throws
    -> WindowGeometry
  {
    _ = try output(input: PartialShape(input), filter: PartialShape(filter), attrs: w, depthwise: depthwise)
    return try WindowGeometry(
      input: input, windowH: filter[0], windowW: filter[1], attrs: w,
      describe: { "input shape \(input), filter shape \(filter)" })
  }

  /// The shape a backprop op produces: its `sizes` input (`input_sizes`
  /// or `filter_sizes`, 4 entries), refined by what the other operands
  /// know. Checks that `outBackprop` is what the forward convolution of
  /// that input and filter gives. Pass the forward op's operand the
  /// backprop op has (`input` or `filter`); the other comes from `sizes`.
  static func backprop(
    _ c: ShapeContext, sizes: Int, input: PartialShape?, filter: PartialShape?, outBackprop: PartialShape,
    depthwise: Bool
  ) throws -> PartialShape {
    let w = try c.windowAttributes(operands: 3)
    let label = input == nil ? "input_sizes" : "filter_sizes"
    try c.requireVector(sizes, label)
    if let n = c.shape(sizes)[0].value, n != 4 {
      throw c.invalid("'\(label)' must have 4 entries but has \(n)")
    }
    var given = c.shapeInput(sizes)
    if given.rank == nil { given = .unknown(rank: 4) }
    if let r = outBackprop.rank, r != 4 {
      throw c.error("'out_backprop' must be a 4-D tensor (\(w.layout.name)) but has shape \(outBackprop)")
    }
    let inputShape = input ?? given, filterShape = filter ?? given
    let expected = try output(input: inputShape, filter: filterShape, attrs: w, depthwise: depthwise)
    guard expected.isCompatible(with: outBackprop) else {
      throw c.error(
        "'out_backprop' has shape \(outBackprop), but the convolution of an input of shape \(inputShape) with a filter of shape \(filterShape) gives \(expected)"
      )
    }
    var dims = given.dims!
    let channel = w.layout.channelAxis
    func refine(_ i: Int, _ d: Dimension) { dims[i] = dims[i].merged(with: d) ?? dims[i] }
    if input == nil {
      refine(0, outBackprop[0])
      refine(channel, filterShape[2])
    } else {
      refine(2, inputShape[channel])
      if !depthwise { refine(3, outBackprop[channel]) }
    }
    return PartialShape(dims: dims)
  }

  /// Reads a backprop op's `sizes` tensor at run time: 4 non-negative
  /// entries.
  static func sizes(_ t: Tensor, label: String) throws -> [Int] {
    guard t.rank == 1, let v = t.integerValues(), v.count == 4, v.allSatisfy({ $0 >= 0 }) else {
      throw TensorGraphError(
        .invalidArgument, "'\(label)' must be a vector of 4 non-negative sizes but is \(t.description)")
    }
    return v
  }

  /// 2 · multiply-adds of a convolution with this many output elements and
  /// this window over this many input channels each.
  static func cost(_ c: CostContext, output: [Int], filter: [Int], depthwise: Bool) -> Cost {
    let perOutput = Double(filter.count == 4 ? filter[0] * filter[1] * (depthwise ? 1 : filter[2]) : 0)
    return Cost(flops: 2 * CostContext.elements(output) * perOutput, bytes: c.inputBytes + c.outputBytes)
  }
}

// MARK: - Conv2D

extension StandardOps {
  static let conv2D = OpDef(
    "Conv2D", inputs: ["input: T", "filter: T"], outputs: ["output: T"], attrs: conv2DAttrs,
    summary: "Computes a 2-D convolution of a 4-D input with a [height, width, in_channels, out_channels] filter.",
    shape: { c in
      [try ConvolutionShapes.output(input: c.shape(0), filter: c.shape(1), attrs: c.windowAttributes(operands: 2), depthwise: false)]
    },
    kernel: conv2DKernel,
    gradient: .function { c in
      // y = x ⋆ w: dx = Conv2DBackpropInput(shape(x), w, dy) (the
      // transposed convolution of dy), dw = Conv2DBackpropFilter(x,
      // shape(w), dy) (the correlation of x with dy): TensorFlow's _Conv2DGrad.
      let g = c.graph, x = c.input(0), w = c.input(1), attrs = c.convolutionAttributes
      return [
        try g.build(
          "Conv2DBackpropInput", [try g.shapeTensor(of: x), w, c.grad], attrs: attrs, name: nil, file: #fileID,
          line: #line),
        try g.build(
          "Conv2DBackpropFilter", [x, try g.shapeTensor(of: w), c.grad], attrs: attrs, name: nil, file: #fileID,
          line: #line),
      ]
    },
    cost: { c in ConvolutionShapes.cost(c, output: c.outputs[0].shape, filter: c.inputs[1].shape, depthwise: false) })
}

extension Graph {
  /// The 2-D convolution of `input` with `filter` (`Conv2D`, as
  /// `tf.nn.conv2d`).
  ///
  ///     let y = try g.conv2d(images, kernel, strides: [1, 1, 1, 1], padding: "SAME")
  ///
  /// - Parameters:
  ///   - input: A 4-D tensor `[batch, height, width, channels]` (NHWC).
  ///   - filter: `[filter_height, filter_width, in_channels, out_channels]`.
  ///   - strides: The window's step per dimension of `dataFormat`: 4
  ///     entries with 1 for batch and channels, or 1 or 2 entries for
  ///     height and width.
  ///   - padding: "VALID" (no padding), "SAME" (output size ⌈in/stride⌉;
  ///     the extra row or column of padding goes at the end), or
  ///     "EXPLICIT" with `explicitPaddings`.
  ///   - explicitPaddings: For EXPLICIT: before and after for each of the
  ///     4 dimensions (0 for batch and channels).
  ///   - dataFormat: "NHWC"; "NCHW" builds but has no CPU kernel.
  ///   - dilations: The filter's dilation per dimension, as `strides`.
  /// - Throws: When ranks are not 4, the channels of input and filter
  ///   differ, strides or dilations are not positive, or the window is
  ///   larger than the padded input.
  public func conv2d(
    _ input: Output, filter: Output, strides: [Int], padding: String, explicitPaddings: [Int] = [],
    dataFormat: String = "NHWC", dilations: [Int] = [1], name: String? = nil, file: String = #fileID,
    line: Int = #line
  ) throws -> Output {
    try build(
      "Conv2D", [input, filter],
      attrs: windowAttributes(
        strides: strides, padding: padding, explicitPaddings: explicitPaddings, dataFormat: dataFormat,
        dilations: dilations),
      name: name, file: file, line: line)
  }

  /// The gradient of ``conv2d(_:filter:strides:padding:explicitPaddings:dataFormat:dilations:name:file:line:)``
  /// with respect to its input (`Conv2DBackpropInput`): the transposed
  /// convolution of `outBackprop` with `filter`, of shape `inputSizes`
  /// (as `tf.compat.v1.nn.conv2d_backprop_input`; also what
  /// `tf.nn.conv2d_transpose` computes).
  public func conv2dBackpropInput(
    inputSizes: Output, filter: Output, outBackprop: Output, strides: [Int], padding: String,
    explicitPaddings: [Int] = [], dataFormat: String = "NHWC", dilations: [Int] = [1], name: String? = nil,
    file: String = #fileID, line: Int = #line
  ) throws -> Output {
    try build(
      "Conv2DBackpropInput", [inputSizes, filter, outBackprop],
      attrs: windowAttributes(
        strides: strides, padding: padding, explicitPaddings: explicitPaddings, dataFormat: dataFormat,
        dilations: dilations),
      name: name, file: file, line: line)
  }

  /// The gradient of ``conv2d(_:filter:strides:padding:explicitPaddings:dataFormat:dilations:name:file:line:)``
  /// with respect to its filter (`Conv2DBackpropFilter`): the correlation
  /// of `input` with `outBackprop`, of shape `filterSizes` (as
  /// `tf.compat.v1.nn.conv2d_backprop_filter`).
  public func conv2dBackpropFilter(
    _ input: Output, filterSizes: Output, outBackprop: Output, strides: [Int], padding: String,
    explicitPaddings: [Int] = [], dataFormat: String = "NHWC", dilations: [Int] = [1], name: String? = nil,
    file: String = #fileID, line: Int = #line
  ) throws -> Output {
    try build(
      "Conv2DBackpropFilter", [input, filterSizes, outBackprop],
      attrs: windowAttributes(
        strides: strides, padding: padding, explicitPaddings: explicitPaddings, dataFormat: dataFormat,
        dilations: dilations),
      name: name, file: file, line: line)
  }

  /// The attributes of a windowed op, with `strides`, `dilations` (and
  /// `ksize`) given as TensorFlow's Python API accepts them: 1 entry (the
  /// same for height and width), 2 (height, width) or all 4.
  func windowAttributes(
    strides: [Int], padding: String, explicitPaddings: [Int]? = nil, dataFormat: String, dilations: [Int]? = nil,
    ksize: [Int]? = nil
  ) -> [String: AttrValue] {
    let layout = ImageLayout(dataFormat)
    func expanded(_ v: [Int]) -> [Int] {
      guard v.count == 1 || v.count == 2 else { return v }
      let (h, w) = v.count == 1 ? (v[0], v[0]) : (v[0], v[1])
      return layout.shape(batch: 1, height: h, width: w, channels: 1)
    }
    var attrs: [String: AttrValue] = [
      "strides": .ints(expanded(strides)), "padding": .string(padding), "data_format": .string(dataFormat),
    ]
    if let explicitPaddings { attrs["explicit_paddings"] = .ints(explicitPaddings) }
    if let dilations { attrs["dilations"] = .ints(expanded(dilations)) }
    if let ksize { attrs["ksize"] = .ints(expanded(ksize)) }
    return attrs
  }
}

// MARK: - Conv2DBackpropInput

extension StandardOps {
  static let conv2DBackpropInput = OpDef(
    "Conv2DBackpropInput", inputs: ["input_sizes: int32", "filter: T", "out_backprop: T"], outputs: ["output: T"],
    attrs: conv2DAttrs,
    summary: "Computes the gradient of Conv2D with respect to its input: the transposed convolution of out_backprop.",
    shape: { c in
      [try ConvolutionShapes.backprop(c, sizes: 0, input: nil, filter: c.shape(1), outBackprop: c.shape(2), depthwise: false)]
    },
    kernel: conv2DBackpropInputKernel,
    gradient: .function { c in
      // dx = B(w, dy), linear in w and in dy: for an upstream dz shaped like
      // x, dw = Conv2DBackpropFilter(dz, shape(w), dy) and
      // d(dy) = Conv2D(dz, w) (TensorFlow's _Conv2DBackpropInputGrad).
      let g = c.graph, w = c.input(1), dy = c.input(2), attrs = c.convolutionAttributes
      return [
        nil,
        try g.build(
          "Conv2DBackpropFilter", [c.grad, try g.shapeTensor(of: w), dy], attrs: attrs, name: nil, file: #fileID,
          line: #line),
        try g.build("Conv2D", [c.grad, w], attrs: attrs, name: nil, file: #fileID, line: #line),
      ]
    },
    cost: { c in ConvolutionShapes.cost(c, output: c.inputs[2].shape, filter: c.inputs[1].shape, depthwise: false) })
}

// MARK: - Conv2DBackpropFilter

extension StandardOps {
  static let conv2DBackpropFilter = OpDef(
    "Conv2DBackpropFilter", inputs: ["input: T", "filter_sizes: int32", "out_backprop: T"], outputs: ["output: T"],
    attrs: conv2DAttrs,
    summary: "Computes the gradient of Conv2D with respect to its filter: the correlation of input with out_backprop.",
    shape: { c in
      [try ConvolutionShapes.backprop(c, sizes: 1, input: c.shape(0), filter: nil, outBackprop: c.shape(2), depthwise: false)]
    },
    kernel: conv2DBackpropFilterKernel,
    gradient: .function { c in
      // dw = F(x, dy), linear in x and in dy: for an upstream dz shaped like
      // w, dx = Conv2DBackpropInput(shape(x), dz, dy) and d(dy) =
      // Conv2D(x, dz) (TensorFlow's _Conv2DBackpropFilterGrad).
      let g = c.graph, x = c.input(0), dy = c.input(2), attrs = c.convolutionAttributes
      return [
        try g.build(
          "Conv2DBackpropInput", [try g.shapeTensor(of: x), c.grad, dy], attrs: attrs, name: nil, file: #fileID,
          line: #line),
        nil,
        try g.build("Conv2D", [x, c.grad], attrs: attrs, name: nil, file: #fileID, line: #line),
      ]
    },
    cost: { c in ConvolutionShapes.cost(c, output: c.inputs[2].shape, filter: c.outputs[0].shape, depthwise: false) })
}
