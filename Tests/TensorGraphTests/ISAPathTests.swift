import CTensorKernels
import Foundation
import Testing
import TensorGraph
import TensorGraphTestSupport

/// The CPU-dispatched kernels at every ISA level, called directly so that
/// one process on an AVX-512 machine runs all of them: the optimizer loops
/// at each level must equal the scalar float32 formula bit for bit, and the
/// AVX-512 GEMM must equal the nested FMA loop. A level the CPU lacks is
/// reported as a skipped test with its reason, never passed silently.
@Suite struct ISAPathTests {
  /// The flags line of /proc/cpuinfo (read independently of the kernels'
  /// own detection).
  static let cpuFlags: Set<Substring> = {
    guard let text = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8),
      let line = text.split(separator: "\n").first(where: { $0.hasPrefix("flags") })
    else { return [] }
    return Set(line.split(separator: " "))
  }()

  static let cpuLevel: ISALevel =
    ["avx512f", "avx512vl", "avx512bw", "avx512dq"].allSatisfy { cpuFlags.contains(Substring($0)) }
    ? .avx512 : ["avx2", "fma"].allSatisfy { cpuFlags.contains(Substring($0)) } ? .avx2 : .baseline

  /// Prints which paths this process runs (the test log names them) and
  /// checks that `current` follows the CPU and `TENSORGRAPH_ISA`.
  @Test func reportsThePaths() {
    let env = ProcessInfo.processInfo.environment["TENSORGRAPH_ISA"]
    let run = ISALevel.allCases.filter(\.isSupportedByCPU).map(\.description).joined(separator: ", ")
    let gemm = ISALevel.avx512.isSupportedByCPU ? "; AVX-512 GEMM direct" : "; AVX-512 GEMM direct skipped (no AVX-512)"
    print(
      "ISA paths: CPU supports \(ISALevel.supportedByCPU); TENSORGRAPH_ISA=\(env.flatMap { $0.isEmpty ? nil : $0 } ?? "unset") → optimizer loops "
        + "\(ISALevel.current), GEMM \(SGEMMKernel.current.rawValue)"
        + (ISALevel.environmentNote.map { " (\($0))" } ?? "") + "; tests also run: \(run) optimizer loops\(gemm)")
    #expect(ISALevel.supportedByCPU == Self.cpuLevel)
    let asked = ISALevel.allCases.first { $0.description == env }
    #expect(ISALevel.current == min(asked ?? Self.cpuLevel, Self.cpuLevel))
    let optedOut = ProcessInfo.processInfo.environment["TENSORGRAPH_GEMM"] == "openblas"
    #expect(SGEMMKernel.current == (ISALevel.current == .avx512 && !optedOut ? .avx512 : .openBLAS))
  }

  /// Unrecognized or too-high requests fall back to the CPU's level with a reason.
  @Test func forcedLevelsAreClamped() {
    #expect(ISALevel.resolve(nil).level == ISALevel.supportedByCPU)
    let base = ISALevel.resolve("baseline")
    #expect(base.level == .baseline && base.note == nil)
    let bogus = ISALevel.resolve("sse9")
    #expect(bogus.level == ISALevel.supportedByCPU && bogus.note != nil)
    let high = ISALevel.resolve("avx512")
    #expect(high.level == min(.avx512, ISALevel.supportedByCPU))
    #expect((high.note == nil) == ISALevel.avx512.isSupportedByCPU)
  }

  // MARK: - Optimizer loops at each level

  static let count = 40_013

  static func random(_ seed: UInt64, in range: ClosedRange<Double> = -1...1) -> [Float] {
    var rng = TestRandom(seed: seed)
    return rng.uniform(count, in: range).map { Float($0) }
  }

  static func expectBitwise(_ got: [Float], _ want: [Float], _ label: String) {
    if let i = got.indices.first(where: { got[$0].bitPattern != want[$0].bitPattern }) {
      Issue.record("\(label)[\(i)] = \(got[i]), the scalar loop gives \(want[i])")
    }
  }

  /// Every optimizer loop at `level` against the scalar float32 formula.
  func checkOptimizers(_ level: ISALevel) {
    let l = Int32(level.rawValue), n = Self.count
    let g = Self.random(1), d = Self.random(2)
    do {  // gradient descent
      var w = Self.random(3), want = w
      tg_apply_gradient_descent_f32(l, &w, d, n, 0.037)
      for i in want.indices { want[i] -= 0.037 * d[i] }
      Self.expectBitwise(w, want, "\(level) gradient descent w")
    }
    for nesterov in [false, true] {
      var w = Self.random(4), a = Self.random(5), ww = w, wa = a
      let lr: Float = 0.01, mu: Float = 0.9
      tg_apply_momentum_f32(l, &w, &a, g, n, lr, mu, nesterov ? 1 : 0)
      for i in ww.indices {
        wa[i] = wa[i] * mu + g[i]
        if nesterov { ww[i] -= (g[i] + wa[i] * mu) * lr } else { ww[i] -= lr * wa[i] }
      }
      Self.expectBitwise(a, wa, "\(level) momentum nesterov \(nesterov) accum")
      Self.expectBitwise(w, ww, "\(level) momentum nesterov \(nesterov) w")
    }
    for nesterov in [false, true] {
      var w = Self.random(6), m = Self.random(7, in: -0.1...0.1), v = Self.random(8, in: 0...0.01)
      var ww = w, wm = m, wv = v
      let (alpha, c1, c2, eps, b1): (Float, Float, Float, Float, Float) = (0.0017, 0.1, 0.001, 1e-7, 0.9)
      tg_apply_adam_f32(l, &w, &m, &v, g, n, alpha, c1, c2, eps, b1, nesterov ? 1 : 0)
      for i in ww.indices {
        wm[i] = wm[i] + (g[i] - wm[i]) * c1
        wv[i] = wv[i] + (g[i] * g[i] - wv[i]) * c2
        let step = nesterov ? wm[i] * b1 + c1 * g[i] : wm[i]
        ww[i] -= alpha * step / (wv[i].squareRoot() + eps)
      }
      Self.expectBitwise(m, wm, "\(level) adam nesterov \(nesterov) m")
      Self.expectBitwise(v, wv, "\(level) adam nesterov \(nesterov) v")
      Self.expectBitwise(w, ww, "\(level) adam nesterov \(nesterov) w")
    }
    do {  // RMSProp
      var w = Self.random(10), ms = Self.random(11, in: 0...0.01), mom = Self.random(12, in: -0.1...0.1)
      var ww = w, wms = ms, wmom = mom
      let (lr, rho, mu, eps): (Float, Float, Float, Float) = (0.001, 0.9, 0.5, 1e-7)
      tg_apply_rmsprop_f32(l, &w, &ms, &mom, g, n, lr, rho, mu, eps)
      for i in ww.indices {
        wms[i] = wms[i] + (g[i] * g[i] - wms[i]) * (1 - rho)
        wmom[i] = wmom[i] * mu + lr * g[i] / (wms[i] + eps).squareRoot()
        ww[i] -= wmom[i]
      }
      Self.expectBitwise(ms, wms, "\(level) rmsprop ms")
      Self.expectBitwise(mom, wmom, "\(level) rmsprop mom")
      Self.expectBitwise(w, ww, "\(level) rmsprop w")
    }
  }

  @Test func optimizerLoopsBaseline() { checkOptimizers(.baseline) }

  // Skipped, with this reason, on a CPU without AVX2 and FMA.
  @Test(.enabled(if: ISALevel.avx2.isSupportedByCPU, "the CPU lacks AVX2/FMA: the AVX2 optimizer loops cannot run"))
  func optimizerLoopsAVX2() { checkOptimizers(.avx2) }

  // Skipped, with this reason, on a CPU without AVX-512.
  @Test(.enabled(if: ISALevel.avx512.isSupportedByCPU, "the CPU lacks AVX-512: the AVX-512 optimizer loops cannot run"))
  func optimizerLoopsAVX512() { checkOptimizers(.avx512) }

  // MARK: - The AVX-512 GEMM, called directly

  /// (m, k, n): the row-vector path (m = 1), B in place (≤ 48 rows) and
  /// packed, edge tiles of 1–11 rows and 1–31 columns, k in blocks above 512.
  static let shapes: [(Int, Int, Int)] = [
    (1, 5, 3), (1, 17, 32), (1, 64, 40), (1, 300, 270), (1, 30, 300), (2, 1, 1), (3, 7, 5), (11, 16, 17),
    (12, 33, 32), (13, 64, 33), (25, 100, 31), (48, 300, 64), (49, 513, 65), (61, 1100, 100), (200, 40, 130),
  ]

  // Skipped, with this reason, on a CPU without AVX-512F (the MatMul tests
  // then check OpenBLAS instead).
  @Test(
    .enabled(if: tg_sgemm_available() != 0, "the CPU lacks AVX-512F: TensorGraph's AVX-512 GEMM cannot run"),
    arguments: [(false, false), (true, false), (false, true), (true, true)])
  func avx512GEMMIsTheFMAChain(transposes: (Bool, Bool)) {
    let (ta, tb) = transposes
    for (m, k, n) in Self.shapes {
      var rng = TestRandom(seed: UInt64(m * 7919 + k * 31 + n))
      let a = rng.uniform(m * k).map { Float($0) }, b = rng.uniform(k * n).map { Float($0) }
      var c = [Float](repeating: .nan, count: m * n)
      let done = tg_sgemm_f32(ta ? 1 : 0, tb ? 1 : 0, m, n, k, a, ta ? m : k, b, tb ? k : n, &c, n)
      #expect(done == 1)
      for i in 0..<m {
        for j in 0..<n {
          var acc: Float = 0
          for p in 0..<k { acc = acc.addingProduct(ta ? a[p * m + i] : a[i * k + p], tb ? b[j * k + p] : b[p * n + j]) }
          if c[i * n + j].bitPattern != acc.bitPattern {
            Issue.record("\(m)×\(k)×\(n) transA \(ta) transB \(tb): C[\(i)][\(j)] = \(c[i * n + j]), FMA chain \(acc)")
            return
          }
        }
      }
    }
  }
}
