// MaxPool and AvgPool with their gradient ops (MaxPoolGrad, AvgPoolGrad)
// and the gradients of those (MaxPoolGradGrad; AvgPoolGrad's is AvgPool),
// as TensorFlow's. Kernels are in Runtime/Kernels/PoolingKernels.swift.
//
// MaxPool's gradient goes to the first maximum of each window in row-major
// order (TensorFlow's CPU kernels); AvgPool averages over the window's
// elements inside the input (padding is not counted).

/// Attributes shared by the pooling ops (TensorFlow's).
private let poolingWindowAttrs = [
  "ksize: list(int)", "strides: list(int)", "data_format: {'NHWC', 'NCHW'} = 'NHWC'",
]
private let maxPoolAttrs =
  ["T: {float32, float64} = float32", "padding: {'SAME', 'VALID', 'EXPLICIT'}", "explicit_paddings: list(int) = []"]
  + poolingWindowAttrs
private let avgPoolAttrs = ["T: {float32, float64}", "padding: {'SAME', 'VALID'}"] + poolingWindowAttrs

// MARK: - Shape rules

enum PoolingShapes {
  /// The pooling window of `attrs`, checking that explicit padding is
  /// smaller than the window (so that every window holds an input element).
  static func window(_ w: WindowAttributes) throws -> (h: Int, w: Int) {
    let k = w.window!
    if case .explicit(let t, let b, let l, let r) = w.padding, max(t, b) >= k.h || max(l, r) >= k.w {
      throw TensorGraphError(
        .invalidArgument,
        "explicit paddings must be smaller than the pooling window \(k.h)×\(k.w), but are \(w.padding.name)")
    }
    return k
  }

  /// The output shape of pooling `input` (rank 4).
  static func output(input: PartialShape, attrs w: WindowAttributes, label: String = "input") throws
    -> PartialShape
  {
    let k = try window(w), layout = w.layout
    if let r = input.rank, r != 4 {
      throw TensorGraphError(.shapeMismatch, "'\(label)' must be a 4-D tensor (\(layout.name)) but has shape \(input)")
    }
    let describe = { "input shape \(input), window \(k.h)×\(k.w)" }
    let h = try w.outputDimension(
      input: input[layout.heightAxis], window: .known(k.h), vertical: true, describe: describe)
    let wd = try w.outputDimension(
      input: input[layout.widthAxis], window: .known(k.w), vertical: false, describe: describe)
    return PartialShape(dims: layout.shape(batch: input[0], height: h, width: wd, channels: input[layout.channelAxis]))
  }

  /// The concrete geometry of pooling an NHWC `input` at run time.
  static func geometry(input: [Int], attrs w: WindowAttributes) throws -> WindowGeometry {
    _ = try output(input: PartialShape(input), attrs: w)
    let k = w.window!
    return try WindowGeometry(input: input, windowH: k.h, windowW: k.w, attrs: w) { "input shape \(input)" }
  }

  /// Checks that `grad` (called `label`) is shaped like the pooling of
  /// `input`.
  static func checkGradient(
    _ c: ShapeContext, input: PartialShape, grad: PartialShape, label: String = "grad"
  ) throws {
    let expected = try output(input: input, attrs: c.windowAttributes(operands: 1), label: "orig_input")
    guard expected.isCompatible(with: grad) else {
      throw c.error("'\(label)' has shape \(grad), but pooling an input of shape \(input) gives \(expected)")
    }
  }

  /// The run-time form of ``checkGradient(_:input:grad:label:)``.
  static func checkGradient(_ ctx: KernelContext, _ g: WindowGeometry, grad: Tensor, label: String = "grad")
    throws
  {
    let expected = g.outputShape(channels: g.channels)
    guard grad.shape == expected else {
      throw ctx.error(
        .shapeMismatch,
        "'\(label)' has shape \(grad.shape), but pooling an input of shape \([g.batch, g.inH, g.inW, g.channels]) gives \(expected)"
      )
    }
  }

  /// One comparison or addition per window element of each output.
  static func cost(_ c: CostContext, output: [Int]) -> Cost {
    let window = c.ints("ksize").reduce(1, *)
    return Cost(flops: CostContext.elements(output) * Double(window), bytes: c.inputBytes + c.outputBytes)
  }
}

// MARK: - MaxPool

