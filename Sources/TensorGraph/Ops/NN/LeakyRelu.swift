// LeakyRelu and LeakyReluGrad with TensorFlow's attr `alpha` (a float32
// attribute even for float64 features: the kernels compute with
// Float(alpha) widened, as TensorFlow's static_cast<T>(alpha)), and
// nn_grad.py's gradients.

// MARK: - Kernels

/// The attribute `alpha` as TensorFlow holds it: a float32.
private func alphaAttribute(_ b: KernelBuildContext) -> Float { Float(b.float("alpha")) }

/// `features > 0 ? features : features · alpha` (TensorFlow's select, not a
/// maximum: alpha may exceed 1 or be negative; NaN gives NaN).
let leakyReluKernel: KernelFactory = { b in
  let alpha = alphaAttribute(b)
  func make<T: TensorFloatScalar>(_: T.Type) -> KernelFunction {
    let a = T(alpha)
    return { ctx in
      var x = ctx.consumeInput(0)
      let out = ctx.allocateOutput(0, dtype: T.dtype, shape: x.shape, reusing: &x)
      let px = x.unsafePointer(as: T.self), po = out.unsafeMutablePointer(as: T.self)
      ctx.forEachChunk(count: x.scalarCount, grain: elementwiseGrain) { r in
        for i in r {
          let v = px[i]
          po[i] = v > 0 ? v : v * a
        }
      }
      withExtendedLifetime(x) { ctx.setOutput(0, out) }
    }
  }
  switch b.inputs[0].dtype {
  case .float32: return make(Float.self)
  case .float64: return make(Double.self)
  default: throw b.unsupported()
  }
}

/// `features > 0 ? gradients : gradients · alpha`.
let leakyReluGradKernel: KernelFactory = { b in
  let alpha = alphaAttribute(b)
  func make<T: TensorFloatScalar>(_: T.Type) -> KernelFunction {
    let a = T(alpha)
    return { ctx in
      var g = ctx.consumeInput(0), f = ctx.consumeInput(1)
      guard g.shape == f.shape else {
        throw ctx.error(
          .shapeMismatch, "'gradients' and 'features' must have the same shape, but have shapes \(g.shape) and \(f.shape)")
      }
      let out = ctx.reusing(&g, dtype: T.dtype, shape: g.shape) ?? ctx.reusing(&f, dtype: T.dtype, shape: g.shape)
        ?? ctx.allocateOutput(0, dtype: T.dtype, shape: g.shape)
      let pg = g.unsafePointer(as: T.self), pf = f.unsafePointer(as: T.self)
      let po = out.unsafeMutablePointer(as: T.self)
      ctx.forEachChunk(count: g.scalarCount, grain: elementwiseGrain) { r in
        for i in r {
          let d = pg[i]
          po[i] = pf[i] > 0 ? d : d * a
        }
      }
      withExtendedLifetime((g, f)) { ctx.setOutput(0, out) }
    }
  }
  switch b.inputs[0].dtype {
  case .float32: return make(Float.self)
  case .float64: return make(Double.self)
  default: throw b.unsupported()
  }
}

// MARK: - Definitions

extension StandardOps {
  static let leakyRelu = OpDef(
    "LeakyRelu", inputs: ["features: T"], outputs: ["activations: T"],
    attrs: ["alpha: float = 0.2", "T: {float32, float64} = float32"], flags: [.elementwise, .cheap],
    summary: "Returns features if positive, features * alpha otherwise, elementwise.",
    shape: ShapeRules.unchanged, kernel: leakyReluKernel,
    gradient: .function { c in
      // d leaky_relu(x) = (x > 0 ? 1 : α)·dx: LeakyReluGrad on the input
      // (TensorFlow's _LeakyReluGrad).
      [try c.graph.leakyReluGrad(c.grad, c.input(0), alpha: c.float("alpha"))]
    })

  static let leakyReluGrad = OpDef(
    "LeakyReluGrad", inputs: ["gradients: T", "features: T"], outputs: ["backprops: T"],
    attrs: ["alpha: float = 0.2", "T: {float32, float64} = float32"], flags: [.elementwise, .cheap],
    summary: "Returns gradients where features > 0, gradients * alpha elsewhere: the gradient of LeakyRelu.",
    shape: { c in
      guard let s = c.shape(0).merged(with: c.shape(1)) else {
        throw c.error("'gradients' and 'features' must have the same shape, but have shapes \(c.shape(0)) and \(c.shape(1))")
      }
      return [s]
    },
    kernel: leakyReluGradKernel,
    gradient: .function { c in
      // Linear in the gradients with a piecewise-constant factor: the same
      // factor again; nothing for the features (TensorFlow's
      // _LeakyReluGradGrad gives zeros).
      [try c.graph.leakyReluGrad(c.grad, c.input(1), alpha: c.float("alpha")), nil]
    })
}

// MARK: - Builders

extension Graph {
  /// `x` where positive, `alpha·x` elsewhere (`LeakyRelu`,
  /// `tf.nn.leaky_relu`); `alpha` is held as a float32, as TensorFlow's.
  public func leakyRelu(
    _ features: Output, alpha: Double = 0.2, name: String? = nil, file: String = #fileID, line: Int = #line
  ) throws -> Output {
    try build("LeakyRelu", [features], attrs: ["alpha": .float(alpha)], name: name, file: file, line: line)
  }

  /// The gradient of LeakyRelu (`LeakyReluGrad`).
  func leakyReluGrad(
    _ gradients: Output, _ features: Output, alpha: Double, name: String? = nil, file: String = #fileID,
    line: Int = #line
  ) throws -> Output {
    try build(
      "LeakyReluGrad", [gradients, features], attrs: ["alpha": .float(alpha)], name: name, file: file, line: line)
  }
}
