import Foundation
import Testing
import TensorGraph
import TensorGraphTestSupport

/// Reference broadcasting by index arithmetic, independent of the kernels'
/// collapsed-pattern loops.
func referenceBroadcast(
  _ a: [Double], _ sa: [Int], _ b: [Double], _ sb: [Int], _ f: (Double, Double) -> Double
) -> (values: [Double], shape: [Int]) {
  let n = max(sa.count, sb.count)
  let pa = Array(repeating: 1, count: n - sa.count) + sa
  let pb = Array(repeating: 1, count: n - sb.count) + sb
  let out = (0..<n).map { pa[$0] == 1 ? pb[$0] : pa[$0] }
  let count = out.reduce(1, *)
  var values: [Double] = []
  for flat in 0..<count {
    var rem = flat
    var idx = [Int](repeating: 0, count: n)
    for d in stride(from: n - 1, through: 0, by: -1) {
      idx[d] = rem % out[d]
      rem /= out[d]
    }
    var ia = 0, ib = 0
    for d in 0..<n {
      ia = ia * pa[d] + (pa[d] == 1 ? 0 : idx[d])
      ib = ib * pb[d] + (pb[d] == 1 ? 0 : idx[d])
    }
    values.append(f(a[ia], b[ib]))
  }
  return (values, out)
}

@Suite struct BinaryOpTests {
  typealias Builder = @Sendable (Graph, Output, Output) throws -> Output
  static let ops: [(String, Builder, @Sendable (Double, Double) -> Double)] = [
    ("AddV2", { try $0.add($1, $2) }, { $0 + $1 }),
    ("Sub", { try $0.subtract($1, $2) }, { $0 - $1 }),
    ("Mul", { try $0.multiply($1, $2) }, { $0 * $1 }),
    ("RealDiv", { try $0.divide($1, $2) }, { $0 / $1 }),
    ("Maximum", { try $0.maximum($1, $2) }, { max($0, $1) }),
    ("Minimum", { try $0.minimum($1, $2) }, { min($0, $1) }),
    ("SquaredDifference", { try $0.squaredDifference($1, $2) }, { ($0 - $1) * ($0 - $1) }),
    ("Pow", { try $0.pow($1, $2) }, { Foundation.pow($0, $1) }),
  ]

  static let shapePairs: [([Int], [Int])] = [
    ([2, 3], [2, 3]), ([2, 3], []), ([], [2, 3]), ([2, 3], [3]), ([2, 3], [2, 1]), ([4, 1, 3], [1, 5, 1]),
    ([2, 1, 3, 1], [4, 1, 5]), ([3, 1], [1, 1, 4]), ([0, 3], [3]), ([1], [5]), ([2, 2, 2, 2], [2, 1, 2, 1]),
  ]

  @Test(arguments: 0..<8, 0..<11)
  func matchesReferenceBroadcasting(opIndex: Int, shapeIndex: Int) throws {
    let (name, build, f) = Self.ops[opIndex]
    let (sa, sb) = Self.shapePairs[shapeIndex]
    var rng = TestRandom(seed: UInt64(opIndex * 100 + shapeIndex))
    // Positive operands keep Pow real and RealDiv finite.
    let a = rng.uniform(sa.reduce(1, *), in: 0.5...2), b = rng.uniform(sb.reduce(1, *), in: 0.5...2)
    let expected = referenceBroadcast(a, sa, b, sb, f)
    for dtype in [DType.float32, .float64] {
      let g = Graph()
      let ta = dtype == .float32 ? Tensor.f32(a, sa) : Tensor.f64(a, sa)
      let tb = dtype == .float32 ? Tensor.f32(b, sb) : Tensor.f64(b, sb)
      let z = try build(g, try g.constant(ta), try g.constant(tb))
      #expect(z.node.op == name)
      #expect(z.shape == PartialShape(expected.shape))
      expectClose(try evaluate(z), expected.values, shape: expected.shape, tolerance: dtype == .float32 ? 1e-6 : 1e-12)
    }
  }

