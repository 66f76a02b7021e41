import Testing
import TensorGraph

/// What the placeholders of a graph built for
/// ``expectGradientsIndependentOfStaticShapes(inputs:constants:hiding:hideConstants:tolerance:sourceLocation:_:)``
/// tell shape inference.
public enum ShapeHiding: Sendable {
  /// The inputs' shapes, fully known.
  case none
  /// The rank, with every dimension unknown (`[nil, nil]`).
  case dimensions
  /// Nothing: an unknown rank.
  case rank

  /// The placeholder shape for a value of shape `shape`.
  func placeholderShape(_ shape: [Int]) -> [Int?]? {
    switch self {
    case .none: return shape.map { Optional($0) }
    case .dimensions: return shape.map { _ in nil }
    case .rank: return nil
    }
  }
}

extension GradientChecker {
  /// The symbolic gradients of `L = sum(y ⊙ R)` (with the checker's fixed
  /// random `R`) with respect to each input, `y` built on float64
  /// placeholders that show shape inference as much as `hiding` says.
  /// Returns the values and the graph (to inspect the nodes built).
  public static func symbolicGradients(
    inputs: [Tensor], constants: [Tensor] = [], hiding: ShapeHiding = .none, hideConstants: Bool = false,
    seed: UInt64 = 17, _ build: (Graph, [Output], [Output]) throws -> Output
  ) throws -> (gradients: [Tensor], graph: Graph) {
    let g = Graph()
    let xs = try inputs.enumerated().map { i, t in
      try g.placeholder(.float64, shape: hiding.placeholderShape(t.shape), name: "x\(i)")
    }
    let cs = try constants.enumerated().map { i, t in
      try g.placeholder(t.dtype, shape: (hideConstants ? hiding : .none).placeholderShape(t.shape), name: "c\(i)")
    }
    let y = try build(g, xs, cs)
    let session = Session(graph: g)
    var feeds: [Output: Tensor] = [:]
    for (x, v) in zip(xs, inputs) { feeds[x] = Tensor.f64(v.doubles(), v.shape) }
    for (c, v) in zip(cs, constants) { feeds[c] = v }
    let yShape = try session.run(y, feeds: feeds).shape
    var rng = TestRandom(seed: seed)
    let weights = try g.constant(Tensor.f64(rng.uniform(yShape.reduce(1, *), in: 0.5...1.5), yShape), name: "weights")
    let loss = try g.sum(try g.multiply(y, weights))
    let grads = try g.gradients(of: loss, with: xs, unconnected: .zero)
    return (try session.run(fetches: grads.map { $0! }, feeds: feeds), g)
  }
}

/// Expects the symbolic gradients of `build` to come out the same when the
/// graph is built on placeholders that hide the inputs' shapes (`hiding`)
/// as when it is built on fully known shapes. Gradient functions take
/// in-graph Shape paths only for unknown shapes, which the
/// finite-difference checker's static placeholders never reach; pair this
/// with ``expectGradientsMatch(inputs:constants:tolerance:delta:sourceLocation:_:)``
/// on the static graph. Returns the graph built with hidden shapes.
@discardableResult
public func expectGradientsIndependentOfStaticShapes(
  inputs: [Tensor], constants: [Tensor] = [], hiding: ShapeHiding = .dimensions, hideConstants: Bool = false,
  tolerance: Double = 1e-12, sourceLocation: Testing.SourceLocation = #_sourceLocation,
  _ build: (Graph, [Output], [Output]) throws -> Output
) -> Graph? {
  do {
    let known = try GradientChecker.symbolicGradients(inputs: inputs, constants: constants, build).gradients
    let (hidden, graph) = try GradientChecker.symbolicGradients(
      inputs: inputs, constants: constants, hiding: hiding, hideConstants: hideConstants, build)
    for (i, (a, b)) in zip(hidden, known).enumerated() {
      #expect(a.shape == b.shape, "input \(i): gradient shape \(a.shape) != \(b.shape)", sourceLocation: sourceLocation)
      expectClose(a, b.doubles(), tolerance: tolerance, sourceLocation: sourceLocation)
    }
    return graph
  } catch {
    Issue.record("gradient comparison failed to run: \(error)", sourceLocation: sourceLocation)
    return nil
  }
}
