import Foundation
import Testing
import TensorGraph
import TensorGraphTestSupport

// The one table of numeric kernel checks: every op with a kernel has at
// least one row (KernelCoverageTests walks the registry to hold that), and
// every row's graph survives a serialize → load round trip with the same
// outputs (SerializationCoverageTests). Rows come from the op families'
// case tables where those exist (UnaryOpTests.floatCases,
// BinaryOpTests.ops, SliceTests.cases, …), so a case added there is
// checked here too; the families' own tests sweep dtypes, shapes and edge
// cases further.

enum KernelCheckTable {
  /// Every row, grouped by op family.
  static let rows: [KernelCheck] =
    sources + state + optimizers + unary + binary + comparisons + logical + selectAndCast + matrix + reductions
    + gradientOps + arrays + shapes + random + nn + convolutions + pooling + batchNorm + fused
    + indexing + layout + scans + elementwiseMath + neuralNetwork + image + linalg

  /// Ops with a kernel and no row, each with its reason. Empty: every
  /// kernel is checked.
  static let exemptions: [CoverageExemption] = []

  // MARK: - Helpers

  /// A tensor of `dtype` holding `values` (exact in it, or rounded as
  /// float32 stores them).
  static func tensor(_ values: [Double], _ shape: [Int], _ dtype: DType) -> Tensor {
    MathFixtures.tensor(values, shape, dtype)
  }

  /// `values` as `dtype` stores them, so a Double reference sees the
  /// kernel's actual inputs.
  static func stored(_ values: [Double], _ dtype: DType) -> [Double] { MathFixtures.stored(values, dtype) }

  static func tolerance(_ dtype: DType) -> Double { dtype == .float32 ? 1e-5 : 1e-12 }

  /// The row of a one-output op on constants: `build` makes the op from
  /// the constants holding `inputs`, and the output must be `expected`.
  static func row(
    _ op: String, _ label: String = "", _ inputs: [Tensor], _ expected: ExpectedOutput,
    _ build: @escaping @Sendable (Graph, [Output]) throws -> Output
  ) -> KernelCheck {
    KernelCheck(op: op, label: label) { g in
      KernelProgram(try build(g, try inputs.map { try g.constant($0) }), expected)
    }
  }

  // MARK: - Sources and pass-throughs

  static let specials: [Double] = [0, -0.0, 1.5, -2.25, .nan, .infinity, -.infinity, 1e-30]

  static let sources: [KernelCheck] = {
    var rows: [KernelCheck] = DType.allCases.map { dtype in
      let values: [Double] = dtype.isFloatingPoint ? specials : dtype == .bool ? [1, 0, 0, 1, 1, 0] : [0, 1, 7, 200, 3, 255]
      let shape = [2, values.count / 2], t = tensor(values, shape, dtype)
      return row("Const", "\(dtype)", [], .values(dtype, shape, stored(values, dtype))) { g, _ in try g.constant(t) }
    }
    for op in ["Identity", "StopGradient"] {
      rows.append(row(op, "float64", [tensor(specials, [4, 2], .float64)], .values(.float64, [4, 2], specials)) { g, x in
        op == "Identity" ? try g.identity(x[0]) : try g.stopGradient(x[0])
      })
      rows.append(row(op, "int32", [tensor([-3, 0, 9], [3], .int32)], .values(.int32, [3], [-3, 0, 9])) { g, x in
        op == "Identity" ? try g.identity(x[0]) : try g.stopGradient(x[0])
      })
    }
    // A fed placeholder passes its value on (unfed, its kernel throws:
    // KernelCoverageTests.anUnfedPlaceholderThrows).
    rows.append(KernelCheck(op: "Placeholder", label: "fed") { g in
      let x = try g.placeholder(.float32, shape: [nil, 2], name: "x")
      let y = try g.multiply(try g.identity(x), try g.constant(2))
      return KernelProgram(y, .values(.float32, [3, 2], [2, -4, 0, 1, .nan, .infinity]),
        feeds: [x: Tensor.f32([1, -2, 0, 0.5, .nan, .infinity], [3, 2])])
    })
    // A NoOp runs its control inputs: two runs of the group add twice.
    rows.append(KernelCheck(op: "NoOp", label: "runs its control inputs") { g in
      let v = try g.variable(Tensor.f64([1, 2], [2]), name: "v")
      let add = try g.assignAdd(v.ref, try g.constant(Tensor.f64([0.5, -4], [2])))
      let group = try g.group([add.node], name: "step")
      return KernelProgram(v.value, .values(.float64, [2], [2, -6]), setup: [[v.initializer], [group], [group]])
    })
    return rows
  }()

