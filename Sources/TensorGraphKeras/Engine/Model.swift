/// A Keras model: layers connected from inputs to outputs, trained with
/// ``compile(optimizer:loss:metrics:)`` and ``fit(_:_:batchSize:epochs:verbose:callbacks:validationSplit:validationData:shuffle:initialEpoch:)``.
///
/// The functional API builds one from symbolic tensors:
///
///     let inputs = try Input(shape: [32, 32, 3])
///     var x = try Flatten()(inputs)
///     x = try Dense(200, activation: "relu")(x)
///     let outputs = try Dense(10, activation: "softmax")(x)
///     let model = try Model(inputs: inputs, outputs: outputs)
///     model.summary()
///
/// A model is an ordinary TensorGraph graph underneath (``graph``): each
/// layer call added its ops under the layer's name, so the graph holds
/// `dense/kernel`, `dense/MatMul`, `dense/Relu`, …. A model is also a
/// ``Layer``: calling it on symbolic tensors reuses its layers and weights
/// (`Sequential([model, Softmax()])`), and calling it on a batch computes
/// its outputs (`model(x.rows(0..<1))`).
public class Model: Layer {
  /// `Functional` (Keras 2's class for models built from inputs and outputs).
  public class var className: String { "Functional" }

  public let state: LayerState
  /// The model's symbolic inputs (placeholders).
  public internal(set) var inputs: [KerasTensor] = []
  /// The model's symbolic outputs.
  public internal(set) var outputs: [KerasTensor] = []
  var network: Network?
  var compiled: CompiledModel?
  var pendingCompile: PendingCompile?
  /// The copy `save` builds its graph from, with the structure it was made for.
  var exportCache: (key: [ObjectIdentifier], model: Model)?
  /// Where progress bars and messages go (standard output by default).
  public var console = Console.standard
  /// Set by a callback (EarlyStopping) to end `fit` after this epoch.
  public var stopTraining = false

  /// A functional model from `inputs` to `outputs`.
  ///
  /// - Throws: ``TensorGraphError`` when an output does not depend only on
  ///   the inputs ("Graph disconnected"), an input is not an
  ///   ``Input(shape:batchSize:name:dtype:)``, or two layers share a name.
  public init(inputs: [KerasTensor], outputs: [KerasTensor], name: String? = nil) throws {
    guard !inputs.isEmpty, !outputs.isEmpty else {
      throw TensorGraphError(.invalidArgument, "a model needs at least one input and one output")
    }
    let context = KerasContext.current
    state = LayerState(exactName: LayerState.makeName(name, className: "Model", in: context), context: context)
    try setNetwork(inputs: inputs, outputs: outputs)
  }

  /// A functional model with one input and one output.
  public convenience init(inputs: KerasTensor, outputs: KerasTensor, name: String? = nil) throws {
    try self.init(inputs: [inputs], outputs: [outputs], name: name)
  }

  /// A model not yet connected (``Sequential`` before it knows its input).
  init(unbuiltNamed name: String?, className: String) {
    let context = KerasContext.current
    state = LayerState(exactName: LayerState.makeName(name, className: className, in: context), context: context)
  }

  /// Sets the model's inputs and outputs and maps its layers.
  func setNetwork(inputs: [KerasTensor], outputs: [KerasTensor]) throws {
    for x in inputs + outputs where x.graph !== state.context.graph {
      throw TensorGraphError(
        .invalidArgument,
        "the tensors of model '\(name)' belong to a different KerasContext than the one current when it was created")
    }
    let network = try Network(inputs: inputs, outputs: outputs)
    self.inputs = inputs
    self.outputs = outputs
    self.network = network
    state.nestedLayers = network.layers.filter { !($0 is InputLayer) }
    state.isBuilt = true
  }

  // MARK: - Layers

  /// The model's layers in Keras's order: input layers first for a
  /// functional model; a ``Sequential`` model lists the layers it was given.
  public var layers: [any Layer] { network?.layers ?? [] }

  /// The layer named `name`.
  ///
  /// - Throws: when the model has no such layer (suggesting close names).
  public func getLayer(_ name: String) throws -> any Layer {
    guard let layer = layers.first(where: { $0.name == name }) else {
      throw unknownNameError("layer", name, known: layers.map(\.name))
    }
    return layer
  }

  /// The graph the model is built in.
  public var graph: Graph { state.context.graph }

  /// The session holding the model's weights (shared with the other models
  /// of its ``KerasContext``).
  public var session: Session { state.context.session }

  /// The model's context.
  public var context: KerasContext { state.context }

  /// The network, or an error saying the model must be built first.
  func requireNetwork(_ what: String) throws -> Network {
    guard let network else {
      throw TensorGraphError(
        .invalidArgument,
        "This model has not yet been built. Build the model first by calling `build(inputShape:)` or by calling the model on a batch of data (needed for \(what)).")
    }
    return network
  }

  // MARK: - Calling on symbolic tensors

  public var inputCountRange: ClosedRange<Int> { max(1, inputs.count)...max(1, inputs.count) }

  /// Re-applies the model's layers to new inputs (weights shared), under
  /// the model's name scope (`sequential/dense/MatMul`).
  public func call(_ newInputs: [Output], in context: CallContext) throws -> [Output] {
    let network = try requireNetwork("calling it")
    guard newInputs.count == inputs.count else {
      throw TensorGraphError(
        .invalidArgument, "model '\(name)' takes \(inputs.count) input(s) but was called on \(newInputs.count)")
    }
    var values: [ObjectIdentifier: KerasTensor] = [:]
    for (original, new) in zip(inputs, newInputs) {
      try checkInputShape(new.shape, expected: original.shape, site: nil)
      values[ObjectIdentifier(original)] = KerasTensor(new, history: nil)
    }
    for node in network.computeOrder {
      let args = try node.inputs.map { x -> KerasTensor in
        guard let v = values[ObjectIdentifier(x)] else {
          throw TensorGraphError(.invalidArgument, "model '\(name)': layer '\(node.layer.name)' has an input the model does not compute")
        }
        return v
      }
      let results = try node.layer.apply(args, site: nil, scope: nil)
      for u in node.layer.state.inboundNodes.last?.updates ?? [] { context.addUpdate(u) }
      for (id, r) in zip(node.outputIDs, results) { values[id] = r }
    }
    return try outputs.map { x in
      guard let v = values[ObjectIdentifier(x)] else {
        throw TensorGraphError(.invalidArgument, "model '\(name)': output '\(x.output.node.name)' is not computed")
      }
      return v.output
    }
  }

  /// The training-time updates of the model's layer calls.
  var updates: [Node] {
    guard let network else { return [] }
    return network.computeOrder.flatMap(\.updates)
  }

  /// Builds the model for data of shape `shape` (batch first) if it is not
  /// built yet (``Sequential`` defers building until it sees data).
  func ensureBuilt(forDataShape shape: [Int]) throws {}
}
