/// What a gradient function sees: the forward node, handles on its inputs
/// and outputs, and the upstream gradient of each output.
///
/// Gradient functions build nodes with the ordinary builder API; the math
/// goes in a comment, and forward outputs are reused where the math allows
/// (d exp(x) = exp(x)).
public struct GradientContext: AttributeReading {
  /// The graph receiving the gradient nodes.
  public let graph: Graph
  /// The forward node being differentiated.
  public let node: Node
  /// The node's data inputs.
  public let inputs: [Output]
  /// The node's outputs.
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

  /// The upstream gradient of output 0. A gradient function runs only when
  /// some output has one; single-output ops can rely on this.
  public var grad: Output {
    guard let g = upstream[0] else { preconditionFailure("\(node.name): no upstream gradient for output 0") }
    return g
  }

  /// Input `i` (`x`, `y`, …).
  public func input(_ i: Int) -> Output { inputs[i] }

  /// Output `i` of the forward node.
  public func output(_ i: Int) -> Output { outputs[i] }

  /// Sums `grad` — shaped like a broadcasting op's output — over the axes
  /// along which `input` was broadcast, giving `input`'s shape
  /// (TensorFlow's `reduce_sum(grad, rx)` + `reshape` after
  /// `BroadcastGradientArgs`). When the shapes settle the axes at graph
  /// time this adds at most two `Sum` nodes (none when nothing was
  /// broadcast); otherwise the axes are computed in the graph.
  public func unbroadcast(_ grad: Output, to input: Output) throws -> Output {
    if let axes = Self.staticBroadcastAxes(grad: grad.shape, input: input.shape) {
      var g = grad
      if !axes.leading.isEmpty {
        g = try graph.sum(g, axes: axes.leading, keepDims: false)
      }
      if !axes.stretched.isEmpty {
        g = try graph.sum(g, axes: axes.stretched, keepDims: true)
      }
      return g
    }
    let inputShape = try graph.shape(of: input)
    let axes = try graph.addNode(
      op: "BroadcastGradientArgs", inputs: [inputShape, try graph.shape(of: grad)])
    let summed = try graph.sum(grad, axes: graph.output(axes, 0), keepDims: false)
    return try graph.reshape(summed, shape: inputShape)
  }

  /// The axes of `grad` to sum for an input of shape `input`: the leading
  /// axes `input` lacks, and (numbered after those are removed) the axes
  /// where `input` has size 1. `nil` when that depends on run-time sizes.
  static func staticBroadcastAxes(grad: PartialShape, input: PartialShape) -> (leading: [Int], stretched: [Int])? {
    guard let g = grad.dims, let x = input.dims, g.count >= x.count else { return nil }
    let lead = g.count - x.count
    var stretched: [Int] = []
    for i in 0..<x.count {
      switch (x[i], g[lead + i]) {
      case (.known(1), .known(1)): continue
      case (.known(1), _): stretched.append(i)  // summing a size-1 axis is harmless
      case (.known, _): continue
      case (.unknown, .known(1)): continue
      case (.unknown, _): return nil
      }
    }
    return (Array(0..<lead), stretched)
  }
}
