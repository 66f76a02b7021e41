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
  ///
  /// Pass the op's `other` operand when there is one: it settles axes the
  /// gradient's shape alone cannot (`[?, 10] + [10]` reduces nothing for the
  /// first operand, though the batch size is unknown).
  public func unbroadcast(_ grad: Output, to input: Output, other: Output? = nil) throws -> Output {
    let axes = other.flatMap { Self.staticBroadcastAxes(input: input.shape, other: $0.shape) }
      ?? Self.staticBroadcastAxes(grad: grad.shape, input: input.shape)
    if let axes {
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
    let reduction = try graph.addNode(
      op: "BroadcastGradientArgs", inputs: [inputShape, try graph.shape(of: grad)])
    let summed = try graph.sum(grad, axes: graph.output(reduction, 0), keepDims: false)
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

  /// The same axes from the two operands' shapes: `input` is summed where
  /// it is absent or 1 and the result is not known to be 1; an unknown
  /// dimension of `input` is never a broadcast one when `other` has 1 or
  /// nothing there.
  static func staticBroadcastAxes(input: PartialShape, other: PartialShape) -> (leading: [Int], stretched: [Int])? {
    guard let x = input.dims, let y = other.dims else { return nil }
    let rank = max(x.count, y.count)
    let lead = rank - x.count
    var leading: [Int] = []
    var stretched: [Int] = []
    for i in 0..<rank {
      let dy: Dimension = i < rank - y.count ? 1 : y[i - (rank - y.count)]
      if i < lead {
        leading.append(i)
        continue
      }
      switch (x[i - lead], dy) {
      case (.known(1), .known(1)): continue
      case (.known(1), _): stretched.append(i - lead)
      case (.known, _): continue
      case (.unknown, .known(1)): continue
      case (.unknown, _): return nil
      }
    }
    return (leading, stretched)
  }
}
