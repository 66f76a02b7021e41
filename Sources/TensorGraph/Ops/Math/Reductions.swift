// Reductions (Sum, Mean, Max, Min, Prod) and ArgMax. Kernels are in
// Runtime/Kernels/ReductionKernels.swift.

// MARK: - Shape rule

extension StandardOps {
  /// TensorFlow's `ReductionShape`, plus the kernel's axis checks done early
  /// when the axes are constant: out of range or repeated axes throw.
  @Sendable static func reductionShape(_ c: ShapeContext) throws -> [PartialShape] {
    try c.requireRank(1, atMost: 1, "reduction_indices")
    let keepDims = c.bool("keep_dims")
    let input = c.shape(0)
    guard let axes = c.constantInts(1), let dims = input.dims else {
      if keepDims, let rank = input.rank { return [.unknown(rank: rank)] }
      return [.unknown]
    }
    var reduced = [Bool](repeating: false, count: dims.count)
    for a in axes {
      guard let axis = normalizedAxis(a, rank: dims.count) else {
        throw c.invalid("reduction axis \(a) is out of range for an input of shape \(input); axes must be in [\(-dims.count), \(dims.count))")
      }
      guard !reduced[axis] else { throw c.invalid("reduction axes \(axes) name dimension \(axis) more than once") }
      reduced[axis] = true
    }
    var out: [Dimension] = []
    for (d, r) in zip(dims, reduced) {
      if !r {
        out.append(d)
      } else if keepDims {
        out.append(1)
      }
    }
    return [PartialShape(dims: out)]
  }

  /// The definition shared by the five reductions.
  static func reduction(
    _ name: String, _ kind: ReductionKind, _ summary: String, gradient: GradientRule = .undefined
  ) -> OpDef {
    OpDef(
      name, inputs: ["input: T", "reduction_indices: Tidx"], outputs: ["output: T"],
      attrs: ["keep_dims: bool = false", "T: {float32, float64, int32, int64, uint8}", "Tidx: {int32, int64} = int32"],
      summary: summary, shape: reductionShape, kernel: reductionKernel(kind), gradient: gradient,
      cost: { c in
        Cost(flops: Double(c.inputs[0].shape.reduce(1, *)), bytes: Double(c.inputBytes + c.outputBytes))
      })
  }

  static let sum = reduction(
    "Sum", .sum, "Sums the input over the axes in reduction_indices.",
    gradient: .function { c in
      // Every input element contributes once to its output element.
      [try reductionGradientToInputShape(c), nil]
    })
  static let mean = reduction(
    "Mean", .mean, "Averages the input over the axes in reduction_indices (integer division for integers).",
    gradient: .function { c in
      // As Sum, divided by the number of elements averaged.
      let g = c.graph, x = c.input(0), y = c.output(0)
      let spread = try reductionGradientToInputShape(c)
      let count: Output
      if let n = x.shape.elementCount, let m = y.shape.elementCount {
        count = try g.constant(Double(n / max(m, 1)), dtype: x.dtype)
      } else {
        let n = try g.prod(try g.shape(of: x))
        let m = try g.maximum(try g.prod(try g.shape(of: y)), try g.constant(1, dtype: .int32))
        count = try g.cast(try g.divide(try g.cast(n, to: .float64), try g.cast(m, to: .float64)), to: x.dtype)
      }
      return [try g.divide(spread, count), nil]
    })
  static let maxReduction = reduction("Max", .max, "The maximum of the input over the axes in reduction_indices.")
  static let minReduction = reduction("Min", .min, "The minimum of the input over the axes in reduction_indices.")
  static let prod = reduction("Prod", .prod, "Multiplies the input over the axes in reduction_indices.")
}

// MARK: - Gradient support

