import Testing
import TensorGraph
import TensorGraphTestSupport

@Suite struct PhiloxTests {
  /// Random123's `kat_vectors`, the three philox4x32 10-round lines:
  /// counter (4 words), key (2 words), expected block.
  static let knownAnswers: [([UInt32], [UInt32], [UInt32])] = [
    ([0, 0, 0, 0], [0, 0], [0x6627_e8d5, 0xe169_c58d, 0xbc57_ac4c, 0x9b00_dbd8]),
    ([.max, .max, .max, .max], [.max, .max], [0x408f_276d, 0x41c8_3b0e, 0xa20b_c7c6, 0x6d54_51fd]),
    ([0x243f_6a88, 0x85a3_08d3, 0x1319_8a2e, 0x0370_7344], [0xa409_3822, 0x299f_31d0],
     [0xd16c_fe09, 0x94fd_cceb, 0x5001_e420, 0x2412_6ea1]),
  ]

  @Test(arguments: knownAnswers)
  func knownAnswerVectors(_ counter: [UInt32], _ key: [UInt32], _ expected: [UInt32]) {
    let c = SIMD4(counter[0], counter[1], counter[2], counter[3])
    let out = Philox4x32.block(counter: c, key: SIMD2(key[0], key[1]))
    #expect([out[0], out[1], out[2], out[3]] == expected)
    var gen = Philox4x32(counter: c, key: SIMD2(key[0], key[1]))
    #expect(gen.next() == out)
  }

  @Test func counterArithmetic() {
    var gen = Philox4x32(counter: SIMD4(.max, .max, 5, 0), key: SIMD2(1, 2))
    _ = gen.next()
    #expect(gen.counter == SIMD4(0, 0, 6, 0))
    gen.counter = SIMD4(.max - 1, .max, .max, 7)
    gen.skip(3)
    #expect(gen.counter == SIMD4(1, 0, 0, 8))
    gen.skip(0x1_0000_0002)
    #expect(gen.counter == SIMD4(3, 1, 0, 8))
    // Skipping n equals drawing n blocks.
    var a = Philox4x32(seed: 42, seed2: 7), b = a
    for _ in 0..<1000 { _ = a.next() }
    b.skip(1000)
    #expect(a == b && a.next() == b.next())
  }

  @Test func tensorFlowSeedLayout() {
    let gen = Philox4x32(seed: 0x1111_2222_3333_4444, seed2: 0x5555_6666_7777_8888)
    #expect(gen.key == SIMD2(0x3333_4444, 0x1111_2222))
    #expect(gen.counter == SIMD4(0, 0, 0x7777_8888, 0x5555_6666))
  }

  @Test func firstUniformFloatsComeFromTheFirstBlock() throws {
    // RandomUniform float32 with seeds (s, s2): TensorFlow's Uint32ToFloat of
    // the words of Philox block 0 under key s, counter (0, 0, s2).
    let g = Graph()
    let shape = try g.constant(Tensor.i32([4]))
    let r = try g.output(g.addNode(op: "RandomUniform", inputs: [shape], attrs: ["dtype": .type(.float32), "seed": 3, "seed2": 9]), 0)
    let block = Philox4x32.block(counter: SIMD4(0, 0, 9, 0), key: SIMD2(3, 0))
    let expected = (0..<4).map { Double(Float(bitPattern: 0x3F80_0000 | (block[$0] & 0x7F_FFFF)) - 1) }
    expectClose(try evaluate(r), expected, shape: [4], tolerance: 0)
  }
}

/// Mean and (population) variance.
func moments(_ x: [Double]) -> (mean: Double, variance: Double) {
  let m = x.reduce(0, +) / Double(x.count)
  return (m, x.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Double(x.count))
}

@Suite struct RandomDistributionTests {
  static let n = 100_000

  @Test(arguments: [DType.float32, .float64])
  func uniform(_ dtype: DType) throws {
    let g = Graph()
    let x = try evaluate(g.randomUniform(shape: [Self.n], dtype: dtype, seed: 1)).doubles()
    #expect(x.allSatisfy { $0 >= 0 && $0 < 1 })
    let (m, v) = moments(x)
    #expect(abs(m - 0.5) < 0.005, "mean \(m)")
    #expect(abs(v - 1.0 / 12) < 0.002, "variance \(v)")
    let quarter = Double(x.filter { $0 < 0.25 }.count) / Double(Self.n)
    #expect(abs(quarter - 0.25) < 0.007, "P(x < 0.25) = \(quarter)")
    // Neighbours are uncorrelated.
    let r = zip(x, x.dropFirst()).reduce(0) { $0 + ($1.0 - m) * ($1.1 - m) } / (Double(Self.n - 1) * v)
    #expect(abs(r) < 0.02, "lag-1 correlation \(r)")
  }

