import Dispatch
import Foundation
import TensorGraph

extension ConvBenchmarks {
  /// `conv/ratios`: prints, when set up, each convolution of the CNN's
  /// layers as a fraction of direct `cblas_sgemm` on the GEMM its lowering
  /// computes — the better of one thread and one piece per thread of the
  /// session — and of the machine's peak (the best of sgemm and of the
  /// MatMul node on a square 1024³ product, measured before and after), from interleaved runs: one run of each body in turn, repeated,
  /// so that load from other processes hits all of them alike. Its timed
  /// body does nothing.
  public static func ratios(threads: Int?) -> BenchmarkCase {
    BenchmarkCase("conv/ratios") {
      print(try ratioTable(threads: threads))
      return {}
    }
  }

  /// Median seconds of each body over interleaved rounds: three untimed,
  /// then as many as fit in `seconds` (30 to 600).
  static func interleavedMedians(_ bodies: [@Sendable () throws -> Void], seconds: Double) throws -> [Double] {
    var samples = Array(repeating: [Double](), count: bodies.count)
    var roundSeconds = 0.0
    func round(record: Bool) throws {
      roundSeconds = 0
      for (i, body) in bodies.enumerated() {
        let start = DispatchTime.now().uptimeNanoseconds
        try body()
        let t = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        roundSeconds += t
        if record { samples[i].append(t) }
      }
    }
    for _ in 0..<3 { try round(record: false) }
    for _ in 0..<Swift.max(30, Swift.min(600, Int(seconds / Swift.max(roundSeconds, 1e-9)))) {
      try round(record: true)
    }
    return samples.map { s in
      let v = s.sorted()
      return v.count % 2 == 1 ? v[v.count / 2] : (v[v.count / 2 - 1] + v[v.count / 2]) / 2
    }
  }

  /// The table ``ratios(threads:)`` prints.
  public static func ratioTable(threads: Int?) throws -> String {
    let parts = Swift.max(1, threads ?? ComputePool.defaultThreadCount)
    let square = GEMMShape(transA: false, transB: false, m: 1024, n: 1024, k: 1024)
    func gflops(_ f: Double) -> String { String(format: "%.1f", f) }
    func percent(_ f: Double) -> String { String(format: "%.0f%%", 100 * f) }
    /// sgemm 1024³ on one thread and on `parts`, and the MatMul node on the
    /// same product (TensorGraph's AVX-512 kernel where the CPU has it),
    /// interleaved: GFLOP/s each.
    func peaks() throws -> [Double] {
      let g = Graph()
      let x = try g.constant(Tensor.random([1024, 1024], seed: 6))
      let product = try g.matMul(x, try g.constant(Tensor.random([1024, 1024], seed: 7)))
      let session = Session(graph: g, options: SessionOptions(threads: threads))
      let node: @Sendable () throws -> Void = { _ = try session.run(product) }
      let bodies = [sgemmBody(square, parts: 1)] + (parts > 1 ? [sgemmBody(square, parts: parts)] : []) + [node]
      return try interleavedMedians(bodies, seconds: 2).map { square.flops / $0 / 1e9 }
    }
    var peak = try peaks()
    var rows: [[String]] = [[
      "layer", "op", "GEMM m×n×k", "conv (median)", "conv GFLOP/s", "sgemm 1 thread", "sgemm \(parts) threads",
      "conv / sgemm", "conv / peak",
    ]]
    var ratios: [(conv: Double, row: Int)] = []
    for l in layers {
      for d in Direction.allCases {
        let s = d.gemmShape(l)
        var bodies = [try convolutionBody(l, d, threads: threads), sgemmBody(s, parts: 1)]
        if parts > 1 { bodies.append(sgemmBody(s, parts: parts)) }
        let medians = try interleavedMedians(bodies, seconds: 3)
        let conv = l.flops / medians[0] / 1e9
        let direct = medians.dropFirst().map { s.flops / $0 / 1e9 }
        ratios.append((conv, rows.count))
        rows.append([
          l.name, d.rawValue, "\(s.m)×\(s.n)×\(s.k)", formatDuration(medians[0]), gflops(conv), gflops(direct[0]),
          direct.count > 1 ? gflops(direct[1]) : "—", percent(conv / (direct.max() ?? .nan)), "",
        ])
      }
    }
    // The machine's peak: the best seen before and after the rows.
    peak += try peaks()
    let best = peak.max() ?? .nan
    for (conv, row) in ratios { rows[row][8] = percent(conv / best) }
    return "Convolutions against direct sgemm (interleaved runs, medians; batch 32; peak: 1024³ product = "
      + "\(gflops(best)) GFLOP/s, the best of sgemm on 1 and \(parts) threads and the MatMul node (\(SGEMMKernel.current.rawValue)), "
      + "before and after the rows):\n" + markdownTable(rows)
  }
}
