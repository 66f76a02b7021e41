// Keras-style configs: a layer as {"class_name", "config"}, a model as its
// layers and their connections (Keras's `get_config` / `from_config`), so a
// saved model can be re-created layer by layer in a fresh context.

/// The full config of `layer`: `{"class_name": …, "config": {…}}` with the
/// engine's members (`name`, `trainable`, `dtype`, `batch_input_shape`).
public func layerConfig(_ layer: any Layer) -> ConfigValue {
  var c = layer.config()
  c["name"] = .string(layer.name)
  c["trainable"] = .bool(layer.state.trainable)
  if c["dtype"] == nil { c["dtype"] = .string("float32") }
  if let shape = layer.state.declaredInputShape, c["batch_input_shape"] == nil {
    c["batch_input_shape"] = .shape([nil] + shape)
  }
  return .object(["class_name": .string(type(of: layer).className), "config": .object(c)])
}

extension Model {
  /// The model's layers and connections, as Keras's `get_config()`
  /// arranges them (with ``layerConfig(_:)`` around it, what `save`
  /// writes).
  public func config() -> [String: ConfigValue] {
    guard let network else { return ["layers": .array([])] }
    if let sequential = self as? Sequential {
      var layers: [ConfigValue] = []
      if let input = sequential.inputs.first?.layer as? InputLayer { layers.append(layerConfig(input)) }
      layers += sequential.layers.map(layerConfig)
      return ["layers": .array(layers)]
    }
    // Node indices relative to this model's calls (Keras's node_conversion_map).
    var relativeIndex: [ObjectIdentifier: Int] = [:]
    for layer in network.layers {
      var k = 0
      for node in layer.state.inboundNodes where network.nodes.contains(ObjectIdentifier(node)) {
        relativeIndex[ObjectIdentifier(node)] = k
        k += 1
      }
    }
    func reference(_ x: KerasTensor) -> [ConfigValue] {
      guard let (layer, nodeIndex, tensorIndex) = x.history else { return [] }
      let node = layer.state.inboundNodes[nodeIndex]
      return [.string(layer.name), .int(relativeIndex[ObjectIdentifier(node)] ?? 0), .int(tensorIndex)]
    }
    var layers: [ConfigValue] = []
    for layer in network.layers {
      var entry: [String: ConfigValue] = [:]
      if case .object(let o) = layerConfig(layer) { entry = o }
      entry["name"] = .string(layer.name)
      var nodes: [ConfigValue] = []
      for node in layer.state.inboundNodes where network.nodes.contains(ObjectIdentifier(node)) && !node.isInput {
        nodes.append(.array(node.inputs.map { .array(reference($0) + [.object([:])]) }))
      }
      entry["inbound_nodes"] = .array(nodes)
      layers.append(.object(entry))
    }
    return [
      "layers": .array(layers),
      "input_layers": .array(inputs.map { .array(reference($0)) }),
      "output_layers": .array(outputs.map { .array(reference($0)) }),
    ]
  }

  /// Re-creates a functional model from its config in the current context.
  convenience init(functionalConfig c: ConfigReader, registry: LayerRegistry) throws {
    guard let layerList = try c.value("layers").arrayValue else {
      throw TensorGraphError(.format, "\(c.context): config member 'layers' must be a list")
    }
    var created: [String: any Layer] = [:]
    var order: [String] = []
    var pending: [String: [[ConfigValue]]] = [:]
    var outputsByNode: [String: [[KerasTensor]]] = [:]
    for entry in layerList {
      let layer = try registry.layer(from: entry)
      created[layer.name] = layer
      order.append(layer.name)
      if let input = layer as? InputLayer { outputsByNode[layer.name] = [[input.output]] }
      let nodes = (entry["inbound_nodes"]?.arrayValue ?? []).map { $0.arrayValue ?? [] }
      if !nodes.isEmpty { pending[layer.name] = nodes }
    }
    func tensor(_ ref: ConfigValue) -> KerasTensor? {
      guard let r = ref.arrayValue, r.count >= 3, let name = r[0].stringValue, let node = r[1].intValue,
        let index = r[2].intValue, let calls = outputsByNode[name], node < calls.count, index < calls[node].count
      else { return nil }
      return calls[node][index]
    }
    // Call layers as their inputs become available (Keras's deferred
    // node processing), in the config's layer order.
    var progress = true
    while !pending.isEmpty && progress {
      progress = false
      for name in order {
        guard var nodes = pending[name], let layer = created[name] else { continue }
        while let first = nodes.first {
          let refs = first
          let inputs = refs.compactMap(tensor)
          guard inputs.count == refs.count, !inputs.isEmpty else { break }
          let out = try layer.apply(inputs, site: nil, scope: nil)
          outputsByNode[name, default: []].append(out)
          nodes.removeFirst()
          progress = true
        }
        pending[name] = nodes.isEmpty ? nil : nodes
      }
    }
    guard pending.isEmpty else {
      throw TensorGraphError(
        .format, "\(c.context): the layers \(pending.keys.sorted()) have inputs no other layer of the config produces")
    }
    func endpoints(_ key: String) throws -> [KerasTensor] {
      let refs = try c.value(key).arrayValue ?? []
      return try refs.map { ref in
        guard let t = tensor(ref) else {
          throw TensorGraphError(.format, "\(c.context): '\(key)' names a tensor no layer produces: \(ref)")
        }
        return t
      }
    }
    try self.init(inputs: try endpoints("input_layers"), outputs: try endpoints("output_layers"), name: try c.string("name"))
  }
}

extension Sequential {
  /// Re-creates a Sequential model from its config in the current context.
  convenience init(sequentialConfig c: ConfigReader, registry: LayerRegistry) throws {
    try self.init(name: try c.string("name"))
    guard let layers = try c.value("layers").arrayValue else {
      throw TensorGraphError(.format, "\(c.context): config member 'layers' must be a list")
    }
    for entry in layers { try add(try registry.layer(from: entry)) }
  }
}
