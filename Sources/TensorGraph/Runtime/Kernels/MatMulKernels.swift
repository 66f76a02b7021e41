import COpenBLAS

// GEMM kernels: float32/float64 go to OpenBLAS (cblas_sgemm / cblas_dgemm)
// with transposes folded into its flags; integer types use a plain loop.

/// One row-major GEMM `C = op(A) · op(B)` with `C` of shape m×n.
@usableFromInline
protocol GEMMScalar: TensorSignedScalar {
  static func gemm(
    transA: Bool, transB: Bool, m: Int, n: Int, k: Int, a: UnsafePointer<Self>, b: UnsafePointer<Self>,
    c: UnsafeMutablePointer<Self>)
}

extension Float: GEMMScalar {
  @usableFromInline
  static func gemm(
    transA: Bool, transB: Bool, m: Int, n: Int, k: Int, a: UnsafePointer<Float>, b: UnsafePointer<Float>,
    c: UnsafeMutablePointer<Float>
  ) {
    cblas_sgemm(
      CblasRowMajor, transA ? CblasTrans : CblasNoTrans, transB ? CblasTrans : CblasNoTrans,
      Int32(m), Int32(n), Int32(k), 1, a, Int32(max(1, transA ? m : k)), b, Int32(max(1, transB ? k : n)),
      0, c, Int32(max(1, n)))
  }
}

extension Double: GEMMScalar {
  @usableFromInline
  static func gemm(
    transA: Bool, transB: Bool, m: Int, n: Int, k: Int, a: UnsafePointer<Double>, b: UnsafePointer<Double>,
    c: UnsafeMutablePointer<Double>
  ) {
    cblas_dgemm(
      CblasRowMajor, transA ? CblasTrans : CblasNoTrans, transB ? CblasTrans : CblasNoTrans,
      Int32(m), Int32(n), Int32(k), 1, a, Int32(max(1, transA ? m : k)), b, Int32(max(1, transB ? k : n)),
      0, c, Int32(max(1, n)))
  }
}

/// Integer GEMM by loops (i, p, j order: the inner loop is contiguous in B
/// and C when B is not transposed).
@inline(__always)
func loopGEMM<T: TensorSignedScalar & FixedWidthInteger>(
  transA: Bool, transB: Bool, m: Int, n: Int, k: Int, a: UnsafePointer<T>, b: UnsafePointer<T>,
  c: UnsafeMutablePointer<T>
) {
  c.initialize(repeating: 0, count: m * n)
  for i in 0..<m {
    for p in 0..<k {
      let av = transA ? a[p * m + i] : a[i * k + p]
      if transB {
        for j in 0..<n { c[i * n + j] &+= av &* b[j * k + p] }
      } else {
        for j in 0..<n { c[i * n + j] &+= av &* b[p * n + j] }
      }
    }
  }
}

extension Int32: GEMMScalar {
  @usableFromInline
  static func gemm(
    transA: Bool, transB: Bool, m: Int, n: Int, k: Int, a: UnsafePointer<Int32>, b: UnsafePointer<Int32>,
    c: UnsafeMutablePointer<Int32>
  ) {
    loopGEMM(transA: transA, transB: transB, m: m, n: n, k: k, a: a, b: b, c: c)
  }
}

extension Int64: GEMMScalar {
  @usableFromInline
  static func gemm(
    transA: Bool, transB: Bool, m: Int, n: Int, k: Int, a: UnsafePointer<Int64>, b: UnsafePointer<Int64>,
    c: UnsafeMutablePointer<Int64>
  ) {
    loopGEMM(transA: transA, transB: transB, m: m, n: n, k: k, a: a, b: b, c: c)
  }
}

/// `C = op(A)·op(B)`, handling empty shapes (BLAS needs k ≥ 1 to define C).
@inline(__always)
func gemm<T: GEMMScalar>(
  transA: Bool, transB: Bool, m: Int, n: Int, k: Int, a: UnsafePointer<T>, b: UnsafePointer<T>,
  c: UnsafeMutablePointer<T>
) {
  if m == 0 || n == 0 { return }
  if k == 0 {
    c.initialize(repeating: 0, count: m * n)
    return
  }
  T.gemm(transA: transA, transB: transB, m: m, n: n, k: k, a: a, b: b, c: c)
}

