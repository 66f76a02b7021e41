// Sources of values and pass-throughs: Const, Placeholder, Identity,
// StopGradient, NoOp.

// MARK: - Const

extension StandardOps {
  static let const = OpDef(
    "Const", outputs: ["output: dtype"], attrs: ["value: tensor", "dtype: type"], flags: .cheap,
    summary: "Returns a constant tensor.",
    shape: { c in
      let value = c.tensor("value")
      guard value.dtype == c.type("dtype") else {
        throw c.invalid("attribute 'value' holds \(value.dtype) but 'dtype' is \(c.type("dtype"))")
      }
      return [PartialShape(value.shape)]
    },
    kernel: { b in
      let value = b.tensor("value")
      return { ctx in ctx.setOutput(0, value) }
    },
    gradient: .notDifferentiable, cost: Cost.free)
}

extension Graph {
  /// A constant node holding `value` (`Const`).
  public func constant(_ value: Tensor, name: String? = nil, file: String = #fileID, line: Int = #line) throws
    -> Output
  {
    try build("Const", [], attrs: ["value": .tensor(value), "dtype": .type(value.dtype)], name: name ?? "Const",
      file: file, line: line)
  }

  /// A scalar constant of dtype `dtype` (any numeric dtype; `value` is
  /// converted).
  public func constant(
    _ value: Double, dtype: DType = .float32, name: String? = nil, file: String = #fileID, line: Int = #line
  ) throws -> Output {
    try constant(Tensor.scalar(value, dtype: dtype), name: name, file: file, line: line)
  }
}

extension Tensor {
  /// A rank-0 tensor of `dtype` holding `value` converted (saturating for
  /// integers; nonzero is `true` for `bool`).
  public static func scalar(_ value: Double, dtype: DType) -> Tensor {
    switch dtype {
    case .float32: return Tensor(Float(value))
    case .float64: return Tensor(value)
    case .int32: return Tensor(Int32(converting: value))
    case .int64: return Tensor(Int64(converting: value))
    case .uint8: return Tensor(UInt8(converting: value))
    case .bool: return Tensor(value != 0)
    }
  }
}

// MARK: - Placeholder

extension StandardOps {
  static let placeholder = OpDef(
    "Placeholder", outputs: ["output: dtype"], attrs: ["dtype: type", "shape: shape = unknown"], flags: .cheap,
    summary: "A value that must be fed when the graph runs.",
    shape: { c in [c.shape("shape")] },
    kernel: { b in
      let node = b.node
      return { _ in
        throw node.error(.missingFeed, "placeholder '\(node.name)' (\(node.outputs[0])) must be fed")
      }
    },
    gradient: .notDifferentiable, cost: Cost.free)
}

extension Graph {
  /// A value fed at run time (`Placeholder`). `nil` dimensions are unknown
  /// (the batch); pass `shape: nil` for an unknown rank.
  ///
  ///     let x = try g.placeholder(.float32, shape: [nil, 784], name: "x")
  public func placeholder(
    _ dtype: DType, shape: [Int?]?, name: String? = nil, file: String = #fileID, line: Int = #line
  ) throws -> Output {
    let s: PartialShape = shape.map { PartialShape($0) } ?? .unknown
    return try build("Placeholder", [], attrs: ["dtype": .type(dtype), "shape": .shape(s)], name: name,
      file: file, line: line)
  }
}

// MARK: - Identity

extension StandardOps {
  static let identity = OpDef(
    "Identity", inputs: ["input: T"], outputs: ["output: T"], attrs: ["T: type"], flags: [.cheap],
    summary: "Returns its input.",
    shape: ShapeRules.unchanged,
    kernel: { _ in { ctx in ctx.setOutput(0, ctx.input(0)) } },
    gradient: .function { c in
      // d identity(x) = dx
      [c.grad]
    },
    cost: Cost.free)
}

extension Graph {
  /// Returns `x` unchanged (`Identity`): a named handle on a value.
  public func identity(_ x: Output, name: String? = nil, file: String = #fileID, line: Int = #line) throws
    -> Output
  {
    try build("Identity", [x], name: name, file: file, line: line)
  }
}

// MARK: - StopGradient

extension StandardOps {
  static let stopGradient = OpDef(
    "StopGradient", inputs: ["input: T"], outputs: ["output: T"], attrs: ["T: type"], flags: [.cheap],
    summary: "Returns its input; gradients do not flow through it.",
    shape: ShapeRules.unchanged,
    kernel: { _ in { ctx in ctx.setOutput(0, ctx.input(0)) } },
    gradient: .notDifferentiable, cost: Cost.free)
}

extension Graph {
  /// Returns `x`, blocking gradients (`StopGradient`).
  public func stopGradient(_ x: Output, name: String? = nil, file: String = #fileID, line: Int = #line) throws
    -> Output
  {
    try build("StopGradient", [x], name: name, file: file, line: line)
  }
}

// MARK: - NoOp

extension StandardOps {
  static let noOp = OpDef(
    "NoOp", outputs: [], flags: [.cheap], summary: "Does nothing; groups control dependencies.",
    shape: ShapeRules.none,
    kernel: { _ in { _ in } },
    gradient: .notDifferentiable, cost: Cost.free)
}

extension Graph {
  /// A node that does nothing but wait for `dependencies` (`NoOp`):
  /// running it runs them all, as `tf.group` does.
  @discardableResult
  public func group(_ dependencies: [Node], name: String? = nil, file: String = #fileID, line: Int = #line)
    throws -> Node
  {
    try addNode(op: "NoOp", controlInputs: dependencies, name: name, site: SourceLocation(fileID: file, line: line))
  }
}
