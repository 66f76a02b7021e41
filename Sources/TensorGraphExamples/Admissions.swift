import Foundation
import TensorGraph

/// The classic from-scratch example of deep-learning introductions — a
/// two-layer sigmoid network trained by gradient descent on student
/// admissions data (GRE score, GPA, one-hot class rank) — written as a
/// TensorGraph graph by hand: placeholders, variables, sigmoid, the sum of
/// squared errors, and `tf.gradients`-style symbolic gradients instead of
/// hand-written backpropagation.
///
/// The data set is generated (seeded) in the same form as the original
/// `binary.csv`: GRE 200–800, GPA 2–4, rank 1–4, admission drawn from a
/// logistic model of the three; GRE and GPA are standardized and rank is
/// one-hot encoded, as the original program does.
public enum AdmissionsExample {
  /// Hyperparameters of the original program.
  public struct Settings: Sendable {
    /// Hidden sigmoid units.
    public var hiddenUnits = 2
    /// Gradient-descent step size.
    public var learningRate = 0.005
    /// Passes over the training set.
    public var epochs = 900
    /// Students in the generated data set.
    public var students = 400
    /// Fraction held out for testing.
    public var testFraction = 0.1
    /// Seed of the data and of the weight initialization.
    public var seed = 42

    /// The original program's settings.
    public init() {}
  }

  /// What a run reports.
  public struct Result: Sendable {
    /// Training loss (mean squared error) every `epochs / 10` epochs.
    public var losses: [Double]
    /// Accuracy on the held-out students, predicting admission when the
    /// output exceeds 0.5.
    public var testAccuracy: Double
    /// The initial weights, row-major: input → hidden `[6, hiddenUnits]`
    /// and hidden → output `[hiddenUnits]` (so a reference can replay the
    /// training).
    public var initialWeights: (inputHidden: [Double], hiddenOutput: [Double])
  }

  /// Generates the data: features `[n, 6]` (GRE, GPA standardized; rank
  /// one-hot) and labels `[n]` in {0, 1}.
  public static func makeData(students n: Int, seed: Int) -> (features: [[Double]], labels: [Double]) {
    var rng = SplitMix(seed: UInt64(seed))
    var gre: [Double] = [], gpa: [Double] = [], rank: [Int] = [], admit: [Double] = []
    for _ in 0..<n {
      let ability = rng.normal()
      let g = min(800, max(200, ((580 + 110 * (0.7 * ability + 0.3 * rng.normal())) / 20).rounded() * 20))
      let p = min(4, max(2, 3.4 + 0.38 * (0.6 * ability + 0.4 * rng.normal())))
      let r = 1 + Int(rng.uniform() * 4)
      // Admission chance: better scores and better-ranked schools help.
      let logit = -0.6 + 0.012 * (g - 580) + 2.4 * (p - 3.4) - 1.1 * (Double(r) - 2.5)
      gre.append(g)
      gpa.append((p * 100).rounded() / 100)
      rank.append(r)
      admit.append(rng.uniform() < 1 / (1 + Foundation.exp(-logit)) ? 1 : 0)
    }
    func standardized(_ v: [Double]) -> [Double] {
      let mean = v.reduce(0, +) / Double(v.count)
      let sd = (v.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(v.count - 1)).squareRoot()
      return v.map { ($0 - mean) / sd }
    }
    let g = standardized(gre), p = standardized(gpa)
    let features = (0..<n).map { i in [g[i], p[i]] + (1...4).map { rank[i] == $0 ? 1.0 : 0.0 } }
    return (features, admit)
  }

