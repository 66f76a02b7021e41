import Foundation
import Testing
import TensorGraph
import TensorGraphTestSupport

/// The foundation issue's acceptance check: softmax(x·W + b) for a fed x,
/// against values computed here in Double with plain loops.
@Suite struct SoftmaxRegressionTests {
  @Test(arguments: [DType.float32, .float64])
  func softmaxOfAffineMatchesIndependentComputation(dtype: DType) throws {
    let (batch, inputs, classes) = (5, 7, 4)
    var rng = TestRandom(seed: 2024)
    let xs = rng.uniform(batch * inputs, in: -2...2)
    let ws = rng.uniform(inputs * classes, in: -1...1)
    let bs = rng.uniform(classes, in: -0.5...0.5)
    func tensor(_ v: [Double], _ s: [Int]) -> Tensor { dtype == .float32 ? .f32(v, s) : .f64(v, s) }

    let g = Graph()
    let x = try g.placeholder(dtype, shape: [nil, inputs], name: "x")
    let w = try g.variable(tensor(ws, [inputs, classes]), name: "W")
    let b = try g.variable(tensor(bs, [classes]), name: "b")
    let logits = try g.biasAdd(try g.matMul(x, w.value), b.value, name: "logits")
    let probs = try g.softmax(logits, name: "probs")
    #expect(probs.shape == [.unknown, .known(classes)])
    let session = Session(graph: g)
    try session.run(targets: [try g.globalVariablesInitializer()])
    let result = try session.run(probs, feeds: [x: tensor(xs, [batch, inputs])])

    var expected: [Double] = []
    for r in 0..<batch {
      var z = (0..<classes).map { j in bs[j] + (0..<inputs).reduce(0.0) { $0 + xs[r * inputs + $1] * ws[$1 * classes + j] } }
      let m = z.max()!
      z = z.map { Foundation.exp($0 - m) }
      let total = z.reduce(0, +)
      expected += z.map { $0 / total }
    }
    expectClose(result, expected, shape: [batch, classes], tolerance: 1e-5)
  }
}
