// L2Loss: half the sum of squares of a tensor, a scalar, float32 and
// float64 as TensorFlow's (tf.nn.l2_loss).

extension StandardOps {
  static let l2Loss = OpDef(
    "L2Loss", inputs: ["t: T"], outputs: ["output: T"], attrs: ["T: {float32, float64}"],
    summary: "Returns sum(t²) / 2 over every element of t, a scalar.",
    shape: ShapeRules.scalar, kernel: l2LossKernel,
    gradient: .function { c in
      // d(Σ t²/2) = t·dy (TensorFlow's _L2LossGrad)
      [try c.graph.multiply(c.input(0), c.grad)]
    },
    cost: { c in Cost(flops: 2 * Double(c.inputs[0].shape.reduce(1, *)), bytes: Double(c.inputBytes + c.outputBytes)) })
}

/// `Σ t²/2`: summed in double precision in fixed order (sequential sums
/// per block of 4,096 elements, then the blocks' sums in order), so the
/// float32 result is the exact sum rounded once, independent of threads.
let l2LossKernel: KernelFactory = { b in
  func make<T: TensorFloatScalar>(_: T.Type) -> KernelFunction {
    { ctx in
      let t = ctx.input(0)
      let p = t.unsafePointer(as: T.self), n = t.scalarCount
      var total = 0.0
      var start = 0
      while start < n {
        let end = min(n, start + 4096)
        var block = 0.0
        for i in start..<end {
          let x = Double(p[i])
          block += x * x
        }
        total += block
        start = end
      }
      let out = ctx.allocateOutput(0, dtype: T.dtype, shape: [])
      out.unsafeMutablePointer(as: T.self).initialize(to: T(total / 2))
      ctx.setOutput(0, out)
    }
  }
  switch b.inputs[0].dtype {
  case .float32: return make(Float.self)
  case .float64: return make(Double.self)
  default: throw b.unsupported()
  }
}

extension Graph {
  /// Half the sum of the squares of `t`'s elements, a scalar (`L2Loss`;
  /// TensorFlow's `tf.nn.l2_loss`).
  public func l2Loss(_ t: Output, name: String? = nil, file: String = #fileID, line: Int = #line) throws -> Output {
    try build("L2Loss", [t], name: name, file: file, line: line)
  }
}
