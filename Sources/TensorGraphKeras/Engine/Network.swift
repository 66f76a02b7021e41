/// The topology of a functional model: its layer calls ordered by depth
/// and its layers in Keras's order (a port of Keras's `_map_graph_network`).
struct Network {
  /// The calls that belong to the model.
  var nodes: Set<ObjectIdentifier>
  /// Calls by depth (0 = outputs), each list in discovery order.
  var nodesByDepth: [Int: [LayerNode]]
  /// Layers from inputs to outputs: by decreasing depth, ties in the order
  /// a depth-first walk from the outputs first met them.
  var layers: [any Layer]

  /// Maps the calls between `inputs` and `outputs`.
  ///
  /// - Throws: ``TensorGraphError`` for a tensor with no layer history, a
  ///   graph that does not connect the outputs to the inputs, or two layers
  ///   with one name.
  init(inputs: [KerasTensor], outputs: [KerasTensor]) throws {
    var finished = Set<ObjectIdentifier>()
    var inProgress = Set<ObjectIdentifier>()
    var ordered: [LayerNode] = []
    var layerIndex: [ObjectIdentifier: Int] = [:]

    func visit(_ tensor: KerasTensor) throws {
      guard let (layer, nodeIndex, _) = tensor.history else {
        throw TensorGraphError(
          .invalidArgument,
          "tensor '\(tensor.output.node.name)' was not produced by a Keras layer: build models from Input(shape:) and layer calls")
      }
      let node = layer.state.inboundNodes[nodeIndex]
      let id = ObjectIdentifier(node)
      if finished.contains(id) { return }
      if inProgress.contains(id) {
        throw TensorGraphError(.invalidArgument, "layer '\(layer.name)' is part of a cycle")
      }
      if layerIndex[ObjectIdentifier(layer)] == nil { layerIndex[ObjectIdentifier(layer)] = layerIndex.count }
      inProgress.insert(id)
      for x in node.inputs { try visit(x) }
      finished.insert(id)
      inProgress.remove(id)
      ordered.append(node)
    }
    for x in outputs { try visit(x) }

    var nodeDepth: [ObjectIdentifier: Int] = [:]
    var layerDepth: [ObjectIdentifier: Int] = [:]
    var layerOf: [ObjectIdentifier: any Layer] = [:]
    var depthOrder: [ObjectIdentifier] = []  // nodes in the order depths were first set
    var layerOrder: [ObjectIdentifier] = []
    var nodeOf: [ObjectIdentifier: LayerNode] = [:]
    func setNodeDepth(_ node: LayerNode, _ depth: Int) {
      let id = ObjectIdentifier(node)
      if nodeDepth[id] == nil { depthOrder.append(id) }
      nodeDepth[id] = depth
      nodeOf[id] = node
    }
    for node in ordered.reversed() {
      let id = ObjectIdentifier(node)
      var depth = nodeDepth[id] ?? 0
      if nodeDepth[id] == nil { setNodeDepth(node, 0) }
      let lid = ObjectIdentifier(node.layer)
      depth = max(depth, layerDepth[lid] ?? 0)
      if layerDepth[lid] == nil { layerOrder.append(lid) }
      layerDepth[lid] = depth
      layerOf[lid] = node.layer
      setNodeDepth(node, depth)
      for x in node.inputs {
        guard let (parent, index, _) = x.history else { continue }
        let parentNode = parent.state.inboundNodes[index]
        setNodeDepth(parentNode, max(depth + 1, nodeDepth[ObjectIdentifier(parentNode)] ?? 0))
      }
    }
    for x in inputs {
      guard let (layer, _, _) = x.history, let input = layer as? InputLayer else {
        throw TensorGraphError(
          .invalidArgument,
          "model inputs must come from Input(shape:), but '\(x.output.node.name)' was produced by a layer")
      }
      let lid = ObjectIdentifier(input)
      if layerDepth[lid] == nil {
        layerDepth[lid] = 0
        layerOrder.append(lid)
        layerOf[lid] = input
        layerIndex[lid] = -1
        setNodeDepth(input.state.inboundNodes[0], 0)
      }
    }

    var byDepth: [Int: [LayerNode]] = [:]
    for id in depthOrder { byDepth[nodeDepth[id]!, default: []].append(nodeOf[id]!) }
    var layersByDepth: [Int: [ObjectIdentifier]] = [:]
    for lid in layerOrder { layersByDepth[layerDepth[lid]!, default: []].append(lid) }
    var layers: [any Layer] = []
    for depth in layersByDepth.keys.sorted(by: >) {
      // Stable sort by first traversal index, as Python's list.sort.
      let ids = layersByDepth[depth]!.enumerated().sorted {
        (layerIndex[$0.element]!, $0.offset) < (layerIndex[$1.element]!, $1.offset)
      }
      layers += ids.map { layerOf[$0.element]! }
    }

    // Every call must be computable from the inputs.
    var computable = Set(inputs.map(ObjectIdentifier.init))
    var done: [String] = []
    for depth in byDepth.keys.sorted(by: >) {
      for node in byDepth[depth]! where !node.isInput {
        for x in node.inputs where !computable.contains(ObjectIdentifier(x)) {
          throw TensorGraphError(
            .invalidArgument,
            "Graph disconnected: cannot obtain value for tensor '\(x.output.node.name)' at layer \"\(node.layer.name)\". The following previous layers were accessed without issue: \(done)")
        }
        computable.formUnion(node.outputIDs)
        done.append(node.layer.name)
      }
    }
    var names = Set<String>()
    for layer in layers where !names.insert(layer.name).inserted {
      throw TensorGraphError(
        .invalidArgument, "The name \"\(layer.name)\" is used 2 times in the model. All layer names should be unique.")
    }
    self.nodes = Set(nodeDepth.keys)
    self.nodesByDepth = byDepth
    self.layers = layers
  }

  /// Calls that are not inputs, from the inputs to the outputs.
  var computeOrder: [LayerNode] {
    nodesByDepth.keys.sorted(by: >).flatMap { nodesByDepth[$0]!.filter { !$0.isInput } }
  }
}
