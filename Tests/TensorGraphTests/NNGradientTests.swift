import Foundation
import Testing
import TensorGraph
import TensorGraphTestSupport

private func random(_ shape: [Int], seed: UInt64, in range: ClosedRange<Double> = -1...1) -> Tensor {
  var rng = TestRandom(seed: seed)
  return Tensor.f64(rng.uniform(shape.reduce(1, *), in: range), shape)
}

private func bools(_ values: [Bool], _ shape: [Int]) -> Tensor { try! Tensor(shape: shape, scalars: values) }

/// Random positive labels of `shape` whose rows, broadcast to `[_, classes]`,
/// sum to 1 (the ops assume distributions: their fused gradient,
/// `softmax − labels`, is the loss's only then).
private func distributions(_ shape: [Int], classes: Int, seed: UInt64) -> Tensor {
  var rng = TestRandom(seed: seed)
  let columns = shape.last ?? 1
  let raw = rng.uniform(shape.reduce(1, *), in: 0.1...1)
  var values: [Double] = []
  for r in 0..<(raw.count / columns) {
    let row = Array(raw[(r * columns)..<(r * columns + columns)])
    let total = row.reduce(0, +) * Double(classes / columns)
    values += row.map { $0 / total }
  }
  return Tensor.f64(values, shape)
}

/// One-hot rows for `labels` over `classes`.
private func oneHot(_ labels: [Int], classes: Int) -> Tensor {
  Tensor.f64(labels.flatMap { l in (0..<classes).map { $0 == l ? 1 : 0 } }, [labels.count, classes])
}

// MARK: - BiasAdd

@Suite struct BiasAddGradientTests {
  @Test func biasGradientIsBiasAddGrad() throws {
    let g = Graph()
    let x = try g.placeholder(.float32, shape: [nil, 3, 4, 5], name: "x")
    let b = try g.placeholder(.float32, shape: [3], name: "b")
    let grads = try g.gradients(of: try g.biasAdd(x, b, dataFormat: "NCHW"), with: [x, b])
    let db = try #require(grads[1])
    #expect(db.node.op == "BiasAddGrad" && db.node.attrs["data_format"] == .string("NCHW"))
    #expect(db.shape == [3] && grads[0]?.shape == [.unknown, 3, 4, 5])
  }

  /// Sums over every axis but the channel one, with plain loops.
  static func reference(_ x: [Double], _ shape: [Int], nchw: Bool) -> [Double] {
    let axis = nchw ? 1 : shape.count - 1
    let channels = shape[axis]
    let inner = shape[(axis + 1)...].reduce(1, *)
    var out = [Double](repeating: 0, count: channels)
    for (i, v) in x.enumerated() { out[(i / inner) % channels] += v }
    return out
  }

  @Test(arguments: [
    ([4, 3], false), ([2, 3, 5], false), ([0, 3], false), ([3, 0], false), ([2, 3, 4], true), ([2, 3, 2, 2], true),
    ([1, 2, 1], true), ([0, 3, 4], true),
  ], [DType.float32, .float64, .int32, .int64, .uint8])
  func valuesSumEveryDimensionButTheChannel(_ c: ([Int], Bool), dtype: DType) throws {
    let (shape, nchw) = c
    let x = (0..<shape.reduce(1, *)).map { Double(($0 * 7) % 11) }
    let g = Graph()
    let out = g.output(
      try g.addNode(
        op: "BiasAddGrad", inputs: [try g.constant(MathFixtures.tensor(x, shape, dtype))],
        attrs: ["data_format": .string(nchw ? "NCHW" : "NHWC")]))
    let channels = shape[nchw ? 1 : shape.count - 1]
    #expect(out.dtype == dtype && out.shape == PartialShape([channels]))
    expectClose(try evaluate(out), Self.reference(x, shape, nchw: nchw), shape: [channels], tolerance: 0)
  }

  @Test(arguments: [DType.float32, .float64])
  func largeInputsSumInFixedOrderChunks(dtype: DType) throws {
    // 40 000 rows × 3 channels is above the elementwise grain: the rows
    // are summed in chunks whose partial sums combine in order.
    let shape = [40_000, 3]
    var rng = TestRandom(seed: 9)
    let x = MathFixtures.stored(rng.uniform(shape.reduce(1, *)), dtype)
    let g = Graph()
    let out = g.output(try g.addNode(op: "BiasAddGrad", inputs: [try g.constant(MathFixtures.tensor(x, shape, dtype))]))
    let first = try evaluate(out)
    expectClose(first, Self.reference(x, shape, nchw: false), shape: [3], tolerance: dtype == .float32 ? 1e-4 : 1e-10)
    // Deterministic: the same bits on every run, whatever the threads.
    for threads in [1, 2] {
      let again = try Session(graph: g, options: SessionOptions(threads: threads)).run(out)
      #expect(again.doubles() == first.doubles())
    }
  }

