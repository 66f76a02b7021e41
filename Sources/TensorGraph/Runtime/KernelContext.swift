/// What a kernel factory sees at lowering: the node (name, attributes) and
/// the dtypes and partial shapes of its inputs and outputs.
///
/// Factories do all attribute parsing and dtype dispatch here, once, and
/// return a ``KernelFunction`` that does only the per-step work.
public struct KernelBuildContext: AttributeReading {
  /// The node being lowered.
  public let node: Node
  /// Dtypes and partial shapes of the data inputs.
  public let inputs: [TensorType]
  /// Per-session state for stateful kernels (random generators, …).
  public let resources: SessionResources

  /// The node's attributes.
  public var attrs: [String: AttrValue] { node.attrs }
  /// Dtypes and partial shapes of the outputs.
  public var outputs: [TensorType] { node.outputs }

  /// An error saying no kernel exists for this node's dtypes.
  public func unsupported(_ what: String? = nil) -> TensorGraphError {
    node.error(
      .noKernel,
      what ?? "no kernel for input dtypes \(inputs.map(\.dtype.rawValue).joined(separator: ", "))")
  }
}

/// Per-step access for a kernel: its inputs, its outputs, the variables
/// behind its reference inputs, and errors that name the node.
///
/// Cheap to create: a few pointers into the run's frame and the plan.
public struct KernelContext {
  @usableFromInline let values: UnsafeMutablePointer<Tensor?>
  @usableFromInline let inputSlots: UnsafePointer<Int32>
  @usableFromInline let outputSlots: UnsafePointer<Int32>
  /// The number of data inputs.
  public let inputCount: Int
  /// The number of outputs.
  public let outputCount: Int
  @usableFromInline unowned(unsafe) let step: PlanStep

  @usableFromInline
  init(
    values: UnsafeMutablePointer<Tensor?>, inputSlots: UnsafePointer<Int32>, outputSlots: UnsafePointer<Int32>,
    inputCount: Int, outputCount: Int, step: PlanStep
  ) {
    self.values = values
    self.inputSlots = inputSlots
    self.outputSlots = outputSlots
    self.inputCount = inputCount
    self.outputCount = outputCount
    self.step = step
  }

  /// Input `i`'s value. For a reference input this is the variable's
  /// current value.
  @inlinable
  public func input(_ i: Int) -> Tensor {
    values[Int(inputSlots[i])].unsafelyUnwrapped
  }

  /// Sets output `i`.
  @inlinable
  public func setOutput(_ i: Int, _ value: Tensor) {
    values[Int(outputSlots[i])] = value
  }

  /// A new tensor for output `i`, uninitialized: write every element, then
  /// pass it to ``setOutput(_:_:)``.
  @inlinable
  public func allocateOutput(_ i: Int, dtype: DType, shape: [Int]) -> Tensor {
    Tensor(uninitialized: dtype, shape: shape)
  }

  /// The variable behind reference input `i` (a `Ref(T)` argument).
  public func variable(_ i: Int) -> VariableState {
    guard let v = step.variables[i] else {
      preconditionFailure("input \(i) of \(step.node.name) is not a reference input")
    }
    return v
  }

  /// The node this step runs.
  public var node: Node { step.node }

  /// An error about this node, carrying its name, op and creation site.
  public func error(_ reason: TensorGraphError.Reason = .runtime, _ message: String) -> TensorGraphError {
    step.node.error(reason, message)
  }
}

extension Tensor {
  /// The storage as a typed mutable pointer, bypassing copy on write: for
  /// kernels filling a tensor they just allocated.
  @inlinable
  public func unsafeMutablePointer<T: TensorScalar>(as type: T.Type) -> UnsafeMutablePointer<T> {
    assert(T.dtype == dtype, "tensor holds \(dtype), accessed as \(T.self)")
    return buffer.data.assumingMemoryBound(to: T.self)
  }

  /// The storage as a typed read-only pointer.
  @inlinable
  public func unsafePointer<T: TensorScalar>(as type: T.Type) -> UnsafePointer<T> {
    assert(T.dtype == dtype, "tensor holds \(dtype), accessed as \(T.self)")
    return UnsafePointer(buffer.data.assumingMemoryBound(to: T.self))
  }
}
