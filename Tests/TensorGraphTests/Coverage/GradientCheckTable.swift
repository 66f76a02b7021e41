import Testing
import TensorGraph
import TensorGraphTestSupport

// The one table of finite-difference gradient checks: every op with a
// gradient function has at least one row (GradientCoverageTests walks the
// registry to hold that). Tests that check more than one op's rule at once
// (composed graphs, second order, unknown shapes, ties) live next to the
// op family's other tests.

/// Boolean tensor of `shape`.
private func bools(_ values: [Bool], _ shape: [Int]) -> Tensor { try! Tensor(shape: shape, scalars: values) }

/// The concrete integer vector `values` as an int32 constant.
private func sizes(_ g: Graph, _ values: [Int]) throws -> Output { try g.constant(Tensor(values.map { Int32($0) })) }

enum GradientCheckTable {
  /// Every row, grouped by op family.
  static let rows: [GradientCheck] =
    unary + gradientOps + binary + matrix + reductions + nn + selectAndCast + arrays + convolutions + pooling
    + batchNorm + fused + indexing + layout + scans + elementwiseMath + neuralNetwork + image + linalg

  /// Ops with a gradient function and no row, each with its reason. Empty:
  /// every gradient rule is checked.
  static let exemptions: [CoverageExemption] = []

  // MARK: - Unary elementwise and activations

  static let unary: [GradientCheck] = UnaryGradientCase.all.flatMap { c in
    UnaryGradientCase.shapes.enumerated().map { i, shape in
      GradientCheck(
        op: c.op, label: "\(shape)",
        inputs: [Tensor.f64(c.values(shape.reduce(1, *), seed: UInt64(i * 7 + c.op.count)), shape)]
      ) { g, x, _ in try c.build(g, x[0]) }
    }
  }

  /// ReluGrad, TanhGrad, …: their own gradients in both inputs, as second
  /// order uses them.
  static let gradientOps: [GradientCheck] = GradientOpCase.all.flatMap { c in
    [[5], [2, 3]].map { shape in
      let (a, b) = c.values(shape.reduce(1, *), seed: UInt64(c.op.count * 3 + shape.count))
      return GradientCheck(op: c.op, label: "\(shape)", inputs: [Tensor.f64(a, shape), Tensor.f64(b, shape)]) { g, x, _ in
        g.output(try g.addNode(op: c.op, inputs: [x[0], x[1]]))
      }
    }
  }

  // MARK: - Binary elementwise and matrix products

  static let broadcastShapes: [([Int], [Int])] = [
    ([2, 3], [2, 3]), ([2, 3], [3]), ([2, 3], []), ([4, 1], [1, 3]), ([2, 1, 3], [2, 1]),
  ]

  static let binary: [GradientCheck] = ["AddV2", "Sub", "Mul", "RealDiv", "Maximum", "Minimum", "SquaredDifference", "Pow"]
    .flatMap { op in
      broadcastShapes.enumerated().map { i, shapes in
        // Positive, well-separated values keep Pow, RealDiv and the max/min
        // kinks away from the finite-difference step.
        var rng = TestRandom(seed: UInt64(i + 1))
        let a = Tensor.f64(rng.uniform(shapes.0.reduce(1, *), in: 0.5...2), shapes.0)
        let b = Tensor.f64(rng.uniform(shapes.1.reduce(1, *), in: 2.5...4), shapes.1)
        return GradientCheck(op: op, label: "\(shapes.0) \(shapes.1)", inputs: [a, b]) { g, x, _ in
          g.output(try g.addNode(op: op, inputs: [x[0], x[1]]))
        }
      }
    }