  @Test func integerArithmeticWrapsAndNeverTraps() throws {
    let g = Graph()
    let big = try g.constant(Tensor([Int32.max, Int32.min, 7]))
    let one = try g.constant(Tensor([Int32(1), 1, -3]))
    #expect(try evaluate(try g.add(big, one)).scalars(as: Int32.self) == [Int32.min, Int32.min + 1, 4])
    #expect(try evaluate(try g.subtract(big, one)).scalars(as: Int32.self) == [Int32.max - 1, Int32.max, 10])
    #expect(try evaluate(try g.multiply(big, one)).scalars(as: Int32.self) == [Int32.max, Int32.min, -21])
    let l = try g.constant(Tensor([Int64.max, 5]))
    #expect(try evaluate(try g.add(l, l)).scalars(as: Int64.self) == [-2, 10])
    #expect(try evaluate(try g.maximum(big, one)).scalars(as: Int32.self) == [Int32.max, 1, 7])
  }

  @Test func nanPropagatesThroughMaximumAndMinimum() throws {
    let g = Graph()
    let a = try g.constant(Tensor([Float.nan, 1, 2]))
    let b = try g.constant(Tensor([Float(0), .nan, 3]))
    let mx = try evaluate(try g.maximum(a, b)).doubles()
    let mn = try evaluate(try g.minimum(a, b)).doubles()
    #expect(mx[0].isNaN && mx[1].isNaN && mx[2] == 3)
    #expect(mn[0].isNaN && mn[1].isNaN && mn[2] == 2)
  }

  @Test func divisionByZeroFollowsIEEE() throws {
    let g = Graph()
    let q = try g.divide(try g.constant(Tensor([Float(1), -1, 0])), try g.constant(Tensor(Float(0))))
    let v = try evaluate(q).doubles()
    #expect(v[0] == .infinity && v[1] == -.infinity && v[2].isNaN)
  }

  @Test func powMatchesCForNegativeBases() throws {
    let g = Graph()
    let p = try g.pow(try g.constant(Tensor([-2.0, -2, -8, 0, 4])), try g.constant(Tensor([3.0, 2, 1.0 / 3, 0, 0.5])))
    let v = try evaluate(p).doubles()
    #expect(v[0] == -8 && v[1] == 4 && v[2].isNaN && v[3] == 1 && v[4] == 2)
  }

  static let shapeTable: [(PartialShape, PartialShape, PartialShape?)] = [
    ([2, 3], [3], [2, 3]),
    ([.unknown, 3], [3], [.unknown, 3]),
    ([.unknown, 3], [1, 3], [.unknown, 3]),
    ([.unknown, 1], [1, 4], [.unknown, 4]),
    ([.unknown], [.unknown], [.unknown]),
    ([5], [.unknown], [5]),
    ([1], [.unknown], [.unknown]),
    (.unknown, [2], .unknown),
    ([2, 3], [4], nil),
    ([2, 3], [3, 3], nil),
  ]

  @Test(arguments: 0..<10)
  func broadcastShapeInference(_ row: Int) throws {
    let (a, b, expected) = Self.shapeTable[row]
    let g = Graph()
    let x = try g.placeholder(.float32, shape: a.dims.map { $0.map(\.value) }, name: "a")
    let y = try g.placeholder(.float32, shape: b.dims.map { $0.map(\.value) }, name: "b")
    if let expected {
      #expect(try g.add(x, y).shape == expected)
    } else {
      expectError(.shapeMismatch, containing: ["incompatible shapes for broadcasting: \(a) and \(b)"]) { try g.add(x, y) }
    }
  }

  @Test func operatorsBuildTheSameOps() throws {
    let g = Graph()
    let x = try g.constant(Tensor([Float(6), 8]))
    let y = try g.constant(Tensor([Float(2), 4]))
    expectClose(try evaluate(try x + y), [8, 12])
    expectClose(try evaluate(try x - y), [4, 4])
    expectClose(try evaluate(try x * y), [12, 32])
    expectClose(try evaluate(try x / y), [3, 2])
    expectClose(try evaluate(try x * 0.5 + 1), [4, 5])
    expectClose(try evaluate(try 1 - x / 2), [-2, -3])
    #expect(try (x + y).node.op == "AddV2")
  }

