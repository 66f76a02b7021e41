import Foundation
import Testing
import TensorGraph
import TensorGraphTestSupport

/// Hand-worked values of Round, the trigonometric and hyperbolic functions,
/// Erfc, Lgamma and Digamma: their domains' edges, what their gradients do,
/// and the inputs they reject. TensorFlow's values on every edge input are
/// in `Fixtures/ops/elementwise_math.safetensors`; libm's in
/// `KernelCheckTable.elementwiseMath`.
@Suite struct TrigonometricSpecialOpTests {
  static func run(_ build: (Graph, Output) throws -> Output, _ x: Tensor) throws -> Tensor {
    let g = Graph()
    return try Session(graph: g).run(try build(g, try g.constant(x)))
  }

  static func run(_ build: (Graph, Output) throws -> Output, _ values: [Double]) throws -> [Double] {
    try run(build, Tensor.f64(values, [values.count])).doubles()
  }

  /// Every element within `tolerance` relative (absolute below 1); equal
  /// infinities and zeros match.
  static func expectClose(
    _ got: [Double], _ want: [Double], tolerance: Double, sourceLocation: Testing.SourceLocation = #_sourceLocation
  ) {
    #expect(got.count == want.count, sourceLocation: sourceLocation)
    for (a, b) in zip(got, want) where a != b {
      #expect(Swift.abs(a - b) <= tolerance * Swift.max(1, Swift.abs(b)), "\(a) vs \(b)", sourceLocation: sourceLocation)
    }
  }

