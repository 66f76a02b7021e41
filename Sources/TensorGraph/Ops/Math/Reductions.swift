// Reductions (Sum, Mean, Max, Min, Prod) and ArgMax (ArgMin, All and Any,
// which share its pieces, are in Ops/Scans/). Kernels are in
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
    _ name: String, _ kind: ReductionKind, _ summary: String, gradient: GradientRule = .undefined,
    file: String = #filePath
  ) -> OpDef {
    OpDef(
      name, inputs: ["input: T", "reduction_indices: Tidx"], outputs: ["output: T"],
      attrs: ["keep_dims: bool = false", "T: {float32, float64, int32, int64, uint8}", "Tidx: {int32, int64} = int32"],
      summary: summary, shape: reductionShape, kernel: reductionKernel(kind), gradient: gradient,
      cost: { c in
        Cost(flops: CostContext.elements(c.inputs[0].shape), bytes: Double(c.inputBytes + c.outputBytes))
      }, file: file)
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
  static let maxReduction = reduction(
    "Max", .max, "The maximum of the input over the axes in reduction_indices.",
    gradient: .function { c in try minOrMaxGradient(c) })
  static let minReduction = reduction(
    "Min", .min, "The minimum of the input over the axes in reduction_indices.",
    gradient: .function { c in try minOrMaxGradient(c) })
  static let prod = reduction(
    "Prod", .prod, "Multiplies the input over the axes in reduction_indices.",
    gradient: .function { c in try prodGradient(c) })
}

// MARK: - Gradient support

/// Puts a reduction's reduced axes back as size-1 dimensions (what
/// keep_dims gives), so that a tensor shaped like the reduction's output —
/// its gradient, its value — broadcasts against the input. The shape is
/// settled once per gradient: statically when the axes are constant and the
/// input's rank known (one Reshape, or ExpandDims per axis when several
/// dimensions are unknown), else in the graph.
struct ReducedAxesRestorer {
  private enum Plan {
    case keepDims
    case reshape([Int])
    case expand([Int])
    case dynamic(Output)
  }

  private let graph: Graph
  private let plan: Plan

  init(_ c: GradientContext) throws {
    let g = c.graph, x = c.input(0)
    graph = g
    if c.bool("keep_dims") {
      plan = .keepDims
    } else if let axes = g.constantValue(of: c.input(1).ref)?.integers(), let dims = x.shape.dims {
      let reduced = Set(axes.map { $0 < 0 ? $0 + dims.count : $0 })
      let kept = dims.indices.map { reduced.contains($0) ? 1 : dims[$0] }
      let unknown = kept.filter { $0.value == nil }.count
      if unknown == 0 || (unknown == 1 && !kept.contains(0)) {
        plan = .reshape(kept.map { $0.value ?? -1 })
      } else {
        plan = .expand(reduced.sorted())
      }
    } else {
      // kept = shape(x) with 1 at the reduced axes:
      //   mask = Σ one_hot(axes mod rank, rank); kept = shape·(1 − mask) + mask
      // (The kernel rejects repeated axes, so the mask holds 0s and 1s; a
      // sum, unlike a max, is 0 over no axes.)
      let shape = try g.shape(of: x)
      let rank = try g.reshape(try g.shape(of: shape), [])
      var axes = try g.reshape(try g.cast(c.input(1), to: .int32), [-1])
      let negative = try g.cast(try g.less(axes, try g.constant(0, dtype: .int32)), to: .int32)
      axes = try g.add(axes, try g.multiply(negative, rank))
      let oneHot = try g.addNode(
        op: "OneHot",
        inputs: [axes, rank, try g.constant(1, dtype: .int32), try g.constant(0, dtype: .int32)])
      let mask = try g.sum(g.output(oneHot), axes: [0])
      let one = try g.constant(1, dtype: .int32)
      plan = .dynamic(try g.add(try g.multiply(shape, try g.subtract(one, mask)), mask))
    }
  }

  /// `t`, shaped like the reduction's output, with the reduced axes back.
  func callAsFunction(_ t: Output) throws -> Output {
    switch plan {
    case .keepDims:
      return t
    case .reshape(let dims):
      return t.shape.concrete == dims ? t : try graph.reshape(t, dims)
    case .expand(let axes):
      var r = t
      for axis in axes { r = try graph.expandDims(r, axis: axis) }
      return r
    case .dynamic(let shape):
      return try graph.reshape(t, shape: shape)
    }
  }
}