  @Test func boolInputsAreRejected() throws {
    let g = Graph()
    let b = try g.constant(Tensor([true]))
    expectError(.invalidAttribute, containing: ["'T' is bool"]) { try g.add(b, b) }
  }
}

@Suite struct MatMulTests {
  static func reference(_ a: [Double], _ b: [Double], m: Int, n: Int, k: Int, ta: Bool, tb: Bool) -> [Double] {
    var c = [Double](repeating: 0, count: m * n)
    for i in 0..<m {
      for j in 0..<n {
        var s = 0.0
        for p in 0..<k { s += (ta ? a[p * m + i] : a[i * k + p]) * (tb ? b[j * k + p] : b[p * n + j]) }
        c[i * n + j] = s
      }
    }
    return c
  }

  /// A new graph's MatMul of constants holding `a` (m×k, or k×m when
  /// `ta`) and `b` (k×n, or n×k when `tb`) in `dtype`.
  static func product(
    _ a: [Double], _ b: [Double], m: Int, n: Int, k: Int, ta: Bool, tb: Bool, dtype: DType
  ) throws -> Output {
    let g = Graph()
    let sa = ta ? [k, m] : [m, k], sb = tb ? [n, k] : [k, n]
    let x = try g.constant(dtype == .float32 ? Tensor.f32(a, sa) : Tensor.f64(a, sa))
    let y = try g.constant(dtype == .float32 ? Tensor.f32(b, sb) : Tensor.f64(b, sb))
    return try g.matMul(x, y, transposeA: ta, transposeB: tb)
  }

  @Test(arguments: [false, true], [false, true])
  func matchesNestedLoops(ta: Bool, tb: Bool) throws {
    for (m, n, k) in [(1, 1, 1), (3, 5, 4), (17, 9, 33), (2, 3, 0), (0, 4, 3)] {
      var rng = TestRandom(seed: UInt64(m * 1000 + n * 10 + k))
      let a = rng.uniform(m * k), b = rng.uniform(k * n)
      let expected = Self.reference(a, b, m: m, n: n, k: k, ta: ta, tb: tb)
      for dtype in [DType.float32, .float64] {
        let z = try Self.product(a, b, m: m, n: n, k: k, ta: ta, tb: tb, dtype: dtype)
        #expect(z.shape == PartialShape([m, n]))
        expectClose(try evaluate(z), expected, shape: [m, n], tolerance: dtype == .float32 ? 1e-5 : 1e-12)
      }
    }
  }

  /// Vector-matrix products large enough that the gemv splits in two
  /// blocks of the output (≥ 2¹⁸ matrix elements), with an odd output
  /// count so the blocks differ in size; 1 and 2 threads give the same bits.
  @Test(arguments: [false, true], [false, true])
  func largeVectorProductsMatchNestedLoops(ta: Bool, tb: Bool) throws {
    for (m, n, k) in [(1, 517, 784), (601, 1, 512)] {
      var rng = TestRandom(seed: UInt64(m + n + k))
      let a = rng.uniform(m * k), b = rng.uniform(k * n)
      let expected = Self.reference(a, b, m: m, n: n, k: k, ta: ta, tb: tb)
      for dtype in [DType.float32, .float64] {
        let z = try Self.product(a, b, m: m, n: n, k: k, ta: ta, tb: tb, dtype: dtype)
        let g = z.graph
        let two = try Session(graph: g, options: SessionOptions(threads: 2)).run(z)
        let one = try Session(graph: g, options: SessionOptions(threads: 1)).run(z)
        expectClose(two, expected, shape: [m, n], tolerance: dtype == .float32 ? 1e-4 : 1e-12)
        #expect(two == one)
      }
    }
  }

