import Foundation
import TensorGraph

/// What `tg inspect` reports about a graph; encoded as is for `--json`
/// (snake-case keys; a shape is an array with `null` for an unknown
/// dimension, and is left out when even the rank is unknown).
struct GraphReport: Encodable {
  /// A typed value: a placeholder, variable or fetchable output.
  struct Value: Encodable {
    var name: String
    var op: String
    var dtype: String
    var shape: [Int?]?
    /// Parameters of a variable (its element count).
    var parameters: Int?
    var trainable: Bool?
    /// Flops to compute this output (an estimate; see ``FlopsEstimate``).
    var flops: Double?
    /// Whether no node reads the output or waits on its node.
    var sink: Bool?
  }

  /// A node run for its effect.
  struct Target: Encodable {
    var name: String
    var op: String
    var flops: Double
  }

  var file: String
  var weights: String?
  /// Whether the weights file exists (a graph whose constants are all
  /// inline loads without it, but its variables then have no values).
  var weightsFound: Bool
  var nodeCount: Int
  /// Op name → node count.
  var ops: [String: Int]
  var placeholders: [Value]
  var variables: [Value]
  var parameterCount: Int
  var trainableParameterCount: Int
  /// Sinks and the outputs of nodes outside any name scope (`probs`,
  /// `loss`), except constants, placeholders and variables.
  var outputs: [Value]
  /// Nodes without outputs that nothing waits on (`init`, `Adam`).
  var targets: [Target]
  /// The size unknown dimensions were given for the flop estimates.
  var batch: Int
  /// Flops of every node once.
  var totalFlops: Double
  /// Every output of every node (`--all`).
  var allOutputs: [Value]?

  init(_ graph: Graph, file: String, weights: String?, batch: Int, includeAll: Bool) {
    let nodes = graph.nodes
    let estimate = FlopsEstimate(graph, batch: batch)
    self.file = file
    self.weights = weights
    weightsFound = weights.map { FileManager.default.fileExists(atPath: $0) } ?? true
    self.batch = batch
    nodeCount = nodes.count
    ops = nodes.reduce(into: [:]) { $0[$1.op, default: 0] += 1 }
    totalFlops = estimate.total

    func value(_ node: Node, _ index: Int = 0, flops: Bool = false, sink: Bool? = nil) -> Value {
      let type = node.outputs[index]
      let f = flops ? estimate.flops(fetches: [graph.output(node, index)]) : nil
      return Value(
        name: index == 0 ? node.name : "\(node.name):\(index)", op: node.op, dtype: type.dtype.rawValue,
        shape: type.shape.dims?.map(\.value), flops: f.flatMap { $0.unestimated == 0 ? $0.flops : nil }, sink: sink)
    }
    placeholders = nodes.filter { $0.op == "Placeholder" }.map { value($0) }
    let trainable = Set(graph.trainableVariables.map(\.id))
    variables = nodes.filter { $0.op == "VariableV2" }.map { node in
      var v = value(node)
      v.parameters = node.outputs[0].shape.elementCount
      v.trainable = trainable.contains(node.id)
      return v
    }
    parameterCount = variables.reduce(0) { $0 + ($1.parameters ?? 0) }
    trainableParameterCount = variables.filter { $0.trainable == true }.reduce(0) { $0 + ($1.parameters ?? 0) }

    let fetchables = Fetchables(graph)
    outputs = fetchables.outputs.map { value($0.node, $0.index, flops: true, sink: $0.isSink) }
    targets = fetchables.targets.map { Target(name: $0.name, op: $0.op, flops: estimate.flops(targets: [$0]).flops) }
    allOutputs = includeAll ? nodes.flatMap { n in n.outputs.indices.map { value(n, $0) } } : nil
  }
}