extension StandardOps {
  static let maxPool = OpDef(
    "MaxPool", inputs: ["input: T"], outputs: ["output: T"], attrs: maxPoolAttrs,
    summary: "The maximum of each ksize window of a 4-D input, windows moving by strides.",
    shape: { c in [try PoolingShapes.output(input: c.shape(0), attrs: c.windowAttributes(operands: 1))] },
    kernel: maxPoolKernel,
    gradient: .function { c in
      // Each output's gradient goes to its window's (first) maximum:
      // MaxPoolGrad(x, y, dy) (TensorFlow's _MaxPoolGrad).
      [try c.graph.maxPoolGrad(c.input(0), c.output(0), c.grad, like: c)]
    },
    cost: { c in PoolingShapes.cost(c, output: c.outputs[0].shape) })
}

extension Graph {
  /// The maximum over each `ksize` window (`MaxPool`, as `tf.nn.max_pool`).
  ///
  ///     let y = try g.maxPool(x, ksize: [2], strides: [2], padding: "VALID")
  ///
  /// - Parameters:
  ///   - input: `[batch, height, width, channels]` (NHWC).
  ///   - ksize: The window: 4 entries (1 for batch and channels), or 1 or 2
  ///     for height and width.
  ///   - strides: The window's step, in the same form.
  ///   - padding: "VALID", "SAME" (padding is never the maximum) or
  ///     "EXPLICIT" with `explicitPaddings` smaller than the window.
  public func maxPool(
    _ input: Output, ksize: [Int], strides: [Int], padding: String, explicitPaddings: [Int] = [],
    dataFormat: String = "NHWC", name: String? = nil, file: String = #fileID, line: Int = #line
  ) throws -> Output {
    try build(
      "MaxPool", [input],
      attrs: windowAttributes(
        strides: strides, padding: padding, explicitPaddings: explicitPaddings, dataFormat: dataFormat, ksize: ksize),
      name: name, file: file, line: line)
  }

  /// The average over each `ksize` window, counting only elements inside
  /// the input (`AvgPool`, as `tf.nn.avg_pool`); arguments as
  /// ``maxPool(_:ksize:strides:padding:explicitPaddings:dataFormat:name:file:line:)``,
  /// padding "VALID" or "SAME".
  public func avgPool(
    _ input: Output, ksize: [Int], strides: [Int], padding: String, dataFormat: String = "NHWC",
    name: String? = nil, file: String = #fileID, line: Int = #line
  ) throws -> Output {
    try build(
      "AvgPool", [input], attrs: windowAttributes(strides: strides, padding: padding, dataFormat: dataFormat, ksize: ksize),
      name: name, file: file, line: line)
  }