// MARK: - MatMul

let matMulKernel: KernelFactory = { b in
  let ta = b.bool("transpose_a"), tb = b.bool("transpose_b")
  func make<T: GEMMScalar>(_: T.Type) -> KernelFunction {
    { ctx in
      let x = ctx.input(0), y = ctx.input(1)
      let (m, k) = ta ? (x.shape[1], x.shape[0]) : (x.shape[0], x.shape[1])
      let (k2, n) = tb ? (y.shape[1], y.shape[0]) : (y.shape[0], y.shape[1])
      guard k == k2 else {
        throw ctx.error(.shapeMismatch, "inner dimensions differ: \(x.shape) × \(y.shape)")
      }
      let out = ctx.allocateOutput(0, dtype: T.dtype, shape: [m, n])
      gemm(
        transA: ta, transB: tb, m: m, n: n, k: k, a: x.unsafePointer(as: T.self), b: y.unsafePointer(as: T.self),
        c: out.unsafeMutablePointer(as: T.self))
      ctx.setOutput(0, out)
    }
  }
  switch b.inputs[0].dtype {
  case .float32: return make(Float.self)
  case .float64: return make(Double.self)
  case .int32: return make(Int32.self)
  case .int64: return make(Int64.self)
  default: throw b.unsupported()
  }
}

// MARK: - BatchMatMulV2

let batchMatMulKernel: KernelFactory = { b in
  let ax = b.bool("adj_x"), ay = b.bool("adj_y")
  func make<T: GEMMScalar>(_: T.Type) -> KernelFunction {
    { ctx in
      let x = ctx.input(0), y = ctx.input(1)
      let xr = x.rank, yr = y.rank
      let (m, k) = ax ? (x.shape[xr - 1], x.shape[xr - 2]) : (x.shape[xr - 2], x.shape[xr - 1])
      let (k2, n) = ay ? (y.shape[yr - 1], y.shape[yr - 2]) : (y.shape[yr - 2], y.shape[yr - 1])
      let xb = Array(x.shape.dropLast(2)), yb = Array(y.shape.dropLast(2))
      guard k == k2, let batch = broadcastShapes(xb, yb) else {
        throw ctx.error(.shapeMismatch, "cannot multiply \(x.shape) × \(y.shape)")
      }
      let out = ctx.allocateOutput(0, dtype: T.dtype, shape: batch + [m, n])
      let px = x.unsafePointer(as: T.self), py = y.unsafePointer(as: T.self)
      let po = out.unsafeMutablePointer(as: T.self)
      // Map each output batch index to the (possibly broadcast) input batch.
      let count = batch.reduce(1, *)
      let nb = batch.count
      let xPad = Array(repeating: 1, count: nb - xb.count) + xb
      let yPad = Array(repeating: 1, count: nb - yb.count) + yb
      for flat in 0..<count {
        var rem = flat, xi = 0, yi = 0, xs = 1, ys = 1
        for d in stride(from: nb - 1, through: 0, by: -1) {
          let idx = rem % batch[d]
          rem /= batch[d]
          if xPad[d] != 1 { xi += idx * xs }
          if yPad[d] != 1 { yi += idx * ys }
          xs *= xPad[d]
          ys *= yPad[d]
        }
        gemm(
          transA: ax, transB: ay, m: m, n: n, k: k, a: px + xi * m * k, b: py + yi * k * n, c: po + flat * m * n)
      }
      ctx.setOutput(0, out)
    }
  }
  switch b.inputs[0].dtype {
  case .float32: return make(Float.self)
  case .float64: return make(Double.self)
  case .int32: return make(Int32.self)
  case .int64: return make(Int64.self)
  default: throw b.unsupported()
  }
}
