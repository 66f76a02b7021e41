// Cast: converts between any two dtypes. Kernels live in
// Runtime/Kernels/CastKernels.swift, which documents the conversions.

extension StandardOps {
  static let cast = OpDef(
    "Cast", inputs: ["x: SrcT"], outputs: ["y: DstT"],
    attrs: ["SrcT: type", "DstT: type", "Truncate: bool = false"], flags: [.elementwise, .cheap],
    summary: "Converts x to dtype DstT elementwise.",
    shape: ShapeRules.unchanged,
    kernel: castKernel)
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
