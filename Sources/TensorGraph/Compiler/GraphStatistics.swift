/// Size and estimated work of a graph: what a ``PassReport`` compares
/// before and after each pass.
///
/// FLOPs and bytes come from each op's cost function (``OpDef/cost(_:)``)
/// on concrete shapes, with unknown dimensions filled in by a batch size;
/// nodes whose shapes stay unknown (unknown rank) count nothing and are
/// counted in ``unestimatedNodes``.
public struct GraphStatistics: Sendable, Hashable {
  /// Number of nodes.
  public var nodes: Int
  /// Number of data edges plus control edges.
  public var edges: Int
  /// Estimated floating-point operations of running every node once.
  public var flops: Double
  /// Estimated bytes read and written by running every node once.
  public var bytes: Double
  /// Bytes held by `Const` nodes.
  public var constantBytes: Int
  /// Nodes whose cost could not be estimated (unknown ranks).
  public var unestimatedNodes: Int
  /// Peak bytes of a run of the kept outputs and nodes, when measured.
  public var peakBytes: Int?

  /// Counts `graph`, filling unknown dimensions with `batchSize`.
  public init(_ graph: Graph, batchSize: Int = 32) {
    let all = graph.nodes
    nodes = all.count
    edges = all.reduce(0) { $0 + $1.inputs.count + $1.controlInputs.count }
    var flops = 0.0, bytes = 0.0, constants = 0, unknown = 0
    func concrete(_ t: TensorType) -> (dtype: DType, shape: [Int])? {
      guard let dims = t.shape.dims else { return nil }
      return (t.dtype, dims.map { $0.value ?? batchSize })
    }
    for node in all {
      if node.op == "Const", case .tensor(let t)? = node.attrs["value"] { constants += t.byteCount }
      let ins = node.inputs.map { all[$0.node].outputs[$0.index] }.map(concrete)
      let outs = node.outputs.map(concrete)
      guard ins.allSatisfy({ $0 != nil }), outs.allSatisfy({ $0 != nil }) else {
        unknown += 1
        continue
      }
      let cost = node.def.cost(CostContext(attrs: node.attrs, inputs: ins.map { $0! }, outputs: outs.map { $0! }))
      flops += cost.flops
      bytes += cost.bytes
    }
    self.flops = flops
    self.bytes = bytes
    constantBytes = constants
    unestimatedNodes = unknown
    peakBytes = nil
  }
}
