import RealModule

// Gradient ops of the activations, with TensorFlow's names and argument
// order: `(gradients, features|outputs) → backprops` for the nn ops, `(y,
// dy) → z` for Sigmoid and Tanh. Each has its own gradient (TensorFlow's
// `_ReluGradGrad`, `_TanhGradGrad`, …) so that gradients of gradients work.
// Kernels: Runtime/Kernels/GradientKernels.swift.

// MARK: - ReluGrad

/// `gradients · (features > 0)`: a product, as TensorFlow's, so NaN or inf
/// gradients propagate even where the unit is off.
public enum ReluGradFunction: NumericGradientFunction {
  @inlinable public static func apply<T: TensorNumericScalar>(_ gradients: T, _ features: T) -> T {
    T.wrappedMul(gradients, features > 0 ? 1 : 0)
  }
}

extension StandardOps {
  static let reluGrad = elementwiseGradientOp(
    "ReluGrad", inputs: ("gradients", "features"), output: "backprops",
    types: "{float32, float64, int32, int64, uint8}",
    summary: "Returns gradients * (features > 0): the gradient of Relu given the upstream gradients.",
    kernel: ReluGradFunction.kernel,
    gradient: .function { c in
      // Linear in the gradients with a piecewise-constant factor: the same
      // mask passes the second gradient; the features get none (zero
      // almost everywhere; TensorFlow's _ReluGradGrad).
      [try c.graph.reluGrad(c.grad, c.input(1)), nil]
    })
}

// MARK: - Relu6Grad

/// `gradients · (0 < features < 6)`.
public enum Relu6GradFunction: NumericGradientFunction {
  @inlinable public static func apply<T: TensorNumericScalar>(_ gradients: T, _ features: T) -> T {
    T.wrappedMul(gradients, features > 0 && features < 6 ? 1 : 0)
  }
}

extension StandardOps {
  static let relu6Grad = elementwiseGradientOp(
    "Relu6Grad", inputs: ("gradients", "features"), output: "backprops",
    types: "{float32, float64, int32, int64, uint8}",
    summary: "Returns gradients * (0 < features < 6): the gradient of Relu6 given the upstream gradients.",
    kernel: Relu6GradFunction.kernel,
    gradient: .function { c in
      // As ReluGrad: the mask again, nothing for the features.
      [try c.graph.relu6Grad(c.grad, c.input(1)), nil]
    })
}

// MARK: - EluGrad

/// `gradients · (outputs + 1)` where `outputs < 0` (there `elu'(x) = eˣ =
/// elu(x) + 1`), `gradients` elsewhere.
public enum EluGradFunction: FloatGradientFunction {
  @inlinable public static func apply<T: TensorFloatScalar>(_ gradients: T, _ outputs: T) -> T {
    outputs < 0 ? gradients * (outputs + 1) : gradients
  }
}

extension StandardOps {
  static let eluGrad = elementwiseGradientOp(
    "EluGrad", inputs: ("gradients", "outputs"), output: "backprops",
    summary: "Returns gradients * (outputs + 1) where outputs < 0, gradients elsewhere: the gradient of Elu.",
    kernel: EluGradFunction.kernel,
    gradient: .function { c in
      // z = g·(y + 1) where y < 0, g elsewhere: ∂z/∂g is EluGrad again,
      // ∂z/∂y = g where y < 0, 0 elsewhere (TensorFlow's _EluGradGrad).
      let g = c.graph, gradients = c.input(0), y = c.input(1)
      let zero = try g.constant(0, dtype: y.dtype)
      return [
        try g.eluGrad(c.grad, y),
        try g.selectV2(try g.less(y, zero), try g.multiply(c.grad, gradients), zero),
      ]
    })
}

// MARK: - SoftplusGrad

/// `gradients / (1 + e^−features)`, i.e. `gradients · sigmoid(features)`
/// (0 where `e^−features` overflows).
public enum SoftplusGradFunction: FloatGradientFunction {
  @inlinable public static func apply<T: TensorFloatScalar>(_ gradients: T, _ features: T) -> T {
    gradients / (T.exp(-features) + 1)
  }
}

extension StandardOps {
  static let softplusGrad = elementwiseGradientOp(
    "SoftplusGrad", inputs: ("gradients", "features"), output: "backprops", flags: [],
    summary: "Returns gradients / (1 + exp(-features)): the gradient of Softplus given the upstream gradients.",
    kernel: SoftplusGradFunction.kernel,
    gradient: .function { c in
      // z = g·σ(x): ∂z/∂g = σ(x) (SoftplusGrad again), ∂z/∂x = g·σ(x)(1 − σ(x))
      // = g / (e^−x + 2 + eˣ) (TensorFlow's _SoftplusGradGrad).
      let g = c.graph, gradients = c.input(0), x = c.input(1)
      let denominator = try g.add(
        try g.add(try g.exp(try g.negate(x)), try g.constant(2, dtype: x.dtype)), try g.exp(x))
      return [try g.softplusGrad(c.grad, x), try g.divide(try g.multiply(c.grad, gradients), denominator)]
    },
    cost: elementwiseCost(flopsPerElement: transcendentalFlops + 2))
}

