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
/// behind its reference inputs, intra-op parallelism, and errors that name
/// the node.
///
/// Cheap to create: a few pointers into the run's frame and the plan.
public struct KernelContext {
  unowned(unsafe) let frame: RunFrame
  unowned(unsafe) let step: PlanStep
  let inputSlots: UnsafePointer<Int32>
  let outputSlots: UnsafePointer<Int32>

  init(frame: RunFrame, step: PlanStep, inputSlots: UnsafePointer<Int32>, outputSlots: UnsafePointer<Int32>) {
    self.frame = frame
    self.step = step
    self.inputSlots = inputSlots
    self.outputSlots = outputSlots
  }

  /// The number of data inputs.
  public var inputCount: Int { step.inputCount }
  /// The number of outputs.
  public var outputCount: Int { step.outputCount }

  /// Input `i`'s value. For a reference input this is the variable's
  /// current value.
  @inline(__always)
  public func input(_ i: Int) -> Tensor {
    frame.values[Int(inputSlots[i])].unsafelyUnwrapped
  }

  /// Input `i`, taken over by this kernel when it is the value's only
  /// consumer (so that ``allocateOutput(_:dtype:shape:reusing:)`` can write
  /// into its buffer); otherwise the same as ``input(_:)``. Call it once per
  /// input, before ``input(_:)`` for the same input.
  @inline(__always)
  public func consumeInput(_ i: Int) -> Tensor {
    if frame.reusesInputs && step.consumable[i] {
      return frame.values[Int(inputSlots[i])].take().unsafelyUnwrapped
    }
    return input(i)
  }

  /// Sets output `i`.
  @inline(__always)
  public func setOutput(_ i: Int, _ value: Tensor) {
    frame.values[Int(outputSlots[i])] = value
  }

  /// A new tensor for output `i`, uninitialized: write every element, then
  /// pass it to ``setOutput(_:_:)``. Its buffer comes from the plan's
  /// recycled buffers when one of the right size is free.
  @inline(__always)
  public func allocateOutput(_ i: Int, dtype: DType, shape: [Int]) -> Tensor {
    let count = shape.reduce(1, *)
    return Tensor(dtype: dtype, shape: shape, buffer: frame.allocate(count * dtype.byteSize))
  }

  /// A tensor of `dtype` and `shape` backed by `input`'s buffer, when
  /// writing into it is safe: the kernel took `input` over with
  /// ``consumeInput(_:)``, nothing else holds it, and it has the same dtype
  /// and element count. `nil` otherwise. Elementwise kernels use it to run
  /// in place; they must read each input element before writing the output
  /// element at the same index.
  @inline(__always)
  public func reusing(_ input: inout Tensor, dtype: DType, shape: [Int]) -> Tensor? {
    guard frame.reusesInputs, input.dtype == dtype, input.shape == shape || input.scalarCount == shape.reduce(1, *),
      input.isUniquelyOwned()
    else { return nil }
    return Tensor(dtype: dtype, shape: shape, buffer: input.buffer)
  }

  /// ``reusing(_:dtype:shape:)`` or, failing that, a new output tensor.
  @inline(__always)
  public func allocateOutput(_ i: Int, dtype: DType, shape: [Int], reusing input: inout Tensor) -> Tensor {
    reusing(&input, dtype: dtype, shape: shape) ?? allocateOutput(i, dtype: dtype, shape: shape)
  }

  /// Splits `count` elements into chunks of at least `grain` (sized from
  /// `count` alone) and runs `body` on each, in parallel when there are
  /// several and threads to spare.
  @inline(__always)
  public func forEachChunk(count: Int, grain: Int, _ body: (Range<Int>) -> Void) {
    let chunks = Swift.min(count / Swift.max(grain, 1), 64)
    if chunks < 2 || frame.threadLimit < 2 {
      body(0..<count)
      return
    }
    let size = (count + chunks - 1) / chunks
    parallelFor(chunks: chunks) { c in
      body((c * size)..<Swift.min(count, (c + 1) * size))
    }
  }

  /// Runs `body` with `count` elements of uninitialized scratch memory of
  /// type `T` (im2col buffers, partial sums). The memory comes from the
  /// plan's recycled buffers and returns there afterwards.
  @inline(__always)
  public func withTemporary<T: TensorScalar, R>(
    _ type: T.Type, count: Int, _ body: (UnsafeMutablePointer<T>) throws -> R
  ) rethrows -> R {
    let buffer = frame.plan.buffers.take(count * MemoryLayout<T>.stride)
    defer { frame.plan.buffers.put(buffer) }
    return try body(buffer.data.bindMemory(to: T.self, capacity: count))
  }

  /// The variable behind reference input `i` (a `Ref(T)` argument).
  public func variable(_ i: Int) -> VariableState {
    guard let v = step.variables[i] else {
      preconditionFailure("input \(i) of \(step.node.name) is not a reference input")
    }
    return v
  }

  /// How many threads this kernel may use for intra-op parallelism.
  public var threadLimit: Int { frame.threadLimit }

  /// Runs `body(chunk)` for `chunk` in `0..<chunks` on up to
  /// ``threadLimit`` threads borrowed from the ``ComputePool``. Chunk
  /// boundaries must depend only on the data size (never on the thread
  /// count), and results combined in chunk order, so that outputs are
  /// bitwise identical however many threads run.
  @inline(__always)
  public func parallelFor(chunks: Int, _ body: (Int) -> Void) {
    ComputePool.shared.parallelFor(chunks: chunks, limit: frame.threadLimit, body)
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
  @inline(__always)
  public func unsafeMutablePointer<T: TensorScalar>(as type: T.Type) -> UnsafeMutablePointer<T> {
    assert(T.dtype == dtype, "tensor holds \(dtype), accessed as \(T.self)")
    return buffer.data.assumingMemoryBound(to: T.self)
  }

  /// The storage as a typed read-only pointer.
  @inline(__always)
  public func unsafePointer<T: TensorScalar>(as type: T.Type) -> UnsafePointer<T> {
    assert(T.dtype == dtype, "tensor holds \(dtype), accessed as \(T.self)")
    return UnsafePointer(buffer.data.assumingMemoryBound(to: T.self))
  }
}
