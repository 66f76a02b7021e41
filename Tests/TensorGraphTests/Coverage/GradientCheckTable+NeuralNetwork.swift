import TensorGraph
import TensorGraphTestSupport

extension GradientCheckTable {
  /// The rows of the `neuralNetwork` op family (`StandardOps`' family of
  /// the same name), on values away from the kink at 0. SoftsignGrad's own
  /// gradient (TensorFlow registers none) is checked in both inputs.
  static var neuralNetwork: [GradientCheck] {
    var rng = TestRandom(seed: 95)
    let away = { (count: Int) in rng.uniform(count, in: 0.2...2).map { $0 * (rng.uniform(1, in: -1...1)[0] < 0 ? -1 : 1) } }
    let x = Tensor.f64(away(12), [3, 4]), dy = Tensor.f64(rng.uniform(12, in: -1...1), [3, 4])
    let seluOutputs = Tensor.f64(rng.uniform(12, in: -1.7...2).map { Swift.abs($0) < 0.1 ? 0.5 : $0 }, [3, 4])
    var rows: [GradientCheck] = []
    for alpha in [0.2, -2.0] {
      rows.append(GradientCheck(op: "LeakyRelu", label: "alpha \(alpha)", inputs: [x]) { g, v, _ in
        try g.square(try g.leakyRelu(v[0], alpha: alpha))
      })
      rows.append(GradientCheck(op: "LeakyReluGrad", label: "alpha \(alpha)", inputs: [dy], constants: [x]) { g, v, c in
        try g.square(try g.gradOp("LeakyReluGrad", [v[0], c[0]], ["alpha": .float(alpha)]))
      })
    }
    rows += [
      GradientCheck(op: "Selu", label: "[3, 4]", inputs: [x]) { g, v, _ in try g.square(try g.selu(v[0])) },
      GradientCheck(op: "SeluGrad", label: "[3, 4]", inputs: [dy, seluOutputs]) { g, v, _ in
        try g.square(try g.gradOp("SeluGrad", [v[0], v[1]]))
      },
      GradientCheck(op: "Softsign", label: "[3, 4]", inputs: [x]) { g, v, _ in try g.square(try g.softsign(v[0])) },
      GradientCheck(op: "SoftsignGrad", label: "[3, 4]", inputs: [dy, x]) { g, v, _ in
        try g.square(try g.gradOp("SoftsignGrad", [v[0], v[1]]))
      },
    ]
    return rows
  }
}
