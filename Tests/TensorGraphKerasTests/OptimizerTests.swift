import Testing
import TensorGraphKeras
import TensorGraphTestSupport

/// Three full-batch steps of each optimizer on a Dense(1) regression, against
/// tf_keras 2.21 (`/tmp/kc/opt.py`: kernel, bias, then the epoch losses).
@Suite struct KerasOptimizerTests {
  static let cases: [(String, any KerasOptimizer, [Double], [Double])] = [
    ("sgd", SGD(learningRate: 0.05), [0.5819932818412781, 0.032544925808906555, 0.046631015837192535],
     [1.1766667366027832, 0.9110009074211121, 0.7365136742591858]),
    ("momentum", SGD(learningRate: 0.05, momentum: 0.9),
     [0.6609432697296143, 0.2910449504852295, 0.0038309991359710693],
     [1.1766667366027832, 0.9110009074211121, 0.5896899104118347]),
    ("nesterov", SGD(learningRate: 0.05, momentum: 0.9, nesterov: true),
     [0.6460376977920532, 0.4063320457935333, -0.07890432327985764],
     [1.1766667366027832, 0.7245332598686218, 0.4351625442504883]),
    ("adam", Adam(learningRate: 0.1), [0.7586972713470459, 0.04666753113269806, -0.19449248909950256],
     [1.1766667366027832, 0.8775027394294739, 0.6486837267875671]),
    ("rmsprop", RMSprop(learningRate: 0.01), [0.568737268447876, -0.17756706476211548, 0.021536387503147125],
     [1.1766667366027832, 1.0746742486953735, 1.0068448781967163]),
    ("rmsprop-momentum", RMSprop(learningRate: 0.01, momentum: 0.5),
     [0.6012832522392273, -0.14301404356956482, -0.01584494858980179],
     [1.1766667366027832, 1.0746742486953735, 0.9606254696846008]),
  ]

  @Test(arguments: 0..<6)
  func matchesKeras(_ index: Int) throws {
    let (label, optimizer, weights, losses) = Self.cases[index]
    try KerasContext().run {
      let x = Tensor.f32([1, 2, 0.5, -1, 3, 0], [3, 2]), y = Tensor.f32([1, -1, 2], [3, 1])
      let model = try Sequential([
        Dense(1, kernelInitializer: .constant(0), biasInitializer: .constant(0.1), inputShape: [2])
      ])
      try model.layers[0].setWeights([Tensor.f32([0.5, -0.25], [2, 1]), Tensor.f32([0.1], [1])])
      try model.compile(optimizer: optimizer, loss: "mse")
      let history = try model.fit(x, y, batchSize: 3, epochs: 3, verbose: 0, shuffle: false)
      let got = try model.getWeights().flatMap { $0.doubles() }
      for (g, w) in zip(got, weights) { #expect(Swift.abs(g - w) < 1e-5, "\(label): \(got) vs \(weights)") }
      for (g, l) in zip(history["loss"], losses) { #expect(Swift.abs(g - l) < 1e-5, "\(label) loss") }
    }
  }

  @Test func defaultsAreKeras() {
    let sgd = SGD(), adam = Adam(), rms = RMSprop()
    #expect(sgd.learningRate == 0.01 && sgd.momentum == 0 && !sgd.nesterov)
    #expect(adam.learningRate == 0.001 && adam.beta1 == 0.9 && adam.beta2 == 0.999 && adam.epsilon == 1e-7)
    #expect(rms.learningRate == 0.001 && rms.rho == 0.9 && rms.momentum == 0 && rms.epsilon == 1e-7)
  }
}
