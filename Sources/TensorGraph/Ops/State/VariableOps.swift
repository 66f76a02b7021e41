// Variables with TensorFlow 1.x ref semantics: VariableV2 holds state in the
// session; Assign, AssignAdd and AssignSub update it in place.

// MARK: - VariableV2

extension StandardOps {
  static let variableV2 = OpDef(
    "VariableV2", outputs: ["ref: Ref(dtype)"],
    attrs: ["shape: shape", "dtype: type", "container: string = ''", "shared_name: string = ''"],
    flags: [.stateful, .cheap],
    summary: "Holds state that persists across runs; read it, or update it with Assign and the Apply ops.",
    shape: { c in [c.shape("shape")] },
    kernel: { b in
      let state = b.resources.variable(for: b.node)
      let node = b.node
      return { ctx in
        guard let value = state.value else {
          throw node.error(
            .uninitializedVariable,
            "attempting to use uninitialized variable '\(node.name)': run its initializer (\(node.name)/Assign) or the global variables initializer first")
        }
        ctx.setOutput(0, value)
      }
    },
    gradient: .notDifferentiable, cost: Cost.free)
}

// MARK: - Assign

extension StandardOps {
  static let assign = OpDef(
    "Assign", inputs: ["ref: Ref(T)", "value: T"], outputs: ["output_ref: Ref(T)"],
    attrs: ["T: type", "validate_shape: bool = true", "use_locking: bool = true"],
    flags: [.stateful, .cheap],
    summary: "Sets a variable to a value; outputs the variable.",
    shape: { c in
      guard c.bool("validate_shape") else { return [c.shape(1)] }
      guard let merged = c.shape(0).merged(with: c.shape(1)) else {
        throw c.error("cannot assign a value of shape \(c.shape(1)) to a variable of shape \(c.shape(0))")
      }
      return [merged]
    },
    kernel: { b in
      let declared = b.inputs[0].shape
      let validate = b.bool("validate_shape")
      return { ctx in
        let value = ctx.input(1)
        if validate && !declared.accepts(value.shape) {
          throw ctx.error(
            .shapeMismatch, "cannot assign a value of shape \(value.shape) to a variable of shape \(declared)")
        }
        ctx.setOutput(0, ctx.variable(0).assign(value))
      }
    },
    gradient: .notDifferentiable, cost: { c in Cost(flops: 0, bytes: c.inputBytes) })
}

// MARK: - AssignAdd / AssignSub

extension StandardOps {
  static func assignUpdate(_ name: String, _ sign: Double) -> OpDef {
    OpDef(
      name, inputs: ["ref: Ref(T)", "value: T"], outputs: ["output_ref: Ref(T)"],
      attrs: ["T: {float32, float64, int32, int64}", "use_locking: bool = false"],
      flags: [.stateful, .cheap],
      summary: "Updates a variable by \(sign > 0 ? "adding" : "subtracting") a value of its shape, in place; outputs the variable.",
      shape: { c in
        guard let merged = c.shape(0).merged(with: c.shape(1)) else {
          throw c.error("value of shape \(c.shape(1)) does not match the variable's shape \(c.shape(0))")
        }
        return [merged]
      },
      kernel: { b in
        func make<T: TensorSignedScalar>(_: T.Type) -> KernelFunction {
          { ctx in
            let variable = ctx.variable(0)
            let value = ctx.input(1)
            guard let current = variable.value else {
              throw ctx.error(.uninitializedVariable, "attempting to update uninitialized variable '\(variable.name)'")
            }
            guard current.shape == value.shape else {
              throw ctx.error(
                .shapeMismatch, "value of shape \(value.shape) does not match the variable's shape \(current.shape)")
            }
            let p = current.unsafeMutablePointer(as: T.self), q = value.unsafePointer(as: T.self)
            if sign > 0 {
              for i in 0..<current.scalarCount { p[i] += q[i] }
            } else {
              for i in 0..<current.scalarCount { p[i] -= q[i] }
            }
            ctx.setOutput(0, current)
          }
        }
        switch b.inputs[1].dtype {
        case .float32: return lockingWhenAsked(b, make(Float.self))
        case .float64: return lockingWhenAsked(b, make(Double.self))
        case .int32: return lockingWhenAsked(b, make(Int32.self))
        case .int64: return lockingWhenAsked(b, make(Int64.self))
        default: throw b.unsupported()
        }
      },
      gradient: .notDifferentiable)
  }

  static let assignAdd = assignUpdate("AssignAdd", 1)
  static let assignSub = assignUpdate("AssignSub", -1)
}

// MARK: - Builders