/// The upstream gradient of a reduction, broadcast back to the input's
/// shape: reduced axes are restored as size 1 (statically when the axes are
/// constant, else with a mask built in the graph), then broadcast.
func reductionGradientToInputShape(_ c: GradientContext) throws -> Output {
  let g = c.graph, x = c.input(0)
  var grad = c.grad
  if !c.bool("keep_dims") {
    if let axes = g.constantValue(of: c.input(1).ref)?.integers(), let rank = x.shape.rank {
      let reduced = Set(axes.map { $0 < 0 ? $0 + rank : $0 })
      if let dims = x.shape.concrete {
        grad = try g.reshape(grad, dims.indices.map { reduced.contains($0) ? 1 : dims[$0] })
      } else {
        for axis in reduced.sorted() { grad = try g.expandDims(grad, axis: axis) }
      }
    } else {
      // kept = shape(x) with 1 at the reduced axes:
      //   mask = max(one_hot(axes mod rank, rank), 0); kept = shape·(1 − mask) + mask
      let shape = try g.shape(of: x)
      let rank = try g.reshape(try g.shape(of: shape), [])
      var axes = try g.reshape(try g.cast(c.input(1), to: .int32), [-1])
      let negative = try g.cast(try g.less(axes, try g.constant(0, dtype: .int32)), to: .int32)
      axes = try g.add(axes, try g.multiply(negative, rank))
      let oneHot = try g.addNode(
        op: "OneHot",
        inputs: [axes, rank, try g.constant(1, dtype: .int32), try g.constant(0, dtype: .int32)])
      let mask = try g.reduceMax(g.output(oneHot), axes: [0])
      let one = try g.constant(1, dtype: .int32)
      let kept = try g.add(try g.multiply(shape, try g.subtract(one, mask)), mask)
      grad = try g.reshape(grad, shape: kept)
    }
  }
  if let dims = x.shape.concrete, grad.shape.concrete == dims { return grad }
  if let dims = x.shape.concrete { return try g.broadcastTo(grad, shape: dims) }
  return try g.broadcastTo(grad, shape: try g.shape(of: x))
}

// MARK: - Builders

extension Graph {
  /// Builds reduction `op` of `x` over `axes` (`nil`: every axis), with the
  /// axes as a constant named `<op>/reduction_indices` as TensorFlow does.
  func reduction(
    _ op: String, _ x: Output, axes: [Int]?, keepDims: Bool, name: String?, file: String, line: Int
  ) throws -> Output {
    try withOpScope(name ?? op) { scope in
      var input = x
      var list = axes
      if list == nil {
        if let rank = x.shape.rank {
          list = Array(0..<rank)
        } else if keepDims {
          throw TensorGraphError(
            .invalidArgument,
            "reducing over every axis with keepDims needs the input's rank, which is unknown for \(x.name); pass the axes",
            node: scope, op: op, site: SourceLocation(fileID: file, line: line))
        } else {
          // Unknown rank: reduce the flattened input (TensorFlow uses Range(Rank(x))).
          input = try reshape(x, [-1], file: file, line: line)
          list = [0]
        }
      }
      let indices = try indexConstant(list!, name: "reduction_indices", file: file, line: line)
      return try buildScoped(
        op, [input, indices], attrs: ["keep_dims": .bool(keepDims)], scope: scope, file: file, line: line)
    }
  }

  /// The sum of `x` over `axes` (`Sum`, `tf.reduce_sum`); `nil` reduces
  /// every axis; negative axes count from the end; `keepDims` keeps
  /// reduced dimensions as size 1.
  public func sum(
    _ x: Output, axes: [Int]? = nil, keepDims: Bool = false, name: String? = nil, file: String = #fileID,
    line: Int = #line
  ) throws -> Output {
    try reduction("Sum", x, axes: axes, keepDims: keepDims, name: name, file: file, line: line)
  }

  /// The mean of `x` over `axes` (`Mean`, `tf.reduce_mean`); integer
  /// inputs divide with truncation, as TensorFlow.
  public func mean(
    _ x: Output, axes: [Int]? = nil, keepDims: Bool = false, name: String? = nil, file: String = #fileID,
    line: Int = #line
  ) throws -> Output {
    try reduction("Mean", x, axes: axes, keepDims: keepDims, name: name, file: file, line: line)
  }

  /// The maximum of `x` over `axes` (`Max`, `tf.reduce_max`); -inf (the
  /// lowest integer) over no elements. (Not `max`: a `Graph.max` method
  /// would hide `Swift.max` inside every `Graph` extension.)
  public func reduceMax(
    _ x: Output, axes: [Int]? = nil, keepDims: Bool = false, name: String? = nil, file: String = #fileID,
    line: Int = #line
  ) throws -> Output {
    try reduction("Max", x, axes: axes, keepDims: keepDims, name: name, file: file, line: line)
  }

  /// The minimum of `x` over `axes` (`Min`, `tf.reduce_min`); +inf (the
  /// highest integer) over no elements.
  public func reduceMin(
    _ x: Output, axes: [Int]? = nil, keepDims: Bool = false, name: String? = nil, file: String = #fileID,
    line: Int = #line
  ) throws -> Output {
    try reduction("Min", x, axes: axes, keepDims: keepDims, name: name, file: file, line: line)
  }

