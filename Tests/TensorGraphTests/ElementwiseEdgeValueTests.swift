import Foundation
import Testing
import TensorGraph
import TensorGraphTestSupport

/// Every unfused elementwise kernel that fusion can replace, and the
/// comparisons, against
/// TensorFlow 2.21's own kernels on the edge inputs of
/// `ElementwiseEdgeFixtures`: negatives, ±0, both sides of every kink, huge
/// and tiny magnitudes, ±Inf and NaN, each binary op on all 625 pairs, in
/// float32 and float64. NaN must give NaN exactly where TensorFlow does,
/// infinities and signed zeros must be equal; finite values agree to the
/// last few ulps (TensorFlow's Eigen kernels approximate Exp, Tanh and
/// their kin differently from the platform's libm).
@Suite struct ElementwiseEdgeValueTests {
  /// Relative tolerance, and the absolute difference always allowed.
  static func tolerance(_ op: String, _ dtype: DType) -> (relative: Double, floor: Double) {
    let epsilon = dtype == .float32 ? Double(Float.ulpOfOne) : Double.ulpOfOne
    // Elu below 0 is expm1(x) here, exp(x) − 1 in TensorFlow, which cancels
    // to 0 for |x| under half an ulp of 1 (Elu(−1e−30) is 0 there, −1e−30
    // here): the two agree to an ulp of 1, absolutely.
    if op == "Elu" { return (dtype == .float32 ? 4e-6 : 1e-13, epsilon) }
    return dtype == .float32 ? (4e-6, 1e-37) : (1e-13, 1e-300)
  }

  @Test(arguments: ElementwiseEdgeFixtures.all + ElementwiseEdgeFixtures.comparison, ElementwiseEdgeFixtures.dtypes)
  func matchesTensorFlowOnEdgeValues(_ op: String, _ dtype: DType) throws {
    let inputs = try ElementwiseEdgeFixtures.inputs(op, dtype)
    let want = try ElementwiseEdgeFixtures.reference(op, dtype)
    let outType: DType = ElementwiseEdgeFixtures.comparison.contains(op) ? .bool : dtype
    #expect(want.dtype == outType && want.shape == inputs[0].shape, "fixture \(op).\(dtype) has the inputs' shape")
    let got = try ElementwiseEdgeFixtures.runUnfused(op, inputs)
    #expect(got.dtype == outType && got.shape == want.shape)
    let x = inputs.map { $0.doubles() }
    let (relative, floor) = Self.tolerance(op, dtype)
    if let m = ElementwiseEdgeFixtures.mismatch(
      got.doubles(), want.doubles(), tolerance: relative, floor: floor,
      at: { i in "\(op)(\(x.map { String($0[i]) }.joined(separator: ", ")))" })
    {
      Issue.record("\(op) \(dtype) vs TensorFlow: \(m)")
    }
  }

  /// The fixtures hold what the script says: the 25 edge values in order,
  /// and an output for every op of the table in both dtypes.
  @Test func fixturesHoldTheEdgeValues() throws {
    for dtype in ElementwiseEdgeFixtures.dtypes {
      let v = try ElementwiseEdgeFixtures.values(dtype).doubles()
      #expect(v.count == 25)
      #expect(v.first == -.infinity && v[v.count - 2] == .infinity && v.last!.isNaN)
      #expect(v.contains(0) && v.contains { $0 == 0 && $0.sign == .minus })
      for kink in [0.0, 6.0] { #expect(v.contains { $0 < kink } && v.contains(kink) && v.contains { $0 > kink }) }
    }
  }
}
