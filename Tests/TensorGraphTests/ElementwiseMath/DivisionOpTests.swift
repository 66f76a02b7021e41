import Foundation
import Testing
import TensorGraph
import TensorGraphTestSupport

/// Hand-worked values of the divisions (FloorDiv, FloorMod, TruncateDiv,
/// DivNoNan, Xlogy, Xdivy), Atan2, the float classes, ClipByValue, L2Loss,
/// BiasAddV1 and Polygamma: sign tables, wraps, the inputs they reject and
/// the errors' wording. TensorFlow's values on every edge input are in
/// `Fixtures/ops/elementwise_math.safetensors`.
@Suite struct DivisionOpTests {
  static func run(_ build: (Graph, Output, Output) throws -> Output, _ x: Tensor, _ y: Tensor) throws -> Tensor {
    let g = Graph()
    return try Session(graph: g).run(try build(g, try g.constant(x), try g.constant(y)))
  }

  static func doubles(_ build: (Graph, Output, Output) throws -> Output, _ x: [Double], _ y: [Double]) throws -> [Double] {
    try run(build, Tensor.f64(x, [x.count]), Tensor.f64(y, [y.count])).doubles()
  }

  // MARK: - Integer divisions

  @Test func floorAndTruncationSignTable() throws {
    // 7 = 2·3 + 1: floor rounds toward −∞, truncation toward 0; the floor
    // remainder takes the divisor's sign.
    let x: [Int32] = [7, -7, 7, -7, 6, -6, 0], y: [Int32] = [2, 2, -2, -2, -3, 3, -4]
    let floorDiv = try Self.run({ try $0.floorDiv($1, $2) }, Tensor(x), Tensor(y)).scalars(as: Int32.self)
    let floorMod = try Self.run({ try $0.floorMod($1, $2) }, Tensor(x), Tensor(y)).scalars(as: Int32.self)
    let truncDiv = try Self.run({ try $0.truncateDiv($1, $2) }, Tensor(x), Tensor(y)).scalars(as: Int32.self)
    #expect(floorDiv == [3, -4, -4, 3, -2, -2, 0])
    #expect(floorMod == [1, 1, -1, -1, 0, 0, 0])
    #expect(truncDiv == [3, -3, -3, 3, -2, -2, 0])
    // The same table in float64, and the floor identity x = ⌊x/y⌋·y + x mod y.
    let fx = x.map(Double.init), fy = y.map(Double.init)
    #expect(try Self.doubles({ try $0.floorDiv($1, $2) }, fx, fy) == floorDiv.map(Double.init))
    #expect(try Self.doubles({ try $0.floorMod($1, $2) }, fx, fy) == floorMod.map(Double.init))
    #expect(try Self.doubles({ try $0.truncateDiv($1, $2) }, fx, fy) == truncDiv.map(Double.init))
    for i in x.indices { #expect(floorDiv[i] * y[i] + floorMod[i] == x[i]) }
  }

  @Test func integerOverflowWrapsAsTensorFlows() throws {
    // min / −1 overflows: TensorFlow (and we) give min back, and min mod
    // −1 is 0; min against 3 and against min are exact.
    let x: [Int32] = [.min, .min, .min, .min, 7, -7], y: [Int32] = [-1, -1, 3, .min, .min, .min]
    #expect(try Self.run({ try $0.floorDiv($1, $2) }, Tensor(x), Tensor(y)).scalars(as: Int32.self)
      == [.min, .min, -715_827_883, 1, -1, 0])
    #expect(try Self.run({ try $0.floorMod($1, $2) }, Tensor(x), Tensor(y)).scalars(as: Int32.self)
      == [0, 0, 1, 0, Int32.min + 7, -7])
    #expect(try Self.run({ try $0.truncateDiv($1, $2) }, Tensor(x), Tensor(y)).scalars(as: Int32.self)
      == [.min, .min, -715_827_882, 1, 0, 0])
    let long = try Self.run({ try $0.floorDiv($1, $2) }, Tensor([Int64.min, 9]), Tensor([Int64(-1), -2]))
    #expect(try long.scalars(as: Int64.self) == [.min, -5])
  }

  @Test func integerDivisionByZeroThrowsNamingTheNode() throws {
    for (op, build) in [
      ("FloorDiv", { (g: Graph, x: Output, y: Output) in try g.floorDiv(x, y, name: "quotient") }),
      ("FloorMod", { (g: Graph, x: Output, y: Output) in try g.floorMod(x, y, name: "quotient") }),
      ("TruncateDiv", { (g: Graph, x: Output, y: Output) in try g.truncateDiv(x, y, name: "quotient") }),
    ] as [(String, (Graph, Output, Output) throws -> Output)] {
      for (x, y) in [(Tensor([Int32(4), 5]), Tensor([Int32(1), 0])), (Tensor([Int64(4)]), Tensor(Int64(0)))] {
        let g = Graph()
        let q = try build(g, try g.constant(x), try g.constant(y))
        let e = expectError(.invalidArgument, containing: ["quotient", op, "Integer division by zero", "\(y.shape)"]) {
          try Session(graph: g).run(q)
        }
        #expect(e?.node == "quotient" && e?.op == op)
      }
      // A zero divisor against an empty x divides nothing: no error.
      let g = Graph()
      let empty = try build(g, try g.constant(Tensor(shape: [0], scalars: [Int32]())), try g.constant(Tensor(Int32(0))))
      #expect(try Session(graph: g).run(empty).shape == [0])
    }
  }

  @Test func floatFloorModTakesTheDivisorsSign() throws {
    // fmod moved into the divisor's sign: −5 mod ∞ = ∞, 5 mod −∞ = −∞,
    // 5 mod ∞ = 5, x mod 0 = NaN, ∞ mod y = NaN; −0 keeps its sign.
    let got = try Self.doubles({ try $0.floorMod($1, $2) }, [-5, 5, 5, 1, .infinity, -0.0, 5.5, -5.5],
      [.infinity, -.infinity, .infinity, 0, 3, 3, -2, 2])
    #expect(got[0] == .infinity && got[1] == -.infinity && got[2] == 5 && got[3].isNaN && got[4].isNaN)
    #expect(got[5] == 0 && got[5].sign == .minus)
    #expect(got[6] == -0.5 && got[7] == 0.5)
    // Float FloorDiv by zero is ±Inf or NaN, never an error.
    let div = try Self.doubles({ try $0.floorDiv($1, $2) }, [1, -1, 0, -5], [0, 0, 0, .infinity])
    // −5 / ∞ = −0, whose floor is −0 (TensorFlow's too; Python's −5 // ∞ is −1).
    #expect(div[0] == .infinity && div[1] == -.infinity && div[2].isNaN && div[3] == 0 && div[3].sign == .minus)
    let trunc = try Self.doubles({ try $0.truncateDiv($1, $2) }, [-5, -0.5, 7], [.infinity, 2, -2])
    #expect(trunc[0] == 0 && trunc[0].sign == .minus && trunc[1].sign == .minus && trunc[2] == -3)
  }

  // MARK: - Safe divisions and Atan2

  @Test func zeroRulesOfDivNoNanXlogyXdivy() throws {
    // DivNoNan: 0 wherever y == ±0, even for NaN or ∞ x.
    #expect(try Self.doubles({ try $0.divideNoNan($1, $2) }, [1, .nan, .infinity, 6, 3], [0, 0, -0.0, 3, .infinity])
      == [0, 0, 0, 2, 0])
    // Xlogy and Xdivy: 0 wherever x == 0, even for NaN, 0 or negative y.
    let xlogy = try Self.doubles({ try $0.xlogy($1, $2) }, [0, 0, 0, 2, 1, -1], [.nan, 0, -1, Foundation.exp(1.5), 0, -1])
    #expect(xlogy[0...2] == [0, 0, 0] && Swift.abs(xlogy[3] - 3) < 1e-15 && xlogy[4] == -.infinity && xlogy[5].isNaN)
    #expect(try Self.doubles({ try $0.xdivy($1, $2) }, [0, 0, 3, 1], [.nan, 0, 4, 0]) == [0, 0, 0.75, .infinity])
  }

  @Test func zeroRulesHoldInTheGradients() throws {
    // Xlogy at x = 0 sends nothing to x (TensorFlow's mask) and x/y to y;
    // DivNoNan at y = 0 sends 0 to both.
    let g = Graph()
    let x = try g.constant(Tensor.f64([0, 2], [2])), y = try g.constant(Tensor.f64([3, 4], [2]))
    let d = try g.gradients(of: try g.sum(try g.xlogy(x, y)), with: [x, y])
    let got = try Session(graph: g).run(fetches: [try #require(d[0]), try #require(d[1])]).map { $0.doubles() }
    #expect(got[0][0] == 0 && Swift.abs(got[0][1] - Foundation.log(4.0)) < 1e-15 && got[1] == [0, 0.5])
    let z = try g.constant(Tensor.f64([0, 2], [2]))
    let e = try g.gradients(of: try g.sum(try g.divideNoNan(y, z)), with: [y, z])
    let zeroed = try Session(graph: g).run(fetches: [try #require(e[0]), try #require(e[1])]).map { $0.doubles() }
    #expect(zeroed[0] == [0, 0.5] && zeroed[1] == [0, -1])
  }

  @Test func atan2QuadrantsAndArgumentOrder() throws {
    // y first: atan2(1, 0) = π/2, atan2(±0, −0) = ±π, atan2(−1, −1) = −3π/4.
    let got = try Self.doubles({ try $0.atan2($1, $2) }, [1, 0, -0.0, -1, 0], [0, -0.0, -0.0, -1, 1])
    #expect(got == [Double.pi / 2, Double.pi, -Double.pi, -3 * Double.pi / 4, 0])
    #expect(try Graph().atan2Shape([2, 1], [3]) == [2, 3])
  }

  // MARK: - Float classes, ClipByValue, L2Loss, BiasAddV1

  @Test func floatClassesGiveBools() throws {
    let g = Graph()
    let x = try g.constant(Tensor.f32([.nan, .infinity, -.infinity, 0, -1e38], [5]))
    let got = try Session(graph: g).run(fetches: [try g.isNan(x), try g.isInf(x), try g.isFinite(x)])
    #expect(got.allSatisfy { $0.dtype == .bool })
    #expect(try got[0].scalars(as: Bool.self) == [true, false, false, false, false])
    #expect(try got[1].scalars(as: Bool.self) == [false, true, true, false, false])
    #expect(try got[2].scalars(as: Bool.self) == [false, false, false, true, true])
    #expect(throws: TensorGraphError.self) { try g.isNan(try g.constant(Tensor([Int32(1)]))) }
  }

  @Test func clipByValueOrderNaNsAndShapes() throws {
    let g = Graph()
    let t = try g.constant(Tensor.f64([-3, 0.5, 9, .nan], [4]))
    func clip(_ lo: Double, _ hi: Double) throws -> [Double] {
      try Session(graph: g).run(
        try g.clipByValue(t, clipValueMin: try g.constant(lo, dtype: .float64), clipValueMax: try g.constant(hi, dtype: .float64))
      ).doubles()
    }
    let plain = try clip(-1, 2)
    #expect(plain[0..<3] == [-1, 0.5, 2] && plain[3].isNaN)  // NaN in t passes through
    #expect(try clip(4, 1)[0..<3] == [4, 4, 4])  // lower above upper: the lower wins (max last)
    #expect(try clip(.nan, 1)[0..<3] == [-3, 0.5, 1])  // a NaN bound leaves its side open
    // Bounds must be scalars or t's shape: [1] and a broadcastable row are
    // rejected when built, and when only the run knows the shapes.
    let m = try g.constant(Tensor.f64([1, 2, 3, 4, 5, 6], [2, 3]))
    expectError(.shapeMismatch, containing: ["clip", "clip_value_min", "[2, 3]", "[3]"]) {
      try g.clipByValue(m, clipValueMin: try g.constant(Tensor.f64([0, 0, 0], [3])), clipValueMax: try g.constant(9, dtype: .float64),
        name: "clip")
    }
    let h = Graph()
    let p = try h.placeholder(.float64, shape: nil), lo = try h.placeholder(.float64, shape: nil)
    let c = try h.clipByValue(p, clipValueMin: lo, clipValueMax: try h.constant(1, dtype: .float64), name: "clip")
    expectError(.invalidArgument, containing: ["clip", "ClipByValue", "[1]"]) {
      try Session(graph: h).run(c, feeds: [p: Tensor.f64([1, 2], [2]), lo: Tensor.f64([0], [1])])
    }
  }

  @Test func l2LossAndBiasAddV1ByHand() throws {
    let g = Graph()
    // (1 + 4 + 9 + 16) / 2 = 15; an empty tensor gives 0.
    #expect(try Session(graph: g).run(try g.l2Loss(try g.constant(Tensor.f32([1, -2, 3, -4], [2, 2])))).doubles() == [15])
    #expect(try Session(graph: g).run(try g.l2Loss(try g.constant(Tensor.f64([], [0])))).doubles() == [0])
    let v = try g.constant(Tensor.f64([1, 2, 3, 4, 5, 6], [2, 3])), b = try g.constant(Tensor.f64([10, 20, 30], [3]))
    #expect(try Session(graph: g).run(try g.biasAddV1(v, b)).doubles() == [11, 22, 33, 14, 25, 36])
    // Rank 1 and a bias not matching the last dimension are rejected.
    expectError(.shapeMismatch, containing: ["bias1", "BiasAddV1", "rank at least 2", "[3]"]) {
      try g.biasAddV1(b, b, name: "bias1")
    }
    expectError(.shapeMismatch, containing: ["[2]", "[2, 3]"]) {
      try g.biasAddV1(v, try g.constant(Tensor.f64([1, 2], [2])))
    }
    // Its bias gradient sums every row.
    let d = try #require(try g.gradients(of: try g.sum(try g.biasAddV1(v, b)), with: [b])[0])
    #expect(try Session(graph: g).run(d).doubles() == [2, 2, 2])
  }

  // MARK: - Polygamma

  @Test func polygammaKnownValues() throws {
    // ψ⁽¹⁾(1) = π²/6, ψ⁽¹⁾(½) = π²/2, ψ⁽²⁾(1) = −2ζ(3), ψ⁽³⁾(1) = π⁴/15,
    // ψ⁽⁴⁾(1) = −24ζ(5), ψ⁽¹⁾(10) = π²/6 − Σₖ₌₁⁹ 1/k², order 0 = Digamma.
    let zeta3 = 1.2020569031595942854, zeta5 = 1.0369277551433699263, pi2 = Double.pi * Double.pi
    let tail = (1...9).reduce(0.0) { $0 + 1 / Double($1 * $1) }
    let got = try Self.doubles({ try $0.polygamma($1, $2) }, [1, 1, 2, 3, 4, 1, 0], [1, 0.5, 1, 1, 1, 10, 1])
    let want = [pi2 / 6, pi2 / 2, -2 * zeta3, pi2 * pi2 / 15, -24 * zeta5, pi2 / 6 - tail, -0.57721566490153286061]
    for (a, b) in zip(got, want) { #expect(Swift.abs(a - b) <= 1e-14 * Swift.abs(b), "\(a) vs \(b)") }
    // Poles: +Inf for odd orders, NaN for even ones; NaN orders.
    let poles = try Self.doubles({ try $0.polygamma($1, $2) }, [1, 3, 2, 0.5, -1, 1], [0, -2, -1, 1, 1, -.infinity])
    #expect(poles[0] == .infinity && poles[1] == .infinity && poles[2].isNaN && poles[3].isNaN && poles[4].isNaN)
    #expect(poles[5] == .infinity)
    // Far below 0 (reflection, not |x| terms): ψ⁽¹⁾(−10⁶ + ½) equals
    // ψ⁽¹⁾(½) + Σₖ₌₀^{10⁶−1} 1/(k + ½)², which the loop here sums.
    let far = -1e6 + 0.5
    var sum = pi2 / 2
    for k in 0..<1_000_000 { sum += 1 / ((Double(k) + 0.5) * (Double(k) + 0.5)) }
    let farGot = try Self.doubles({ try $0.polygamma($1, $2) }, [1], [far])[0]
    #expect(Swift.abs(farGot - sum) <= 1e-12 * sum, "\(farGot) vs \(sum)")
  }

  @Test func digammaGradientIsTrigamma() throws {
    let g = Graph()
    let x = try g.constant(Tensor.f64([1, 2, 0.5], [3]))
    let dx = try #require(try g.gradients(of: try g.sum(try g.digamma(x)), with: [x])[0])
    let pi2 = Double.pi * Double.pi
    let got = try Session(graph: g).run(dx).doubles()
    for (a, b) in zip(got, [pi2 / 6, pi2 / 6 - 1, pi2 / 2]) { #expect(Swift.abs(a - b) <= 1e-14 * b, "\(a) vs \(b)") }
    // And Polygamma's own gradient in x is the next order: d ψ⁽¹⁾(1) = ψ⁽²⁾(1).
    let a = try g.constant(Tensor.f64([1], [1]))
    let d2 = try g.gradients(of: try g.sum(try g.polygamma(a, x)), with: [a, x])
    #expect(d2[0] == nil)
    let second = try Session(graph: g).run(try #require(d2[1])).doubles()
    #expect(Swift.abs(second[0] + 2 * 1.2020569031595942854) < 1e-14)
  }
}

extension Graph {
  /// The inferred shape of Atan2 on placeholders of these shapes.
  fileprivate func atan2Shape(_ y: [Int?], _ x: [Int?]) throws -> [Int?]? {
    let out = try atan2(try placeholder(.float64, shape: y), try placeholder(.float64, shape: x))
    return out.shape.dims?.map(\.value)
  }
}
