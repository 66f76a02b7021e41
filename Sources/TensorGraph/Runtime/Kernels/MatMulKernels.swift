import COpenBLAS
import CTensorKernels
import Foundation

// GEMM kernels: float32 goes to TensorGraph's AVX-512 kernel
// (CTensorKernels/SGEMM.c) on CPUs that have AVX-512 and to OpenBLAS
// otherwise; float64 to OpenBLAS (cblas_dgemm), with transposes folded into
// its flags; integer types use a plain loop.

/// The kernel that runs float32 matrix products (MatMul, BatchMatMul and
/// the convolutions' GEMMs) in this process.
public enum SGEMMKernel: String, Sendable {
  /// TensorGraph's own kernel (CTensorKernels/SGEMM.c), on CPUs with
  /// AVX-512F: each output is one fused multiply-add chain over k in
  /// ascending order.
  case avx512 = "TensorGraph AVX-512"
  /// OpenBLAS's `cblas_sgemm`.
  case openBLAS = "OpenBLAS"

  /// `.avx512` when `ISALevel.current` is `.avx512` (the CPU has AVX-512
  /// and `TENSORGRAPH_ISA` does not cap it lower) and `TENSORGRAPH_GEMM` is
  /// not `openblas`; fixed for the life of the process, so that results
  /// never mix the two kernels' roundings. (An AVX2 kernel would plug in
  /// here, for `ISALevel.current == .avx2`.)
  public static let current: SGEMMKernel =
    ISALevel.current >= .avx512 && tg_sgemm_available() != 0
      && ProcessInfo.processInfo.environment["TENSORGRAPH_GEMM"] != "openblas"
    ? .avx512 : .openBLAS
}

/// Row-major BLAS entry points for one scalar type: `C = op(A)·op(B)` with
/// explicit leading dimensions (so that a block of columns or rows can be
/// computed on its own), and `y = op(A)·x`.
@usableFromInline
protocol GEMMScalar: TensorSignedScalar {
  static func gemm(
    transA: Bool, transB: Bool, m: Int, n: Int, k: Int, a: UnsafePointer<Self>, lda: Int, b: UnsafePointer<Self>,
    ldb: Int, c: UnsafeMutablePointer<Self>, ldc: Int)
  /// `y = op(A)·x` for row-major A of `rows × cols`; `nil` when the type
  /// has no BLAS gemv (integers use the GEMM loop).
  static func gemv(
    trans: Bool, rows: Int, cols: Int, a: UnsafePointer<Self>, lda: Int, x: UnsafePointer<Self>,
    y: UnsafeMutablePointer<Self>) -> Bool
}

extension Float: GEMMScalar {
  @usableFromInline
  static func gemm(
    transA: Bool, transB: Bool, m: Int, n: Int, k: Int, a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>,
    ldb: Int, c: UnsafeMutablePointer<Float>, ldc: Int
  ) {
    if SGEMMKernel.current == .avx512,
      tg_sgemm_f32(transA ? 1 : 0, transB ? 1 : 0, m, n, k, a, lda, b, ldb, c, ldc) != 0
    {
      return
    }
    cblas_sgemm(
      CblasRowMajor, transA ? CblasTrans : CblasNoTrans, transB ? CblasTrans : CblasNoTrans,
      Int32(m), Int32(n), Int32(k), 1, a, Int32(max(1, lda)), b, Int32(max(1, ldb)), 0, c, Int32(max(1, ldc)))
  }

  @usableFromInline
  static func gemv(
    trans: Bool, rows: Int, cols: Int, a: UnsafePointer<Float>, lda: Int, x: UnsafePointer<Float>,
    y: UnsafeMutablePointer<Float>
  ) -> Bool {
    cblas_sgemv(
      CblasRowMajor, trans ? CblasTrans : CblasNoTrans, Int32(rows), Int32(cols), 1, a, Int32(max(1, lda)), x, 1, 0,
      y, 1)
    return true
  }
}

extension Double: GEMMScalar {
  @usableFromInline
  static func gemm(
    transA: Bool, transB: Bool, m: Int, n: Int, k: Int, a: UnsafePointer<Double>, lda: Int,
    b: UnsafePointer<Double>, ldb: Int, c: UnsafeMutablePointer<Double>, ldc: Int
  ) {
    cblas_dgemm(
      CblasRowMajor, transA ? CblasTrans : CblasNoTrans, transB ? CblasTrans : CblasNoTrans,
      Int32(m), Int32(n), Int32(k), 1, a, Int32(max(1, lda)), b, Int32(max(1, ldb)), 0, c, Int32(max(1, ldc)))
  }