  // MARK: - State

  static let state: [KernelCheck] = [
    KernelCheck(op: "VariableV2", label: "initialized") { g in
      let v = try g.variable(Tensor.f32([1, -2, 3, .nan], [2, 2]), name: "v")
      return KernelProgram([v.ref, v.value], [.values(.float32, [2, 2], [1, -2, 3, .nan]), .values(.float32, [2, 2], [1, -2, 3, .nan])],
        setup: [[v.initializer]])
    },
    KernelCheck(op: "Assign", label: "then read") { g in
      let v = try g.variable(Tensor.f64([1, 2, 3], [3]), name: "v")
      let a = try g.assign(v.ref, try g.constant(Tensor.f64([4, -5, 0.25], [3])))
      return KernelProgram(v.value, .values(.float64, [3], [4, -5, 0.25]), setup: [[v.initializer], [a.node]])
    },
    KernelCheck(op: "Assign", label: "its output") { g in
      let v = try g.variable(Tensor.i32([1, 2]), name: "v")
      return KernelProgram(try g.assign(v.ref, try g.constant(Tensor.i32([7, -8]))), .values(.int32, [2], [7, -8]),
        setup: [[v.initializer]])
    },
  ] + [("AssignAdd", 1.0), ("AssignSub", -1.0)].flatMap { op, sign in
    [DType.float32, .int32].map { dtype in
      KernelCheck(op: op, label: "\(dtype) twice") { g in
        let v = try g.variable(tensor([10, -3, 0], [3], dtype), name: "v")
        let d = try g.constant(tensor([2, 5, -7], [3], dtype))
        let u = op == "AssignAdd" ? try g.assignAdd(v.ref, d) : try g.assignSub(v.ref, d)
        return KernelProgram(v.value, .values(dtype, [3], [10 + 4 * sign, -3 + 10 * sign, -14 * sign]),
          setup: [[v.initializer], [u.node], [u.node]])
      }
    }
  }

  // MARK: - Optimizer updates
  // One step of each from hand-set state, against TensorFlow's formulas
  // written out here.

