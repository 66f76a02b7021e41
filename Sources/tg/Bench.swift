import ArgumentParser
import Foundation
import TensorGraph
import TensorGraphBench

/// `tg bench`: the benchmark harness.
struct Bench: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Run benchmarks (build with -c release) and print min/median/max per case.",
    discussion: "Case names are matched as substrings: `tg bench overhead matmul/node`.")

  @Argument(help: "Substrings selecting cases (default: all).")
  var cases: [String] = []

  @Option(help: "Threads per run (default: every core, or TENSORGRAPH_NUM_THREADS).")
  var threads: Int?

  @Option(help: "Least seconds of timed runs per case.")
  var seconds: Double = 0.5

  @Flag(help: "List the cases and exit.")
  var list = false

  @Flag(help: "Print the mean time of every node of the Fashion-MNIST model's compiled training step, and exit.")
  var kerasTrace = false

  @Option(help: "With --keras-trace: the hidden layers' widths (default 128; 512,512 for the MNIST-style MLP).")
  var traceHidden: String = "128"

  @Option(help: "With --keras-trace: the batch size.")
  var traceBatch: Int = 32

  @Flag(help: "With --keras-trace: also print one step's timeline (start, duration and thread of each node over 3 µs).")
  var timeline = false

  @Flag(help: "With --keras-trace: trace the model's forward pass (its predict graph) instead of the training step.")
  var traceForward = false

  @Flag(
    help: "Time one fit epoch and the same epoch's training steps alone, single-threaded, as wall and on-CPU time (robust on a shared machine), and exit.")
  var kerasCPU = false

  func run() throws {
    let all =
      RuntimeBenchmarks.all(threads: threads) + MLPBenchmarks.all(threads: threads)
      + PassBenchmarks.all(threads: threads) + KerasBenchmarks.all(threads: threads)
      + ConvBenchmarks.all(threads: threads) + MemoryBoundBenchmarks.all(threads: threads)
    let selected = cases.isEmpty ? all : all.filter { c in cases.contains { c.name.contains($0) } }
    let serialization = cases.isEmpty || cases.contains { "serialization".contains($0) }
    let memory = cases.isEmpty || cases.contains { "memory".contains($0) || $0.contains("memory") }
    if kerasCPU {
      for r in try KerasBenchmarks.cpuTimes() {
        print(String(format: "%-40@ wall %7.1f ms   on-CPU %7.1f ms", r.name, r.wall * 1000, r.cpu * 1000))
      }
      return
    }
    if kerasTrace {
      let hidden = traceHidden.split(separator: ",").compactMap { Int($0) }
      guard !hidden.isEmpty, traceBatch > 0 else {
        throw ValidationError("--trace-hidden takes widths such as 512,512 and --trace-batch a positive size")
      }
      try KerasBenchmarks.traceStep(threads: threads, hidden: hidden, batch: traceBatch, timeline: timeline, forward: traceForward)
      return
    }
    if list {
      for c in all { print(c.name) }
      print("serialization (save/load graphs and weights)")
      print("memory (peak bytes of a training step, planned and unplanned)")
      return
    }
    guard !selected.isEmpty || serialization || memory else {
      throw ValidationError("no case matches \(cases); `tg bench --list` shows them")
    }
    #if DEBUG
      FileHandle.standardError.write(Data("warning: debug build; benchmark with `swift run -c release tg bench`\n".utf8))
    #endif
    FileHandle.standardError.write(Data("float32 GEMM: \(SGEMMKernel.current.rawValue)\n".utf8))
    let runner = BenchmarkRunner(minSeconds: seconds)
    var results: [BenchmarkResult] = []
    for (i, c) in selected.enumerated() {
      FileHandle.standardError.write(Data("[\(i + 1)/\(selected.count)] \(c.name)…\n".utf8))
      results.append(try runner.run(c))
    }
    if !results.isEmpty { print(benchmarkTable(results)) }
    if serialization {
      FileHandle.standardError.write(Data("serialization…\n".utf8))
      print("\nSerialization (best of 5):")
      for result in try SerializationBenchmarks.run() { print("  \(result)") }
    }
    if memory {
      FileHandle.standardError.write(Data("peak memory…\n".utf8))
      let p = try MLPBenchmarks.peakMemory(threads: threads)
      print(String(
        format:
          "\nPeak memory, training step 784-512-512-10 at batch 128 (median of 20 steps): planned %.2f MB, unplanned %.2f MB (%.0f%%); largest: planned %.2f MB, unplanned %.2f MB (%.0f%%)",
        Double(p.planned) / 1e6, Double(p.unplanned) / 1e6, 100 * Double(p.planned) / Double(max(p.unplanned, 1)),
        Double(p.plannedMax) / 1e6, Double(p.unplannedMax) / 1e6,
        100 * Double(p.plannedMax) / Double(max(p.unplannedMax, 1))))
    }
  }
}
