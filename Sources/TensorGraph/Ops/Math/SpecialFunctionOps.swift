import Foundation
import RealModule

// TensorFlow's special functions beyond Erf: Erfc, Lgamma and Digamma,
// float32 and float64 as TensorFlow's CPU kernels. Each section: the scalar
// function, the op definition with TensorFlow's gradient (math_grad.py),
// the builder named after TensorFlow's Python function.

// MARK: - Erfc

/// The complementary error function `1 − erf(x)`, accurate where erf is
/// near 1; 2 at -Inf, 0 at +Inf.
public enum ErfcFunction: UnaryFloatFunction {
  @inlinable public static func apply<T: TensorFloatScalar>(_ x: T) -> T { T.erfc(x) }
}

extension StandardOps {
  static let erfcOp = unaryOp(
    "Erfc", types: "{float32, float64}", flags: [],
    summary: "Computes the complementary error function of x elementwise.", kernel: ErfcFunction.kernel,
    gradient: .function { c in
      // d erfc x = −2/√π·e^(−x²)·dx (TensorFlow's _ErfcGrad)
      let g = c.graph, x = c.input(0)
      let scale = try g.constant(-2 / Double.pi.squareRoot(), dtype: x.dtype)
      return [try g.multiply(try g.multiply(c.grad, scale), try g.exp(try g.negate(try g.square(x))))]
    },
    cost: elementwiseCost(flopsPerElement: transcendentalFlops))
}

extension Graph {
  /// The complementary error function `1 − erf(x)` elementwise (`Erfc`;
  /// TensorFlow's `tf.math.erfc`).
  public func erfc(_ x: Output, name: String? = nil, file: String = #fileID, line: Int = #line) throws -> Output {
    try build("Erfc", [x], name: name, file: file, line: line)
  }
}

// MARK: - Lgamma, Digamma

/// `log|Γ(x)|`; +Inf at the poles (0, -1, -2, …) and at ±Inf.
public enum LgammaFunction: UnaryFloatFunction {
  @inlinable public static func apply<T: TensorFloatScalar>(_ x: T) -> T { T.logGamma(x) }
}

/// The digamma function `ψ(x) = Γ′(x)/Γ(x)`; NaN at the poles (0, -1, -2,
/// …, and so every negative float beyond 2⁵³) and at -Inf, +Inf at +Inf,
/// as TensorFlow's (Eigen's) kernel.
public enum DigammaFunction: UnaryFloatFunction {
  @inlinable public static func apply<T: TensorFloatScalar>(_ x: T) -> T { T(digamma(Double(x))) }

  /// ψ in double precision (Cephes' scheme, which Eigen's kernel follows):
  /// for x ≤ 0 the reflection ψ(x) = ψ(1 − x) − π/tan(πx), with tan taken
  /// of the fractional part so that large |x| keeps its accuracy; the
  /// recurrence ψ(x) = ψ(x + 1) − 1/x up to x ≥ 10; then the asymptotic
  /// series ln x − 1/(2x) − Σ B₂ₖ/(2k·x²ᵏ), whose first omitted term is
  /// below 10⁻¹⁵ relative there.
  @usableFromInline static func digamma(_ x0: Double) -> Double {
    if x0.isNaN || x0 == -.infinity { return .nan }
    if x0 == .infinity { return .infinity }
    var x = x0, reflection = 0.0
    if x <= 0 {
      let p = x.rounded(.down)
      if p == x { return .nan }
      var fraction = x - p
      if fraction != 0.5 {
        if fraction > 0.5 { fraction = x - (p + 1) }
        reflection = Double.pi / Foundation.tan(Double.pi * fraction)
      }
      x = 1 - x
    }
    var shift = 0.0
    while x < 10 {
      shift += 1 / x
      x += 1
    }
    let z = 1 / (x * x)
    // B₂/2 = 1/12, B₄/4 = −1/120, B₆/6 = 1/252, B₈/8 = −1/240, B₁₀/10 = 1/132,
    // B₁₂/12 = −691/32760, B₁₄/14 = 1/12.
    let series = z * (1.0 / 12 - z * (1.0 / 120 - z * (1.0 / 252 - z * (1.0 / 240 - z * (1.0 / 132
      - z * (691.0 / 32760 - z / 12))))))
    return Foundation.log(x) - 0.5 / x - series - shift - reflection
  }
}

extension StandardOps {
  static let lgammaOp = unaryOp(
    "Lgamma", types: "{float32, float64}", flags: [],
    summary: "Computes the log of the absolute value of Gamma(x) elementwise.", kernel: LgammaFunction.kernel,
    gradient: .function { c in
      // d log|Γ(x)| = ψ(x)·dx (TensorFlow's _LgammaGrad)
      [try c.graph.multiply(c.grad, try c.graph.digamma(c.input(0)))]
    },
    cost: elementwiseCost(flopsPerElement: 2 * transcendentalFlops))
  static let digammaOp = unaryOp(
    "Digamma", types: "{float32, float64}", flags: [],
    summary: "Computes Psi, the derivative of Lgamma, elementwise.", kernel: DigammaFunction.kernel,
    gradient: .function { c in
      // d ψ(x) = ψ⁽¹⁾(x)·dx, the trigamma function Polygamma(1, x)
      // (TensorFlow's _DigammaGrad)
      let g = c.graph, x = c.input(0)
      return [try g.multiply(c.grad, try g.polygamma(try g.constant(1, dtype: x.dtype), x))]
    },
    cost: elementwiseCost(flopsPerElement: 2 * transcendentalFlops))
}

extension Graph {
  /// `log|Γ(x)|` elementwise (`Lgamma`; TensorFlow's `tf.math.lgamma`).
  public func lgamma(_ x: Output, name: String? = nil, file: String = #fileID, line: Int = #line) throws -> Output {
    try build("Lgamma", [x], name: name, file: file, line: line)
  }

  /// The digamma function `ψ(x) = d/dx log Γ(x)` elementwise (`Digamma`;
  /// TensorFlow's `tf.math.digamma`); its gradient is the trigamma
  /// function Polygamma(1, x).
  public func digamma(_ x: Output, name: String? = nil, file: String = #fileID, line: Int = #line) throws
    -> Output
  {
    try build("Digamma", [x], name: name, file: file, line: line)
  }
}
