import Foundation
import Testing
import TensorGraph
import TensorGraphTestSupport

/// Hand-worked values of LeakyRelu, Selu, Softsign and gelu, and the
/// second-order gradients their gradient ops allow. Edge values against
/// TensorFlow are in Fixtures/ops/neural_network.safetensors, the formula
/// rows in KernelCheckTable+NeuralNetwork.
@Suite struct ActivationFamilyTests {
  /// alpha is a float32 attribute: float64 features get Float(0.1), not 0.1.
  @Test func leakyReluWidensAFloat32Alpha() throws {
    let g = Graph()
    let x = try g.constant(Tensor.f64([-1, 3, -0.0, -.infinity], [4]))
    let y = try evaluate(g.leakyRelu(x, alpha: 0.1)).doubles()
    #expect(y[0] == -Double(Float(0.1)) && y[0] != -0.1)
    #expect(y[1] == 3 && y[2] == 0 && y[2].sign == .minus && y[3] == -.infinity)
    let node = try g.leakyRelu(x)
    #expect(node.node.attrs["alpha"] == .float(0.2))
    // A negative alpha is a select, not a maximum.
    expectClose(try evaluate(g.leakyRelu(x, alpha: -2)), [2, 3, 0, .infinity], shape: [4], tolerance: 0)
  }

  @Test func seluComputesExpMinusOne() throws {
    let g = Graph()
    let x = try g.constant(Tensor.f32([-1e-8, -0.0, 1, -1], [4]))
    let y = try evaluate(g.selu(x)).doubles()
    // exp(-1e-8) rounds to 1 in float32: TensorFlow's Selu gives exactly 0.
    #expect(y[0] == 0 && y[1].sign == .minus)
    #expect(Swift.abs(y[2] - 1.0507009873554805) < 1e-6)
    #expect(Swift.abs(y[3] - 1.7580993408473769 * (Foundation.exp(-1.0) - 1)) < 1e-6)
  }

  @Test func softsignIsNaNAtInfinity() throws {
    let g = Graph()
    let y = try evaluate(g.softsign(try g.constant(Tensor.f64([.infinity, -3, 1], [3])))).doubles()
    #expect(y[0].isNaN && y[1] == -0.75 && y[2] == 0.5)
  }

  /// tf.nn.gelu of TensorFlow 2.21 (printed by tf.nn.gelu(x, approximate)
  /// on these x, both dtypes).
  @Test(arguments: [false, true])
  func geluMatchesTensorFlow(_ approximate: Bool) throws {
    let x: [Double] = [-6, -3, -1.5, -0.5, -1e-3, 0, 0.25, 1, 2, 4]
    let want64: [Double] = approximate
      ? [-8.439615672983791e-11, -0.0036373923237909, -0.10042842380005415, -0.15428599020775666, -0.000499601057786418,
         0, 0.14967535069936944, 0.8411919902786764, 1.9545976932119538, 3.9999297540407155]
      : [-5.919529613662353e-09, -0.004049694777521031, -0.10021080689063545, -0.1542687708693288,
         -0.0004996010577929165, 0, 0.1496765810071345, 0.8413447419273903, 1.9544997324075772, 3.999873314996021]
    let want32: [Double] = approximate
      ? [-0.0, -0.0036374330520629883, -0.10042843222618103, -0.1542859971523285, -0.0004996010684408247, 0,
         0.14967535436153412, 0.8411920070648193, 1.9545977115631104, 3.999929904937744]
      : [-5.9195350843310734e-09, -0.004049696493893862, -0.10021080076694489, -0.1542687714099884,
         -0.0004996010684408247, 0, 0.14967657625675201, 0.8413447141647339, 1.9544997215270996, 3.999873399734497]
    let g = Graph()
    let y64 = try g.gelu(try g.constant(Tensor.f64(x, [10])), approximate: approximate)
    let y32 = try g.gelu(try g.constant(Tensor.f32(x, [10])), approximate: approximate, name: "act")
    #expect(y32.node.name.hasPrefix("act/"))
    expectClose(try evaluate(y64), want64, shape: [10], tolerance: 1e-14)
    expectClose(try evaluate(y32), want32, shape: [10], tolerance: 2e-6)
    #expect(g.nodes.contains { $0.op == (approximate ? "Tanh" : "Erfc") })
    expectError(.invalidArgument, containing: ["gelu", "int32"]) {
      try g.gelu(try g.constant(Tensor([Int32(1)])))
    }
  }

  /// Second order through each gradient op: d²/dx² of the activation by
  /// hand, against the gradient of the gradient.
  @Test func secondOrder() throws {
    let xs: [Double] = [-1.5, -0.25, 0.5, 2]
    let cases: [(String, (Graph, Output) throws -> Output, (Double) -> Double)] = [
      // softsign'' = −2·sign(x)/(1 + |x|)³
      ("Softsign", { try $0.softsign($1) }, { -2 * ($0 < 0 ? -1 : 1) / Foundation.pow(1 + Swift.abs($0), 3) }),
      // selu'' = λα·eˣ below 0, 0 above
      ("Selu", { try $0.selu($1) }, { $0 < 0 ? 1.7580993408473768 * Foundation.exp($0) : 0 }),
    ]
    for (label, f, second) in cases {
      let g = Graph()
      let x = try g.constant(Tensor.f64(xs, [4]))
      let dx = try g.gradients(of: try g.sum(try f(g, x)), with: [x])[0]!
      let ddx = try g.gradients(of: try g.sum(dx), with: [x])[0]!
      expectClose(try evaluate(ddx), xs.map(second), shape: [4], tolerance: 1e-12)
      #expect(!g.nodes.isEmpty, "\(label)")
    }
  }
}