  /// `MaxPoolGrad` with the window attributes of `node`.
  func maxPoolGrad(_ input: Output, _ output: Output, _ grad: Output, like node: some AttributeReading) throws
    -> Output
  {
    try build("MaxPoolGrad", [input, output, grad], attrs: node.poolingAttributes, name: nil, file: #fileID, line: #line)
  }

  /// `MaxPoolGradGrad` with the window attributes of `node`.
  func maxPoolGradGrad(_ input: Output, _ output: Output, _ grad: Output, like node: some AttributeReading) throws
    -> Output
  {
    try build(
      "MaxPoolGradGrad", [input, output, grad], attrs: node.poolingAttributes.filter { $0.key != "explicit_paddings" },
      name: nil, file: #fileID, line: #line)
  }
}

extension AttributeReading {
  /// This node's pooling attributes, to put on the nodes of its gradient.
  var poolingAttributes: [String: AttrValue] {
    attrs.filter { ["ksize", "strides", "padding", "explicit_paddings", "data_format"].contains($0.key) }
  }
}

// MARK: - MaxPoolGrad

extension StandardOps {
  static let maxPoolGrad = OpDef(
    "MaxPoolGrad", inputs: ["orig_input: T", "orig_output: T", "grad: T"], outputs: ["output: T"],
    attrs: maxPoolAttrs,
    summary: "The gradient of MaxPool: each window's gradient added at the window's first maximum in orig_input.",
    shape: { c in
      try PoolingShapes.checkGradient(c, input: c.shape(0), grad: c.shape(2))
      try PoolingShapes.checkGradient(c, input: c.shape(0), grad: c.shape(1), label: "orig_output")
      return [c.shape(0).merged(with: .unknown(rank: 4)) ?? c.shape(0)]
    },
    kernel: maxPoolGradKernel,
    gradient: .function { c in
      // Linear in grad for fixed maxima; piecewise constant in the others
      // (TensorFlow's _MaxPoolGradGrad): d(grad) picks dz at each window's
      // maximum.
      let g = c.graph
      return [
        try g.zerosLike(c.input(0)), try g.zerosLike(c.input(1)),
        try g.maxPoolGradGrad(c.input(0), c.input(1), c.grad, like: c),
      ]
    },
    cost: { c in PoolingShapes.cost(c, output: c.inputs[2].shape) })
}

// MARK: - MaxPoolGradGrad

extension StandardOps {
  static let maxPoolGradGrad = OpDef(
    "MaxPoolGradGrad", inputs: ["orig_input: T", "orig_output: T", "grad: T"], outputs: ["output: T"],
    // TensorFlow's MaxPoolGradGrad has no EXPLICIT padding and no default T.
    attrs: poolingWindowAttrs + ["T: {float32, float64}", "padding: {'SAME', 'VALID'}"],
    summary: "The gradient of MaxPoolGrad with respect to its grad: grad (shaped like orig_input) read at each window's first maximum.",
    shape: { c in
      try PoolingShapes.checkGradient(c, input: c.shape(0), grad: c.shape(1), label: "orig_output")
      guard c.shape(0).isCompatible(with: c.shape(2)) else {
        throw c.error("'grad' has shape \(c.shape(2)) but must be shaped like 'orig_input', \(c.shape(0))")
      }
      return [try PoolingShapes.output(input: c.shape(0), attrs: c.windowAttributes(operands: 1), label: "orig_input")]
    },
    kernel: maxPoolGradGradKernel,
    gradient: .function { c in
      // Linear in grad: its adjoint is MaxPoolGrad (TensorFlow's
      // _MaxPoolGradGradGrad); piecewise constant in the others.
      let g = c.graph
      return [
        try g.zerosLike(c.input(0)), try g.zerosLike(c.input(1)),
        try g.maxPoolGrad(c.input(0), c.input(1), c.grad, like: c),
      ]
    },
    cost: { c in PoolingShapes.cost(c, output: c.outputs[0].shape) })
}

// MARK: - AvgPool

extension StandardOps {
  static let avgPool = OpDef(
    "AvgPool", inputs: ["value: T"], outputs: ["output: T"], attrs: avgPoolAttrs,
    summary: "The average of each ksize window of a 4-D input (over the elements inside the input).",
    shape: { c in [try PoolingShapes.output(input: c.shape(0), attrs: c.windowAttributes(operands: 1), label: "value")] },
    kernel: avgPoolKernel,
    gradient: .function { c in
      // Each output spreads its gradient evenly over its window's elements:
      // AvgPoolGrad(shape(x), dy) (TensorFlow's _AvgPoolGrad).
      let g = c.graph
      return [
        try g.build(
          "AvgPoolGrad", [try g.shapeTensor(of: c.input(0)), c.grad], attrs: c.poolingAttributes, name: nil,
          file: #fileID, line: #line)
      ]
    },
    cost: { c in PoolingShapes.cost(c, output: c.outputs[0].shape) })
}

// MARK: - AvgPoolGrad

extension StandardOps {
  static let avgPoolGrad = OpDef(
    "AvgPoolGrad", inputs: ["orig_input_shape: int32", "grad: T"], outputs: ["output: T"], attrs: avgPoolAttrs,
    summary: "The gradient of AvgPool: each window's gradient spread evenly over its elements.",
    shape: { c in
      try c.requireVector(0, "orig_input_shape")
      if let n = c.shape(0)[0].value, n != 4 {
        throw c.invalid("'orig_input_shape' must have 4 entries but has \(n)")
      }
      let shape = c.shapeInput(0).rank == 4 ? c.shapeInput(0) : .unknown(rank: 4)
      try PoolingShapes.checkGradient(c, input: shape, grad: c.shape(1))
      return [shape]
    },
    kernel: avgPoolGradKernel,
    gradient: .function { c in
      // Linear in grad, with AvgPool as its adjoint (TensorFlow's
      // _AvgPoolGradGrad).
      [nil, try c.graph.build("AvgPool", [c.grad], attrs: c.poolingAttributes, name: nil, file: #fileID, line: #line)]
    },
    cost: { c in PoolingShapes.cost(c, output: c.inputs[1].shape) })
}