/// The upstream gradient of a reduction, broadcast back to the input's
/// shape: reduced axes are restored as size 1, then broadcast.
func reductionGradientToInputShape(_ c: GradientContext) throws -> Output {
  let g = c.graph, x = c.input(0)
  let grad = try ReducedAxesRestorer(c)(c.grad)
  if let dims = x.shape.concrete, grad.shape.concrete == dims { return grad }
  if let dims = x.shape.concrete { return try g.broadcastTo(grad, shape: dims) }
  return try g.broadcastTo(grad, shape: try g.shape(of: x))
}

/// Max and Min (TensorFlow's `_MinOrMaxGrad`): the gradient goes to the
/// elements equal to the result, split equally among ties:
///   dx = dy · [x = y] / Σ[x = y]
/// (NaN results match no element, giving NaN gradients, as TensorFlow.)
func minOrMaxGradient(_ c: GradientContext) throws -> [Output?] {
  let g = c.graph, x = c.input(0)
  let restore = try ReducedAxesRestorer(c)
  let y = try restore(c.output(0)), grad = try restore(c.grad)
  let indicators = try g.cast(try g.equal(x, y), to: x.dtype)
  let selected = try g.sum(indicators, axes: c.input(1), keepDims: true)
  return [try g.multiply(try g.divide(indicators, selected), grad), nil]
}

/// Prod: ∂y/∂xᵢ is the product of the other elements of xᵢ's group.
///
/// With z zeros in the group that is y/xᵢ when z = 0; the product p of the
/// group's nonzero elements for the zero itself when z = 1 (0 for the
/// others); and 0 everywhere when z ≥ 2. With [·] an indicator:
///   nonzero = x + [x = 0]   (zeros replaced by 1)
///   dx = dy · (p / nonzero) · [z = [x = 0]]
/// TensorFlow's `_ProdGrad` gets the same values from two exclusive
/// cumulative products (before and after each element, over the reduced
/// axes transposed to the front and flattened): exact for any number of
/// zeros — a group with two or more zeros has a zero gradient everywhere —
/// at the price of Transpose, Cumprod and ListDiff nodes. Here p / xᵢ can
/// overflow where the product of the others does not (|y| beyond the
/// largest float while one |xᵢ| > 1 brings it back): TensorFlow gives the
/// finite value, this gives inf.
func prodGradient(_ c: GradientContext) throws -> [Output?] {
  let g = c.graph, x = c.input(0), axes = c.input(1)
  let grad = try ReducedAxesRestorer(c)(c.grad)
  let isZero = try g.cast(try g.equal(x, try g.constant(0, dtype: x.dtype)), to: x.dtype)
  let zeros = try g.sum(isZero, axes: axes, keepDims: true)
  let nonzero = try g.add(x, isZero)
  let product = try g.prod(nonzero, axes: axes, keepDims: true)
  let others = try g.multiply(try g.divide(product, nonzero), try g.cast(try g.equal(zeros, isZero), to: x.dtype))
  return [try g.multiply(grad, others), nil]
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
  /// The definition shared by ArgMax and ArgMin (`what`: "largest" or
  /// "smallest"; `name`: "argmax" or "argmin" for messages).
  static func argExtremumOp(
    _ op: String, _ what: String, _ name: String, kernel: @escaping KernelFactory, file: String = #filePath
  ) -> OpDef {
    OpDef(
      op, inputs: ["input: T", "dimension: Tidx"], outputs: ["output: output_type"],
      attrs: ["T: {float32, float64, int32, int64, uint8}", "Tidx: {int32, int64} = int32",
              "output_type: {int32, int64} = int64"],
      summary: "The index of the \(what) value along an axis (the first among ties; NaN is ignored, 0 when nothing beats the dtype's \(what == "largest" ? "lowest" : "highest") finite value).",
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
          throw c.invalid("cannot take the \(name) along axis \(axis) of an input of shape \(c.shape(0)): the axis is empty")
        }
        var out = dims
        out.remove(at: axis)
        return [PartialShape(dims: out)]
      },
      kernel: kernel,
      gradient: .notDifferentiable,
      cost: { c in Cost(flops: CostContext.elements(c.inputs[0].shape), bytes: Double(c.inputBytes + c.outputBytes)) },
      file: file)
  }

  static let argMax = argExtremumOp("ArgMax", "largest", "argmax", kernel: argMaxKernel)
}

extension Graph {
  /// The index of the largest element of `x` along `axis` (`ArgMax`,
  /// `tf.math.argmax`), as `outputType` (`int64` or `int32`). NaN is
  /// ignored, as TensorFlow's kernel ignores it.
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
