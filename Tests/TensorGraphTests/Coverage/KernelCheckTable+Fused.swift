import Foundation
import Testing
import TensorGraph
import TensorGraphTestSupport

// Rows of the fused ops the passes make: FusedElementwise with every op of
// its table alone and in a chain, _FusedMatMul and _FusedConv2D with each
// activation, against the unfused formulas in Double.

extension KernelCheckTable {
  /// One op FusedElementwise can run: its arity, its value in Double, and
  /// input ranges inside its domain, from the families' tables.
  struct FusableOp: Sendable {
    let op: String
    let arity: Int
    let reference: @Sendable (Double, Double) -> Double
    let domains: (ClosedRange<Double>, ClosedRange<Double>)
  }

  static let fusable: [FusableOp] = {
    var table: [String: FusableOp] = [:]
    for c in unaryCases {
      table[c.op] = FusableOp(op: c.op, arity: 1, reference: { a, _ in c.reference(a) }, domains: (c.domain, c.domain))
    }
    for (op, _, f) in BinaryOpTests.ops { table[op] = FusableOp(op: op, arity: 2, reference: f, domains: (0.5...2, 0.5...2)) }
    for c in GradientOpCase.all { table[c.op] = FusableOp(op: c.op, arity: 2, reference: c.reference, domains: c.domains) }
    return FusedElementwiseOpTests.ops.map { table[$0]! }
  }()

  static let fused: [KernelCheck] = {
    var rows: [KernelCheck] = []
    for (k, f) in fusable.enumerated() {
      var rng = TestRandom(seed: UInt64(k + 1))
      let a = rng.uniform(6, in: f.domains.0)
      // A gradient op's second operand keeps away from its kinks.
      let b = GradientOpCase.all.first { $0.op == f.op }.map { $0.values(6, seed: UInt64(k + 1)).1 } ?? rng.uniform(6, in: f.domains.1)
      rows.append(row("FusedElementwise", f.op, [tensor(a, [2, 3], .float64), tensor(b, [2, 3], .float64)],
        .values(.float64, [2, 3], zip(a, b).map(f.reference), tolerance: 1e-12)) { g, v in
        try g.fusedElementwise(f.arity == 1 ? [v[0]] : v, ops: [f.op], operands: f.arity == 1 ? [0] : [0, 1])
      })
    }
    // A chain with broadcasting: r0 = x·w, r1 = tanh r0, r2 = (r1 − x)²,
    // r3 = σ(r2), y = r3 + r0.
    let x: [Double] = [0.3, -0.5, 0.8, 0.1, -0.9, 0.4], w: [Double] = [0.2, -0.4, 0.6]
    let (xs, ws) = (stored(x, .float32), stored(w, .float32))
    let chain = xs.indices.map { i -> Double in
      let r0 = xs[i] * ws[i % 3], r1 = Foundation.tanh(r0), r2 = (r1 - xs[i]) * (r1 - xs[i])
      return 1 / (1 + Foundation.exp(-r2)) + r0
    }
    rows.append(row("FusedElementwise", "a broadcasting chain", [tensor(x, [2, 3], .float32), tensor(w, [3], .float32)],
      .values(.float32, [2, 3], chain, tolerance: 1e-6)) { g, v in
      try g.fusedElementwise(v, ops: ["Mul", "Tanh", "SquaredDifference", "Sigmoid", "AddV2"], operands: [0, 1, 2, 3, 0, 4, 5, 2])
    })
    var rng = TestRandom(seed: 9)
    let a = rng.uniform(6), b = rng.uniform(6), bias = [0.5, -0.25]
    for activation in FusedConv2DTests.activations {
      for (ta, tb) in [(false, false), (true, true)] {
        let mm = MatMulTests.reference(a, b, m: 2, n: 2, k: 3, ta: ta, tb: tb)
        let y = mm.indices.map { fusedActivationReference(activation, mm[$0] + bias[$0 % 2]) }
        rows.append(row("_FusedMatMul", "\(activation ?? "none") ta \(ta) tb \(tb)",
          [tensor(a, ta ? [3, 2] : [2, 3], .float64), tensor(b, tb ? [2, 3] : [3, 2], .float64), tensor(bias, [2], .float64)],
          .values(.float64, [2, 2], y, tolerance: 1e-12)) { g, v in
          try g.fusedMatMul(v[0], v[1], bias: v[2], activation: activation, transposeA: ta, transposeB: tb)
        })
      }
    }
    let c = ConvCase(input: [1, 4, 4, 2], filter: [2, 2, 2, 3], strides: (2, 1), padding: "SAME")
    let cx = ConvReference.random(c.input, seed: 6), cw = ConvReference.random(c.filter, seed: 7)
    let (conv, ys) = ConvReference.conv2d(cx, c.input, cw, c.filter, strides: c.strides, padding: c.padding)
    let cb = [0.1, -0.2, 0.3], scale = [1.5, 0.5, 2], mean = [0.1, 0, -0.1], variance = [1.2, 0.8, 2]
    let t: @Sendable ([Double]) -> Tensor = { v in tensor(v, [v.count], .float64) }
    for activation in FusedConv2DTests.activations {
      let biased = conv.indices.map { fusedActivationReference(activation, conv[$0] + cb[$0 % 3]) }
      let normalized = conv.indices.map { i in
        let k = i % 3
        return fusedActivationReference(activation, scale[k] * (conv[i] - mean[k]) / (variance[k] + 0.01).squareRoot() + cb[k])
      }
      rows.append(row("_FusedConv2D", "BiasAdd \(activation ?? "none")", [tensor(cx, c.input, .float64), tensor(cw, c.filter, .float64), t(cb)],
        .values(.float64, ys, biased, tolerance: 1e-12)) { g, v in
        try g.fusedConv2d(v[0], filter: v[1], bias: v[2], activation: activation, strides: c.stridesAttr, padding: c.padding)
      })
      rows.append(row("_FusedConv2D", "FusedBatchNorm \(activation ?? "none")",
        [tensor(cx, c.input, .float64), tensor(cw, c.filter, .float64), t(scale), t(cb), t(mean), t(variance)],
        .values(.float64, ys, normalized, tolerance: 1e-12)) { g, v in
        try g.fusedConv2d(
          v[0], filter: v[1], scale: v[2], offset: v[3], mean: v[4], variance: v[5], epsilon: 0.01, activation: activation,
          strides: c.stridesAttr, padding: c.padding)
      })
    }
    return rows
  }()
}