  @usableFromInline
  static func gemv(
    trans: Bool, rows: Int, cols: Int, a: UnsafePointer<Double>, lda: Int, x: UnsafePointer<Double>,
    y: UnsafeMutablePointer<Double>
  ) -> Bool {
    cblas_dgemv(
      CblasRowMajor, trans ? CblasTrans : CblasNoTrans, Int32(rows), Int32(cols), 1, a, Int32(max(1, lda)), x, 1, 0,
      y, 1)
    return true
  }
}

/// Integer GEMM by loops (i, p, j order: the inner loop is contiguous in B
/// and C when B is not transposed). Arithmetic wraps, as TensorFlow's.
@inline(__always)
func loopGEMM<T: TensorSignedScalar & FixedWidthInteger>(
  transA: Bool, transB: Bool, m: Int, n: Int, k: Int, a: UnsafePointer<T>, lda: Int, b: UnsafePointer<T>, ldb: Int,
  c: UnsafeMutablePointer<T>, ldc: Int
) {
  for i in 0..<m { (c + i * ldc).initialize(repeating: 0, count: n) }
  for i in 0..<m {
    for p in 0..<k {
      let av = transA ? a[p * lda + i] : a[i * lda + p]
      if transB {
        for j in 0..<n { c[i * ldc + j] &+= av &* b[j * ldb + p] }
      } else {
        for j in 0..<n { c[i * ldc + j] &+= av &* b[p * ldb + j] }
      }
    }
  }
}

extension Int32: GEMMScalar {
  @usableFromInline
  static func gemm(
    transA: Bool, transB: Bool, m: Int, n: Int, k: Int, a: UnsafePointer<Int32>, lda: Int, b: UnsafePointer<Int32>,
    ldb: Int, c: UnsafeMutablePointer<Int32>, ldc: Int
  ) {
    loopGEMM(transA: transA, transB: transB, m: m, n: n, k: k, a: a, lda: lda, b: b, ldb: ldb, c: c, ldc: ldc)
  }

  @usableFromInline
  static func gemv(
    trans: Bool, rows: Int, cols: Int, a: UnsafePointer<Int32>, lda: Int, x: UnsafePointer<Int32>,
    y: UnsafeMutablePointer<Int32>
  ) -> Bool { false }
}

extension Int64: GEMMScalar {
  @usableFromInline
  static func gemm(
    transA: Bool, transB: Bool, m: Int, n: Int, k: Int, a: UnsafePointer<Int64>, lda: Int, b: UnsafePointer<Int64>,
    ldb: Int, c: UnsafeMutablePointer<Int64>, ldc: Int
  ) {
    loopGEMM(transA: transA, transB: transB, m: m, n: n, k: k, a: a, lda: lda, b: b, ldb: ldb, c: c, ldc: ldc)
  }

  @usableFromInline
  static func gemv(
    trans: Bool, rows: Int, cols: Int, a: UnsafePointer<Int64>, lda: Int, x: UnsafePointer<Int64>,
    y: UnsafeMutablePointer<Int64>
  ) -> Bool { false }
}

/// GEMMs below this many flops run as one BLAS call on the calling thread;
/// above it they are split in two column (or row) blocks, run on two
/// threads when a second one is free. OpenBLAS itself runs single-threaded (see ComputePool),
/// so the split is what keeps scheduler threads and GEMM threads within the
/// core budget.
let gemmSplitFlops = 1 << 22

/// Matrices of at least this many elements split their gemv in two blocks
/// of the output. A gemv reads its whole matrix once and is bound by memory
/// bandwidth: on two cores each reads half, and a weight matrix that is
/// read every step (1.6 MB for 784×512) stays in the two cores' L2 caches
/// instead of streaming from L3.
let gemvSplitElements = 1 << 18

/// Runs `body(first, count)` over the outputs `0..<outputs` of a
/// memory-bound product that reads `elements` matrix elements: in two
/// blocks of whole 16-element vectors on two threads for large matrices
/// (by shape only, so results do not depend on the thread count), else in
/// one call.
@inline(__always)
func forMemoryBoundBlocks(_ ctx: KernelContext?, outputs: Int, elements: Int, _ body: (Int, Int) -> Void) {
  guard let ctx, elements >= gemvSplitElements, outputs >= 64 else {
    body(0, outputs)
    return
  }
  let block = (outputs / 2 + 15) / 16 * 16
  ctx.parallelFor(chunks: 2) { part in body(part * block, Swift.min(block, outputs - part * block)) }
}

