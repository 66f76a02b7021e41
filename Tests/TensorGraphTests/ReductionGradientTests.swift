import Testing
import TensorGraph
import TensorGraphTestSupport

// Gradients of Sum, Mean, Max, Min and Prod: every axis pattern with and
// without keep_dims, axes fed at run time, unknown dimensions and rank,
// ties (Max/Min) and zeros (Prod).

/// Builds reduction `op` over constant `axes` (`nil`: all).
func reduce(_ g: Graph, _ op: String, _ x: Output, axes: [Int]?, keepDims: Bool) throws -> Output {
  switch op {
  case "Sum": return try g.sum(x, axes: axes, keepDims: keepDims)
  case "Mean": return try g.mean(x, axes: axes, keepDims: keepDims)
  case "Max": return try g.reduceMax(x, axes: axes, keepDims: keepDims)
  case "Min": return try g.reduceMin(x, axes: axes, keepDims: keepDims)
  default: return try g.prod(x, axes: axes, keepDims: keepDims)
  }
}

/// Builds reduction `op` over the axes held by the integer tensor `axes`.
func reduce(_ g: Graph, _ op: String, _ x: Output, axes: Output, keepDims: Bool) throws -> Output {
  try g.output(g.addNode(op: op, inputs: [x, axes], attrs: ["keep_dims": .bool(keepDims)]))
}

/// Distinct values (no ties for Max/Min) away from zero (Prod), both signs.
func reductionInput(_ shape: [Int], seed: UInt64) -> Tensor {
  var rng = TestRandom(seed: seed)
  let n = shape.reduce(1, *)
  let magnitudes = rng.uniform(n, in: 0.5...1.5)
  return Tensor.f64(magnitudes.enumerated().map { i, m in (i % 3 == 1 ? -m : m) + Double(i) * 1e-3 }, shape)
}

@Suite struct ReductionGradientTests {
  static let ops = ["Sum", "Mean", "Max", "Min", "Prod"]
  static let axisCases: [[Int]?] = [nil, [0], [1], [-1], [0, 2], [-3, -1], [], [1, 2], [0, 1, 2]]

  @Test(arguments: ops, [false, true])
  func axesFedAtRunTime(op: String, keepDims: Bool) {
    let x = reductionInput([2, 3, 4], seed: 2)
    let axes: [Tensor] = [
      Tensor.i32([1]), Tensor.i32([0, 2]), Tensor.i32([-1]), Tensor.i64([-3, 1]), Tensor(Int32(1)), Tensor.i32([]),
    ]
    for a in axes {
      expectGradientsMatch(inputs: [x], constants: [a]) { g, x, c in
        try reduce(g, op, x[0], axes: c[0], keepDims: keepDims)
      }
    }
  }

  @Test(arguments: ops, [false, true])
  func unknownDimensionsAndRank(op: String, keepDims: Bool) {
    let x = reductionInput([3, 2, 4], seed: 3)
    for axes in Self.axisCases where !(axes == nil && keepDims) {
      for hiding in [ShapeHiding.dimensions, .rank] {
        expectGradientsIndependentOfStaticShapes(inputs: [x], hiding: hiding) { g, x, _ in
          try reduce(g, op, x[0], axes: axes, keepDims: keepDims)
        }
      }
    }
    // Both unknown: the axes and the input's shape.
    expectGradientsIndependentOfStaticShapes(inputs: [x], constants: [Tensor.i32([-1, 0])], hiding: .rank, hideConstants: true) {
      g, x, c in try reduce(g, op, x[0], axes: c[0], keepDims: keepDims)
    }
  }

  /// Sum's gradient for axes known only at run time builds the kept shape
  /// in the graph (the OneHot mask in `ReducedAxesRestorer`).
  @Test func sumWithNonConstantAxesUsesTheInGraphPath() throws {
    let g = Graph()
    let x = try g.placeholder(.float64, shape: [2, 3, 4], name: "x")
    let axes = try g.placeholder(.int32, shape: [nil], name: "axes")
    let y = try g.sum(x, axes: axes)
    let dx = try #require(try g.gradients(of: y, with: [x])[0])
    #expect(g.nodes.contains { $0.op == "OneHot" && $0.name.hasPrefix("gradients/") })
    #expect(dx.shape == [2, 3, 4])
    let session = Session(graph: g)
    let value = Tensor.f64((0..<24).map(Double.init), [2, 3, 4])
    for a in [[1], [-1, 0], []] {
      expectClose(try session.run(dx, feeds: [x: value, axes: Tensor.i32(a)]), Array(repeating: 1, count: 24), shape: [2, 3, 4])
    }
  }

