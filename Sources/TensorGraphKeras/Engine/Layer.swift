/// A Keras layer: a reusable piece of a model that creates its weights once
/// and adds its computation to the graph each time it is called.
///
/// Layers are an open set: a new layer is a class conforming to `Layer`
/// that implements ``build(_:in:)`` (its weights) and ``call(_:in:)`` (its
/// ops), and is listed in ``LayerRegistry/standard`` so saved models can
/// re-create it.
///
///     public final class Scale: Layer {
///       public static let className = "Scale"
///       public let state: LayerState
///       private var factor: Variable?
///       public init(name: String? = nil) { state = LayerState(Self.self, name: name) }
///       public func build(_ shapes: [PartialShape], in b: BuildContext) throws {
///         factor = try b.addWeight("factor", shape: [], initializer: .ones)
///       }
///       public func call(_ inputs: [Output], in c: CallContext) throws -> [Output] {
///         [try c.graph.multiply(inputs[0], factor!.value)]
///       }
///     }
///
/// Calling a layer on ``KerasTensor``s (`Dense(10)(x)`) builds it on first
/// use and adds its ops under its name as a graph name scope
/// (`dense/MatMul`, `dense/BiasAdd`), with weights `dense/kernel`,
/// `dense/bias`.
public protocol Layer: AnyObject {
  /// The Keras class name, shown in summaries and saved configs (`Dense`).
  static var className: String { get }

  /// Bookkeeping every layer has: name, weights, calls.
  var state: LayerState { get }

  /// The number of inputs a call takes (default `1...1`; merge layers
  /// take two or more).
  var inputCountRange: ClosedRange<Int> { get }

  /// Creates the layer's weights for inputs of these shapes (batch
  /// dimension first, unknown). Runs once, inside the layer's name scope.
  /// Default: no weights.
  func build(_ inputShapes: [PartialShape], in context: BuildContext) throws

  /// Adds the layer's computation on `inputs` to the graph and returns its
  /// outputs. Runs inside the layer's name scope at every call.
  func call(_ inputs: [Output], in context: CallContext) throws -> [Output]

  /// The layer's own config members (`units`, `activation`, …) for saving;
  /// `name`, `trainable`, `dtype` and `batch_input_shape` are added by the
  /// engine. Default: none.
  func config() -> [String: ConfigValue]
}

// MARK: - Default implementations

extension Layer {
  public var inputCountRange: ClosedRange<Int> { 1...1 }
  public func build(_ inputShapes: [PartialShape], in context: BuildContext) throws {}
  public func config() -> [String: ConfigValue] { [:] }

  /// The layer's name (`dense_1`), unique among the layers of its context.
  public var name: String { state.name }

  /// Every weight, trainable first in creation order (Keras's `weights`).
  public var weights: [Variable] { trainableWeights + nonTrainableWeights }

  /// Weights an optimizer updates (none when ``LayerState/trainable`` is
  /// off), own weights first, then those of nested layers.
  public var trainableWeights: [Variable] {
    guard state.trainable else { return [] }
    return uniqueVariables(state.ownWeights.filter(\.trainable) + state.nestedLayers.flatMap(\.trainableWeights))
  }

  /// Weights no optimizer updates.
  public var nonTrainableWeights: [Variable] {
    if !state.trainable {
      return uniqueVariables(state.ownWeights + state.nestedLayers.flatMap(\.weights))
    }
    return uniqueVariables(
      state.ownWeights.filter { !$0.trainable } + state.nestedLayers.flatMap(\.nonTrainableWeights))
  }

  /// The number of scalars in the layer's weights (Keras's `count_params()`).
  public func countParams() -> Int {
    weights.reduce(0) { $0 + ($1.ref.shape.elementCount ?? 0) }
  }

  /// Whether the layer has created its weights.
  public var isBuilt: Bool { state.isBuilt }

  /// The current values of the layer's weights, in ``weights`` order.
  public func getWeights() throws -> [Tensor] {
    try weights.map { try state.context.value(of: $0) }
  }

  /// Sets the layer's weights (same order, dtypes and shapes as
  /// ``weights``).
  public func setWeights(_ values: [Tensor]) throws {
    let w = weights
    guard values.count == w.count else {
      throw TensorGraphError(
        .invalidArgument,
        "layer '\(name)' has \(w.count) weight(s) but \(values.count) value(s) were given")
    }
    for (v, t) in zip(w, values) { try state.context.assign(v, t) }
  }

