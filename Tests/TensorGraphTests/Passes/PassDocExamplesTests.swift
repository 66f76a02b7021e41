import Testing
import TensorGraph
import TensorGraphTestSupport

// The before/after examples of Docs/passes.md: each builds the graph shown
// there, runs one pass, and checks that the diff is the one printed there
// and that the outputs are unchanged. Keep the two in step.

@Suite struct PassDocExamplesTests {
  /// Runs `pass` and returns the diff's text, after the differential check.
  static func diff(_ pass: any GraphPass, _ g: Graph, keep: KeepSet) throws -> String {
    let result = try PassManager([pass]).run(g, keep: keep)
    try DifferentialCheck(steps: 1).verify(original: g, transformed: result.graph, keep: keep)
    let text = GraphDiff(g, result.graph).description
    return text
  }

  @Test func pruning() throws {
    let g = Graph()
    let x = try g.placeholder(.float32, shape: [nil, 4], name: "x")
    let y = try g.relu(x, name: "y")
    _ = try g.exp(x, name: "unused")
    _ = try g.variable(Tensor.f32([1, 2, 3, 4], [4]), name: "w")
    #expect(
      try Self.diff(PruningPass(), g, keep: KeepSet(fetches: [y])) == """
      - unused (Exp)
      - w/initial_value (Const)
      - w (VariableV2)
      - w/Assign (Assign)
      - w/read (Identity)
      """)
  }

  @Test func constfold() throws {
    let g = Graph()
    let x = try g.placeholder(.float32, shape: [8, 4], name: "x")
    let s = try g.multiply(try g.constant(2.0, name: "a"), try g.constant(3.0, name: "b"), name: "s")
    let y = try g.add(x, s, name: "y")
    let n = try g.shape(of: x, name: "n")
    #expect(
      try Self.diff(ConstantFoldingPass(), g, keep: KeepSet(fetches: [y, n])) == """
      ~ s: op Mul → Const; inputs [a, b] → []; attr T float32 → unset; attr dtype unset → float32; attr value unset → tensor<float32 []>
      ~ n: op Shape → Const; inputs [x] → []; attr T float32 → unset; attr dtype unset → int32; attr out_type int32 → unset; attr value unset → tensor<int32 [2]>
      """)
  }

  @Test func arithmetic() throws {
    let g = Graph()
    let x = try g.placeholder(.float32, shape: [nil, 4], name: "x")
    let w = try g.constant(Tensor.f32((0..<12).map { Double($0) }, [3, 4]), name: "w")
    let y = try g.matMul(x, try g.transpose(w), name: "y")
    let z = try g.identity(try g.negate(try g.negate(try g.multiply(x, try g.constant(1.0, name: "one")))), name: "z")
    #expect(
      try Self.diff(ArithmeticOptimizerPass(), g, keep: KeepSet(fetches: [y, z])) == """
      - Mul (Mul)
      - Neg_1 (Neg)
      ~ y: inputs [x, transpose] → [x, w]; attr transpose_b false → true
      ~ Neg: inputs [Mul] → [x]
      ~ z: inputs [Neg_1] → [x]
      """)
  }

  @Test func commonSubgraphElimination() throws {
    let g = Graph()
    let x = try g.placeholder(.float32, shape: [nil, 4], name: "x")
    let y = try g.add(try g.exp(x), try g.exp(x), name: "y")
    #expect(
      try Self.diff(CommonSubexpressionEliminationPass(), g, keep: KeepSet(fetches: [y])) == """
      - Exp_1 (Exp)
      ~ y: inputs [Exp, Exp_1] → [Exp, Exp]
      """)
  }

  @Test func remap() throws {
    let g = Graph()
    let x = try g.placeholder(.float32, shape: [nil, 3], name: "x")
    let w = try g.constant(Tensor.f32((0..<6).map { Double($0) / 6 }, [3, 2]), name: "w")
    let b = try g.constant(Tensor.f32([0.5, -0.5], [2]), name: "b")
    let y = try g.relu(try g.biasAdd(try g.matMul(x, w), b), name: "y")
    #expect(
      try Self.diff(RemapperPass(), g, keep: KeepSet(fetches: [y])) == """
      - MatMul (MatMul)
      - BiasAdd (BiasAdd)
      ~ y: op Relu → _FusedMatMul; inputs [BiasAdd] → [x, w, b]; attr epsilon unset → 0.0001; attr fused_ops unset → ["BiasAdd", "Relu"]; attr leakyrelu_alpha unset → 0.2; attr num_args unset → 1; attr transpose_a unset → false; attr transpose_b unset → false
      """)
  }

  @Test func remapConvolution() throws {
    let g = Graph()
    let x = try g.placeholder(.float32, shape: [nil, 8, 8, 3], name: "x")
    let w = try g.constant(Tensor.f32((0..<54).map { Double($0 % 7) / 7 - 0.4 }, [3, 3, 3, 2]), name: "w")
    let b = try g.constant(Tensor.f32([0.5, -0.5], [2]), name: "b")
    let c = try g.conv2d(x, filter: w, strides: [1], padding: "SAME", name: "conv")
    let y = try g.relu(try g.biasAdd(c, b), name: "y")
    #expect(
      try Self.diff(RemapperPass(), g, keep: KeepSet(fetches: [y])) == """
      - conv (Conv2D)
      - BiasAdd (BiasAdd)
      ~ y: op Relu → _FusedConv2D; inputs [BiasAdd] → [x, w, b]; attr data_format unset → "NHWC"; attr dilations unset → [1, 1, 1, 1]; attr epsilon unset → 0.0001; attr explicit_paddings unset → []; attr filter_format unset → "HWIO"; attr fused_ops unset → ["BiasAdd", "Relu"]; attr leakyrelu_alpha unset → 0.2; attr num_args unset → 1; attr padding unset → "SAME"; attr strides unset → [1, 1, 1, 1]; attr use_cudnn_on_gpu unset → true
      """)
  }

  @Test func foldBatchNorms() throws {
    let g = Graph()
    let x = try g.placeholder(.float32, shape: [nil, 8, 8, 3], name: "x")
    let w = try g.constant(Tensor.f32((0..<54).map { Double($0 % 7) / 7 - 0.4 }, [3, 3, 3, 2]), name: "w")
    func vector(_ values: [Double], _ name: String) throws -> Output { try g.constant(Tensor.f32(values, [2]), name: name) }
    let c = try g.conv2d(x, filter: w, strides: [1], padding: "SAME", name: "conv")
    let bn = try g.fusedBatchNorm(
      c, scale: try vector([1.5, 0.5], "gamma"), offset: try vector([0.1, -0.1], "beta"),
      mean: try vector([0.2, 0.4], "mean"), variance: try vector([1, 4], "variance"), isTraining: false, name: "bn")
    let y = try g.relu(bn.y, name: "y")
    #expect(
      try Self.diff(FoldBatchNormsPass(), g, keep: KeepSet(fetches: [y])) == """
      - w (Const)
      - gamma (Const)
      - beta (Const)
      - mean (Const)
      - variance (Const)
      + bn/folded_filter (Const)
      + bn/folded_bias (Const)
      ~ conv: inputs [x, w] → [x, bn/folded_filter]
      ~ bn: op FusedBatchNormV3 → BiasAdd; inputs [conv, gamma, beta, mean, variance] → [conv, bn/folded_bias]; attr U float32 → unset; attr epsilon 0.0001 → unset; attr exponential_avg_factor 1.0 → unset; attr is_training false → unset
      """)
  }

  @Test func elementwiseFusion() throws {
    let g = Graph()
    let x = try g.placeholder(.float32, shape: [nil, 4], name: "x")
    let y = try g.relu(try g.add(try g.multiply(x, try g.constant(2.0, name: "two")), try g.constant(0.5, name: "half")), name: "y")
    #expect(
      try Self.diff(ElementwiseFusionPass(), g, keep: KeepSet(fetches: [y])) == """
      - Mul (Mul)
      - AddV2 (AddV2)
      ~ y: op Relu → FusedElementwise; inputs [AddV2] → [x, two, half]; attr N unset → 3; attr operands unset → [0, 1, 3, 2, 4]; attr ops unset → ["Mul", "AddV2", "Relu"]
      """)
  }
}