  @Test func staticAxesBuildNoShapeOps() throws {
    for op in Self.ops {
      let g = Graph()
      let x = try g.placeholder(.float64, shape: [nil, 3, 4], name: "x")
      let y = try reduce(g, op, x, axes: [1, -1], keepDims: false)
      _ = try g.gradients(of: try g.sum(y), with: [x])
      let ops = gradientOps(g)
      // The unknown batch dimension is the one -1 of a Reshape; only the
      // final broadcast to x's shape (Sum, Mean) reads it with Shape.
      #expect(ops.isDisjoint(with: ["OneHot", "ExpandDims"]), "\(op): \(ops)")
    }
  }

  // MARK: Ties and zeros

  /// Gradient of `sum(reduce(x))` with respect to `x`.
  func gradient(_ op: String, _ values: [Double], _ shape: [Int], axes: [Int]?, keepDims: Bool = false) throws -> Tensor {
    let g = Graph()
    let x = try g.placeholder(.float64, shape: shape.map { Optional($0) }, name: "x")
    let y = try reduce(g, op, x, axes: axes, keepDims: keepDims)
    let dx = try #require(try g.gradients(of: try g.sum(y), with: [x])[0])
    return try Session(graph: g).run(dx, feeds: [x: Tensor.f64(values, shape)])
  }

  @Test(arguments: [false, true])
  func maxAndMinSplitTheGradientAmongTies(keepDims: Bool) throws {
    let x: [Double] = [1, 3, 3, 2, 2, 2, 0, 5, -1]
    expectClose(try gradient("Max", x, [3, 3], axes: [1], keepDims: keepDims), [0, 0.5, 0.5, 1 / 3.0, 1 / 3.0, 1 / 3.0, 0, 1, 0])
    expectClose(try gradient("Min", x, [3, 3], axes: [1], keepDims: keepDims), [1, 0, 0, 1 / 3.0, 1 / 3.0, 1 / 3.0, 0, 0, 1])
    expectClose(try gradient("Max", x, [3, 3], axes: [0], keepDims: keepDims), [0, 0, 1, 1, 0, 0, 0, 1, 0])
    expectClose(try gradient("Min", [1, 2, 1, 3, 4, 2], [3, 2], axes: [0], keepDims: keepDims), [0.5, 0.5, 0.5, 0, 0, 0.5])
    // Over everything: 5 is alone; 3 would be shared by two.
    expectClose(try gradient("Max", x, [3, 3], axes: nil, keepDims: keepDims), [0, 0, 0, 0, 0, 0, 0, 1, 0])
    expectClose(try gradient("Max", [3, 1, 3, 3], [2, 2], axes: nil, keepDims: keepDims), [1 / 3.0, 0, 1 / 3.0, 1 / 3.0])
  }

  @Test(arguments: [false, true])
  func prodHandlesZeros(keepDims: Bool) throws {
    // Rows: no zero, one zero, two zeros.
    let x: [Double] = [1, 2, 4, 2, 0, 3, 0, 0, 5]
    expectClose(try gradient("Prod", x, [3, 3], axes: [1], keepDims: keepDims), [8, 4, 2, 0, 6, 0, 0, 0, 0])
    // Columns: one zero (row 2), two zeros, none.
    expectClose(try gradient("Prod", x, [3, 3], axes: [0], keepDims: keepDims), [0, 0, 15, 0, 0, 20, 2, 0, 12])
    expectClose(try gradient("Prod", [2, 0, -3, 0.5], [4], axes: [0], keepDims: keepDims), [0, -3, 0, 0])
  }

  @Test func prodWithZerosMatchesFiniteDifferences() {
    // A single zero keeps the product smooth; with two the gradient is 0.
    for values in [[1.5, 0, -2, 0.5, 3, 1.25], [0, 0, -2, 0.5, 3, 0]] {
      for axes in [[1], [0], [0, 1]] {
        expectGradientsMatch(inputs: [Tensor.f64(values, [2, 3])]) { g, x, _ in try g.prod(x[0], axes: axes) }
      }
    }
  }
}