  static let optimizers: [KernelCheck] = [DType.float32, .float64].flatMap { dtype -> [KernelCheck] in
    let tol = tolerance(dtype)
    @Sendable func variables(_ g: Graph, _ values: [[Double]]) throws -> [Variable] {
      try values.enumerated().map { i, v in try g.variable(tensor(v, [v.count], dtype), name: "v\(i)") }
    }
    @Sendable func c(_ g: Graph, _ x: Double) throws -> Output { try g.constant(x, dtype: dtype) }
    /// A scalar hyperparameter as `dtype` stores it.
    @Sendable func s(_ x: Double) -> Double { stored([x], dtype)[0] }
    let w0 = stored([1, -2, 0.5], dtype), grad = stored([0.5, -3, 0.25], dtype)
    var rows = [
      KernelCheck(op: "ApplyGradientDescent", label: "\(dtype)") { g in
        let v = try variables(g, [w0])
        let op = try g.applyGradientDescent(v[0].ref, alpha: try c(g, 0.5), delta: try g.constant(tensor(grad, [3], dtype)))
        return KernelProgram(v[0].value, .values(dtype, [3], (0..<3).map { w0[$0] - 0.5 * grad[$0] }, tolerance: tol),
          setup: [v.map(\.initializer), [op.node]])
      },
      KernelCheck(op: "ApplyRMSProp", label: "\(dtype)") { g in
        let ms0 = [1.0, 0.5, 2], mom0 = [0, 0.5, -0.25]
        let v = try variables(g, [w0, ms0, mom0])
        let op = try g.applyRMSProp(
          v[0].ref, ms: v[1].ref, mom: v[2].ref, lr: try c(g, 0.01), rho: try c(g, 0.9), momentum: try c(g, 0.5),
          epsilon: try c(g, 1e-6), grad: try g.constant(tensor(grad, [3], dtype)))
        // ms ← ρ·ms + (1 − ρ)·g²; mom ← μ·mom + lr·g/√(ms + ε); var ← var − mom.
        let ms = (0..<3).map { s(0.9) * ms0[$0] + (1 - s(0.9)) * grad[$0] * grad[$0] }
        let mom = (0..<3).map { s(0.5) * mom0[$0] + s(0.01) * grad[$0] / (ms[$0] + s(1e-6)).squareRoot() }
        return KernelProgram(
          [v[0].value, v[1].value, v[2].value],
          [.values(dtype, [3], (0..<3).map { w0[$0] - mom[$0] }, tolerance: tol), .values(dtype, [3], ms, tolerance: tol),
           .values(dtype, [3], mom, tolerance: tol)],
          setup: [v.map(\.initializer), [op.node]])
      },
    ]
    for nesterov in [false, true] {
      rows.append(KernelCheck(op: "ApplyMomentum", label: "\(dtype) nesterov \(nesterov)") { g in
        let accum0 = [0.5, -1, 0]
        let v = try variables(g, [w0, accum0])
        let op = try g.applyMomentum(
          v[0].ref, accum: v[1].ref, lr: try c(g, 0.1), grad: try g.constant(tensor(grad, [3], dtype)), momentum: try c(g, 0.9),
          useNesterov: nesterov)
        // accum ← μ·accum + g; var ← var − lr·accum, or var − lr·(g + μ·accum) with Nesterov.
        let (lr, mu) = (s(0.1), s(0.9))
        let accum = (0..<3).map { mu * accum0[$0] + grad[$0] }
        let w = (0..<3).map { w0[$0] - lr * (nesterov ? grad[$0] + mu * accum[$0] : accum[$0]) }
        return KernelProgram([v[0].value, v[1].value], [.values(dtype, [3], w, tolerance: tol), .values(dtype, [3], accum, tolerance: tol)],
          setup: [v.map(\.initializer), [op.node]])
      })
      rows.append(KernelCheck(op: "ApplyAdam", label: "\(dtype) nesterov \(nesterov)") { g in
        let m0 = [0.1, 0.2, 0], v0 = [0.01, 0.04, 0.5]
        let v = try variables(g, [w0, m0, v0])
        let op = try g.applyAdam(
          v[0].ref, m: v[1].ref, v: v[2].ref, beta1Power: try c(g, 0.81), beta2Power: try c(g, 0.998), lr: try c(g, 0.01),
          beta1: try c(g, 0.9), beta2: try c(g, 0.999), epsilon: try c(g, 1e-7), grad: try g.constant(tensor(grad, [3], dtype)),
          useNesterov: nesterov)
        // m ← β₁m + (1 − β₁)g; v ← β₂v + (1 − β₂)g²; α = lr·√(1 − β₂ᵗ)/(1 − β₁ᵗ);
        // var ← var − α·m/(√v + ε), m replaced by β₁m + (1 − β₁)g under Nesterov.
        let (b1, b2, eps) = (s(0.9), s(0.999), s(1e-7))
        let alpha = s(0.01) * (1 - s(0.998)).squareRoot() / (1 - s(0.81))
        let m = (0..<3).map { b1 * m0[$0] + (1 - b1) * grad[$0] }
        let vv = (0..<3).map { b2 * v0[$0] + (1 - b2) * grad[$0] * grad[$0] }
        let w = (0..<3).map { i in w0[i] - alpha * (nesterov ? b1 * m[i] + (1 - b1) * grad[i] : m[i]) / (vv[i].squareRoot() + eps) }
        return KernelProgram(
          [v[0].value, v[1].value, v[2].value],
          [.values(dtype, [3], w, tolerance: tol), .values(dtype, [3], m, tolerance: tol), .values(dtype, [3], vv, tolerance: tol)],
          setup: [v.map(\.initializer), [op.node]])
      })
    }
    return rows
  }
}