  static let matrix: [GradientCheck] = [(false, false), (false, true), (true, false), (true, true)].flatMap { ta, tb in
    var rng = TestRandom(seed: 3)
    let a = Tensor.f64(rng.uniform(12), ta ? [4, 3] : [3, 4])
    let b = Tensor.f64(rng.uniform(20), tb ? [5, 4] : [4, 5])
    var brng = TestRandom(seed: 4)
    let ba = Tensor.f64(brng.uniform(2 * 3 * 4), ta ? [2, 1, 4, 3] : [2, 1, 3, 4])
    let bb = Tensor.f64(brng.uniform(3 * 4 * 2), tb ? [3, 2, 4] : [3, 4, 2])
    return [
      GradientCheck(op: "MatMul", label: "ta \(ta) tb \(tb)", inputs: [a, b]) { g, x, _ in
        try g.matMul(x[0], x[1], transposeA: ta, transposeB: tb)
      },
      // The batch dimensions broadcast ([2, 1] against [3]).
      GradientCheck(op: "BatchMatMulV2", label: "adj_x \(ta) adj_y \(tb)", inputs: [ba, bb]) { g, x, _ in
        try g.batchMatMul(x[0], x[1], adjX: ta, adjY: tb)
      },
    ]
  }

  // MARK: - Reductions

  static let reductions: [GradientCheck] = ["Sum", "Mean", "Max", "Min", "Prod"].flatMap { op in
    [false, true].flatMap { keepDims in
      ([nil, [0], [1], [-1], [0, 2], [-3, -1], [], [1, 2], [0, 1, 2]] as [[Int]?]).map { axes in
        GradientCheck(
          op: op, label: "axes \(axes.map { "\($0)" } ?? "all") keep_dims \(keepDims)",
          inputs: [reductionInput([2, 3, 4], seed: 1)]
        ) { g, x, _ in try reduce(g, op, x[0], axes: axes, keepDims: keepDims) }
      }
    }
  }

  // MARK: - Neural network

  static let nn: [GradientCheck] = {
    var rows: [GradientCheck] = []
    for (shape, format) in [
      ([2, 3], "NHWC"), ([2, 2, 3], "NHWC"), ([1, 4, 3], "NHWC"), ([5, 1], "NHWC"),
      ([2, 3, 4], "NCHW"), ([2, 3, 2, 2], "NCHW"), ([1, 3, 5], "NCHW"),
    ] {
      let channels = format == "NCHW" ? shape[1] : shape.last!
      rows.append(
        GradientCheck(
          op: "BiasAdd", label: "\(shape) \(format)", inputs: [randomTensor(shape, seed: 1), randomTensor([channels], seed: 2)]
        ) { g, x, _ in try g.biasAdd(x[0], x[1], dataFormat: format) })
    }
    for (shape, format) in [([2, 3], "NHWC"), ([2, 3, 2, 2], "NHWC"), ([2, 3, 2, 2], "NCHW")] {
      rows.append(GradientCheck(op: "BiasAddGrad", label: "\(shape) \(format)", inputs: [randomTensor(shape, seed: 3)]) { g, x, _ in
        g.output(try g.addNode(op: "BiasAddGrad", inputs: [x[0]], attrs: ["data_format": .string(format)]))
      })
    }
    for op in ["Softmax", "LogSoftmax"] {
      for shape in [[5], [2, 4], [2, 3, 4], [3, 1]] {
        rows.append(GradientCheck(op: op, label: "\(shape)", inputs: [randomTensor(shape, seed: UInt64(shape.count), in: -2...2)]) {
          g, x, _ in g.output(try g.addNode(op: op, inputs: [x[0]]))
        })
      }
    }
    let oneHot = Tensor.f64([2, 0, 3].flatMap { l in (0..<4).map { $0 == l ? 1 : 0 } }, [3, 4])
    rows.append(
      GradientCheck(
        op: "SoftmaxCrossEntropyWithLogits", label: "one-hot labels", inputs: [randomTensor([3, 4], seed: 1, in: -2...2)],
        constants: [oneHot]
      ) { g, x, c in try g.softmaxCrossEntropyWithLogits(logits: x[0], labels: c[0]).loss })
    for labels in [try! Tensor(shape: [4], scalars: [Int32(1), 4, 0, 4]), try! Tensor(shape: [4], scalars: [Int64(1), 4, 0, 4])] {
      rows.append(
        GradientCheck(
          op: "SparseSoftmaxCrossEntropyWithLogits", label: "\(labels.dtype) labels",
          inputs: [randomTensor([4, 5], seed: 8, in: -2...2)], constants: [labels]
        ) { g, x, c in try g.sparseSoftmaxCrossEntropyWithLogits(logits: x[0], labels: c[0]).loss })
    }
    return rows
  }()

