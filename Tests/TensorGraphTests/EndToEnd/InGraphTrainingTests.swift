import Foundation
import Testing
import TensorGraph
import TensorGraphTestSupport

/// The gradient issue's acceptance checks: MLPs trained in the graph
/// (symbolic gradients, fused Adam updates) reach ≥ 99% training accuracy.
@Suite struct InGraphTrainingTests {
  /// An MLP with ReLU hidden layers and softmax cross-entropy, trained by
  /// `optimizer` on full batches; returns the final training accuracy.
  func train(
    inputs: [[Double]], labels: [Int32], hidden: [Int], steps: Int, optimizer: any Optimizer, activation: String = "relu"
  ) throws -> Double {
    let g = Graph()
    g.randomSeed = 7
    let x = try g.placeholder(.float32, shape: [nil, inputs[0].count], name: "x")
    let y = try g.placeholder(.int32, shape: [nil], name: "y")
    var h = x
    var width = inputs[0].count
    for (i, units) in (hidden + [2]).enumerated() {
      let w = try g.variable("w\(i)", shape: [width, units], initializer: .glorotUniform)
      let b = try g.variable("b\(i)", shape: [units], initializer: .zeros)
      h = try g.biasAdd(try g.matMul(h, w.value), b.value)
      if i < hidden.count { h = activation == "tanh" ? try g.tanh(h) : try g.relu(h) }
      width = units
    }
    let (xent, _) = try g.sparseSoftmaxCrossEntropyWithLogits(logits: h, labels: y)
    let loss = try g.mean(xent)
    let trainOp = try optimizer.minimize(loss)
    let predictions = try g.argMax(h, axis: 1, outputType: .int32)
    let correct = try g.mean(try g.cast(try g.equal(predictions, y), to: .float32))
    let session = Session(graph: g)
    try session.run(targets: [try g.globalVariablesInitializer()])
    let feeds: [Output: Tensor] = [
      x: try Tensor(shape: [inputs.count, inputs[0].count], scalars: inputs.flatMap { $0 }.map { Float($0) }),
      y: Tensor(labels),
    ]
    let firstLoss = try session.run(loss, feeds: feeds).doubles()[0]
    for _ in 0..<steps { try session.run(targets: [trainOp], feeds: feeds) }
    let lastLoss = try session.run(loss, feeds: feeds).doubles()[0]
    #expect(lastLoss < firstLoss)
    return try session.run(correct, feeds: feeds).doubles()[0]
  }

  @Test func xorWithAdam() throws {
    let accuracy = try train(
      inputs: [[0, 0], [0, 1], [1, 0], [1, 1]], labels: [0, 1, 1, 0], hidden: [8], steps: 300,
      optimizer: AdamOptimizer(learningRate: 0.05), activation: "tanh")
    #expect(accuracy == 1)
  }

  @Test func twoSpiralsWithAdam() throws {
    // Two interleaved spirals of 100 points each (the classic benchmark
    // that a linear model cannot separate).
    var points: [[Double]] = []
    var labels: [Int32] = []
    for i in 0..<100 {
      let t = Double(i) / 100 * 3 * .pi + 0.5
      let r = t / (3 * .pi + 0.5)
      points.append([r * cos(t), r * sin(t)])
      labels.append(0)
      points.append([-r * cos(t), -r * sin(t)])
      labels.append(1)
    }
    let accuracy = try train(
      inputs: points, labels: labels, hidden: [64, 64], steps: 1500, optimizer: AdamOptimizer(learningRate: 0.01))
    #expect(accuracy >= 0.99, "training accuracy \(accuracy)")
  }
}
