import Dispatch
import Foundation

/// One benchmark case: a named operation, timed over repeated runs after
/// warm-up, reported per run and optionally per unit of work (per node,
/// per GFLOP).
public struct BenchmarkCase: Sendable {
  /// Group and name shown in the table (`overhead/chain-10000`).
  public var name: String
  /// What one run is divided by for the "per" column, and its unit label
  /// (10,000 nodes → "ns/node").
  public var unitsPerRun: Double
  /// The label of that column, e.g. `node`; `nil` for no per-unit column.
  public var unit: String?
  /// Floating-point operations per run, for a GFLOP/s column.
  public var flopsPerRun: Double?
  /// Bytes read plus bytes written per run, for a GB/s column.
  public var bytesPerRun: Double?
  /// Builds the state (graphs, sessions, data) and returns the body to time.
  public var setUp: @Sendable () throws -> @Sendable () throws -> Void

  /// Creates a case.
  public init(
    _ name: String, unitsPerRun: Double = 1, unit: String? = nil, flopsPerRun: Double? = nil,
    bytesPerRun: Double? = nil, setUp: @escaping @Sendable () throws -> @Sendable () throws -> Void
  ) {
    self.name = name
    self.unitsPerRun = unitsPerRun
    self.unit = unit
    self.flopsPerRun = flopsPerRun
    self.bytesPerRun = bytesPerRun
    self.setUp = setUp
  }
}

/// Timings of one case.
public struct BenchmarkResult: Sendable {
  /// The case's name.
  public var name: String
  /// Seconds per run, sorted ascending.
  public var seconds: [Double]
  /// The case's unit and units per run.
  public var unit: String?
  public var unitsPerRun: Double
  /// Flops per run, if known.
  public var flopsPerRun: Double?
  /// Bytes moved per run, if known.
  public var bytesPerRun: Double?
  /// Extra figures the case reports (e.g. peak bytes).
  public var notes: [String] = []

  /// Fastest run.
  public var min: Double { seconds.first ?? .nan }
  /// Median run.
  public var median: Double {
    guard !seconds.isEmpty else { return .nan }
    let n = seconds.count
    return n % 2 == 1 ? seconds[n / 2] : (seconds[n / 2 - 1] + seconds[n / 2]) / 2
  }
  /// Slowest run.
  public var max: Double { seconds.last ?? .nan }
  /// GFLOP/s at the median.
  public var gflops: Double? { flopsPerRun.map { $0 / median / 1e9 } }
  /// GB/s (10⁹ bytes read plus written per second) at the median.
  public var gigabytesPerSecond: Double? { bytesPerRun.map { $0 / median / 1e9 } }
}

/// Runs cases: each is warmed up, then timed for at least `minRuns` runs
/// and until `minSeconds` have passed (capped at `maxRuns`).
public struct BenchmarkRunner: Sendable {
  /// Fewest timed runs.
  public var minRuns = 10
  /// Most timed runs.
  public var maxRuns = 2000
  /// Least total timed seconds per case.
  public var minSeconds = 0.5
  /// Untimed runs first.
  public var warmupRuns = 3

  /// Creates a runner.
  public init(minRuns: Int = 10, maxRuns: Int = 2000, minSeconds: Double = 0.5, warmupRuns: Int = 3) {
    self.minRuns = minRuns
    self.maxRuns = maxRuns
    self.minSeconds = minSeconds
    self.warmupRuns = warmupRuns
  }

  /// Times one case.
  public func run(_ c: BenchmarkCase) throws -> BenchmarkResult {
    let body = try c.setUp()
    for _ in 0..<warmupRuns { try body() }
    var times: [Double] = []
    var total = 0.0
    while times.count < minRuns || (total < minSeconds && times.count < maxRuns) {
      let start = DispatchTime.now().uptimeNanoseconds
      try body()
      let t = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
      times.append(t)
      total += t
    }
    times.sort()
    return BenchmarkResult(
      name: c.name, seconds: times, unit: c.unit, unitsPerRun: c.unitsPerRun, flopsPerRun: c.flopsPerRun,
      bytesPerRun: c.bytesPerRun)
  }
}

/// Formats seconds with a unit that keeps 3–4 significant digits.
public func formatDuration(_ s: Double) -> String {
  if s.isNaN { return "—" }
  if s < 1e-6 { return String(format: "%.1f ns", s * 1e9) }
  if s < 1e-3 { return String(format: "%.2f µs", s * 1e6) }
  if s < 1 { return String(format: "%.3f ms", s * 1e3) }
  return String(format: "%.3f s", s)
}

/// The results as a Markdown table: min / median / max per run, the median
/// per unit, GFLOP/s, and GB/s when some case counts its bytes.
public func benchmarkTable(_ results: [BenchmarkResult]) -> String {
  let bandwidth = results.contains { $0.bytesPerRun != nil }
  var rows = [
    ["case", "runs", "min", "median", "max", "per unit (median)", "GFLOP/s"] + (bandwidth ? ["GB/s"] : []) + ["notes"]
  ]
  for r in results {
    let per = r.unit.map { "\(formatDuration(r.median / r.unitsPerRun))/\($0)" } ?? ""
    let gf = r.gflops.map { String(format: "%.1f", $0) } ?? ""
    let gb = r.gigabytesPerSecond.map { String(format: "%.1f", $0) } ?? ""
    rows.append(
      [r.name, "\(r.seconds.count)", formatDuration(r.min), formatDuration(r.median), formatDuration(r.max), per, gf]
        + (bandwidth ? [gb] : []) + [r.notes.joined(separator: "; ")])
  }
  return markdownTable(rows)
}

/// `rows` (the first is the header) as a Markdown table with padded
/// columns.
public func markdownTable(_ rows: [[String]]) -> String {
  guard let header = rows.first else { return "" }
  let widths = (0..<header.count).map { col in rows.map { $0[col].count }.max() ?? 0 }
  func line(_ cells: [String]) -> String {
    "| " + zip(cells, widths).map { $0 + String(repeating: " ", count: $1 - $0.count) }.joined(separator: " | ") + " |"
  }
  var out = [line(header), "|" + widths.map { String(repeating: "-", count: $0 + 2) }.joined(separator: "|") + "|"]
  out += rows.dropFirst().map(line)
  return out.joined(separator: "\n")
}
