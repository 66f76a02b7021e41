import TensorGraph

/// Estimated floating-point operations of running parts of a graph, from
/// the ops' cost functions on concrete shapes: every unknown dimension is
/// taken to be `batch`.
struct FlopsEstimate {
  /// The size given to unknown dimensions.
  let batch: Int
  private let graph: Graph
  /// Per node id; `nil` when a shape has unknown rank.
  private let perNode: [Double?]

  /// Ops that do no arithmetic but have no cost function in the registry:
  /// `OpDef.defaultCost` would count one flop per output element (a
  /// 100,000-element constant would "cost" 100,000 flops). They count as
  /// zero here unless the registry gives them a cost function.
  static let noArithmetic: Set<String> = [
    "Const", "Placeholder", "VariableV2", "Identity", "StopGradient", "NoOp", "Assign",
  ]

  init(_ graph: Graph, batch: Int) {
    self.graph = graph
    self.batch = batch
    let nodes = graph.nodes
    perNode = nodes.map { node in
      if node.def.costFunction == nil && Self.noArithmetic.contains(node.op) { return 0 }
      func concrete(_ t: TensorType) -> (dtype: DType, shape: [Int])? {
        t.shape.dims.map { (t.dtype, $0.map { $0.value ?? batch }) }
      }
      let inputs = node.inputs.map { concrete(nodes[$0.node].outputs[$0.index]) }
      let outputs = node.outputs.map(concrete)
      guard inputs.allSatisfy({ $0 != nil }), outputs.allSatisfy({ $0 != nil }) else { return nil }
      let context = CostContext(attrs: node.attrs, inputs: inputs.map { $0! }, outputs: outputs.map { $0! })
      return node.def.cost(context).flops
    }
  }

  /// Flops of every node.
  var total: Double { perNode.reduce(0) { $0 + ($1 ?? 0) } }

  /// Flops of the nodes a run of `fetches` and `targets` executes, and how
  /// many of them could not be estimated (unknown rank).
  func flops(fetches: [Output] = [], targets: [Node] = []) -> (flops: Double, unestimated: Int) {
    var sum = 0.0, unknown = 0
    for id in graph.subgraph(fetches: fetches, targets: targets) {
      if let f = perNode[id] { sum += f } else { unknown += 1 }
    }
    return (sum, unknown)
  }
}
