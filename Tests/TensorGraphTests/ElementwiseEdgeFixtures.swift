import Foundation
import Testing
import TensorGraph
import TensorGraphTestSupport

/// TensorFlow 2.21's values for every fusable elementwise op on edge inputs
/// (Fixtures/elementwise, written by scripts/make-elementwise-fixtures.py):
/// 25 values with negatives, both zeros, both sides of each kink, huge and
/// tiny magnitudes, ±Inf and NaN, and for binary ops their 625 pairs.
enum ElementwiseEdgeFixtures {
  /// The unary ops of the fusion table, in the script's order.
  static let unary = [
    "Neg", "Abs", "Square", "Sign", "Exp", "Log", "Sqrt", "Rsqrt", "Reciprocal", "Relu", "Relu6", "Elu", "Softplus",
    "Sigmoid", "Tanh",
  ]

  /// The binary ops of the fusion table, in the script's order.
  static let binary = [
    "AddV2", "Sub", "Mul", "RealDiv", "Maximum", "Minimum", "SquaredDifference", "Pow", "ReluGrad", "Relu6Grad",
    "EluGrad", "SoftplusGrad", "SigmoidGrad", "TanhGrad", "SqrtGrad", "RsqrtGrad", "ReciprocalGrad",
  ]

  /// Every op of the table.
  static let all = unary + binary

  /// Elementwise ops outside the fusion table, on the same pairs (their
  /// fixtures are bool).
  static let comparison = ["Equal", "NotEqual", "Less", "LessEqual", "Greater", "GreaterEqual"]

  /// Binary ops that broadcast (the gradient ops need equal shapes).
  static let broadcasting = Array(binary.prefix(8))

  static let dtypes: [DType] = [.float32, .float64]

  static func load(_ name: String) throws -> Tensor {
    try Tensor(npyFile: SerializationFixtures.fixture("elementwise/\(name).npy"))
  }

  /// The 25 edge values, as `dtype` stores them.
  static func values(_ dtype: DType) throws -> Tensor { try load("values.\(dtype)") }

  /// The inputs the fixture of `op` was computed on: the values for a
  /// unary op, the grid x[i·25 + j] = v[i], y[j] = v[j] for a binary op.
  static func inputs(_ op: String, _ dtype: DType) throws -> [Tensor] {
    let v = try values(dtype).doubles()
    guard binary.contains(op) || comparison.contains(op) else { return [MathFixtures.tensor(v, [v.count], dtype)] }
    let x = v.flatMap { Array(repeating: $0, count: v.count) }
    let y = Array((0..<v.count).map { _ in v }.joined())
    return [MathFixtures.tensor(x, [x.count], dtype), MathFixtures.tensor(y, [y.count], dtype)]
  }

  /// TensorFlow's output for `op` on `inputs(op, dtype)`.
  static func reference(_ op: String, _ dtype: DType) throws -> Tensor { try load("\(op).\(dtype)") }

  /// `op` built as one node on placeholders and run on `inputs`.
  static func runUnfused(_ op: String, _ inputs: [Tensor]) throws -> Tensor {
    let g = Graph()
    let xs = try inputs.enumerated().map { i, t in try g.placeholder(t.dtype, shape: t.shape, name: "x\(i)") }
    let y = try g.output(g.addNode(op: op, inputs: xs, name: "y"), 0)
    #expect(y.node.op == op)
    return try Session(graph: g).run(y, feeds: Dictionary(uniqueKeysWithValues: zip(xs, inputs)))
  }

  /// Describes where `got` and `want` differ, or `nil`: NaN must meet NaN,
  /// infinities and zeros (with their sign) must be equal, and finite
  /// values agree within `tolerance` relative to the larger magnitude, or
  /// absolutely below `floor` (results that underflow).
  static func mismatch(
    _ got: [Double], _ want: [Double], tolerance: Double, floor: Double, signedZeros: Bool = true,
    at describe: (Int) -> String
  ) -> String? {
    guard got.count == want.count else { return "\(got.count) values, expected \(want.count)" }
    var lines: [String] = []
    for i in got.indices {
      let a = got[i], b = want[i]
      let ok: Bool
      if a.isNaN || b.isNaN {
        ok = a.isNaN && b.isNaN
      } else if a.isInfinite || b.isInfinite {
        ok = a == b
      } else if a == 0 && b == 0 {
        ok = !signedZeros || a.sign == b.sign
      } else {
        let d = Swift.abs(a - b)
        ok = d <= floor || d <= tolerance * Swift.max(Swift.abs(a), Swift.abs(b))
      }
      if !ok { lines.append("\(describe(i)): got \(a), expected \(b)") }
    }
    guard !lines.isEmpty else { return nil }
    return "\(lines.count) of \(got.count) differ: " + lines.prefix(12).joined(separator: "; ")
  }
}
