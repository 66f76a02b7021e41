/// A symbolic handle to one output of one node in a graph (TensorFlow's
/// `tf.Tensor` in graph mode), named `node:index`.
///
/// Builder methods and operators on outputs add nodes to the same graph:
///
///     let logits = try g.matMul(x, w) + b
public struct Output: Hashable, Sendable, CustomStringConvertible {
  /// The graph holding the producer.
  public let graph: Graph
  /// The producer node's id.
  public let nodeID: Int
  /// Which output of the producer.
  public let index: Int

  /// Creates a handle. `nodeID` must be a node of `graph`.
  public init(graph: Graph, nodeID: Int, index: Int) {
    self.graph = graph
    self.nodeID = nodeID
    self.index = index
  }

  /// The producing node.
  public var node: Node { graph.node(at: nodeID) }
  /// The inferred dtype.
  public var dtype: DType { node.outputs[index].dtype }
  /// The inferred partial shape.
  public var shape: PartialShape { node.outputs[index].shape }
  /// The tensor name, `node:index` (TensorFlow's `x:0`).
  public var name: String { "\(node.name):\(index)" }
  /// The producer's reference form.
  public var ref: TensorRef { TensorRef(node: nodeID, index: index) }

  public var description: String { "\(name) \(dtype)\(shape)" }

  public static func == (lhs: Output, rhs: Output) -> Bool {
    lhs.graph === rhs.graph && lhs.nodeID == rhs.nodeID && lhs.index == rhs.index
  }

  public func hash(into hasher: inout Hasher) {
    hasher.combine(ObjectIdentifier(graph))
    hasher.combine(nodeID)
    hasher.combine(index)
  }
}
