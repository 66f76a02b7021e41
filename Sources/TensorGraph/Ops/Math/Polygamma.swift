import Foundation
import RealModule

// Polygamma: ψ⁽ⁿ⁾(x), the n-th derivative of the digamma function, float32
// and float64 as TensorFlow's CPU kernel (Eigen's polygamma_impl), with
// broadcasting of the order `a` against `x`. Its gradient in x is
// Polygamma(a + 1, x); the order has none (TensorFlow's _PolygammaGrad).

// MARK: - The scalar function

/// `ψ⁽ᵃ⁾(x) = (−1)^(a+1)·a!·ζ(a + 1, x)` for a positive integer order `a`,
/// `ψ(x)` (Digamma) for `a = 0`, NaN for a negative or non-integer order,
/// as Eigen's `polygamma_impl`. At x = 0, −1, −2, … (and so at −Inf and
/// every negative float beyond 2⁵³) it is +Inf for odd `a` and NaN for
/// even `a`; `a!` overflowing (a ≥ 171) gives ±Inf.
///
/// Hand-written, in double precision for both dtypes, because no library
/// the package depends on (Foundation/glibc, swift-numerics' RealModule)
/// provides polygamma or the Hurwitz zeta function.
public enum PolygammaFunction: BinaryFloatFunction {
  @inlinable public static func apply<T: TensorFloatScalar>(_ a: T, _ x: T) -> T {
    T(polygamma(Double(a), Double(x)))
  }

  @usableFromInline static func polygamma(_ n: Double, _ x: Double) -> Double {
    if n.rounded(.down) != n || n < 0 { return .nan }  // NaN fails the first test
    if n == 0 { return DigammaFunction.digamma(x) }
    let factorial = Double.exp(Double.logGamma(n + 1))
    let sign: Double = (n + 1).truncatingRemainder(dividingBy: 2) == 0 ? 1 : -1
    return sign * factorial * hurwitzZeta(n + 1, x)
  }

  /// The Hurwitz zeta function `ζ(s, q) = Σₖ₌₀^∞ (q + k)^−s` for an integer
  /// `s ≥ 2`, by Cephes' `zeta` (which Eigen's `zeta_impl` copies): the sum
  /// term by term until `q + k > 9` (and at least 9 terms), then the
  /// Euler–Maclaurin tail `w^(1−s)/(s − 1) − w^−s/2 + Σⱼ B₂ⱼ/(2j)!·
  /// s(s+1)…(s+2j−2)·w^(−s−2j+1)` with `w = q + k`, stopping when a term
  /// falls below 2⁻⁵³ of the sum.
  ///
  /// Poles as Eigen's: q = 0, −1, −2, … (and −Inf) gives +Inf for even `s`
  /// and NaN for odd `s`. A negative non-integer `q` is summed term by term
  /// up from `q`, as Eigen's double-precision loop does, while `q ≥ −64`
  /// (at most 73 terms); below that Eigen's loop runs |q| + 9 terms
  /// (unbounded work on user input), so the terms below the fractional
  /// part `f = q + m` are summed by reflection instead,
  /// `Σⱼ₌₁ᵐ (f − j)^−s = (−1)^s·(ζ(s, 1 − f) − ζ(s, m + 1 − f))`: the same
  /// value in a fixed amount of work. (Near the poles and for large `s`
  /// the terms cancel and both lose precision, Eigen's as well.)
  @usableFromInline static func hurwitzZeta(_ s: Double, _ q: Double) -> Double {
    if q <= 0 {
      if q == q.rounded(.down) {  // also -Inf
        return s.truncatingRemainder(dividingBy: 2) == 0 ? .infinity : .nan
      }
      if q < -64 {
        let m = -q.rounded(.down), f = q + m  // exact: q + m drops integer bits only
        let below = cephesZeta(s, 1 - f) - cephesZeta(s, m + 1 - f)
        return cephesZeta(s, f) + (s.truncatingRemainder(dividingBy: 2) == 0 ? below : -below)
      }
    }
    return cephesZeta(s, q)
  }

  /// B₂ⱼ/(2j)! inverted: 12, −720, 30240, … (Cephes' `A[]`).
  @usableFromInline static let eulerMaclaurinDivisors: [Double] = [
    12.0, -720.0, 30240.0, -1_209_600.0, 47_900_160.0, -1.8924375803183791606e9, 7.47242496e10,
    -2.950130727918164224e12, 1.1646782814350067249e14, -4.5979787224074726105e15, 1.8152105401943546773e17,
    -7.1661652561756670113e18,
  ]

  /// Cephes' series, with Eigen's early exit when the last term is 0 (q =
  /// +Inf gives 0, not Inf·0). C's `pow`: defined for the negative `q`
  /// with integer `s` that ``hurwitzZeta(_:_:)`` passes.
  @usableFromInline static func cephesZeta(_ s: Double, _ q: Double) -> Double {
    let machep = 1.11022302462515654042e-16
    var sum = Foundation.pow(q, -s)
    var a = q, b = 0.0, i = 0
    while i < 9 || a <= 9 {
      i += 1
      a += 1
      b = Foundation.pow(a, -s)
      sum += b
      if (b / sum).magnitude < machep { return sum }
    }
    if b == 0 { return sum }
    let w = a
    sum += b * w / (s - 1)
    sum -= 0.5 * b
    var rising = 1.0, k = 0.0
    for divisor in eulerMaclaurinDivisors {
      rising *= s + k
      b /= w
      let term = rising * b / divisor
      sum += term
      if (term / sum).magnitude < machep { return sum }
      k += 1
      rising *= s + k
      b /= w
      k += 1
    }
    return sum
  }
}

// MARK: - The op

extension StandardOps {
  static let polygammaOp = OpDef(
    "Polygamma", inputs: ["a: T", "x: T"], outputs: ["z: T"], attrs: ["T: {float32, float64}"],
    flags: [.elementwise],
    summary: "Computes the polygamma function ψ⁽ᵃ⁾(x), the a-th derivative of Digamma, elementwise with broadcasting.",
    shape: ShapeRules.broadcastBinary, kernel: PolygammaFunction.kernel,
    gradient: .function { c in
      // d ψ⁽ᵃ⁾(x) = ψ⁽ᵃ⁺¹⁾(x)·dx; none for the order a (TensorFlow's
      // _PolygammaGrad)
      let g = c.graph, a = c.input(0), x = c.input(1)
      let next = try g.polygamma(try g.add(a, try g.constant(1, dtype: a.dtype)), x)
      return [nil, try c.unbroadcast(try g.multiply(next, c.grad), to: x, other: a)]
    },
    cost: elementwiseCost(flopsPerElement: 30 * transcendentalFlops))
}

extension Graph {
  /// The polygamma function `ψ⁽ᵃ⁾(x)` elementwise with broadcasting
  /// (`Polygamma`; TensorFlow's `tf.math.polygamma`): `a` is a
  /// non-negative integer order (NaN otherwise), `ψ⁽⁰⁾` is Digamma and
  /// `ψ⁽¹⁾(1) = π²/6`.
  public func polygamma(_ a: Output, _ x: Output, name: String? = nil, file: String = #fileID, line: Int = #line)
    throws -> Output
  {
    try build("Polygamma", [a, x], name: name, file: file, line: line)
  }
}
