import Dispatch
import Foundation
import TensorGraph

extension ConvBenchmarks {
  /// `conv/ratios`: prints, when set up, each convolution of the CNN's
  /// layers as a fraction of direct `cblas_sgemm` on the GEMM its lowering
  /// computes — the better of one thread and one piece per thread of the
  /// session — and of sgemm on a square 1024³ product (the machine's peak),
  /// from interleaved runs: one run of each body in turn, repeated, so that
  /// load from other processes hits all of them alike. Its timed body does
  /// nothing.
  public static func ratios(threads: Int?) -> BenchmarkCase {
    BenchmarkCase("conv/ratios") {
      print(try ratioTable(threads: threads))
      return {}
    }
  }

  /// Median seconds of each body over `rounds` interleaved rounds (after
  /// three untimed ones).
  static func interleavedMedians(_ bodies: [@Sendable () throws -> Void], rounds: Int) throws -> [Double] {
    var samples = Array(repeating: [Double](), count: bodies.count)
    for round in 0..<(rounds + 3) {
      for (i, body) in bodies.enumerated() {
        let start = DispatchTime.now().uptimeNanoseconds
        try body()
        if round >= 3 { samples[i].append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9) }
      }
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
    let peaks = try interleavedMedians(
      [sgemmBody(square, parts: 1)] + (parts > 1 ? [sgemmBody(square, parts: parts)] : []), rounds: 15)
    let peak = peaks.map { square.flops / $0 / 1e9 }.max() ?? .nan
    func gflops(_ f: Double) -> String { String(format: "%.1f", f) }
    var rows: [[String]] = [[
      "layer", "op", "GEMM m×n×k", "conv (median)", "conv GFLOP/s", "sgemm 1 thread", "sgemm \(parts) threads",
      "conv / sgemm", "conv / peak",
    ]]
    for l in layers {
      for d in Direction.allCases {
        let s = d.gemmShape(l)
        var bodies = [try convolutionBody(l, d, threads: threads), sgemmBody(s, parts: 1)]
        if parts > 1 { bodies.append(sgemmBody(s, parts: parts)) }
        let rounds = Swift.max(30, Swift.min(600, Int(1.5 / Swift.max(l.flops / 50e9, 1e-6))))
        let medians = try interleavedMedians(bodies, rounds: rounds)
        let conv = l.flops / medians[0] / 1e9
        let direct = medians.dropFirst().map { s.flops / $0 / 1e9 }
        rows.append([
          l.name, d.rawValue, "\(s.m)×\(s.n)×\(s.k)", formatDuration(medians[0]), gflops(conv), gflops(direct[0]),
          direct.count > 1 ? gflops(direct[1]) : "—", String(format: "%.0f%%", 100 * conv / (direct.max() ?? .nan)),
          String(format: "%.0f%%", 100 * conv / peak),
        ])
      }
    }
    return "Convolutions against direct sgemm (interleaved runs, medians; batch 32; peak: sgemm 1024³ = "
      + "\(gflops(square.flops / peaks[0] / 1e9)) GFLOP/s on 1 thread"
      + (parts > 1 ? ", \(gflops(square.flops / peaks[1] / 1e9)) on \(parts)" : "") + "):\n" + markdownTable(rows)
  }
}