/// A variable built by ``Graph/variable(_:name:trainable:file:line:)``: the
/// `VariableV2` node, its initializer, and a read of its value — the nodes
/// TensorFlow 1.x's `tf.Variable` creates (`w`, `w/Assign`, `w/read`).
public struct Variable: Sendable {
  /// The `VariableV2` node.
  public let node: Node
  /// The reference output, for update ops (`Assign`, `ApplyAdam`, …).
  public let ref: Output
  /// `Identity` of the variable: use it to read the value in computations.
  public let value: Output
  /// The `Assign` node that sets the initial value.
  public let initializer: Node
  /// Whether optimizers update it.
  public let trainable: Bool
}

extension Graph {
  /// Creates a variable initialized to `initialValue` (a tensor or an
  /// initializer's output), as `tf.Variable` does in graph mode: a
  /// `VariableV2` node named `name`, `name/Assign` setting it from
  /// `initialValue`, and `name/read`. It joins the global variables and, if
  /// `trainable`, the trainable variables collection.
  public func variable(
    _ initialValue: Output, name: String, trainable: Bool = true, file: String = #fileID, line: Int = #line
  ) throws -> Variable {
    let scope = withNameScope(name) { currentScope }
    return try makeVariable(scope: scope, initialValue: initialValue, trainable: trainable, file: file, line: line)
  }

  /// Creates a variable initialized to a constant tensor (stored as a
  /// `name/initial_value` Const).
  public func variable(
    _ initialValue: Tensor, name: String, trainable: Bool = true, file: String = #fileID, line: Int = #line
  ) throws -> Variable {
    let scope = withNameScope(name) { currentScope }
    let initial = try withNameScope(scope + "/") {
      try constant(initialValue, name: "initial_value", file: file, line: line)
    }
    return try makeVariable(scope: scope, initialValue: initial, trainable: trainable, file: file, line: line)
  }

  /// The variable node takes the (already unique) scope's name itself, as
  /// TensorFlow names a variable after its name scope.
  private func makeVariable(
    scope: String, initialValue: Output, trainable: Bool, file: String, line: Int
  ) throws -> Variable {
    let site = SourceLocation(fileID: file, line: line)
    let variable = try addNode(
      op: "VariableV2", attrs: ["shape": .shape(initialValue.shape), "dtype": .type(initialValue.dtype)],
      name: scope, exactName: true, site: site)
    let ref = output(variable, 0)
    let (initializer, read) = try withNameScope(scope + "/") {
      (try addNode(op: "Assign", inputs: [ref, initialValue], name: "Assign", site: site),
       try build("Identity", [ref], name: "read", file: file, line: line))
    }
    addToCollection(CollectionKey.globalVariables, variable)
    if trainable { addToCollection(CollectionKey.trainableVariables, variable) }
    return Variable(node: variable, ref: ref, value: read, initializer: initializer, trainable: trainable)
  }

  /// The global variables (`VariableV2` nodes created by
  /// ``variable(_:name:trainable:file:line:)``, or added to the collection).
  public var globalVariables: [Node] { collection(CollectionKey.globalVariables) }

  /// The trainable variables.
  public var trainableVariables: [Node] { collection(CollectionKey.trainableVariables) }

  /// A `NoOp` named `init` that runs every global variable's initializer
  /// (`tf.compat.v1.global_variables_initializer`).
  public func globalVariablesInitializer(name: String = "init", file: String = #fileID, line: Int = #line) throws
    -> Node
  {
    let initializers = globalVariables.compactMap { v in
      consumers(of: v.id).map { node(at: $0) }.first { $0.op == "Assign" && $0.name == v.name + "/Assign" }
    }
    return try group(initializers, name: name, file: file, line: line)
  }

  /// `Assign(ref, value)`: sets a variable; returns the updated reference.
  public func assign(
    _ ref: Output, _ value: Output, validateShape: Bool = true, name: String? = nil, file: String = #fileID,
    line: Int = #line
  ) throws -> Output {
    try build("Assign", [ref, value], attrs: ["validate_shape": .bool(validateShape)], name: name, file: file,
      line: line)
  }

  /// `AssignAdd(ref, value)`: adds in place. With `useLocking` the update
  /// holds the variable's update lock, so concurrent runs never lose one
  /// another's updates; without it (TensorFlow's default) they may.
  public func assignAdd(
    _ ref: Output, _ value: Output, useLocking: Bool = false, name: String? = nil, file: String = #fileID,
    line: Int = #line
  ) throws -> Output {
    try build("AssignAdd", [ref, value], attrs: ["use_locking": .bool(useLocking)], name: name, file: file, line: line)
  }

  /// `AssignSub(ref, value)`: subtracts in place. With `useLocking` the update
  /// holds the variable's update lock, so concurrent runs never lose one
  /// another's updates; without it (TensorFlow's default) they may.
  public func assignSub(
    _ ref: Output, _ value: Output, useLocking: Bool = false, name: String? = nil, file: String = #fileID,
    line: Int = #line
  ) throws -> Output {
    try build("AssignSub", [ref, value], attrs: ["use_locking": .bool(useLocking)], name: name, file: file, line: line)
  }
}
