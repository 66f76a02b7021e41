// Cast: converts between any two dtypes. Kernels live in
// Runtime/Kernels/CastKernels.swift, which documents the conversions.

extension StandardOps {
  static let cast = OpDef(
    "Cast", inputs: ["x: SrcT"], outputs: ["y: DstT"],
    attrs: ["SrcT: type", "DstT: type", "Truncate: bool = false"], flags: [.elementwise, .cheap],
    summary: "Converts x to dtype DstT elementwise.",
    shape: ShapeRules.unchanged,
    kernel: castKernel,
    gradient: .function { c in
      // Between floating-point dtypes the cast is the identity up to
      // rounding: the gradient is cast back to the source dtype. To or from
      // other dtypes there is none (TensorFlow's _CastGrad).
      let source = c.input(0).dtype
      guard source.isFloatingPoint, c.grad.dtype.isFloatingPoint else { return [nil] }
      return [try c.graph.cast(c.grad, to: source)]
    })
}

extension Graph {
  /// `x` converted to `dtype` elementwise (`Cast`). Integers wrap when
  /// narrowed; floats truncate toward zero and saturate when converted to
  /// integers (NaN gives 0); any value converts to `bool` as `!= 0`.
  /// `truncate` makes float64 → float32 drop low bits instead of rounding.
  /// Casting to `x`'s own dtype returns `x`'s value unchanged.
  public func cast(
    _ x: Output, to dtype: DType, truncate: Bool = false, name: String? = nil, file: String = #fileID,
    line: Int = #line
  ) throws -> Output {
    try build("Cast", [x], attrs: ["DstT": .type(dtype), "Truncate": .bool(truncate)], name: name, file: file,
      line: line)
  }
}
