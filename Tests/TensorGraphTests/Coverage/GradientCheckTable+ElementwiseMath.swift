import TensorGraph
import TensorGraphTestSupport

extension GradientCheckTable {
  /// The rows of the `elementwiseMath` op family (`StandardOps.elementwiseMathOps`):
  /// the differentiable unary math ops on values well inside their domains
  /// (Log1p's above -1, Acosh's above 1, Asin's, Acos's and Atanh's inside
  /// (-1, 1)). Floor, Ceil, Rint and Round stop the gradient, as
  /// TensorFlow's.
  static var elementwiseMath: [GradientCheck] {
    let ops: [(String, ClosedRange<Double>, @Sendable (Graph, Output) throws -> Output)] = [
      ("Sin", -4...4, { try $0.sin($1) }), ("Cos", -4...4, { try $0.cos($1) }),
      ("Log1p", -0.8...3, { try $0.log1p($1) }), ("Expm1", -3...3, { try $0.expm1($1) }),
      ("Erf", -2.5...2.5, { try $0.erf($1) }),
      ("Tan", -1.2...1.2, { try $0.tan($1) }), ("Asin", -0.9...0.9, { try $0.asin($1) }),
      ("Acos", -0.9...0.9, { try $0.acos($1) }), ("Atan", -3...3, { try $0.atan($1) }),
      ("Sinh", -3...3, { try $0.sinh($1) }), ("Cosh", -3...3, { try $0.cosh($1) }),
      ("Asinh", -3...3, { try $0.asinh($1) }), ("Acosh", 1.2...4, { try $0.acosh($1) }),
      ("Atanh", -0.9...0.9, { try $0.atanh($1) }), ("Erfc", -2.5...2.5, { try $0.erfc($1) }),
      ("Lgamma", 0.3...4, { try $0.lgamma($1) }),
    ]
    return elementwiseMathBinary + ops.enumerated().map { i, op in
      var rng = TestRandom(seed: UInt64(40 + i))
      return GradientCheck(op: op.0, label: "[2, 3]", inputs: [Tensor.f64(rng.uniform(6, in: op.1), [2, 3])]) { g, x, _ in
        try op.2(g, x[0])
      }
    }
  }
}

extension GradientCheckTable {
  /// The binary ops of the elementwise-math family on broadcasting shapes,
  /// on operands away from their kinks: FloorMod's x/y stays inside (1, 2)
  /// (⌊x/y⌋ constant), DivNoNan's and Xdivy's divisors and Xlogy's y
  /// stay positive.
  static var elementwiseMathBinary: [GradientCheck] {
    let ops: [(String, ClosedRange<Double>, ClosedRange<Double>, @Sendable (Graph, Output, Output) throws -> Output)] = [
      ("FloorMod", 1.2...1.8, 1...1.05, { try $0.floorMod($1, $2) }),
      ("Atan2", -2...2, 0.5...2, { try $0.atan2($1, $2) }),
      ("DivNoNan", -2...2, 0.5...2, { try $0.divideNoNan($1, $2) }),
      ("Xlogy", -2...2, 0.5...2, { try $0.xlogy($1, $2) }),
      ("Xdivy", -2...2, 0.5...2, { try $0.xdivy($1, $2) }),
    ]
    var rows: [GradientCheck] = []
    for (i, op) in ops.enumerated() {
      for (j, shapes) in [([2, 3], [2, 3]), ([2, 3], [3]), ([2, 3], []), ([4, 1], [1, 3])].enumerated() {
        var rng = TestRandom(seed: UInt64(60 + 10 * i + j))
        let x = Tensor.f64(rng.uniform(shapes.0.reduce(1, *), in: op.1), shapes.0)
        let y = Tensor.f64(rng.uniform(shapes.1.reduce(1, *), in: op.2), shapes.1)
        rows.append(GradientCheck(op: op.0, label: "\(shapes.0) \(shapes.1)", inputs: [x, y]) { g, v, _ in try op.3(g, v[0], v[1]) })
      }
    }
    // ClipByValue: t away from the bounds, so that each element's side is
    // fixed; scalar bounds and bounds of t's shape.
    let t: [Double] = [-2.5, -0.3, 0.4, 1.7, 2.9, -1.2]
    rows.append(GradientCheck(op: "ClipByValue", label: "scalar bounds",
      inputs: [Tensor.f64(t, [2, 3]), Tensor.f64([-1], []), Tensor.f64([1.5], [])]) { g, v, _ in
      try g.clipByValue(v[0], clipValueMin: v[1], clipValueMax: v[2])
    })
    rows.append(GradientCheck(op: "ClipByValue", label: "bounds of t's shape",
      inputs: [Tensor.f64(t, [2, 3]), Tensor.f64([-2, -1, 0.8, 0, 1, -1.5], [2, 3]), Tensor.f64([-1, 1, 2, 1, 3, 0], [2, 3])]) {
      g, v, _ in try g.clipByValue(v[0], clipValueMin: v[1], clipValueMax: v[2])
    })
    var rng = TestRandom(seed: 91)
    rows.append(GradientCheck(op: "L2Loss", label: "[2, 3, 2]", inputs: [Tensor.f64(rng.uniform(12), [2, 3, 2])]) { g, v, _ in
      try g.l2Loss(v[0])
    })
    for shape in [[2, 3], [2, 1, 4]] {
      rows.append(GradientCheck(op: "BiasAddV1", label: "\(shape)",
        inputs: [Tensor.f64(rng.uniform(shape.reduce(1, *)), shape), Tensor.f64(rng.uniform(shape.last!), [shape.last!])]) {
        g, v, _ in try g.biasAddV1(v[0], v[1])
      })
    }
    // Polygamma in x (the order has no gradient: a constant here), orders
    // 0 to 3 broadcast against x; Digamma's gradient is Polygamma(1, x).
    let x = Tensor.f64(rng.uniform(6, in: 0.4...4), [2, 3])
    rows.append(GradientCheck(op: "Polygamma", label: "orders [0, 1, 3] x [2, 3]", inputs: [x]) { g, v, _ in
      try g.polygamma(try g.constant(Tensor.f64([0, 1, 3], [3])), v[0])
    })
    rows.append(GradientCheck(op: "Polygamma", label: "scalar order 2", inputs: [x]) { g, v, _ in
      try g.polygamma(try g.constant(2, dtype: .float64), v[0])
    })
    rows.append(GradientCheck(op: "Digamma", label: "[2, 3]", inputs: [x]) { g, v, _ in try g.digamma(v[0]) })
    return rows
  }
}