// MARK: - SigmoidGrad

/// `dy · y · (1 − y)`: the gradient of `y = sigmoid(x)`.
public enum SigmoidGradFunction: FloatGradientFunction {
  // Grouped as TensorFlow's vectorized kernel groups it (y·(1 − y) first),
  // which decides where y·(1 − y) overflows float32.
  @inlinable public static func apply<T: TensorFloatScalar>(_ y: T, _ dy: T) -> T { dy * (y * (1 - y)) }
}

extension StandardOps {
  static let sigmoidGrad = elementwiseGradientOp(
    "SigmoidGrad",
    summary: "Returns dy * y * (1 - y): the gradient of y = sigmoid(x) given the upstream gradient dy.",
    kernel: SigmoidGradFunction.kernel,
    gradient: .function { c in
      // z = dy·y(1 − y): ∂z/∂y = dy·(1 − 2y), ∂z/∂dy = y(1 − y) (SigmoidGrad
      // again; TensorFlow's _SigmoidGradGrad).
      let g = c.graph, y = c.input(0), dy = c.input(1)
      let gdy = try g.multiply(c.grad, dy)
      let gy = try g.subtract(gdy, try g.multiply(try g.multiply(gdy, try g.constant(2, dtype: y.dtype)), y))
      return [gy, try g.sigmoidGrad(y, c.grad)]
    },
    cost: elementwiseCost(flopsPerElement: 3))
}

// MARK: - TanhGrad

/// `dy · (1 − y²)`: the gradient of `y = tanh(x)`.
public enum TanhGradFunction: FloatGradientFunction {
  @inlinable public static func apply<T: TensorFloatScalar>(_ y: T, _ dy: T) -> T { dy * (1 - y * y) }
}

extension StandardOps {
  static let tanhGrad = elementwiseGradientOp(
    "TanhGrad", summary: "Returns dy * (1 - y^2): the gradient of y = tanh(x) given the upstream gradient dy.",
    kernel: TanhGradFunction.kernel,
    gradient: .function { c in
      // z = dy·(1 − y²): ∂z/∂y = −2·dy·y, ∂z/∂dy = 1 − y² (TanhGrad again;
      // TensorFlow's _TanhGradGrad).
      let g = c.graph, y = c.input(0), dy = c.input(1)
      let gy = try g.multiply(try g.multiply(try g.multiply(c.grad, try g.constant(-2, dtype: y.dtype)), dy), y)
      return [gy, try g.tanhGrad(y, c.grad)]
    },
    cost: elementwiseCost(flopsPerElement: 3))
}

// MARK: - Builders

extension Graph {
  /// `gradients · (features > 0)` (`ReluGrad`).
  func reluGrad(
    _ gradients: Output, _ features: Output, name: String? = nil, file: String = #fileID, line: Int = #line
  ) throws -> Output {
    try build("ReluGrad", [gradients, features], name: name, file: file, line: line)
  }

  /// `gradients · (0 < features < 6)` (`Relu6Grad`).
  func relu6Grad(
    _ gradients: Output, _ features: Output, name: String? = nil, file: String = #fileID, line: Int = #line
  ) throws -> Output {
    try build("Relu6Grad", [gradients, features], name: name, file: file, line: line)
  }

  /// The gradient of Elu from its outputs (`EluGrad`).
  func eluGrad(
    _ gradients: Output, _ outputs: Output, name: String? = nil, file: String = #fileID, line: Int = #line
  ) throws -> Output {
    try build("EluGrad", [gradients, outputs], name: name, file: file, line: line)
  }

  /// `gradients · sigmoid(features)` (`SoftplusGrad`).
  func softplusGrad(
    _ gradients: Output, _ features: Output, name: String? = nil, file: String = #fileID, line: Int = #line
  ) throws -> Output {
    try build("SoftplusGrad", [gradients, features], name: name, file: file, line: line)
  }

  /// `dy · y · (1 − y)` (`SigmoidGrad`).
  func sigmoidGrad(_ y: Output, _ dy: Output, name: String? = nil, file: String = #fileID, line: Int = #line)
    throws -> Output
  {
    try build("SigmoidGrad", [y, dy], name: name, file: file, line: line)
  }

  /// `dy · (1 − y²)` (`TanhGrad`).
  func tanhGrad(_ y: Output, _ dy: Output, name: String? = nil, file: String = #fileID, line: Int = #line) throws
    -> Output
  {
    try build("TanhGrad", [y, dy], name: name, file: file, line: line)
  }
}