  // MARK: - Select and Cast

  static let selectAndCast: [GradientCheck] = {
    var rows = [
      GradientCheck(
        op: "Select", label: "same-shape condition", inputs: [randomTensor([2, 3], seed: 1), randomTensor([2, 3], seed: 2)],
        constants: [bools([true, false, false, true, true, false], [2, 3])]
      ) { g, x, c in try g.select(c[0], x[0], x[1]) },
      // float64 → float32 → float64; a quadratic in between is exact under
      // central differences, so a step large enough to see past float32
      // rounding can be used.
      GradientCheck(op: "Cast", label: "float64 → float32 → float64", inputs: [randomTensor([2, 3], seed: 9, in: 0.5...2)], delta: 1e-2) {
        g, x, _ in try g.cast(try g.square(try g.cast(x[0], to: .float32)), to: .float64)
      },
    ]
    for (cond, t, e) in [
      ([2, 3], [3], [2, 1]), ([2, 1, 3], [4, 1], []), ([], [2, 3], [2, 3]), ([3], [2, 3], [2, 1]), ([2, 3], [2, 3], [2, 3]),
    ] as [([Int], [Int], [Int])] {
      let n = cond.reduce(1, *)
      rows.append(
        GradientCheck(
          op: "SelectV2", label: "\(cond) \(t) \(e)", inputs: [randomTensor(t, seed: 7), randomTensor(e, seed: 8)],
          constants: [bools((0..<n).map { ($0 * 5) % 3 == 0 }, cond)]
        ) { g, x, k in try g.selectV2(k[0], x[0], x[1]) })
    }
    return rows
  }()

  // MARK: - Arrays
  // One static case each; ArrayGradientTests sweeps their attributes with
  // the shapes hidden as well.

  static let arrays: [GradientCheck] = [
    GradientCheck(op: "Identity", inputs: [randomTensor([2, 3], seed: 1)]) { g, x, _ in try g.identity(x[0]) },
    GradientCheck(op: "Reshape", inputs: [randomTensor([2, 3, 4], seed: 2)]) { g, x, _ in try g.reshape(x[0], [4, -1]) },
    GradientCheck(op: "Transpose", label: "perm [1, 2, 0]", inputs: [randomTensor([2, 3, 4], seed: 3)]) { g, x, _ in
      try g.transpose(x[0], perm: [1, 2, 0])
    },
    GradientCheck(op: "ConcatV2", inputs: [randomTensor([2, 3], seed: 4), randomTensor([2, 1], seed: 5)]) { g, x, _ in
      try g.concat(x, axis: 1)
    },
    GradientCheck(op: "Pack", inputs: [randomTensor([2, 3], seed: 6), randomTensor([2, 3], seed: 7)]) { g, x, _ in
      try g.stack(x, axis: 1)
    },
    GradientCheck(op: "Unpack", inputs: [randomTensor([2, 3], seed: 8)]) { g, x, _ in
      // Weighted differently, so each output's gradient lands in its own place.
      let parts = try g.unstack(x[0], num: 3, axis: 1)
      return try g.addN(try parts.enumerated().map { i, p in try g.multiply(p, try g.constant(Double(i + 1), dtype: .float64)) })
    },
    GradientCheck(op: "SplitV", inputs: [randomTensor([2, 6], seed: 9)]) { g, x, _ in
      let parts = try g.split(x[0], sizes: [1, -1, 2], axis: 1)
      return try g.concat(try parts.reversed().map { try g.multiply($0, $0) }, axis: 1)
    },
    GradientCheck(op: "Slice", inputs: [randomTensor([3, 4, 5], seed: 10)]) { g, x, _ in
      try g.slice(x[0], begin: [1, 0, 2], size: [2, -1, 2])
    },
    GradientCheck(op: "Tile", inputs: [randomTensor([2, 1, 3], seed: 11)]) { g, x, _ in
      try g.tile(x[0], multiples: [1, 3, 2])
    },
    GradientCheck(op: "BroadcastTo", inputs: [randomTensor([2, 1, 3], seed: 12)]) { g, x, _ in
      try g.broadcastTo(x[0], shape: [4, 2, 5, 3])
    },
    GradientCheck(op: "AddN", label: "an input listed twice", inputs: [randomTensor([2, 3], seed: 13), randomTensor([2, 3], seed: 14)]) {
      g, x, _ in try g.addN(x + [x[0]])
    },
    GradientCheck(op: "Fill", inputs: [randomTensor([], seed: 15)]) { g, x, _ in try g.fill(dims: [2, 3], value: x[0]) },
    GradientCheck(op: "Squeeze", inputs: [randomTensor([1, 3, 1], seed: 16)]) { g, x, _ in try g.squeeze(x[0], axes: [-1]) },
    GradientCheck(op: "ExpandDims", inputs: [randomTensor([2, 3], seed: 17)]) { g, x, _ in try g.expandDims(x[0], axis: 1) },
    GradientCheck(op: "Pad", inputs: [randomTensor([2, 1, 2], seed: 18)]) { g, x, _ in
      try g.pad(x[0], paddings: [[1, 1], [0, 2], [3, 0]])
    },
  ]

