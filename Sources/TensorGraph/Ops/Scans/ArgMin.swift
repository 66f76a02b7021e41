// ArgMin, the twin of ArgMax (Ops/Math/Reductions.swift): one definition
// and one kernel (Runtime/Kernels/ReductionKernels.swift), the comparison
// a type.

extension StandardOps {
  static let argMin = argExtremumOp("ArgMin", "smallest", "argmin", kernel: argMinKernel)
}

extension Graph {
  /// The index of the smallest element of `x` along `axis` (`ArgMin`,
  /// `tf.math.argmin`), as `outputType` (`int64` or `int32`): the first
  /// among ties; NaN is ignored (TensorFlow's kernel never lets it win),
  /// and a row of NaN or +inf gives 0.
  public func argMin(
    _ x: Output, axis: Int, outputType: DType = .int64, name: String? = nil, file: String = #fileID,
    line: Int = #line
  ) throws -> Output {
    try buildWithIndexInput(
      "ArgMin", [x], index: [axis], scalar: true, argName: "dimension", attrs: ["output_type": .type(outputType)],
      name: name, defaultName: "ArgMin", file: file, line: line)
  }

  /// The index of the smallest element of `x` along the axis held by the
  /// integer scalar `axis`.
  public func argMin(
    _ x: Output, axis: Output, outputType: DType = .int64, name: String? = nil, file: String = #fileID,
    line: Int = #line
  ) throws -> Output {
    try build("ArgMin", [x, axis], attrs: ["output_type": .type(outputType)], name: name, file: file, line: line)
  }
}