  /// The product of `x` over `axes` (`Prod`, `tf.reduce_prod`).
  public func prod(
    _ x: Output, axes: [Int]? = nil, keepDims: Bool = false, name: String? = nil, file: String = #fileID,
    line: Int = #line
  ) throws -> Output {
    try reduction("Prod", x, axes: axes, keepDims: keepDims, name: name, file: file, line: line)
  }

  /// The sum of `x` over the axes held by the integer scalar or vector
  /// `axes` (known only when the graph runs).
  public func sum(
    _ x: Output, axes: Output, keepDims: Bool = false, name: String? = nil, file: String = #fileID,
    line: Int = #line
  ) throws -> Output {
    try build("Sum", [x, axes], attrs: ["keep_dims": .bool(keepDims)], name: name, file: file, line: line)
  }

  /// The mean of `x` over the axes held by `axes`.
  public func mean(
    _ x: Output, axes: Output, keepDims: Bool = false, name: String? = nil, file: String = #fileID,
    line: Int = #line
  ) throws -> Output {
    try build("Mean", [x, axes], attrs: ["keep_dims": .bool(keepDims)], name: name, file: file, line: line)
  }

  /// The maximum of `x` over the axes held by `axes`.
  public func reduceMax(
    _ x: Output, axes: Output, keepDims: Bool = false, name: String? = nil, file: String = #fileID,
    line: Int = #line
  ) throws -> Output {
    try build("Max", [x, axes], attrs: ["keep_dims": .bool(keepDims)], name: name, file: file, line: line)
  }

  /// The minimum of `x` over the axes held by `axes`.
  public func reduceMin(
    _ x: Output, axes: Output, keepDims: Bool = false, name: String? = nil, file: String = #fileID,
    line: Int = #line
  ) throws -> Output {
    try build("Min", [x, axes], attrs: ["keep_dims": .bool(keepDims)], name: name, file: file, line: line)
  }

  /// The product of `x` over the axes held by `axes`.
  public func prod(
    _ x: Output, axes: Output, keepDims: Bool = false, name: String? = nil, file: String = #fileID,
    line: Int = #line
  ) throws -> Output {
    try build("Prod", [x, axes], attrs: ["keep_dims": .bool(keepDims)], name: name, file: file, line: line)
  }
}

// MARK: - ArgMax

extension StandardOps {
  static let argMax = OpDef(
    "ArgMax", inputs: ["input: T", "dimension: Tidx"], outputs: ["output: output_type"],
    attrs: ["T: {float32, float64, int32, int64, uint8}", "Tidx: {int32, int64} = int32",
            "output_type: {int32, int64} = int64"],
    summary: "The index of the largest value along an axis (the first among ties; NaN counts as largest).",
    shape: { c in
      try c.requireRank(1, atMost: 0, "dimension")
      guard let dims = c.shape(0).dims else { return [.unknown] }
      guard let d = c.constantInts(1)?.first else {
        return [dims.count <= 1 ? .scalar : .unknown(rank: dims.count - 1)]
      }
      guard let axis = normalizedAxis(d, rank: dims.count) else {
        throw c.invalid("dimension \(d) is out of range for an input of shape \(c.shape(0)); it must be in [\(-dims.count), \(dims.count))")
      }
      if dims[axis] == 0 {
        throw c.invalid("cannot take the argmax along axis \(axis) of an input of shape \(c.shape(0)): the axis is empty")
      }
      var out = dims
      out.remove(at: axis)
      return [PartialShape(dims: out)]
    },
    kernel: argMaxKernel,
    gradient: .notDifferentiable,
    cost: { c in Cost(flops: Double(c.inputs[0].shape.reduce(1, *)), bytes: Double(c.inputBytes + c.outputBytes)) })
}

extension Graph {
  /// The index of the largest element of `x` along `axis` (`ArgMax`,
  /// `tf.math.argmax`), as `outputType` (`int64` or `int32`).
  public func argMax(
    _ x: Output, axis: Int, outputType: DType = .int64, name: String? = nil, file: String = #fileID,
    line: Int = #line
  ) throws -> Output {
    try buildWithIndexInput(
      "ArgMax", [x], index: [axis], scalar: true, argName: "dimension", attrs: ["output_type": .type(outputType)],
      name: name, defaultName: "ArgMax", file: file, line: line)
  }

  /// The index of the largest element of `x` along the axis held by the
  /// integer scalar `axis`.
  public func argMax(
    _ x: Output, axis: Output, outputType: DType = .int64, name: String? = nil, file: String = #fileID,
    line: Int = #line
  ) throws -> Output {
    try build("ArgMax", [x, axis], attrs: ["output_type": .type(outputType)], name: name, file: file, line: line)
  }
}