  // MARK: - Convolutions
  // One asymmetric case each (stride 2 by 1, SAME, a non-square filter);
  // Conv2DTests and DepthwiseConv2DTests sweep the attributes.

  static let conv = ConvCase(input: [1, 4, 5, 2], filter: [2, 3, 2, 3], strides: (2, 1), padding: "SAME")
  static let depthwise = ConvCase(input: [1, 4, 5, 2], filter: [2, 3, 2, 2], strides: (2, 1), padding: "SAME")

  static let convolutions: [GradientCheck] = {
    let (c, d) = (conv, depthwise)
    let x = Tensor.f64(ConvReference.random(c.input, seed: 1), c.input)
    let w = Tensor.f64(ConvReference.random(c.filter, seed: 2), c.filter)
    let dy = Tensor.f64(ConvReference.random([1, 2, 5, 3], seed: 3), [1, 2, 5, 3])
    let dw = Tensor.f64(ConvReference.random(d.filter, seed: 4), d.filter)
    let ddy = Tensor.f64(ConvReference.random([1, 2, 5, 4], seed: 5), [1, 2, 5, 4])
    return [
      GradientCheck(op: "Conv2D", inputs: [x, w]) { g, v, _ in
        try g.conv2d(v[0], filter: v[1], strides: c.stridesAttr, padding: c.padding, dilations: c.dilationsAttr)
      },
      GradientCheck(op: "Conv2DBackpropInput", inputs: [w, dy]) { g, v, _ in
        try g.conv2dBackpropInput(
          inputSizes: try sizes(g, c.input), filter: v[0], outBackprop: v[1], strides: c.stridesAttr, padding: c.padding)
      },
      GradientCheck(op: "Conv2DBackpropFilter", inputs: [x, dy]) { g, v, _ in
        try g.conv2dBackpropFilter(
          v[0], filterSizes: try sizes(g, c.filter), outBackprop: v[1], strides: c.stridesAttr, padding: c.padding)
      },
      GradientCheck(op: "DepthwiseConv2dNative", inputs: [x, dw]) { g, v, _ in
        try g.depthwiseConv2dNative(v[0], filter: v[1], strides: d.stridesAttr, padding: d.padding)
      },
      GradientCheck(op: "DepthwiseConv2dNativeBackpropInput", inputs: [dw, ddy]) { g, v, _ in
        try g.depthwiseConv2dNativeBackpropInput(
          inputSizes: try sizes(g, d.input), filter: v[0], outBackprop: v[1], strides: d.stridesAttr, padding: d.padding)
      },
      GradientCheck(op: "DepthwiseConv2dNativeBackpropFilter", inputs: [x, ddy]) { g, v, _ in
        try g.depthwiseConv2dNativeBackpropFilter(
          v[0], filterSizes: try sizes(g, d.filter), outBackprop: v[1], strides: d.stridesAttr, padding: d.padding)
      },
    ]
  }()