  /// Builds the graph, trains it and reports; `log` receives the lines the
  /// original program prints.
  public static func run(_ settings: Settings = Settings(), log: (String) -> Void = { print($0) }) throws -> Result {
    let (features, labels) = makeData(students: settings.students, seed: settings.seed)
    let testCount = Int(Double(features.count) * settings.testFraction)
    let trainCount = features.count - testCount
    let nFeatures = features[0].count
    func tensor(_ rows: ArraySlice<[Double]>) throws -> Tensor {
      try Tensor(shape: [rows.count, nFeatures], scalars: rows.flatMap { $0 })
    }
    let trainX = try tensor(features[..<trainCount]), testX = try tensor(features[trainCount...])
    let trainY = Tensor(Array(labels[..<trainCount])), testY = Array(labels[trainCount...])

    // The network: x·W1 → sigmoid → ·W2 → sigmoid.
    let g = Graph()
    g.randomSeed = settings.seed
    let x = try g.placeholder(.float64, shape: [nil, nFeatures], name: "features")
    let y = try g.placeholder(.float64, shape: [nil], name: "targets")
    let scale = 1 / Double(nFeatures).squareRoot()
    let w1 = try g.variable(
      "weights_input_hidden", shape: [nFeatures, settings.hiddenUnits],
      initializer: .randomNormal(mean: 0, stddev: scale), dtype: .float64)
    let w2 = try g.variable(
      "weights_hidden_output", shape: [settings.hiddenUnits, 1], initializer: .randomNormal(mean: 0, stddev: scale),
      dtype: .float64)
    let hidden = try g.sigmoid(try g.matMul(x, w1.value), name: "hidden")
    let output = try g.reshape(try g.sigmoid(try g.matMul(hidden, w2.value)), [-1], name: "output")
    // Sum of squared errors, halved and averaged over the batch: the
    // original's `del_w / n_records` update is gradient descent on this.
    let sse = try g.sum(try g.squaredDifference(y, output), name: "sse")
    let loss = try g.divide(sse, try g.constant(2 * Double(trainCount), dtype: .float64), name: "loss")
    let mse = try g.mean(try g.squaredDifference(y, output), name: "mse")

    // Gradient descent with symbolically built gradients.
    let grads = try g.gradients(of: loss, with: [w1.ref, w2.ref])
    let lr = try g.constant(settings.learningRate, dtype: .float64, name: "learning_rate")
    // Both updates wait for both gradients, as the original computes both
    // deltas before changing either weight: ungated, w2's update could run
    // before w1's gradient, which reads w2, is computed.
    let step = try g.withControlDependencies([grads[0]!.node, grads[1]!.node]) {
      try g.group(
        [try g.applyGradientDescent(w1.ref, alpha: lr, delta: grads[0]!).node,
         try g.applyGradientDescent(w2.ref, alpha: lr, delta: grads[1]!).node], name: "train")
    }

    let session = Session(graph: g)
    try session.run(targets: [try g.globalVariablesInitializer()])
    let initialWeights = (try session.run(w1.value).doubles(), try session.run(w2.value).doubles())
    var losses: [Double] = []
    var lastLoss: Double?
    let every = max(1, settings.epochs / 10)
    for epoch in 0..<settings.epochs {
      try session.run(targets: [step], feeds: [x: trainX, y: trainY])
      if epoch % every == 0 {
        let current = try session.run(mse, feeds: [x: trainX, y: trainY]).doubles()[0]
        if let lastLoss, lastLoss < current {
          log("Train loss: \(current)  WARNING - Loss Increasing")
        } else {
          log("Train loss: \(current)")
        }
        losses.append(current)
        lastLoss = current
      }
    }
    let predictions = try session.run(output, feeds: [x: testX]).doubles()
    let correct = zip(predictions, testY).filter { ($0 > 0.5 ? 1.0 : 0.0) == $1 }.count
    let accuracy = Double(correct) / Double(testY.count)
    log(String(format: "Prediction accuracy: %.3f", accuracy))
    return Result(losses: losses, testAccuracy: accuracy, initialWeights: initialWeights)
  }
}

/// SplitMix64 with Box–Muller normals: the example's data generator.
struct SplitMix {
  private var state: UInt64
  init(seed: UInt64) { state = seed }
  mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }
  /// Uniform in [0, 1).
  mutating func uniform() -> Double { Double(next() >> 11) / Double(1 << 53) }
  /// Standard normal.
  mutating func normal() -> Double {
    let u = max(uniform(), 1e-300), v = uniform()
    return (-2 * Foundation.log(u)).squareRoot() * Foundation.cos(2 * .pi * v)
  }
}