/// `y = op(A)·x` for row-major A of `rows × cols`, split in two blocks of
/// `y` for large matrices; `false` when `T` has no BLAS gemv.
@inline(__always)
func gemv<T: GEMMScalar>(
  _ ctx: KernelContext?, trans: Bool, rows: Int, cols: Int, a: UnsafePointer<T>, lda: Int, x: UnsafePointer<T>,
  y: UnsafeMutablePointer<T>
) -> Bool {
  guard T.self == Float.self || T.self == Double.self else {
    return T.gemv(trans: trans, rows: rows, cols: cols, a: a, lda: lda, x: x, y: y)
  }
  forMemoryBoundBlocks(ctx, outputs: trans ? cols : rows, elements: rows * cols) { o0, count in
    // Without `trans` the outputs are A's rows; with it, A's columns.
    _ =
      trans
      ? T.gemv(trans: true, rows: rows, cols: count, a: a + o0, lda: lda, x: x, y: y + o0)
      : T.gemv(trans: false, rows: count, cols: cols, a: a + o0 * lda, lda: lda, x: x, y: y + o0)
  }
  return true
}

/// `C = op(A)·op(B)` (row-major, contiguous operands), C of shape m×n:
/// gemv when either dimension of C is 1, a two-way split of the columns (or
/// rows) for large products, one sgemm otherwise. The path depends only on
/// the shapes, so results do not depend on the thread count.
@inline(__always)
func gemm<T: GEMMScalar>(
  _ ctx: KernelContext?, transA: Bool, transB: Bool, m: Int, n: Int, k: Int, a: UnsafePointer<T>,
  b: UnsafePointer<T>, c: UnsafeMutablePointer<T>
) {
  if m == 0 || n == 0 { return }
  if k == 0 {
    c.initialize(repeating: 0, count: m * n)
    return
  }
  let lda = transA ? m : k, ldb = transB ? k : n
  // A row vector times B on the AVX-512 kernel (which reads B row by row,
  // in address order); split in two column blocks for large B as gemv is.
  if m == 1 && !transB && T.self == Float.self && SGEMMKernel.current == .avx512 {
    forMemoryBoundBlocks(ctx, outputs: n, elements: k * n) { j0, cols in
      T.gemm(transA: transA, transB: false, m: 1, n: cols, k: k, a: a, lda: lda, b: b + j0, ldb: n, c: c + j0, ldc: n)
    }
    return
  }
  // A row vector times B: y = op(B)ᵀ-free gemv over B's storage.
  if m == 1 && gemv(ctx, trans: !transB, rows: transB ? n : k, cols: transB ? k : n, a: b, lda: ldb, x: a, y: c) {
    return
  }
  // A times a column vector (b has stride 1 in either layout when n == 1).
  if n == 1 && gemv(ctx, trans: transA, rows: transA ? k : m, cols: transA ? m : k, a: a, lda: lda, x: b, y: c) {
    return
  }
  let flops = 2 * m * n * k
  // The split depends only on the shape — never on how many threads are
  // free — because OpenBLAS picks different kernels (with different
  // summation orders) for different block sizes: with one thread the two
  // halves run one after the other, giving the same bits as with two.
  if let ctx, flops >= gemmSplitFlops, n >= 128 || m >= 64 {
    // Two blocks, or four for large products so that a thread freed while
    // the product runs can still take a share (see ComputePool.parallelFor).
    if n >= 128 {
      let parts = flops >= 4 * gemmSplitFlops && n >= 256 ? 4 : 2
      let width = (n + parts - 1) / parts
      // Whole 32-column panels of the AVX-512 kernel (16 for OpenBLAS).
      let align = T.self == Float.self && SGEMMKernel.current == .avx512 ? 32 : 16
      let block = (width + align - 1) / align * align
      ctx.parallelFor(chunks: (n + block - 1) / block) { part in
        let j0 = part * block, cols = Swift.min(block, n - j0)
        T.gemm(
          transA: transA, transB: transB, m: m, n: cols, k: k, a: a, lda: lda,
          b: transB ? b + j0 * ldb : b + j0, ldb: ldb, c: c + j0, ldc: n)
      }
    } else {
      let parts = flops >= 4 * gemmSplitFlops && m >= 128 ? 4 : 2
      let height = (m + parts - 1) / parts
      let block = (height + 7) / 8 * 8
      ctx.parallelFor(chunks: (m + block - 1) / block) { part in
        let i0 = part * block, rows = Swift.min(block, m - i0)
        T.gemm(
          transA: transA, transB: transB, m: rows, n: n, k: k, a: transA ? a + i0 : a + i0 * lda, lda: lda,
          b: b, ldb: ldb, c: c + i0 * n, ldc: n)
      }
    }
    return
  }
  T.gemm(transA: transA, transB: transB, m: m, n: n, k: k, a: a, lda: lda, b: b, ldb: ldb, c: c, ldc: n)
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
        ctx, transA: ta, transB: tb, m: m, n: n, k: k, a: x.unsafePointer(as: T.self), b: y.unsafePointer(as: T.self),
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
          ctx, transA: ax, transB: ay, m: m, n: n, k: k, a: px + xi * m * k, b: py + yi * k * n, c: po + flat * m * n)
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