  @Test func uniformInARange() throws {
    let g = Graph()
    let y = try g.randomUniform(shape: [10_000], minval: -2, maxval: 3, seed: 4)
    #expect(y.node.name == "random_uniform" && y.node.op == "AddV2")
    let x = try evaluate(y).doubles()
    #expect(x.allSatisfy { $0 >= -2 && $0 < 3 })
    #expect(abs(moments(x).mean - 0.5) < 0.06)
  }

  @Test(arguments: [DType.float32, .float64])
  func normal(_ dtype: DType) throws {
    let g = Graph()
    let x = try evaluate(g.randomNormal(shape: [Self.n], dtype: dtype, seed: 2)).doubles()
    let (m, v) = moments(x)
    #expect(abs(m) < 0.016, "mean \(m)")
    #expect(abs(v - 1) < 0.025, "variance \(v)")
    // About 68.3% within one standard deviation.
    let within = Double(x.filter { abs($0) < 1 }.count) / Double(Self.n)
    #expect(abs(within - 0.6827) < 0.008, "P(|x| < 1) = \(within)")
    let scaled = try evaluate(g.randomNormal(shape: [Self.n], mean: 3, stddev: 2, dtype: dtype, seed: 2)).doubles()
    let (m2, v2) = moments(scaled)
    #expect(abs(m2 - 3) < 0.032 && abs(v2 - 4) < 0.1, "mean \(m2), variance \(v2)")
  }

  @Test(arguments: [DType.float32, .float64])
  func truncatedNormal(_ dtype: DType) throws {
    let g = Graph()
    let x = try evaluate(g.truncatedNormal(shape: [Self.n], dtype: dtype, seed: 3)).doubles()
    #expect(x.allSatisfy { abs($0) < 2 })
    let (m, v) = moments(x)
    // N(0, 1) truncated to (-2, 2): variance 1 - 4φ(2)/(Φ(2) - Φ(-2)) ≈ 0.7737.
    #expect(abs(m) < 0.014, "mean \(m)")
    #expect(abs(v - 0.7737) < 0.012, "variance \(v)")
    let scaled = try evaluate(g.truncatedNormal(shape: [Self.n], mean: -1, stddev: 0.5, dtype: dtype, seed: 3)).doubles()
    #expect(scaled.allSatisfy { abs($0 + 1) < 1 })
  }

  /// Group layout: a shorter request from the same seeds is a prefix.
  @Test(arguments: ["RandomUniform", "RandomStandardNormal", "TruncatedNormal"], [DType.float32, .float64])
  func shorterTensorsArePrefixes(_ op: String, _ dtype: DType) throws {
    let g = Graph()
    func draw(_ n: Int) throws -> [Double] {
      let shape = try g.constant(Tensor.i32([n]))
      let node = try g.addNode(op: op, inputs: [shape], attrs: ["dtype": .type(dtype), "seed": 5, "seed2": 6])
      return try evaluate(g.output(node, 0)).doubles()
    }
    let long = try draw(23)
    for n in [0, 1, 2, 3, 5, 8] { #expect(try draw(n) == Array(long.prefix(n)), "\(op) \(n)") }
  }
}

@Suite struct RandomSeedTests {
  @Test func tensorFlowGetSeedRules() throws {
    let g = Graph()
    #expect(g.randomSeeds(opSeed: nil) == (0, 0))
    #expect(g.randomSeeds(opSeed: 5) == (87_654_321, 5))
    g.randomSeed = 1
    #expect(g.randomSeeds(opSeed: 5) == (1, 5))
    _ = try g.constant(1)
    _ = try g.constant(2)
    #expect(g.randomSeeds(opSeed: nil) == (1, 2))
    g.randomSeed = 0
    #expect(g.randomSeeds(opSeed: 0) == (0, 2_147_483_647))
    g.randomSeed = -1
    #expect(g.randomSeeds(opSeed: 2_147_483_648) == (2_147_483_646, 1))
  }

  @Test func seedsLandInTheAttributes() throws {
    let g = Graph()
    g.randomSeed = 10
    let r = try g.randomNormal(shape: [2], seed: 20)
    let node = try #require(g.node(named: "random_normal/RandomStandardNormal"))
    #expect(node.attrs["seed"] == .int(10) && node.attrs["seed2"] == .int(20))
    #expect(r.node.name == "random_normal")
    #expect(g.node(named: "random_normal/mean") != nil && g.node(named: "random_normal/stddev") != nil)
    #expect(g.node(named: "random_normal/mul")?.op == "Mul")
    // Graph seed only: the op seed is the number of nodes made before it.
    let t = try g.truncatedNormal(shape: [2])
    let tn = try #require(g.node(named: "truncated_normal/TruncatedNormal"))
    #expect(tn.attrs["seed2"] == .int(tn.id))
    #expect(t.shape == [2])
  }

