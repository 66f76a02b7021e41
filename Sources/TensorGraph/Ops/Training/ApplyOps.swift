// Optimizer update ops with TensorFlow's names, signatures and semantics:
// each updates its variables in place with one fused kernel (see
// Runtime/Kernels/OptimizerKernels.swift) and outputs the updated variable.

extension StandardOps {
  /// Shape rule shared by the Apply ops: every `Ref` and `grad` input has
  /// the variable's shape; the hyperparameters are scalars.
  static func applyShape(refs: [Int], grad: Int, scalars: [Int]) -> ShapeFunction {
    { c in
      var shape = c.shape(0)
      for i in refs + [grad] {
        guard let merged = shape.merged(with: c.shape(i)) else {
          throw c.error("input \(i) has shape \(c.shape(i)) but the variable has shape \(c.shape(0))")
        }
        shape = merged
      }
      for i in scalars where (c.shape(i).rank ?? 0) != 0 {
        throw c.error("hyperparameter input \(i) must be a scalar but has shape \(c.shape(i))")
      }
      return [shape]
    }
  }

  static let applyGradientDescent = OpDef(
    "ApplyGradientDescent", inputs: ["var: Ref(T)", "alpha: T", "delta: T"], outputs: ["out: Ref(T)"],
    attrs: ["T: {float32, float64}", "use_locking: bool = false"], flags: .stateful,
    summary: "var -= alpha · delta, in place.",
    shape: applyShape(refs: [], grad: 2, scalars: [1]),
    kernel: applyGradientDescentKernel, gradient: .notDifferentiable,
    cost: { c in Cost(flops: 2 * CostContext.elements(c.inputs[2].shape), bytes: Double(3 * c.inputBytes)) })

  static let applyMomentum = OpDef(
    "ApplyMomentum", inputs: ["var: Ref(T)", "accum: Ref(T)", "lr: T", "grad: T", "momentum: T"],
    outputs: ["out: Ref(T)"],
    attrs: ["T: {float32, float64}", "use_locking: bool = false", "use_nesterov: bool = false"], flags: .stateful,
    summary: "accum = accum · momentum + grad; var -= lr · accum (Nesterov: var -= lr · (grad + momentum · accum)).",
    shape: applyShape(refs: [1], grad: 3, scalars: [2, 4]),
    kernel: applyMomentumKernel, gradient: .notDifferentiable,
    cost: { c in Cost(flops: 4 * CostContext.elements(c.inputs[3].shape), bytes: Double(3 * c.inputBytes)) })

  static let applyAdam = OpDef(
    "ApplyAdam",
    inputs: [
      "var: Ref(T)", "m: Ref(T)", "v: Ref(T)", "beta1_power: T", "beta2_power: T", "lr: T", "beta1: T", "beta2: T",
      "epsilon: T", "grad: T",
    ],
    outputs: ["out: Ref(T)"],
    attrs: ["T: {float32, float64}", "use_locking: bool = false", "use_nesterov: bool = false"], flags: .stateful,
    summary: "Adam: m += (g − m)(1 − β1); v += (g² − v)(1 − β2); var -= lr·√(1 − β2ᵗ)/(1 − β1ᵗ) · m/(√v + ε).",
    shape: applyShape(refs: [1, 2], grad: 9, scalars: [3, 4, 5, 6, 7, 8]),
    kernel: applyAdamKernel, gradient: .notDifferentiable,
    cost: { c in Cost(flops: 10 * CostContext.elements(c.inputs[9].shape), bytes: 7 * CostContext.elements(c.inputs[9].shape) * Double(c.inputs[9].dtype.byteSize)) })

  static let applyRMSProp = OpDef(
    "ApplyRMSProp",
    inputs: ["var: Ref(T)", "ms: Ref(T)", "mom: Ref(T)", "lr: T", "rho: T", "momentum: T", "epsilon: T", "grad: T"],
    outputs: ["out: Ref(T)"],
    attrs: ["T: {float32, float64}", "use_locking: bool = false"], flags: .stateful,
    summary: "ms = ρ·ms + (1 − ρ)·g²; mom = momentum·mom + lr·g/√(ms + ε); var -= mom.",
    shape: applyShape(refs: [1, 2], grad: 7, scalars: [3, 4, 5, 6]),
    kernel: applyRMSPropKernel, gradient: .notDifferentiable,
    cost: { c in Cost(flops: 9 * CostContext.elements(c.inputs[7].shape), bytes: 7 * CostContext.elements(c.inputs[7].shape) * Double(c.inputs[7].dtype.byteSize)) })
}

extension Graph {
  /// `ApplyGradientDescent(var, alpha, delta)`: `var -= alpha·delta`.
  public func applyGradientDescent(
    _ variable: Output, alpha: Output, delta: Output, name: String? = nil, file: String = #fileID, line: Int = #line
  ) throws -> Output {
    try build("ApplyGradientDescent", [variable, alpha, delta], name: name, file: file, line: line)
  }

  /// `ApplyMomentum(var, accum, lr, grad, momentum)`.
  public func applyMomentum(
    _ variable: Output, accum: Output, lr: Output, grad: Output, momentum: Output, useNesterov: Bool = false,
    name: String? = nil, file: String = #fileID, line: Int = #line
  ) throws -> Output {
    try build(
      "ApplyMomentum", [variable, accum, lr, grad, momentum], attrs: ["use_nesterov": .bool(useNesterov)], name: name,
      file: file, line: line)
  }

  /// `ApplyAdam(var, m, v, beta1_power, beta2_power, lr, beta1, beta2, epsilon, grad)`.
  public func applyAdam(
    _ variable: Output, m: Output, v: Output, beta1Power: Output, beta2Power: Output, lr: Output, beta1: Output,
    beta2: Output, epsilon: Output, grad: Output, useNesterov: Bool = false, name: String? = nil,
    file: String = #fileID, line: Int = #line
  ) throws -> Output {
    try build(
      "ApplyAdam", [variable, m, v, beta1Power, beta2Power, lr, beta1, beta2, epsilon, grad],
      attrs: ["use_nesterov": .bool(useNesterov)], name: name, file: file, line: line)
  }

  /// `ApplyRMSProp(var, ms, mom, lr, rho, momentum, epsilon, grad)`.
  public func applyRMSProp(
    _ variable: Output, ms: Output, mom: Output, lr: Output, rho: Output, momentum: Output, epsilon: Output,
    grad: Output, name: String? = nil, file: String = #fileID, line: Int = #line
  ) throws -> Output {
    try build(
      "ApplyRMSProp", [variable, ms, mom, lr, rho, momentum, epsilon, grad], name: name, file: file, line: line)
  }
}
