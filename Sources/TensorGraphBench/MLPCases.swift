import Foundation
import TensorGraph

/// The multilayer perceptrons of the seed programs, built from raw ops:
/// training steps (forward, gradients, Adam) and inference.
public enum MLPBenchmarks {
  /// A built MLP and its session, ready to run.
  public struct Model: Sendable {
    public let graph: Graph
    public let session: Session
    public let x: Output
    public let labels: Output
    public let logits: Output
    public let loss: Output
    public let train: Node
  }

  /// Builds `784 → hidden… → 10` with ReLU, softmax cross-entropy and Adam,
  /// and initializes it.
  public static func build(hidden: [Int], options: SessionOptions = SessionOptions()) throws -> Model {
    let g = Graph()
    g.randomSeed = 1
    let x = try g.placeholder(.float32, shape: [nil, 784], name: "x")
    let labels = try g.placeholder(.int32, shape: [nil], name: "labels")
    var h = x
    var width = 784
    for (i, units) in (hidden + [10]).enumerated() {
      let name = i == 0 ? "dense" : "dense_\(i)"
      h = try g.withNameScope(name) {
        let w = try g.variable("kernel", shape: [width, units], initializer: .glorotUniform)
        let b = try g.variable("bias", shape: [units], initializer: .zeros)
        let z = try g.biasAdd(try g.matMul(h, w.value), b.value)
        return i == hidden.count ? z : try g.relu(z)
      }
      width = units
    }
    let (xent, _) = try g.sparseSoftmaxCrossEntropyWithLogits(logits: h, labels: labels)
    let loss = try g.mean(xent, name: "loss")
    let train = try AdamOptimizer(epsilon: 1e-7).minimize(loss)
    let session = Session(graph: g, options: options)
    try session.run(targets: [try g.globalVariablesInitializer()])
    return Model(graph: g, session: session, x: x, labels: labels, logits: h, loss: loss, train: train)
  }

  /// Multiply-adds of the forward pass per example, times 2.
  static func forwardFlops(_ hidden: [Int]) -> Double {
    let widths = [784] + hidden + [10]
    return zip(widths, widths.dropFirst()).reduce(0) { $0 + 2 * Double($1.0 * $1.1) }
  }

  /// Training flops per example: forward, plus the weight gradient of every
  /// layer and the input gradient of every layer but the first.
  static func trainFlops(_ hidden: [Int]) -> Double {
    let widths = [784] + hidden + [10]
    let layers = Array(zip(widths, widths.dropFirst()))
    return layers.enumerated().reduce(0) { acc, e in
      acc + 2 * Double(e.element.0 * e.element.1) * (e.offset == 0 ? 2 : 3)
    }
  }

  static func batch(_ n: Int) -> (Tensor, Tensor) {
    let x = Tensor.random([n, 784], seed: UInt64(n))
    let labels = Tensor((0..<n).map { Int32($0 % 10) })
    return (x, labels)
  }

  /// Training steps and inference passes of the two seed MLPs.
  public static func all(threads: Int?) -> [BenchmarkCase] {
    let options = SessionOptions(threads: threads)
    var cases: [BenchmarkCase] = []
    for (hidden, batchSize) in [([512, 512], 128), ([512, 512], 32), ([128], 32), ([128], 128)] {
      let label = "784-" + hidden.map(String.init).joined(separator: "-") + "-10"
      cases.append(
        BenchmarkCase(
          "mlp/train-\(label)-b\(batchSize)", unitsPerRun: 1, unit: "step",
          flopsPerRun: trainFlops(hidden) * Double(batchSize)
        ) {
          let m = try build(hidden: hidden, options: options)
          let (x, y) = batch(batchSize)
          return { try m.session.run(targets: [m.train], feeds: [m.x: x, m.labels: y]) }
        })
    }
    for batchSize in [1, 128] {
      cases.append(
        BenchmarkCase(
          "mlp/forward-784-512-512-10-b\(batchSize)", unitsPerRun: 1, unit: "pass",
          flopsPerRun: forwardFlops([512, 512]) * Double(batchSize)
        ) {
          let m = try build(hidden: [512, 512], options: options)
          let (x, _) = batch(batchSize)
          return { _ = try m.session.run(fetches: [m.logits], feeds: [m.x: x]) }
        })
    }
    return cases
  }

  /// Peak bytes of a training step of the large MLP at batch 128, with and
  /// without memory planning: the median and the largest over 20 steps
  /// (with several threads the peak depends on the order nodes happen to
  /// run in).
  public static func peakMemory(
    threads: Int?, steps: Int = 20
  ) throws -> (planned: Int, plannedMax: Int, unplanned: Int, unplannedMax: Int) {
    var results: [(Int, Int)] = []
    for planning in [true, false] {
      let m = try build(hidden: [512, 512], options: SessionOptions(threads: threads, memoryPlanning: planning))
      let (x, y) = batch(128)
      var peaks: [Int] = []
      // The first step allocates the optimizer's slots: not counted.
      for step in 0...steps {
        let r = try m.session.run(fetches: [], feeds: [m.x: x, m.labels: y], targets: [m.train], options: RunOptions())
        if step > 0 { peaks.append(r.metadata.peakBytes) }
      }
      peaks.sort()
      results.append((peaks[peaks.count / 2], peaks[peaks.count - 1]))
    }
    return (results[0].0, results[0].1, results[1].0, results[1].1)
  }
}