  @Test func sameSeedsRepeatInAFreshSessionAndAdvanceWithinOne() throws {
    let g = Graph()
    let r = try g.randomUniform(shape: [3, 4], seed: 7)
    let s1 = Session(graph: g), s2 = Session(graph: g)
    let a1 = try s1.run(r), a2 = try s1.run(r)
    let b1 = try s2.run(r), b2 = try s2.run(r)
    #expect(a1 == b1 && a2 == b2)
    #expect(a1 != a2)
    // Another op seed gives another stream.
    let other = try g.randomUniform(shape: [3, 4], seed: 8)
    #expect(try Session(graph: g).run(other) != a1)
  }

  @Test func graphSeedMakesRebuiltGraphsRepeat() throws {
    func build() throws -> (Graph, Output, Output) {
      let g = Graph()
      g.randomSeed = 1234
      let a = try g.randomNormal(shape: [5])
      let b = try g.randomNormal(shape: [5])
      return (g, a, b)
    }
    let (g1, a1, b1) = try build()
    let (g2, a2, b2) = try build()
    let r1 = try Session(graph: g1).run(fetches: [a1, b1])
    let r2 = try Session(graph: g2).run(fetches: [a2, b2])
    #expect(r1 == r2)
    #expect(r1[0] != r1[1])
  }

  @Test func noSeedsAreNondeterministic() throws {
    let g = Graph()
    let r = try g.randomUniform(shape: [8])
    #expect(r.node.attrs["seed"] == .int(0) && r.node.attrs["seed2"] == .int(0))
    #expect(try Session(graph: g).run(r) != Session(graph: g).run(r))
  }

  @Test func shapesFlagsAndErrors() throws {
    let g = Graph()
    let x = try g.placeholder(.float32, shape: [nil, 3], name: "x")
    let r = try g.randomNormal(shape: g.shape(of: x), seed: 1)
    #expect(r.shape == [.unknown, 3])
    #expect(try evaluate(r, feeds: [x: try Tensor(zeros: [2, 3])]).shape == [2, 3])
    #expect(try evaluate(g.randomUniform(shape: [0, 3], seed: 1)).shape == [0, 3])
    #expect(try evaluate(g.randomUniform(shape: [], dtype: .float64, seed: 1)).shape == [])
    for op in ["RandomUniform", "RandomStandardNormal", "TruncatedNormal"] {
      let def = try #require(OpRegistry.standard.op(named: op))
      #expect(def.isStateful)
      guard case .notDifferentiable = def.gradient else {
        Issue.record("\(op) should not be differentiable")
        continue
      }
    }
    expectError(.invalidArgument, containing: ["negative dimension -2"]) { try g.randomUniform(shape: [-2, 3]) }
    expectError(.invalidAttribute, containing: ["'dtype' is int32"]) { try g.randomUniform(shape: [2], dtype: .int32) }
    expectError(.shapeMismatch, containing: ["'shape' must be a vector"]) {
      try g.randomUniform(shape: g.constant(Tensor(Int32(3))))
    }
    let s = try g.placeholder(.int64, shape: [nil], name: "s")
    let y = try g.truncatedNormal(shape: s)
    expectError(.invalidArgument, containing: ["negative dimension -1"]) { try evaluate(y, feeds: [s: Tensor.i64([-1])]) }
    expectError(.invalidArgument, containing: ["too many elements"]) {
      try evaluate(y, feeds: [s: Tensor.i64([1 << 40, 1 << 40])])
    }
  }
}

@Suite struct PhiloxBulkTests {
  @Test(arguments: [0, 1, 3, 4, 7, 64, 65])
  func fillMatchesNext(_ blocks: Int) {
    // Start just below a 64-bit carry so the bulk path crosses it.
    var scalar = Philox4x32(counter: SIMD4(.max - 2, .max, 9, 0), key: SIMD2(0xDEAD_BEEF, 0x1234_5678))
    var bulk = scalar
    var words = [UInt32](repeating: 0, count: 4 * blocks)
    words.withUnsafeMutableBufferPointer { bulk.fill($0.baseAddress!, blocks: blocks) }
    var expected: [UInt32] = []
    for _ in 0..<blocks {
      let b = scalar.next()
      expected += [b[0], b[1], b[2], b[3]]
    }
    #expect(words == expected)
    #expect(bulk == scalar)
  }
}