  /// Calls the layer on one symbolic tensor.
  ///
  /// - Throws: ``TensorGraphError`` when the input's shape does not fit the
  ///   layer, or it belongs to another context.
  public func callAsFunction(_ input: KerasTensor, file: String = #fileID, line: Int = #line) throws -> KerasTensor {
    let out = try apply([input], site: SourceLocation(fileID: file, line: line))
    guard out.count == 1 else {
      throw TensorGraphError(.invalidArgument, "layer '\(name)' has \(out.count) outputs; call it with apply(_:)")
    }
    return out[0]
  }

  /// Calls the layer on several symbolic tensors (merge layers: `Add()([a, b])`).
  public func callAsFunction(_ inputs: [KerasTensor], file: String = #fileID, line: Int = #line) throws
    -> KerasTensor
  {
    let out = try apply(inputs, site: SourceLocation(fileID: file, line: line))
    guard out.count == 1 else {
      throw TensorGraphError(.invalidArgument, "layer '\(name)' has \(out.count) outputs; call it with apply(_:)")
    }
    return out[0]
  }

  /// Calls the layer on symbolic tensors and returns every output.
  public func apply(_ inputs: [KerasTensor], site: SourceLocation? = nil) throws -> [KerasTensor] {
    try apply(inputs, site: site, scope: nil)
  }

  /// The engine's call: checks, builds on first use, adds ops under the
  /// layer's scope, and records the call.
  func apply(_ inputs: [KerasTensor], site: SourceLocation?, scope: String?) throws -> [KerasTensor] {
    let kind = type(of: self).className
    guard inputCountRange.contains(inputs.count) else {
      let want =
        inputCountRange.lowerBound == inputCountRange.upperBound
        ? "\(inputCountRange.lowerBound)" : "at least \(inputCountRange.lowerBound)"
      throw TensorGraphError(
        .invalidArgument, "layer '\(name)' (\(kind)) takes \(want) input(s) but was called on \(inputs.count)",
        site: site)
    }
    let graph = state.context.graph
    for x in inputs where x.graph !== graph {
      throw TensorGraphError(
        .invalidArgument,
        "layer '\(name)' was created in a different KerasContext than its input '\(x.output.node.name)'; create layers and inputs in one context",
        site: site)
    }
    if let declared = state.declaredInputShape, inputs.count == 1 {
      try checkInputShape(inputs[0].shape, expected: Shape.batched(declared), site: site)
    }
    let shapes = inputs.map(\.shape)
    let updates = UpdateCollector()
    func body() throws -> [Output] {
      try graph.withNameScope(scope ?? name) {
        if !state.isBuilt {
          try build(shapes, in: BuildContext(layer: state, graph: graph))
          state.isBuilt = true
        }
        return try call(inputs.map(\.output), in: CallContext(context: state.context, updates: updates))
      }
    }
    let outputs = try site.map { try graph.withSourceLocation($0, body) } ?? body()
    let index = state.inboundNodes.count
    let wrapped = outputs.enumerated().map { KerasTensor($1, history: (self, index, $0)) }
    let node = LayerNode(layer: self, inputs: inputs, outputs: wrapped)
    node.updates = updates.nodes
    state.inboundNodes.append(node)
    return wrapped
  }

  /// Checks `shape` against the shape the layer expects (Keras's
  /// `input_spec` check).
  func checkInputShape(_ shape: PartialShape, expected: PartialShape, site: SourceLocation?) throws {
    guard shape.isCompatible(with: expected) else {
      throw TensorGraphError(
        .shapeMismatch,
        "Input 0 of layer \"\(name)\" is incompatible with the layer: expected shape=\(Shape.tupleDescription(expected)), found shape=\(Shape.tupleDescription(shape))",
        site: site)
    }
  }
}

/// What every layer keeps: its name and context, its weights, whether it
/// is built, and its calls (Keras's inbound nodes).
public final class LayerState {
  /// The layer's name.
  public let name: String
  /// The context the layer builds in (current when it was created).
  public let context: KerasContext
  /// Whether an optimizer may update its weights (Keras's `trainable`);
  /// set it before `compile`.
  public var trainable = true
  /// The input shape given at construction, without the batch dimension
  /// (`inputShape: [28, 28]`): calls are checked against it, and a
  /// `Sequential` model whose first layer has one builds at once.
  public let declaredInputShape: [Int?]?
  /// Whether the weights exist.
  public internal(set) var isBuilt = false
  /// The weights this layer created itself.
  public internal(set) var ownWeights: [Variable] = []
  /// Layers whose weights count as this layer's (a model's layers).
  var nestedLayers: [any Layer] = []
  /// One record per call, in call order.
  var inboundNodes: [LayerNode] = []

