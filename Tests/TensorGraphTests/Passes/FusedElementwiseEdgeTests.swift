import Foundation
import Testing
import TensorGraph
import TensorGraphTestSupport

/// Every op of the fusion table run fused (`FusedElementwise`, and the
/// activations of `_FusedMatMul` and `_FusedConv2D`) against its unfused
/// kernel on the edge inputs of `ElementwiseEdgeFixtures` — negatives, ±0,
/// both sides of every kink, ±Inf, NaN — in float32 and float64, over more
/// than one 1,024-element block, with scalar operands broadcast on either
/// side. Both run the same scalar functions, so results must be bitwise
/// equal (any NaN meets any NaN). (`ElementwiseEdgeValueTests` checks the
/// unfused kernels themselves against TensorFlow.)
@Suite struct FusedElementwiseEdgeTests {
  /// The first index where `got` and `want` differ bitwise (NaNs equal).
  static func firstDifference(_ got: Tensor, _ want: Tensor) -> Int? {
    let a = got.doubles(), b = want.doubles()
    guard a.count == b.count else { return 0 }
    return a.indices.first { !(a[$0].isNaN && b[$0].isNaN) && a[$0].bitPattern != b[$0].bitPattern }
  }

  /// The inputs repeated `times` times (past one block of 1,024 elements).
  static func tiled(_ t: Tensor, _ times: Int) -> Tensor {
    let v = t.doubles()
    let all = Array(Array(repeating: v, count: times).joined())
    return MathFixtures.tensor(all, [all.count], t.dtype)
  }

  static func runFused(_ op: String, _ inputs: [Tensor]) throws -> Tensor {
    let g = Graph()
    let xs = try inputs.enumerated().map { i, t in try g.placeholder(t.dtype, shape: t.shape, name: "x\(i)") }
    let y = try g.fusedElementwise(xs, ops: [op], operands: Array(0..<xs.count), name: "y")
    return try Session(graph: g).run(y, feeds: Dictionary(uniqueKeysWithValues: zip(xs, inputs)))
  }

  /// The table of this suite is the fusion table: the kernel refuses a name
  /// outside it and lists every name it accepts.
  @Test func coversTheWholeFusionTable() throws {
    let g = Graph()
    let x = try g.placeholder(.float32, shape: [3], name: "x")
    let error = expectError(.invalidArgument, containing: ["cannot be fused"]) {
      try g.fusedElementwise([x], ops: ["Softmax"], operands: [0])
    }
    let listed = try #require(error.map { "\($0)" }?.components(separatedBy: "(fusable: ").last?.prefix { $0 != ")" })
    #expect(listed.components(separatedBy: ", ") == ElementwiseEdgeFixtures.all)
  }

  @Test(arguments: ElementwiseEdgeFixtures.all, ElementwiseEdgeFixtures.dtypes)
  func fusedEqualsUnfusedOnEdgeValues(_ op: String, _ dtype: DType) throws {
    let base = try ElementwiseEdgeFixtures.inputs(op, dtype)
    let inputs = base.map { Self.tiled($0, base[0].scalarCount == 25 ? 50 : 3) }  // 1,250 or 1,875 elements
    let fused = try Self.runFused(op, inputs)
    let unfused = try ElementwiseEdgeFixtures.runUnfused(op, inputs)
    #expect(fused.shape == unfused.shape && fused.dtype == dtype)
    if let i = Self.firstDifference(fused, unfused) {
      let args = inputs.map { String($0.doubles()[i]) }.joined(separator: ", ")
      Issue.record("\(op) \(dtype) at \(i): fused \(op)(\(args)) = \(fused.doubles()[i]), unfused \(unfused.doubles()[i])")
    }
  }

  /// A broadcasting binary op with a scalar on either side, for every edge
  /// value as the scalar: the fused kernel reads it once per block.
  @Test(arguments: ElementwiseEdgeFixtures.broadcasting, ElementwiseEdgeFixtures.dtypes)
  func scalarOperandsOnEitherSide(_ op: String, _ dtype: DType) throws {
    let values = try ElementwiseEdgeFixtures.values(dtype)
    let vector = Self.tiled(values, 60)  // 1,500 elements
    for (k, s) in values.doubles().enumerated() {
      let scalar = MathFixtures.tensor([s], [], dtype)
      for inputs in [[vector, scalar], [scalar, vector]] {
        let fused = try Self.runFused(op, inputs)
        let unfused = try ElementwiseEdgeFixtures.runUnfused(op, inputs)
        if let i = Self.firstDifference(fused, unfused) {
          let side = inputs[0].rank == 0 ? "first" : "second"
          Issue.record("\(op) \(dtype), scalar \(s) (value \(k)) as \(side) operand, element \(i): fused \(fused.doubles()[i]), unfused \(unfused.doubles()[i])")
          return
        }
      }
    }
  }