  // MARK: - Pooling

  static let pool = PoolCase(input: [1, 5, 4, 2], ksize: (3, 2), strides: (2, 1), padding: "SAME")

  static let pooling: [GradientCheck] = {
    let c = pool
    let attrs: [String: AttrValue] = ["ksize": .ints(c.ksizeAttr), "strides": .ints(c.stridesAttr), "padding": .string(c.padding)]
    // Distinct values: no tie moves the maximum within the step.
    let x = Tensor.f64(ConvReference.distinct(c.input.reduce(1, *), seed: 1), c.input)
    let y = Tensor.f64(
      ConvReference.pool(x.doubles(), c.input, ksize: c.ksize, strides: c.strides, padding: c.padding, max: true).0, c.outputShape)
    let dy = Tensor.f64(ConvReference.random(c.outputShape, seed: 2), c.outputShape)
    let dz = Tensor.f64(ConvReference.random(c.input, seed: 3), c.input)
    return [
      GradientCheck(op: "MaxPool", inputs: [x]) { g, v, _ in
        try g.maxPool(v[0], ksize: c.ksizeAttr, strides: c.stridesAttr, padding: c.padding)
      },
      GradientCheck(op: "AvgPool", inputs: [dz]) { g, v, _ in
        try g.avgPool(v[0], ksize: c.ksizeAttr, strides: c.stridesAttr, padding: c.padding)
      },
      // Zero in x and y while no maximum moves; linear in the gradient.
      GradientCheck(op: "MaxPoolGrad", inputs: [x, y, dy]) { g, v, _ in
        g.output(try g.addNode(op: "MaxPoolGrad", inputs: v, attrs: attrs))
      },
      GradientCheck(op: "MaxPoolGradGrad", inputs: [x, y, dz]) { g, v, _ in
        g.output(try g.addNode(op: "MaxPoolGradGrad", inputs: v, attrs: attrs))
      },
      GradientCheck(op: "AvgPoolGrad", inputs: [dy]) { g, v, _ in
        g.output(try g.addNode(op: "AvgPoolGrad", inputs: [try sizes(g, c.input), v[0]], attrs: attrs))
      },
    ]
  }()

  // MARK: - Batch normalization

  /// x, scale, offset, mean and a positive variance for NHWC `shape`.
  static func batchNormInputs(_ shape: [Int], seed: UInt64) -> [Tensor] {
    let c = shape.last!
    var rng = TestRandom(seed: seed)
    return [
      Tensor.f64(rng.uniform(shape.reduce(1, *), in: -2...3), shape), Tensor.f64(rng.uniform(c, in: 0.5...2), [c]),
      Tensor.f64(rng.uniform(c), [c]), Tensor.f64(rng.uniform(c), [c]), Tensor.f64(rng.uniform(c, in: 0.5...1.5), [c]),
    ]
  }