  /// Creates the state of a new layer of class `type`, named `name` or
  /// automatically (`dense`, `dense_1`, … per context), in the current
  /// ``KerasContext``.
  ///
  /// - Parameter inputShape: The input shape without the batch dimension.
  public init<L: Layer>(_ type: L.Type, name: String? = nil, inputShape: [Int?]? = nil) {
    context = KerasContext.current
    self.name = LayerState.makeName(name, className: L.className, in: context)
    declaredInputShape = inputShape
  }

  /// Creates the state with a name chosen by the caller's own rule
  /// (`input_1`, `model`).
  init(exactName: String, context: KerasContext, inputShape: [Int?]? = nil) {
    self.context = context
    name = exactName
    declaredInputShape = inputShape
  }

  static func makeName(_ name: String?, className: String, in context: KerasContext) -> String {
    if let name {
      KerasNaming.reserve(name, in: context.graph)
      return name
    }
    return KerasNaming.uniqueName(KerasNaming.snakeCase(className), in: context.graph)
  }
}

/// One call of a layer: the symbolic inputs it received and the outputs it
/// produced (Keras's `Node`).
final class LayerNode {
  unowned let layer: any Layer
  let inputs: [KerasTensor]
  let outputIDs: [ObjectIdentifier]
  let outputShapes: [PartialShape]
  /// Ops the call registered to run with every training step (moving
  /// statistics), including those of a nested model's layers.
  var updates: [Node] = []

  init(layer: any Layer, inputs: [KerasTensor], outputs: [KerasTensor]) {
    self.layer = layer
    self.inputs = inputs
    outputIDs = outputs.map(ObjectIdentifier.init)
    outputShapes = outputs.map(\.shape)
  }

  /// An input layer's node has no inputs.
  var isInput: Bool { inputs.isEmpty }
}

/// What ``Layer/build(_:in:)`` gets: the graph and a way to add weights.
public struct BuildContext {
  let layer: LayerState
  /// The graph the layer builds in.
  public let graph: Graph

  /// Creates a weight named `<layer>/<name>` (`dense/kernel`) with Keras's
  /// initializer nodes (`dense/kernel/Initializer/random_uniform`); it is
  /// initialized before the model next runs.
  @discardableResult
  public func addWeight(
    _ name: String, shape: [Int], initializer: Initializer, trainable: Bool = true, dtype: DType = .float32
  ) throws -> Variable {
    let v = try graph.variable(name, shape: shape, initializer: initializer, dtype: dtype, trainable: trainable)
    layer.context.registerInitializer(v.initializer)
    layer.ownWeights.append(v)
    return v
  }
}

/// What ``Layer/call(_:in:)`` gets: the graph, the learning phase, and a
/// place to register training-time updates.
public struct CallContext {
  let context: KerasContext
  let updates: UpdateCollector
  /// The graph to add ops to.
  public var graph: Graph { context.graph }
  /// The scalar boolean `keras_learning_phase`: `true` only while `fit`
  /// trains. Layers that behave differently in training select on it.
  public var learningPhase: Output {
    get throws { try context.learningPhase }
  }

  /// Registers `node` (an `Assign` of a moving average, say) to run with
  /// every training step of models containing this call: `compile` adds
  /// it to the train op, so it runs in the same session run as the
  /// optimizer's updates (Keras's `add_update`).
  public func addUpdate(_ node: Node) {
    updates.nodes.append(node)
  }
}

/// The updates a layer call registers.
final class UpdateCollector {
  var nodes: [Node] = []
}

/// `variables` without repeats (a layer shared by two nested models),
/// first occurrence kept.
func uniqueVariables(_ variables: [Variable]) -> [Variable] {
  var seen = Set<Int>()
  return variables.filter { seen.insert($0.node.id).inserted }
}
