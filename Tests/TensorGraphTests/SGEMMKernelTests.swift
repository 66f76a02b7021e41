import Foundation
import Testing
import TensorGraph
import TensorGraphTestSupport

/// The float32 GEMM behind MatMul (CTensorKernels/SGEMM.c on AVX-512 CPUs).
/// Each element of its product is one fused multiply-add chain over k in
/// ascending order, so it must equal, bit for bit, a nested loop doing
/// `acc = acc.addingProduct(a, b)` — for every shape (edge tiles of 1–11
/// rows and of 1–31 columns, k split in blocks above 512, B read in place
/// for up to 48 rows and packed above), every transpose, and however the
/// product is split across threads. With OpenBLAS (no AVX-512, or
/// `TENSORGRAPH_GEMM=openblas`) the same cases are checked to a tolerance.
@Suite struct SGEMMKernelTests {
  /// (m, k, n) cases.
  static let shapes: [(Int, Int, Int)] = [
    (1, 5, 3), (1, 17, 32), (1, 64, 40), (1, 300, 270), (1, 784, 512), (2, 1, 1), (3, 7, 5), (11, 16, 17), (12, 33, 32), (13, 64, 33), (25, 100, 31), (48, 300, 64),
    (49, 513, 65), (61, 1100, 100), (128, 784, 300), (200, 40, 130),
  ]

  /// `op(A)·op(B)` as one fused multiply-add chain per element.
  func reference(
    _ a: [Float], _ b: [Float], m: Int, k: Int, n: Int, transA: Bool, transB: Bool
  ) -> [Float] {
    var c = [Float](repeating: 0, count: m * n)
    for i in 0..<m {
      for j in 0..<n {
        var acc: Float = 0
        for p in 0..<k {
          let x = transA ? a[p * m + i] : a[i * k + p]
          let y = transB ? b[j * k + p] : b[p * n + j]
          acc = acc.addingProduct(x, y)
        }
        c[i * n + j] = acc
      }
    }
    return c
  }

  func check(m: Int, k: Int, n: Int, transA: Bool, transB: Bool, threads: Int) throws {
    var rng = TestRandom(seed: UInt64(m * 1_000_003 + k * 1_009 + n))
    let a = rng.uniform(m * k).map { Float($0) }, b = rng.uniform(k * n).map { Float($0) }
    let g = Graph()
    let x = try g.constant(try Tensor(shape: transA ? [k, m] : [m, k], scalars: a))
    let y = try g.constant(try Tensor(shape: transB ? [n, k] : [k, n], scalars: b))
    let product = try g.matMul(x, y, transposeA: transA, transposeB: transB)
    let got = try Session(graph: g, options: SessionOptions(threads: threads)).run(product).scalars(as: Float.self)
    let want = reference(a, b, m: m, k: k, n: n, transA: transA, transB: transB)
    let label = "\(m)×\(k)×\(n) transA \(transA) transB \(transB), \(threads) threads"
    #expect(got.count == want.count, "\(label)")
    // gemv stays with BLAS for a column vector, and for a row vector times
    // a transposed B.
    if SGEMMKernel.current == .avx512 && n > 1 && (m > 1 || !transB) {
      if let i = got.indices.first(where: { got[$0].bitPattern != want[$0].bitPattern }) {
        Issue.record("\(label): C[\(i / n)][\(i % n)] = \(got[i]), the FMA chain gives \(want[i])")
      }
    } else {
      let tolerance = Float(k) * 4 * Float.ulpOfOne
      if let i = got.indices.first(where: { abs(got[$0] - want[$0]) > tolerance }) {
        Issue.record("\(label): C[\(i / n)][\(i % n)] = \(got[i]), expected \(want[i])")
      }
    }
  }

  @Test(arguments: [(false, false), (true, false), (false, true), (true, true)])
  func productIsTheFMAChainForEveryShape(transposes: (Bool, Bool)) throws {
    for (m, k, n) in Self.shapes {
      try check(m: m, k: k, n: n, transA: transposes.0, transB: transposes.1, threads: 1)
    }
  }

  /// 128×784×300 is split in column blocks on two threads, and so is the
  /// row vector times a 784×512 matrix.
  @Test func splitAcrossThreadsIsStillTheFMAChain() throws {
    try check(m: 128, k: 784, n: 300, transA: false, transB: false, threads: 2)
    try check(m: 128, k: 784, n: 300, transA: true, transB: true, threads: 2)
    try check(m: 1, k: 784, n: 512, transA: false, transB: false, threads: 2)
  }

  /// The AVX-512 kernel runs exactly when the CPU reports AVX-512F (read
  /// here from /proc/cpuinfo), `TENSORGRAPH_ISA` does not cap the level
  /// below avx512 and `TENSORGRAPH_GEMM` is not `openblas`. Prints which
  /// kernel the MatMul tests of this run checked.
  @Test func kernelFollowsTheCPUAndTheEnvironment() throws {
    let text = try String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)
    let flags = try #require(text.split(separator: "\n").first { $0.hasPrefix("flags") })
    let avx512 = flags.split(separator: " ").contains("avx512f")
    let env = ProcessInfo.processInfo.environment
    let optedOut = env["TENSORGRAPH_GEMM"] == "openblas"
    let capped = ["baseline", "avx2"].contains(env["TENSORGRAPH_ISA"] ?? "")
    print("SGEMMKernelTests: MatMul checked on \(SGEMMKernel.current.rawValue)")
    #expect(SGEMMKernel.current == (avx512 && !optedOut && !capped ? .avx512 : .openBLAS))
  }
}