  @Test func rankErrorsNameTheFormat() throws {
    let g = Graph()
    let x = try g.placeholder(.float32, shape: [4, 3], name: "x")
    expectError(.shapeMismatch, containing: ["rank at least 3", "NCHW", "[4, 3]"]) {
      try g.addNode(op: "BiasAddGrad", inputs: [x], attrs: ["data_format": .string("NCHW")])
    }
    let v = try g.placeholder(.float32, shape: [3], name: "v")
    expectError(.shapeMismatch, containing: ["rank at least 2", "NHWC"]) {
      try g.addNode(op: "BiasAddGrad", inputs: [v])
    }
    let u = try g.placeholder(.float32, shape: nil, name: "u")
    let out = g.output(try g.addNode(op: "BiasAddGrad", inputs: [u]))
    #expect(out.shape == .unknown(rank: 1))
    expectError(.shapeMismatch, containing: ["rank at least 2"]) { try evaluate(out, feeds: [u: Tensor.f32([1], [1])]) }
  }
}

// MARK: - Softmax and LogSoftmax

@Suite struct SoftmaxGradientTests {
  @Test func gradientsReuseTheOutput() throws {
    let g = Graph()
    let x = try g.placeholder(.float32, shape: [nil, 4], name: "x")
    let y = try g.softmax(x)
    let z = try g.logSoftmax(x)
    _ = try g.gradients(of: [y, z], with: [x])
    #expect(g.nodes.filter { $0.op == "Softmax" }.count == 1)
    #expect(g.nodes.filter { $0.op == "LogSoftmax" }.count == 1)
  }
}

// MARK: - Cross-entropy

@Suite struct CrossEntropyGradientTests {
  @Test func denseGradientsForLogitsAndProbabilityLabels() {
    // Both differentiated: labels get −log_softmax(logits)·grad_loss.
    let labels = distributions([3, 4], classes: 4, seed: 5)
    expectGradientsMatch(inputs: [random([3, 4], seed: 2, in: -2...2), labels]) { g, x, _ in
      try g.softmaxCrossEntropyWithLogits(logits: x[0], labels: x[1]).loss
    }
  }

  @Test func denseLabelsGradientIsMinusLogSoftmax() throws {
    let g = Graph()
    let logits = try g.placeholder(.float64, shape: [2, 3], name: "logits")
    let labels = try g.placeholder(.float64, shape: [2, 3], name: "labels")
    let loss = try g.softmaxCrossEntropyWithLogits(logits: logits, labels: labels).loss
    let seed = try g.constant(Tensor.f64([1, 3], [2]))
    let dLabels = try #require(try g.gradients(of: [loss], with: [labels], gradYs: [seed])[0])
    let l: [Double] = [1, 2, 3, 0, 0, 1]
    let v = try evaluate(dLabels, feeds: [logits: Tensor.f64(l, [2, 3]), labels: Tensor.f64([0, 1, 0, 1, 0, 0], [2, 3])])
    let e: (Double) -> Double = Foundation.exp
    let lse0 = Foundation.log(e(1) + e(2) + e(3))
    let lse1 = Foundation.log(2 + e(1))
    expectClose(v, [lse0 - 1, lse0 - 2, lse0 - 3, 3 * lse1, 3 * lse1, 3 * (lse1 - 1)], shape: [2, 3], tolerance: 1e-12)
  }

  /// Both outputs used: the backprop output's upstream gradient adds the
  /// softmax-Jacobian term for the logits (and −grad for the labels).
  @Test(arguments: [true, false])
  func denseBackpropOutputPath(withLoss: Bool) {
    let labels = distributions([3, 4], classes: 4, seed: 4)
    expectGradientsMatch(inputs: [random([3, 4], seed: 3, in: -2...2), labels]) { g, x, _ in
      let (loss, backprop) = try g.softmaxCrossEntropyWithLogits(logits: x[0], labels: x[1])
      return withLoss ? try g.add(try g.expandDims(loss, axis: -1), backprop) : backprop
    }
  }

