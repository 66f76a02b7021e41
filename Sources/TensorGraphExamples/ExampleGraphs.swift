import Foundation
import TensorGraph

/// The example models saved in `Graphs/`: the seed programs' multilayer
/// perceptrons as inference graphs, and one training graph (forward, loss,
/// gradients, Adam updates). Built from raw ops with Keras's node names
/// (`dense/kernel`, `dense/MatMul`, …), initialized from fixed seeds, so
/// regenerating them writes byte-identical files.
public enum ExampleGraphs {
  /// One example graph: how to build it and what to feed and fetch.
  public struct Example: Sendable {
    /// File stem in `Graphs/` (`fashion_mlp` → `fashion_mlp.json`,
    /// `fashion_mlp.safetensors`).
    public var name: String
    /// One line for Graphs/README.md.
    public var summary: String
    /// Input placeholder names and their shapes with the batch dimension
    /// (`nil`) left open.
    public var inputs: [(name: String, dtype: DType, shape: [Int?])]
    /// Outputs to fetch.
    public var fetches: [String]
    /// Ops to run as targets (the train op), if any.
    public var targets: [String]
    /// Builds the graph.
    public var build: @Sendable () throws -> Graph
  }

  /// Every example, in the order Graphs/README.md lists them.
  public static let all: [Example] = [
    Example(
      name: "fashion_mlp", summary: "Fashion-MNIST classifier: Flatten 28×28 → Dense 128 relu → Dense 10 softmax",
      inputs: [("x", .float32, [nil, 28, 28])], fetches: ["probs"], targets: [],
      build: { try mlp(input: [28, 28], hidden: [128]) }),
    Example(
      name: "mnist_mlp", summary: "MNIST-style MLP: 784 → Dense 512 relu → Dense 512 relu → Dense 10 softmax",
      inputs: [("x", .float32, [nil, 784])], fetches: ["probs"], targets: [],
      build: { try mlp(input: [784], hidden: [512, 512]) }),
    Example(
      name: "cifar_mlp",
      summary: "CIFAR-10 MLP: 32×32×3 → Flatten → Dense 200 relu → Dense 150 relu → Dense 10 softmax (646,260 parameters)",
      inputs: [("x", .float32, [nil, 32, 32, 3])], fetches: ["probs"], targets: [],
      build: { try mlp(input: [32, 32, 3], hidden: [200, 150]) }),
    Example(
      name: "fashion_mlp_train",
      summary: "Training graph of the Fashion-MNIST classifier: forward, sparse softmax cross-entropy, gradients, Adam (ε 1e-7) updates; run `Adam` to take a step",
      inputs: [("x", .float32, [nil, 28, 28]), ("labels", .int32, [nil])], fetches: ["loss"], targets: ["Adam"],
      build: { try mlp(input: [28, 28], hidden: [128], training: true) }),
  ]

  /// An MLP: `x` → Flatten (when the input has several dimensions) → Dense
  /// relu layers → Dense 10 → Softmax `probs`; with `training`, also `loss`
  /// (mean sparse softmax cross-entropy of `labels`) and the Adam train op.
  public static func mlp(input: [Int], hidden: [Int], training: Bool = false) throws -> Graph {
    let g = Graph()
    g.randomSeed = 2024
    let x = try g.placeholder(.float32, shape: [nil] + input.map { Optional($0) }, name: "x")
    var h = x
    var width = input.reduce(1, *)
    if input.count > 1 {
      h = try g.withNameScope("flatten") { try g.reshape(x, [-1, width]) }
    }
    for (i, units) in (hidden + [10]).enumerated() {
      let last = i == hidden.count
      h = try g.withNameScope(i == 0 ? "dense" : "dense_\(i)") {
        let w = try g.variable("kernel", shape: [width, units], initializer: .glorotUniform)
        let b = try g.variable("bias", shape: [units], initializer: .zeros)
        let z = try g.biasAdd(try g.matMul(h, w.value), b.value)
        return last ? z : try g.relu(z)
      }
      width = units
    }
    _ = try g.softmax(h, name: "probs")
    if training {
      let labels = try g.placeholder(.int32, shape: [nil], name: "labels")
      let (xent, _) = try g.sparseSoftmaxCrossEntropyWithLogits(logits: h, labels: labels)
      let loss = try g.mean(xent, name: "loss")
      _ = try AdamOptimizer(epsilon: 1e-7).minimize(loss)
    }
    return g
  }

  /// Builds every example, initializes its variables and writes
  /// `<name>.json` and `<name>.safetensors` into `directory`.
  public static func writeAll(to directory: URL) throws {
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    for example in all {
      let g = try example.build()
      let session = Session(graph: g)
      try session.run(targets: [try g.globalVariablesInitializer()])
      try g.save(to: directory.appendingPathComponent(example.name + ".json"), variables: session)
    }
  }
}
