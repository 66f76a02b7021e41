// Fill, ZerosLike and OnesLike: tensors of one repeated value.

/// Fills `count` elements at `dst` with the element stored at `value`; the
/// element type is an unsigned integer of the dtype's width.
@inline(__always)
private func fillElements<E>(_: E.Type, _ value: UnsafeRawPointer, _ dst: UnsafeMutableRawPointer, _ count: Int) {
  dst.assumingMemoryBound(to: E.self).initialize(repeating: value.load(as: E.self), count: count)
}

/// Fills a tensor's storage with copies of `value`'s single element.
func fillRepeating(_ out: Tensor, with value: Tensor) {
  switch value.dtype.byteSize {
  case 1: fillElements(UInt8.self, value.rawPointer, out.mutableRawPointer, out.scalarCount)
  case 4: fillElements(UInt32.self, value.rawPointer, out.mutableRawPointer, out.scalarCount)
  default: fillElements(UInt64.self, value.rawPointer, out.mutableRawPointer, out.scalarCount)
  }
}

// MARK: - Fill

extension StandardOps {
  static let fill = OpDef(
    "Fill", inputs: ["dims: index_type", "value: T"], outputs: ["output: T"],
    attrs: ["T: type", "index_type: {int32, int64} = int32"],
    summary: "Returns a tensor of shape dims with every element equal to the scalar value.",
    shape: { c in
      try c.requireVector(0, "dims")
      try c.requireRank(1, atMost: 0, "value")
      if let d = c.constantInts(0), let bad = d.firstIndex(where: { $0 < 0 }) {
        throw c.invalid("dims \(d) has a negative dimension \(d[bad]) at axis \(bad); Fill dimensions must be ≥ 0")
      }
      return [c.shapeInput(0)]
    },
    kernel: { _ in
      { ctx in
        let shape = try ctx.indexValues(0, "dims")
        let value = ctx.input(1)
        guard value.rank == 0 else {
          throw ctx.error(.invalidArgument, "'value' must be a scalar but has shape \(value.shape)")
        }
        try ctx.checkAllocatable(shape, value.dtype, "dims")
        let out = ctx.allocateOutput(0, dtype: value.dtype, shape: shape)
        fillRepeating(out, with: value)
        ctx.setOutput(0, out)
      }
    },
    gradient: .function { c in
      // Every output element is the value: d value = Σ grad. The dims get none.
      [nil, try c.graph.sum(c.grad)]
    })
}

extension Graph {
  /// A tensor of shape `dims` filled with the scalar `value` (`Fill`).
  public func fill(
    dims: [Int], value: Output, name: String? = nil, file: String = #fileID, line: Int = #line
  ) throws -> Output {
    try withOpScope(name ?? "Fill") { scope in
      let d = try indexConstant(dims, name: "dims", file: file, line: line)
      return try buildScoped("Fill", [d, value], scope: scope, file: file, line: line)
    }
  }

  /// A tensor of the shape held by the integer vector `dims`, filled with
  /// the scalar `value` (`Fill`).
  public func fill(
    dims: Output, value: Output, name: String? = nil, file: String = #fileID, line: Int = #line
  ) throws -> Output {
    try build("Fill", [dims, value], name: name, file: file, line: line)
  }
}

// MARK: - ZerosLike

extension StandardOps {
  static let zerosLike = OpDef(
    "ZerosLike", inputs: ["x: T"], outputs: ["y: T"], attrs: ["T: type"],
    summary: "Returns zeros (false for bool) with the input's shape and dtype.",
    shape: ShapeRules.unchanged,
    kernel: { _ in
      { ctx in
        let x = ctx.input(0)
        ctx.setOutput(0, Tensor(dtype: x.dtype, shape: x.shape, buffer: TensorBuffer(zeroedByteCapacity: x.byteCount)))
      }
    },
    gradient: .notDifferentiable,
    cost: { c in Cost(flops: 0, bytes: Double(c.outputBytes)) })
}

extension Graph {
  /// Zeros shaped like `x` (`ZerosLike`).
  public func zerosLike(_ x: Output, name: String? = nil, file: String = #fileID, line: Int = #line) throws -> Output {
    try build("ZerosLike", [x], name: name ?? "zeros_like", file: file, line: line)
  }
}

// MARK: - OnesLike

extension StandardOps {
  static let onesLike = OpDef(
    "OnesLike", inputs: ["x: T"], outputs: ["y: T"], attrs: ["T: {float32, float64, int32, int64, uint8, bool}"],
    summary: "Returns ones (true for bool) with the input's shape and dtype.",
    shape: ShapeRules.unchanged,
    kernel: { b in
      let one = Tensor.scalar(1, dtype: b.inputs[0].dtype)
      return { ctx in
        let x = ctx.input(0)
        let out = ctx.allocateOutput(0, dtype: x.dtype, shape: x.shape)
        fillRepeating(out, with: one)
        ctx.setOutput(0, out)
      }
    },
    gradient: .notDifferentiable,
    cost: { c in Cost(flops: 0, bytes: Double(c.outputBytes)) })
}

extension Graph {
  /// Ones shaped like `x` (`OnesLike`).
  public func onesLike(_ x: Output, name: String? = nil, file: String = #fileID, line: Int = #line) throws -> Output {
    try build("OnesLike", [x], name: name ?? "ones_like", file: file, line: line)
  }
}