  @Test(arguments: [([1, 4], [3, 4]), ([3, 4], [4]), ([3, 4], [1, 4]), ([3, 1], [3, 4]), ([4], [3, 1])])
  func denseBroadcastingSumsBackToEachOperand(features: [Int], labels: [Int]) {
    let l = distributions(labels, classes: Swift.max(features.last!, labels.last!), seed: 7)
    expectGradientsMatch(inputs: [random(features, seed: 6, in: -2...2), l]) {
      g, x, _ in
      let (loss, backprop) = try g.softmaxCrossEntropyWithLogits(logits: x[0], labels: x[1])
      return try g.add(try g.expandDims(loss, axis: -1), backprop)
    }
  }

  @Test(arguments: [true, false])
  func sparseBackpropOutputPath(withLoss: Bool) {
    let labels = try! Tensor(shape: [3], scalars: [Int32(2), 0, 1])
    expectGradientsMatch(inputs: [random([3, 4], seed: 9, in: -2...2)], constants: [labels]) { g, x, c in
      let (loss, backprop) = try g.sparseSoftmaxCrossEntropyWithLogits(logits: x[0], labels: c[0])
      return withLoss ? try g.add(try g.expandDims(loss, axis: -1), backprop) : backprop
    }
  }

  @Test func sparseGradientIsTheScaledBackpropAndLabelsGetNone() throws {
    let g = Graph()
    let logits = try g.placeholder(.float64, shape: [2, 3], name: "logits")
    let labels = try g.placeholder(.int64, shape: [2], name: "labels")
    let (loss, backprop) = try g.sparseSoftmaxCrossEntropyWithLogits(logits: logits, labels: labels)
    let grads = try g.gradients(of: [loss], with: [logits, labels], gradYs: [try g.constant(Tensor.f64([2, -1], [2]))])
    #expect(grads[1] == nil)
    let dLogits = try #require(grads[0])
    let feeds: [Output: Tensor] = [
      logits: Tensor.f64([1, 2, 3, 0, 0, 1], [2, 3]), labels: try Tensor(shape: [2], scalars: [Int64(2), 0]),
    ]
    let s = try Session(graph: g).run(fetches: [dLogits, backprop], feeds: feeds)
    let b = s[1].doubles()
    expectClose(s[0], [2 * b[0], 2 * b[1], 2 * b[2], -b[3], -b[4], -b[5]], shape: [2, 3], tolerance: 1e-15)
  }
}

// MARK: - A composed network

@Suite struct MLPGradientTests {
  /// MatMul → BiasAdd → activation → MatMul → BiasAdd →
  /// SparseSoftmaxCrossEntropyWithLogits → Mean, checked for every weight
  /// and bias.
  @Test(arguments: ["Relu", "Tanh"])
  func twoLayerNetworkWithSoftmaxCrossEntropy(activation: String) {
    let (batch, inputs, hidden, classes) = (6, 4, 5, 3)
    let x = random([batch, inputs], seed: 10, in: -2...2)
    let labels = try! Tensor(shape: [batch], scalars: [Int32(0), 2, 1, 1, 0, 2])
    let parameters = [
      random([inputs, hidden], seed: 11), random([hidden], seed: 12, in: -0.5...0.5), random([hidden, classes], seed: 13),
      random([classes], seed: 14, in: -0.5...0.5),
    ]
    expectGradientsMatch(inputs: parameters, constants: [x, labels]) { g, p, c in
      let pre = try g.biasAdd(try g.matMul(c[0], p[0]), p[1])
      let h = g.output(try g.addNode(op: activation, inputs: [pre]))
      let logits = try g.biasAdd(try g.matMul(h, p[2]), p[3])
      return try g.mean(try g.sparseSoftmaxCrossEntropyWithLogits(logits: logits, labels: c[1]).loss)
    }
  }

