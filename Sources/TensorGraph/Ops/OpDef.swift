/// Properties of an op that passes and the scheduler rely on.
public struct OpFlags: OptionSet, Sendable, Hashable {
  public let rawValue: Int
  public init(rawValue: Int) { self.rawValue = rawValue }

  /// Has effects beyond its outputs or gives different outputs for the same
  /// inputs (variables, random ops): never folded, deduplicated or pruned
  /// by rule.
  public static let stateful = OpFlags(rawValue: 1 << 0)
  /// Computes each output element from the same-position input elements
  /// (after broadcasting); candidates for fusion and in-place execution.
  public static let elementwise = OpFlags(rawValue: 1 << 1)
  /// Inputs may be swapped without changing the result.
  public static let commutative = OpFlags(rawValue: 1 << 2)
  /// So cheap that the scheduler runs it inline rather than dispatching it.
  public static let cheap = OpFlags(rawValue: 1 << 3)
}

/// Computes the partial shape of every output from the inputs' types and
/// the node's attributes; throws when they do not fit the op.
public typealias ShapeFunction = @Sendable (ShapeContext) throws -> [PartialShape]

/// Builds a node's kernel once, at lowering: reads attributes, picks the
/// dtype-specialized loop, and returns the function that runs per step.
public typealias KernelFactory = @Sendable (KernelBuildContext) throws -> KernelFunction

/// Runs one step of a node: reads inputs from the context and sets every
/// output.
public typealias KernelFunction = @Sendable (KernelContext) throws -> Void

/// Builds the gradient nodes of one node: given upstream gradients of its
/// outputs, returns one gradient per data input (`nil`: none).
public typealias GradientFunction = @Sendable (GradientContext) throws -> [Output?]

/// Estimates the work of one node from concrete shapes.
public typealias CostFunction = @Sendable (CostContext) -> Cost

/// Whether and how an op is differentiated.
public enum GradientRule: Sendable {
  /// No gradient is registered yet: asking for one throws.
  case undefined
  /// The op stops gradients (integer outputs, StopGradient, comparisons).
  case notDifferentiable
  /// The gradient nodes are built by this function.
  case function(GradientFunction)
}

/// An estimate of a node's work.
public struct Cost: Sendable, Hashable {
  /// Floating-point operations (a multiply-add counts as two).
  public var flops: Double
  /// Bytes read from inputs plus bytes written to outputs.
  public var bytes: Double

  /// Creates an estimate.
  public init(flops: Double, bytes: Double) {
    self.flops = flops
    self.bytes = bytes
  }
}

/// Everything about one op in one place: signature with dtype constraints,
/// attributes with defaults, shape function, kernel, gradient and cost.
///
/// Op and attribute names are TensorFlow's wherever TensorFlow has the op,
/// so graphs compare with and translate from TensorFlow's:
///
///     OpDef("MatMul",
///           inputs: ["a: T", "b: T"], outputs: ["product: T"],
///           attrs: ["T: {float32, float64, int32, int64}",
///                   "transpose_a: bool = false", "transpose_b: bool = false"],
///           shape: matMulShape, kernel: matMulKernel, cost: matMulCost)
public final class OpDef: Sendable, CustomStringConvertible {
  /// The op type name, as nodes and serialized graphs spell it.
  public let name: String
  /// Input arguments in order.
  public let inputs: [ArgDef]
  /// Output arguments in order.
  public let outputs: [ArgDef]
  /// Attributes with their kinds, defaults and constraints.
  public let attrs: [AttrDef]
  /// Properties for passes and the scheduler.
  public let flags: OpFlags
  /// One-line description.
  public let summary: String
  /// Output shapes from input types and attributes.
  public let shapeFunction: ShapeFunction
  /// The CPU kernel factory; `nil` for ops that never run (none today).
  public let kernel: KernelFactory?
  /// The gradient rule.
  public let gradient: GradientRule
  /// The cost estimate; `nil` uses ``defaultCost(_:)``.
  public let costFunction: CostFunction?
  /// The source file that defines the op and names its kernel, as
  /// `#filePath` gives it; the op catalog prints it from `Sources/` on
  /// (`Sources/TensorGraph/Ops/Math/MatMul.swift`).
  public let sourceFile: String

  /// Defines an op. Signature strings follow TensorFlow's `REGISTER_OP`
  /// syntax; a malformed one is a programming error and traps when the
  /// registry is built (the registry test builds it). `file` is the
  /// defining file; helpers that build several similar ops pass their
  /// caller's.
  public init(
    _ name: String,
    inputs: [String] = [],
    outputs: [String],
    attrs: [String] = [],
    flags: OpFlags = [],
    summary: String = "",
    shape: @escaping ShapeFunction,
    kernel: KernelFactory?,
    gradient: GradientRule = .undefined,
    cost: CostFunction? = nil,
    file: String = #filePath
  ) {
    self.name = name
    self.inputs = inputs.map(ArgDef.init(parsing:))
    self.outputs = outputs.map(ArgDef.init(parsing:))
    self.attrs = attrs.map(AttrDef.init(parsing:))
    self.flags = flags
    self.summary = summary
    self.shapeFunction = shape
    self.kernel = kernel
    self.gradient = gradient
    self.costFunction = cost
    self.sourceFile = file
  }

  /// The attribute definition named `name`.
  public func attr(named name: String) -> AttrDef? {
    attrs.first { $0.name == name }
  }

  /// Whether the op is stateful.
  public var isStateful: Bool { flags.contains(.stateful) }

  /// The estimated cost of a node with these concrete shapes.
  public func cost(_ context: CostContext) -> Cost {
    costFunction?(context) ?? OpDef.defaultCost(context)
  }

  /// One flop per output element; every input and output byte moved once.
  public static func defaultCost(_ c: CostContext) -> Cost {
    let outElements = c.outputs.reduce(0.0) { $0 + CostContext.elements($1.shape) }
    return Cost(flops: outElements, bytes: c.inputBytes + c.outputBytes)
  }

  public var description: String {
    let ins = inputs.map(\.name).joined(separator: ", ")
    let outs = outputs.map(\.name).joined(separator: ", ")
    return "\(name)(\(ins)) -> (\(outs))"
  }
}

extension Cost {
  /// No arithmetic and no data movement: constants, placeholders, variable
  /// reads, identities, `NoOp` (their outputs alias existing storage).
  public static let free: CostFunction = { _ in Cost(flops: 0, bytes: 0) }
}

/// Concrete shapes and attributes handed to a cost function.
public struct CostContext: AttributeReading, Sendable {
  /// The node's attributes.
  public let attrs: [String: AttrValue]
  /// Input dtypes and concrete shapes.
  public let inputs: [(dtype: DType, shape: [Int])]
  /// Output dtypes and concrete shapes.
  public let outputs: [(dtype: DType, shape: [Int])]

  /// Creates a context.
  public init(attrs: [String: AttrValue], inputs: [(dtype: DType, shape: [Int])], outputs: [(dtype: DType, shape: [Int])]) {
    self.attrs = attrs
    self.inputs = inputs
    self.outputs = outputs
  }

  /// Bytes of all inputs (in floating point: estimates must not overflow).
  public var inputBytes: Double { inputs.reduce(0) { $0 + Self.elements($1.shape) * Double($1.dtype.byteSize) } }
  /// Bytes of all outputs.
  public var outputBytes: Double { outputs.reduce(0) { $0 + Self.elements($1.shape) * Double($1.dtype.byteSize) } }

  /// The number of elements of `shape`, in floating point.
  public static func elements(_ shape: [Int]) -> Double { shape.reduce(1.0) { $0 * Double($1) } }
}
