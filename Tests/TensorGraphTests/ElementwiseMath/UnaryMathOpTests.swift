import Foundation
import Testing
import TensorGraph
import TensorGraphTestSupport

/// Hand-worked values of the rounding and special functions, what their
/// gradients do, and the inputs they reject. TensorFlow's own values on
/// every edge input are in `Fixtures/ops/elementwise_math.safetensors`
/// (`TFOpFixtureTests`); libm's in `KernelCheckTable.elementwiseMath`.
@Suite struct UnaryMathOpTests {
  static func run(_ build: (Graph, Output) throws -> Output, _ values: [Double]) throws -> [Double] {
    let g = Graph()
    let y = try build(g, try g.constant(Tensor.f64(values, [values.count])))
    return try Session(graph: g).run(y).doubles()
  }

  @Test func roundingByHand() throws {
    let x: [Double] = [-2.5, -1.5, -0.5, -0.0, 0.5, 1.5, 2.5, 2.7, -2.7]
    #expect(try Self.run({ try $0.rint($1) }, x) == [-2, -2, -0.0, -0.0, 0, 2, 2, 3, -3])
    #expect(try Self.run({ try $0.floor($1) }, x) == [-3, -2, -1, -0.0, 0, 1, 2, 2, -3])
    #expect(try Self.run({ try $0.ceil($1) }, x) == [-2, -1, -0.0, -0.0, 1, 2, 3, 3, -2])
    // Rint keeps the sign of a zero result: rint(-0.5) is -0.
    #expect(try Self.run({ try $0.rint($1) }, [-0.5])[0].sign == .minus)
  }

  @Test func specialValuesByHand() throws {
    let log1p = try Self.run({ try $0.log1p($1) }, [-1, -2, 0, 1e-300])
    #expect(log1p[0] == -.infinity && log1p[1].isNaN && log1p[2] == 0 && log1p[3] == 1e-300)
    #expect(try Self.run({ try $0.expm1($1) }, [-.infinity, 0, 1e-300]) == [-1, 0, 1e-300])
    #expect(try Self.run({ try $0.erf($1) }, [-.infinity, 0, .infinity]) == [-1, 0, 1])
    let trig = try Self.run({ try $0.sin($1) }, [.infinity, 0, Double.pi / 2])
    #expect(trig[0].isNaN && trig[1] == 0 && trig[2] == 1)
  }

  @Test func roundingStopsTheGradient() throws {
    let g = Graph()
    let x = try g.constant(Tensor.f64([0.3, 1.7], [2]))
    let y = try g.add(try g.sum(try g.floor(x)), try g.sum(try g.multiply(x, x)))
    let dx = try #require(try g.gradients(of: y, with: [x])[0])
    // Only x·x contributes: d/dx = 2x.
    #expect(try Session(graph: g).run(dx).doubles() == [0.6, 3.4])
  }

  @Test func integerInputsAreRejectedWhenBuilt() throws {
    let g = Graph()
    let i = try g.constant(Tensor([Int32(1), 2]))
    for build in [{ try g.floor(i) }, { try g.sin(i) }, { try g.erf(i) }] as [() throws -> Output] {
      #expect(throws: TensorGraphError.self) { try build() }
    }
  }
}
