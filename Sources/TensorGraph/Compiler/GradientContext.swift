/// What a gradient function sees: the forward node, handles on its inputs
/// and outputs, and the upstream gradient of each output.
public struct GradientContext: AttributeReading {
  /// The graph receiving the gradient nodes.
  public let graph: Graph
  /// The forward node being differentiated.
  public let node: Node
  /// The node's data inputs.
  public let inputs: [Output]
  /// The node's outputs (reuse them where the math allows: d exp(x) = exp(x)).
  public let outputs: [Output]
  /// The gradient flowing into each output; `nil` where none flows.
  public let upstream: [Output?]

  /// Creates a context.
  public init(graph: Graph, node: Node, inputs: [Output], outputs: [Output], upstream: [Output?]) {
    self.graph = graph
    self.node = node
    self.inputs = inputs
    self.outputs = outputs
    self.upstream = upstream
  }

  /// The forward node's attributes.
  public var attrs: [String: AttrValue] { node.attrs }
}