  /// FusedBatchNormV3 in both modes on shapes with one and several batch
  /// rows, and FusedBatchNormGradV3 as a function of (dy, x, scale): the
  /// second order of batch normalization.
  static let batchNorm: [GradientCheck] = [true, false].flatMap { training in
    let forward = [[2, 3, 3, 2], [1, 2, 5, 3], [4, 1, 1, 4]].map { shape in
      GradientCheck(op: "FusedBatchNormV3", label: "\(shape) is_training \(training)", inputs: batchNormInputs(shape, seed: 1)) { g, v, _ in
        try g.fusedBatchNorm(v[0], scale: v[1], offset: v[2], mean: v[3], variance: v[4], epsilon: 0.01, isTraining: training).y
      }
    }
    let backward = [[2, 2, 3, 2], [3, 1, 2, 3]].map { shape in
      let rest = batchNormInputs(shape, seed: 2)
      var rng = TestRandom(seed: 3)
      let dy = Tensor.f64(rng.uniform(shape.reduce(1, *)), shape)
      return GradientCheck(
        op: "FusedBatchNormGradV3", label: "\(shape) is_training \(training)", inputs: [dy, rest[0], rest[1]],
        constants: [rest[3], rest[4]]
      ) { g, v, c in
        let bn = try g.fusedBatchNorm(v[1], scale: v[2], offset: v[2], mean: c[0], variance: c[1], epsilon: 0.01, isTraining: training)
        let o = try g.buildMulti(
          "FusedBatchNormGradV3",
          [v[0], v[1], v[2], training ? bn.reserveSpace1 : c[0], training ? bn.reserveSpace2 : c[1], bn.reserveSpace3],
          attrs: ["epsilon": .float(0.01), "is_training": .bool(training)], name: nil, file: #fileID, line: #line)
        // Every output weighted: dx, dscale, doffset.
        return try g.add(try g.sum(try g.multiply(o[0], o[0])), try g.add(try g.sum(o[1]), try g.sum(try g.square(o[2]))))
      }
    }
    return forward + backward
  }

  // MARK: - Fused ops (made by the remapper and elementwise fusion passes)

  static let fused: [GradientCheck] = {
    let c = ConvCase(input: [1, 4, 4, 2], filter: [2, 2, 2, 3], strides: (2, 1), padding: "SAME")
    let x = Tensor.f64(ConvReference.random(c.input, seed: 6), c.input)
    let w = Tensor.f64(ConvReference.random(c.filter, seed: 7), c.filter)
    let channel = { (seed: UInt64, shift: Double) in Tensor.f64(ConvReference.random([3], seed: seed).map { $0 + shift }, [3]) }
    return [
      // Away from ReLU's kink: Tanh and Elu.
      GradientCheck(op: "_FusedMatMul", label: "BiasAdd, Tanh", inputs: [randomTensor([2, 3], seed: 1), randomTensor([3, 2], seed: 2), randomTensor([2], seed: 3)]) {
        g, v, _ in try g.fusedMatMul(v[0], v[1], bias: v[2], activation: "Tanh")
      },
      GradientCheck(op: "_FusedMatMul", label: "transposed, BiasAdd", inputs: [randomTensor([3, 2], seed: 4), randomTensor([2, 3], seed: 5), randomTensor([2], seed: 6)]) {
        g, v, _ in try g.fusedMatMul(v[0], v[1], bias: v[2], transposeA: true, transposeB: true)
      },
      GradientCheck(op: "_FusedConv2D", label: "BiasAdd, Elu", inputs: [x, w, channel(8, 0)]) { g, v, _ in
        try g.fusedConv2d(v[0], filter: v[1], bias: v[2], activation: "Elu", strides: c.stridesAttr, padding: c.padding)
      },
      GradientCheck(op: "_FusedConv2D", label: "FusedBatchNorm, Tanh", inputs: [x, w, channel(9, 1.5), channel(10, 0), channel(11, 0), channel(12, 1.2)]) {
        g, v, _ in
        try g.fusedConv2d(
          v[0], filter: v[1], scale: v[2], offset: v[3], mean: v[4], variance: v[5], epsilon: 0.01, activation: "Tanh",
          strides: c.stridesAttr, padding: c.padding)
      },
      GradientCheck(op: "FusedElementwise", inputs: [Tensor.f64([0.3, -0.5, 0.8, 0.1, -0.9, 0.4], [2, 3]), Tensor.f64([0.2, -0.4, 0.6], [3])]) {
        g, v, _ in
        try g.fusedElementwise([v[0], v[1]], ops: ["Mul", "Tanh", "SquaredDifference", "Sigmoid", "AddV2"], operands: [0, 1, 2, 3, 0, 4, 5, 2])
      },
    ]
  }()
}