  /// A chain that passes every op's result on through block registers:
  /// `op(Neg(Neg(x)), y)` fused against the three unfused nodes.
  @Test(arguments: ElementwiseEdgeFixtures.all, [DType.float32])
  func chainedThroughRegisters(_ op: String, _ dtype: DType) throws {
    let base = try ElementwiseEdgeFixtures.inputs(op, dtype)
    let inputs = base.map { Self.tiled($0, base[0].scalarCount == 25 ? 50 : 2) }
    let g = Graph()
    let xs = try inputs.enumerated().map { i, t in try g.placeholder(dtype, shape: t.shape, name: "x\(i)") }
    let n = xs.count
    let fused = try g.fusedElementwise(
      xs, ops: ["Neg", "Neg", op], operands: [0, n, n + 1] + Array(xs.dropFirst().indices), name: "fused")
    let chain = try g.negate(try g.negate(xs[0]))
    let unfused = try g.output(g.addNode(op: op, inputs: [chain] + xs.dropFirst(), name: "unfused"), 0)
    let out = try Session(graph: g).run(fetches: [fused, unfused], feeds: Dictionary(uniqueKeysWithValues: zip(xs, inputs)))
    #expect(Self.firstDifference(out[0], out[1]) == nil, "\(op): the fused chain differs from the unfused one")
  }

  // MARK: - Activations fused into MatMul and Conv2D

  static let activations = ["Relu", "Relu6", "Elu", "Tanh", "Sigmoid"]

  /// `_FusedMatMul` and `_FusedConv2D` with each activation against
  /// MatMul/Conv2D → BiasAdd → activation, on the edge values times 1 plus
  /// a zero bias (both exact), so the activation sees every edge value.
  @Test(arguments: activations, ElementwiseEdgeFixtures.dtypes)
  func matMulAndConvActivationsOnEdgeValues(_ activation: String, _ dtype: DType) throws {
    let v = try ElementwiseEdgeFixtures.values(dtype).doubles()
    let n = v.count
    let g = Graph()
    let one = try g.constant(MathFixtures.tensor([1], [1, 1], dtype))
    let bias = try g.constant(MathFixtures.tensor([0], [1], dtype))
    let x = try g.constant(MathFixtures.tensor(v, [n, 1], dtype))
    let fusedMatMul = try g.fusedMatMul(x, one, bias: bias, activation: activation)
    let matMul = try g.output(g.addNode(op: activation, inputs: [try g.biasAdd(try g.matMul(x, one), bias)]), 0)
    let image = try g.constant(MathFixtures.tensor(v, [1, n, 1, 1], dtype))
    let filter = try g.constant(MathFixtures.tensor([1], [1, 1, 1, 1], dtype))
    let fusedConv = try g.fusedConv2d(image, filter: filter, bias: bias, activation: activation, strides: [1, 1, 1, 1], padding: "VALID")
    let conv = try g.output(
      g.addNode(op: activation, inputs: [try g.biasAdd(try g.conv2d(image, filter: filter, strides: [1, 1, 1, 1], padding: "VALID"), bias)]), 0)
    let out = try Session(graph: g).run(fetches: [fusedMatMul, matMul, fusedConv, conv])
    #expect(out[0].doubles().count == n)
    if let i = Self.firstDifference(out[0], out[1]) {
      Issue.record("_FusedMatMul \(activation) \(dtype) at x = \(v[i]): \(out[0].doubles()[i]), unfused \(out[1].doubles()[i])")
    }
    if let i = Self.firstDifference(out[2], out[3]) {
      Issue.record("_FusedConv2D \(activation) \(dtype) at x = \(v[i]): \(out[2].doubles()[i]), unfused \(out[3].doubles()[i])")
    }
  }
}
