// All and Any: the logical reductions of a bool tensor, with the shape rule
// and axis checks of Sum (Ops/Math/Reductions.swift) and its engine (the
// reducers in Runtime/Kernels/ReductionKernels.swift). Not differentiable:
// bool in, bool out.

extension StandardOps {
  /// The definition shared by All and Any.
  static func logicalReduction(_ name: String, summary: String, kernel: @escaping KernelFactory, file: String = #filePath)
    -> OpDef
  {
    OpDef(
      name, inputs: ["input: bool", "reduction_indices: Tidx"], outputs: ["output: bool"],
      attrs: ["keep_dims: bool = false", "Tidx: {int32, int64} = int32"],
      summary: summary, shape: reductionShape, kernel: kernel, gradient: .notDifferentiable,
      cost: { c in
        Cost(flops: CostContext.elements(c.inputs[0].shape), bytes: Double(c.inputBytes + c.outputBytes))
      }, file: file)
  }

  static let allOp = logicalReduction(
    "All", summary: "Whether every element is true over the axes in reduction_indices (true over none).",
    kernel: logicalReductionKernel(AllReducer.self))
  static let anyOp = logicalReduction(
    "Any", summary: "Whether some element is true over the axes in reduction_indices (false over none).",
    kernel: logicalReductionKernel(AnyReducer.self))
}

extension Graph {
  /// Whether every element of the bool tensor `x` is true over `axes`
  /// (`All`, `tf.math.reduce_all`); `nil` reduces every axis.
  public func reduceAll(
    _ x: Output, axes: [Int]? = nil, keepDims: Bool = false, name: String? = nil, file: String = #fileID,
    line: Int = #line
  ) throws -> Output {
    try reduction("All", x, axes: axes, keepDims: keepDims, name: name, file: file, line: line)
  }

  /// Whether some element of the bool tensor `x` is true over `axes`
  /// (`Any`, `tf.math.reduce_any`); `nil` reduces every axis.
  public func reduceAny(
    _ x: Output, axes: [Int]? = nil, keepDims: Bool = false, name: String? = nil, file: String = #fileID,
    line: Int = #line
  ) throws -> Output {
    try reduction("Any", x, axes: axes, keepDims: keepDims, name: name, file: file, line: line)
  }

  /// All over the axes held by the integer tensor `axes`.
  public func reduceAll(
    _ x: Output, axes: Output, keepDims: Bool = false, name: String? = nil, file: String = #fileID,
    line: Int = #line
  ) throws -> Output {
    try build("All", [x, axes], attrs: ["keep_dims": .bool(keepDims)], name: name, file: file, line: line)
  }

  /// Any over the axes held by the integer tensor `axes`.
  public func reduceAny(
    _ x: Output, axes: Output, keepDims: Bool = false, name: String? = nil, file: String = #fileID,
    line: Int = #line
  ) throws -> Output {
    try build("Any", [x, axes], attrs: ["keep_dims": .bool(keepDims)], name: name, file: file, line: line)
  }
}
