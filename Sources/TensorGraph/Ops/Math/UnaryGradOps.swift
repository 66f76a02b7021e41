// Gradient ops of the unary math functions (SqrtGrad, RsqrtGrad,
// ReciprocalGrad), with TensorFlow's names and argument order: `(y, dy) →
// z`, where `y` is the forward op's output and `dy` the upstream gradient.
// Each has its own gradient (TensorFlow's `_SqrtGradGrad`, …) so that
// gradients of gradients work. Kernels: Runtime/Kernels/GradientKernels.swift.

extension StandardOps {
  /// The common shape of an elementwise gradient op's definition: two inputs
  /// of one dtype whose shapes merge (TensorFlow's `MergeBothInputsShapeFn`;
  /// no broadcasting) → one output of that shape.
  static func elementwiseGradientOp(
    _ name: String, inputs: (String, String) = ("y", "dy"), output: String = "z",
    types: String = "{float32, float64}", flags: OpFlags = .cheap, summary: String,
    kernel: @escaping KernelFactory, gradient: GradientRule, cost: CostFunction? = nil, file: String = #filePath
  ) -> OpDef {
    OpDef(
      name, inputs: ["\(inputs.0): T", "\(inputs.1): T"], outputs: ["\(output): T"], attrs: ["T: \(types)"],
      flags: flags.union(.elementwise), summary: summary,
      shape: { c in
        guard let s = c.shape(0).merged(with: c.shape(1)) else {
          throw c.error(
            "'\(inputs.0)' and '\(inputs.1)' must have the same shape, but have shapes \(c.shape(0)) and \(c.shape(1))")
        }
        return [s]
      },
      kernel: kernel, gradient: gradient, cost: cost, file: file)
  }
}

/// `a · b`, but 0 where `b` is 0 (TensorFlow's `mul_no_nan`): SqrtGrad,
/// RsqrtGrad and ReciprocalGrad give 0, not NaN, where the upstream
/// gradient is 0, even at y = 0 or ±Inf, as TensorFlow's kernels do.
@inlinable func multiplyNoNaN<T: TensorFloatScalar>(_ a: T, _ b: T) -> T { b == 0 ? 0 : a * b }

// MARK: - SqrtGrad

/// `dy · 0.5 / y` (0 where dy is 0): the gradient of `y = √x`.
public enum SqrtGradFunction: FloatGradientFunction {
  @inlinable public static func apply<T: TensorFloatScalar>(_ y: T, _ dy: T) -> T { multiplyNoNaN(0.5 / y, dy) }
}

extension StandardOps {
  static let sqrtGrad = elementwiseGradientOp(
    "SqrtGrad", summary: "Returns dy * 0.5 / y (0 where dy is 0): the gradient of y = sqrt(x) given the upstream gradient dy.",
    kernel: SqrtGradFunction.kernel,
    gradient: .function { c in
      // z = 0.5·dy/y: ∂z/∂y = −z/y, ∂z/∂dy = 0.5/y (TensorFlow's _SqrtGradGrad).
      let g = c.graph, y = c.input(0), z = c.output(0)
      let gOverY = try g.divide(c.grad, y)
      return [try g.negate(try g.multiply(gOverY, z)), try g.multiply(gOverY, try g.constant(0.5, dtype: y.dtype))]
    },
    cost: elementwiseCost(flopsPerElement: 2))
}

// MARK: - RsqrtGrad

/// `dy · (−0.5) · y³` (0 where dy is 0): the gradient of `y = 1/√x`.
public enum RsqrtGradFunction: FloatGradientFunction {
  @inlinable public static func apply<T: TensorFloatScalar>(_ y: T, _ dy: T) -> T {
    multiplyNoNaN(-0.5 * (y * y), multiplyNoNaN(y, dy))
  }
}

extension StandardOps {
  static let rsqrtGrad = elementwiseGradientOp(
    "RsqrtGrad", summary: "Returns dy * -0.5 * y^3 (0 where dy is 0): the gradient of y = 1/sqrt(x) given the upstream gradient dy.",
    kernel: RsqrtGradFunction.kernel,
    gradient: .function { c in
      // z = −0.5·dy·y³: ∂z/∂y = −1.5·dy·y², ∂z/∂dy = −0.5·y³ (RsqrtGrad again).
      let g = c.graph, y = c.input(0), dy = c.input(1)
      let gy = try g.multiply(
        try g.multiply(try g.multiply(c.grad, try g.constant(-1.5, dtype: y.dtype)), dy), try g.square(y))
      return [gy, try g.rsqrtGrad(y, c.grad)]
    },
    cost: elementwiseCost(flopsPerElement: 4))
}

// MARK: - ReciprocalGrad

/// `−dy · y²` (0 where dy is 0): the gradient of `y = 1/x`.
public enum ReciprocalGradFunction: FloatGradientFunction {
  @inlinable public static func apply<T: TensorFloatScalar>(_ y: T, _ dy: T) -> T { multiplyNoNaN(-(y * y), dy) }
}

extension StandardOps {
  static let reciprocalGrad = elementwiseGradientOp(
    "ReciprocalGrad", summary: "Returns -dy * y^2 (0 where dy is 0): the gradient of y = 1/x given the upstream gradient dy.",
    kernel: ReciprocalGradFunction.kernel,
    gradient: .function { c in
      // z = −dy·y²: ∂z/∂y = −2·dy·y, ∂z/∂dy = −y² (ReciprocalGrad again).
      let g = c.graph, y = c.input(0), dy = c.input(1)
      let gy = try g.multiply(try g.multiply(try g.multiply(c.grad, try g.constant(-2, dtype: y.dtype)), dy), y)
      return [gy, try g.reciprocalGrad(y, c.grad)]
    },
    cost: elementwiseCost(flopsPerElement: 3))
}

// MARK: - Builders

extension Graph {
  /// `dy · 0.5 / y` (`SqrtGrad`).
  func sqrtGrad(_ y: Output, _ dy: Output, name: String? = nil, file: String = #fileID, line: Int = #line) throws
    -> Output
  {
    try build("SqrtGrad", [y, dy], name: name, file: file, line: line)
  }

  /// `dy · (−0.5) · y³` (`RsqrtGrad`).
  func rsqrtGrad(_ y: Output, _ dy: Output, name: String? = nil, file: String = #fileID, line: Int = #line) throws
    -> Output
  {
    try build("RsqrtGrad", [y, dy], name: name, file: file, line: line)
  }

  /// `−dy · y²` (`ReciprocalGrad`).
  func reciprocalGrad(_ y: Output, _ dy: Output, name: String? = nil, file: String = #fileID, line: Int = #line)
    throws -> Output
  {
    try build("ReciprocalGrad", [y, dy], name: name, file: file, line: line)
  }
}
