// AddN: the elementwise sum of a list of same-shaped tensors.

// MARK: - AddN

extension StandardOps {
  static let addN = OpDef(
    "AddN", inputs: ["inputs: N * T"], outputs: ["sum: T"],
    attrs: ["N: int", "T: {float32, float64, int32, int64, uint8}"],
    summary: "Adds all inputs elementwise; they must have the same shape (no broadcasting).",
    shape: { c in
      try c.requireListLength(atLeast: 1, "inputs")
      var merged = PartialShape.unknown
      for i in 0..<c.inputs.count {
        guard let m = merged.merged(with: c.shape(i)) else {
          throw c.error("all inputs must have the same shape, but inputs[\(i)] has shape \(c.shape(i)) and the inputs before it have shape \(merged)")
        }
        merged = m
      }
      return [merged]
    },
    kernel: { b in
      func make<T: TensorNumericScalar>(_: T.Type) -> KernelFunction {
        { ctx in
          let n = ctx.inputCount
          let first = ctx.input(0)
          if n == 1 {
            ctx.setOutput(0, first)
            return
          }
          var sources: [UnsafePointer<T>] = []
          sources.reserveCapacity(n)
          for i in 0..<n {
            let t = ctx.input(i)
            guard t.shape == first.shape else {
              throw ctx.error(.shapeMismatch, "all inputs must have the same shape, but inputs[0] has shape \(first.shape) and inputs[\(i)] has shape \(t.shape)")
            }
            sources.append(t.unsafePointer(as: T.self))
          }
          let out = ctx.allocateOutput(0, dtype: T.dtype, shape: first.shape)
          sumInOrder(sources, into: out.unsafeMutablePointer(as: T.self), count: first.scalarCount)
          ctx.setOutput(0, out)
        }
      }
      switch b.inputs[0].dtype {
      case .float32: return make(Float.self)
      case .float64: return make(Double.self)
      case .int32: return make(Int32.self)
      case .int64: return make(Int64.self)
      case .uint8: return make(UInt8.self)
      case .bool: throw b.unsupported()
      }
    },
    gradient: .function { c in
      // d(x₁ + … + xₙ) = dx₁ + … + dxₙ: every input gets the gradient.
      Array(repeating: c.grad, count: c.inputs.count)
    },
    cost: { c in
      let n = CostContext.elements(c.outputs[0].shape)
      return Cost(flops: Double(max(c.inputs.count - 1, 0)) * n, bytes: c.inputBytes + c.outputBytes)
    })
}

/// `out = sources[0] + sources[1] + …`, added left to right for every
/// element (a fixed order), in cache-sized blocks so that the partial sums
/// stay in L1 while each source streams through once.
@inline(__always)
func sumInOrder<T: TensorNumericScalar>(_ sources: [UnsafePointer<T>], into out: UnsafeMutablePointer<T>, count: Int) {
  let block = 2048
  var start = 0
  while start < count {
    let len = min(block, count - start)
    let po = out + start
    let a = sources[0] + start, b = sources[1] + start
    for i in 0..<len { po[i] = T.wrappedAdd(a[i], b[i]) }
    for k in 2..<sources.count {
      let p = sources[k] + start
      for i in 0..<len { po[i] = T.wrappedAdd(po[i], p[i]) }
    }
    start += len
  }
}

extension Graph {
  /// The elementwise sum of same-shaped `inputs` (`AddN`, `tf.add_n`).
  public func addN(_ inputs: [Output], name: String? = nil, file: String = #fileID, line: Int = #line) throws
    -> Output
  {
    try build("AddN", inputs, name: name, file: file, line: line)
  }
}