  @Test func roundHalvesToEvenAndPassesIntegersThrough() throws {
    #expect(try Self.run({ try $0.round($1) }, [-2.5, -1.5, -0.5, 0.5, 1.5, 2.5, 2.6, -2.6])
      == [-2, -2, -0.0, 0, 2, 2, 3, -3])
    #expect(try Self.run({ try $0.round($1) }, [-0.5])[0].sign == .minus)
    let ints = try Self.run({ try $0.round($1) }, Tensor([Int32(3), -4, .max, .min]))
    #expect(try ints.scalars(as: Int32.self) == [3, -4, .max, .min])
    let longs = try Self.run({ try $0.round($1) }, Tensor([Int64(7), -9]))
    #expect(try longs.scalars(as: Int64.self) == [7, -9])
  }

  @Test func inverseFunctionsAtTheirDomainsEdges() throws {
    let asin = try Self.run({ try $0.asin($1) }, [1, -1, 1.5, 0])
    #expect(asin[0] == Double.pi / 2 && asin[1] == -Double.pi / 2 && asin[2].isNaN && asin[3] == 0)
    let acos = try Self.run({ try $0.acos($1) }, [1, -1, -1.5])
    #expect(acos[0] == 0 && acos[1] == Double.pi && acos[2].isNaN)
    #expect(try Self.run({ try $0.atan($1) }, [.infinity, -.infinity]) == [Double.pi / 2, -Double.pi / 2])
    let acosh = try Self.run({ try $0.acosh($1) }, [1, 0.5, .infinity])
    #expect(acosh[0] == 0 && acosh[1].isNaN && acosh[2] == .infinity)
    let atanh = try Self.run({ try $0.atanh($1) }, [1, -1, 2, -0.0])
    #expect(atanh[0] == .infinity && atanh[1] == -.infinity && atanh[2].isNaN && atanh[3].sign == .minus)
    #expect(try Self.run({ try $0.asinh($1) }, [-.infinity, 0]) == [-.infinity, 0])
  }

  @Test func hyperbolicAndTangentByHand() throws {
    // sinh 1 = (e − 1/e)/2, cosh 1 = (e + 1/e)/2, tan π/4 = 1.
    let e: Double = Foundation.exp(1.0)
    let sinh1: Double = (e - 1 / e) / 2, cosh1: Double = (e + 1 / e) / 2
    Self.expectClose(try Self.run({ try $0.sinh($1) }, [1, -1]), [sinh1, -sinh1], tolerance: 1e-15)
    Self.expectClose(try Self.run({ try $0.cosh($1) }, [1, 800]), [cosh1, .infinity], tolerance: 1e-15)
    Self.expectClose(try Self.run({ try $0.tan($1) }, [Double.pi / 4]), [1], tolerance: 1e-15)
    #expect(try Self.run({ try $0.tan($1) }, [.infinity])[0].isNaN)
  }

  @Test func erfcAndLgammaByHand() throws {
    // erfc(30) = 2.6e-393 underflows float64 to 0; 1 − erf(5) loses every
    // digit erfc keeps (erfc 5 = 1.5374597944280349e-12).
    Self.expectClose(try Self.run({ try $0.erfc($1) }, [-.infinity, 0, 5, 30, .infinity]), [2, 1, 1.5374597944280349e-12, 0, 0],
      tolerance: 1e-15)
    // log Γ(½) = ½ ln π; Γ(-½) = −2√π, so log|Γ(-½)| = ln(2√π); poles give +Inf.
    let lgamma = try Self.run({ try $0.lgamma($1) }, [0.5, -0.5, 1, 2, 0, -3, -.infinity])
    Self.expectClose(Array(lgamma[0..<4]), [0.5 * Foundation.log(Double.pi), Foundation.log(2 * Double.pi.squareRoot()), 0, 0],
      tolerance: 1e-15)
    #expect(lgamma[4...] == [.infinity, .infinity, .infinity])
  }

  @Test func lgammaGradientIsDigamma() throws {
    let g = Graph()
    let x = try g.constant(Tensor.f64([1, 2], [2]))
    let dx = try #require(try g.gradients(of: try g.sum(try g.lgamma(x)), with: [x])[0])
    // ψ(1) = −γ, ψ(2) = 1 − γ.
    let gamma = 0.57721566490153286061
    Self.expectClose(try Session(graph: g).run(dx).doubles(), [-gamma, 1 - gamma], tolerance: 1e-14)
  }

  @Test func roundingAndGradientsOfTheInverseFunctions() throws {
    // d asin/dx at 0.6 = 1/0.8; d acos = −1/0.8; d atanh at 0.6 = 1/0.64;
    // d acosh at 1.25 = 1/0.75 (√(1.25² − 1) = 0.75); round stops it.
    let g = Graph()
    let a = try g.constant(Tensor.f64([0.6], [1])), b = try g.constant(Tensor.f64([1.25], [1]))
    let pairs: [(Output, Output)] = [(try g.asin(a), a), (try g.acos(a), a), (try g.atanh(a), a), (try g.acosh(b), b)]
    var grads: [Output] = []
    for (y, x) in pairs { grads.append(try #require(try g.gradients(of: try g.sum(y), with: [x])[0])) }
    let got: [Double] = try Session(graph: g).run(fetches: grads).map { $0.doubles()[0] }
    let want: [Double] = [1 / 0.8, -1 / 0.8, 1 / 0.64, 1 / 0.75]
    Self.expectClose(got, want, tolerance: 1e-12)
    // Round stops the gradient: only the sum of a itself contributes.
    let dx = try #require(try g.gradients(of: try g.add(try g.sum(try g.round(a)), try g.sum(a)), with: [a])[0])
    #expect(try Session(graph: g).run(dx).doubles() == [1])
  }

  @Test func integerInputsAreRejectedWhenBuilt() throws {
    let g = Graph()
    let i = try g.constant(Tensor([Int32(1), 2]))
    let builds: [() throws -> Output] = [
      { try g.tan(i) }, { try g.asin(i) }, { try g.acos(i) }, { try g.atan(i) }, { try g.sinh(i) }, { try g.cosh(i) },
      { try g.asinh(i) }, { try g.acosh(i) }, { try g.atanh(i) }, { try g.erfc(i) }, { try g.lgamma(i) },
      { try g.digamma(i) }, { try g.round(try g.constant(Tensor([true, false]))) },
    ]
    for build in builds { #expect(throws: TensorGraphError.self) { try build() } }
  }
}
