import Testing
import TensorGraph

/// Compares symbolic gradients with central finite differences, in float64.
///
/// The function under test is built on float64 placeholders; a non-scalar
/// output `y` is reduced to `L = sum(y ⊙ R)` with a fixed random `R`, so every
/// output element contributes with a distinct weight. For every element of
/// every input, the symbolic ∂L/∂x is compared with
/// `(L(x + δ) − L(x − δ)) / 2δ`; the error of one element is
/// `|symbolic − numeric| / max(|symbolic|, |numeric|, 1)`.
public enum GradientChecker {
  /// The largest error per differentiated input.
  ///
  /// - Parameters:
  ///   - inputs: Values of the differentiated inputs (converted to float64).
  ///   - constants: Extra inputs fed as given (labels, indices).
  ///   - delta: The finite-difference step.
  ///   - build: Builds the output from the input placeholders and the
  ///     constant placeholders.
  public static func maxErrors(
    inputs: [Tensor], constants: [Tensor] = [], delta: Double = 1e-6, seed: UInt64 = 17,
    _ build: (Graph, [Output], [Output]) throws -> Output
  ) throws -> [Double] {
    let g = Graph()
    let xs = try inputs.enumerated().map { i, t in
      try g.placeholder(.float64, shape: t.shape.map { Optional($0) }, name: "x\(i)")
    }
    let cs = try constants.enumerated().map { i, t in
      try g.placeholder(t.dtype, shape: t.shape.map { Optional($0) }, name: "c\(i)")
    }
    let y = try build(g, xs, cs)
    guard y.dtype == .float64 else {
      throw TensorGraphError(.dtypeMismatch, "the checked function must return float64, got \(y.dtype)")
    }
    let session = Session(graph: g)
    var feeds: [Output: Tensor] = [:]
    let values = inputs.map { t in Tensor.f64(t.doubles(), t.shape) }
    for (x, v) in zip(xs, values) { feeds[x] = v }
    for (c, v) in zip(cs, constants) { feeds[c] = v }
    // Weights for the output elements (the shape is known once it runs).
    let yShape = try session.run(y, feeds: feeds).shape
    var rng = TestRandom(seed: seed)
    let weights = try g.constant(Tensor.f64(rng.uniform(yShape.reduce(1, *), in: 0.5...1.5), yShape), name: "weights")
    let loss = try g.sum(try g.multiply(y, weights))
    let grads = try g.gradients(of: loss, with: xs, unconnected: .zero)
    let symbolic = try session.run(fetches: grads.map { $0! }, feeds: feeds)

    var errors: [Double] = []
    for (i, x) in xs.enumerated() {
      var maxError = 0.0
      var base = values[i].doubles()
      let analytic = symbolic[i].doubles()
      for j in base.indices {
        let original = base[j]
        base[j] = original + delta
        feeds[x] = Tensor.f64(base, values[i].shape)
        let plus = try session.run(loss, feeds: feeds).doubles()[0]
        base[j] = original - delta
        feeds[x] = Tensor.f64(base, values[i].shape)
        let minus = try session.run(loss, feeds: feeds).doubles()[0]
        base[j] = original
        let numeric = (plus - minus) / (2 * delta)
        let error = abs(analytic[j] - numeric) / max(abs(analytic[j]), abs(numeric), 1)
        maxError = max(maxError, error.isNaN ? .infinity : error)
      }
      feeds[x] = values[i]
      errors.append(maxError)
    }
    return errors
  }
}

/// Expects the symbolic gradients of `build` to match finite differences
/// within `tolerance` for every input (see ``GradientChecker``).
public func expectGradientsMatch(
  inputs: [Tensor], constants: [Tensor] = [], tolerance: Double = 1e-4, delta: Double = 1e-6,
  sourceLocation: Testing.SourceLocation = #_sourceLocation,
  _ build: (Graph, [Output], [Output]) throws -> Output
) {
  do {
    let errors = try GradientChecker.maxErrors(inputs: inputs, constants: constants, delta: delta, build)
    for (i, e) in errors.enumerated() {
      #expect(e <= tolerance, "input \(i): max relative gradient error \(e) > \(tolerance)", sourceLocation: sourceLocation)
    }
  } catch {
    Issue.record("gradient check failed to run: \(error)", sourceLocation: sourceLocation)
  }
}