  @Test func denseLabelsNetworkWithUnknownBatch() throws {
    // The same network on a placeholder with an unknown batch size: the
    // gradients need no static batch and match a step of finite
    // differences on one weight.
    let g = Graph()
    let x = try g.placeholder(.float64, shape: [nil, 2], name: "x")
    let y = try g.placeholder(.float64, shape: [nil, 2], name: "y")
    let w = try g.placeholder(.float64, shape: [2, 2], name: "w")
    let b = try g.placeholder(.float64, shape: [2], name: "b")
    let logits = try g.biasAdd(try g.matMul(try g.sigmoid(x), w), b)
    let loss = try g.mean(try g.softmaxCrossEntropyWithLogits(logits: logits, labels: y).loss)
    let grads = try g.gradients(of: loss, with: [w, b]).map { $0! }
    #expect(grads.map(\.shape) == [[2, 2], [2]])
    var feeds: [Output: Tensor] = [
      x: Tensor.f64([0.5, -1, 2, 0.3, -0.7, 1], [3, 2]), y: oneHot([1, 0, 1], classes: 2),
      w: Tensor.f64([0.1, -0.2, 0.3, 0.4], [2, 2]), b: Tensor.f64([0.05, -0.05], [2]),
    ]
    let session = Session(graph: g)
    let symbolic = try session.run(fetches: grads, feeds: feeds).map { $0.doubles() }
    let delta = 1e-6
    feeds[b] = Tensor.f64([0.05 + delta, -0.05], [2])
    let plus = try session.run(loss, feeds: feeds).doubles()[0]
    feeds[b] = Tensor.f64([0.05 - delta, -0.05], [2])
    let minus = try session.run(loss, feeds: feeds).doubles()[0]
    #expect(Swift.abs(symbolic[1][0] - (plus - minus) / (2 * delta)) < 1e-8)
  }
}

// MARK: - Select and Cast

@Suite struct SelectCastGradientTests {
  @Test func selectWithRowConditionAndScalarCondition() {
    expectGradientsMatch(inputs: [random([2, 3], seed: 3), random([2, 3], seed: 4)], constants: [bools([false, true], [2])]) {
      g, x, c in try g.select(c[0], x[0], x[1])
    }
    expectGradientsMatch(inputs: [random([2, 3], seed: 5), random([2, 3], seed: 6)], constants: [bools([true], [])]) {
      g, x, c in try g.select(c[0], x[0], x[1])
    }
  }

  @Test func selectV2WithUnknownShapesReducesInTheGraph() throws {
    let g = Graph()
    let c = try g.placeholder(.bool, shape: [nil, nil], name: "c")
    let t = try g.placeholder(.float64, shape: [nil], name: "t")
    let e = try g.placeholder(.float64, shape: [nil, 1], name: "e")
    let y = try g.selectV2(c, t, e)
    let grads = try g.gradients(of: [y], with: [c, t, e], gradYs: [try g.constant(Tensor.f64([1, 2, 3, 4, 5, 6], [2, 3]))])
    #expect(grads[0] == nil)
    let out = try Session(graph: g).run(
      fetches: [grads[1]!, grads[2]!],
      feeds: [
        c: bools([true, false, true, false, false, true], [2, 3]), t: Tensor.f64([0, 0, 0], [3]),
        e: Tensor.f64([0, 0], [2, 1]),
      ])
    // t gets the upstream where c is true, summed over rows; e where false,
    // summed over columns.
    expectClose(out[0], [1, 0, 3 + 6], shape: [3])
    expectClose(out[1], [2, 4 + 5], shape: [2, 1])
  }

  @Test func castGradientDtypeIsTheSource() throws {
    let g = Graph()
    let x = try g.placeholder(.float32, shape: [2], name: "x")
    let y = try g.sum(try g.cast(x, to: .float64))
    let dx = try #require(try g.gradients(of: y, with: [x])[0])
    #expect(dx.dtype == .float32 && dx.node.op == "Cast")
    expectClose(try evaluate(dx, feeds: [x: Tensor.f32([1, 2], [2])]), [1, 1])
  }

  @Test func castThroughIntegersAndComparisonsStopsTheGradient() throws {
    let g = Graph()
    let x = try g.placeholder(.float64, shape: [3], name: "x")
    let rounded = try g.cast(try g.cast(x, to: .int32), to: .float64)
    let compared = try g.cast(try g.less(x, try g.constant(0, dtype: .float64)), to: .float64)
    #expect(try g.gradients(of: try g.sum(rounded), with: [x])[0] == nil)
    #expect(try g.gradients(of: try g.sum(compared), with: [x])[0] == nil)
    let both = try g.add(try g.sum(try g.multiply(rounded, x)), try g.sum(compared))
    let dx = try #require(try g.gradients(of: both, with: [x])[0])
    expectClose(try evaluate(dx, feeds: [x: Tensor.f64([1.5, -2.5, 3], [3])]), [1, -2, 3])
  }
}