  @Test func integerMatMul() throws {
    let g = Graph()
    let a = try g.constant(try Tensor([[1, 2], [3, 4]] as [[Int32]]))
    let b = try g.constant(try Tensor([[5, 6], [7, 8]] as [[Int32]]))
    #expect(try evaluate(try g.matMul(a, b)).scalars(as: Int32.self) == [19, 22, 43, 50])
    #expect(try evaluate(try g.matMul(a, b, transposeA: true)).scalars(as: Int32.self) == [26, 30, 38, 44])
    let la = try g.constant(try Tensor([[1, 2]] as [[Int64]]))
    #expect(try evaluate(try g.matMul(la, la, transposeB: true)).scalars(as: Int64.self) == [5])
  }

  @Test func shapeInferenceAndErrors() throws {
    let g = Graph()
    let x = try g.placeholder(.float32, shape: [nil, 784], name: "x")
    let w = try g.placeholder(.float32, shape: [784, nil], name: "w")
    #expect(try g.matMul(x, w).shape == [.unknown, .unknown])
    let wt = try g.placeholder(.float32, shape: [10, 784], name: "wt")
    #expect(try g.matMul(x, wt, transposeB: true).shape == [.unknown, 10])
    expectError(.shapeMismatch, containing: ["inner dimensions differ: [?, 784] × [10, 784]"]) { try g.matMul(x, wt) }
    let a34 = try g.placeholder(.float32, shape: [3, 4], name: "a34")
    let b45 = try g.placeholder(.float32, shape: [4, 5], name: "b45")
    expectError(.shapeMismatch, containing: ["[3, 4] × [4, 5] (with transpose_a)"]) { try g.matMul(a34, b45, transposeA: true) }
    let v = try g.placeholder(.float32, shape: [3], name: "v")
    expectError(.shapeMismatch, containing: ["input 'b' must be a matrix (rank 2) but has shape [3]"]) { try g.matMul(x, v) }
    let unknownRank = try g.placeholder(.float32, shape: nil, name: "u")
    #expect(try g.matMul(unknownRank, wt, transposeB: true).shape == [.unknown, 10])
  }

  @Test func runTimeInnerDimensionMismatchThrows() throws {
    let g = Graph()
    let a = try g.placeholder(.float32, shape: nil, name: "a")
    let b = try g.placeholder(.float32, shape: nil, name: "b")
    let z = try g.matMul(a, b, name: "mm")
    expectError(.shapeMismatch, containing: ["mm (MatMul)", "[2, 3] × [2, 3]"]) {
      try Session(graph: g).run(z, feeds: [a: Tensor.f32(Array(repeating: 1, count: 6), [2, 3]), b: Tensor.f32(Array(repeating: 1, count: 6), [2, 3])])
    }
  }

  @Test func batchMatMulBroadcastsBatchDimensions() throws {
    var rng = TestRandom(seed: 7)
    let a = rng.uniform(2 * 1 * 3 * 4), b = rng.uniform(5 * 4 * 2)
    for (adjX, adjY) in [(false, false), (true, false), (false, true), (true, true)] {
      let g = Graph()
      let x = try g.constant(Tensor.f64(a, adjX ? [2, 1, 4, 3] : [2, 1, 3, 4]))
      let y = try g.constant(Tensor.f64(b, adjY ? [5, 2, 4] : [5, 4, 2]))
      let z = try g.batchMatMul(x, y, adjX: adjX, adjY: adjY)
      #expect(z.shape == PartialShape([2, 5, 3, 2]))
      var expected: [Double] = []
      for i in 0..<2 {
        for j in 0..<5 {
          expected += Self.reference(
            Array(a[(i * 12)..<(i * 12 + 12)]), Array(b[(j * 8)..<(j * 8 + 8)]), m: 3, n: 2, k: 4, ta: adjX, tb: adjY)
        }
      }
      expectClose(try evaluate(z), expected, shape: [2, 5, 3, 2], tolerance: 1e-12)
    }
    let g = Graph()
    let x = try g.placeholder(.float32, shape: [2, 3, 4], name: "x")
    let y = try g.placeholder(.float32, shape: [3, 4, 5], name: "y")
    expectError(.shapeMismatch, containing: ["batch dimensions do not broadcast"]) { try g.batchMatMul(x, y) }
  }
}
