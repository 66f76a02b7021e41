import Foundation
import TensorGraph
import TensorGraphKeras

/// The Keras seed models: one `fit` epoch on Fashion-MNIST-shaped data, and
/// the same model's compiled training step run alone (the graph's own
/// cost, without fit's batching, shuffling and bookkeeping).
public enum KerasBenchmarks {
  /// Synthetic data shaped like Fashion-MNIST's training set, normalized:
  /// float32 `[n, 28, 28]` in [0, 1) and labels in 0..<10.
  static func data(_ n: Int) throws -> (x: Tensor, y: Tensor) {
    var state: UInt32 = 12345
    let pixels = (0..<(n * 784)).map { _ -> Float in
      state = state &* 1_664_525 &+ 1_013_904_223
      return Float(state >> 8) / Float(1 << 24)
    }
    let labels = (0..<n).map { Int32($0 % 10) }
    return (try Tensor(shape: [n, 28, 28], scalars: pixels), Tensor(labels))
  }

  /// The Fashion-MNIST classifier (784 → 128 relu → 10 softmax, Adam), or
  /// the MNIST-style MLP (784 → 512 → 512 → 10) when `hidden` says so,
  /// compiled in a fresh context.
  static func model(hidden: [Int], threads: Int?) throws -> Model {
    let context = KerasContext(seed: 1, options: SessionOptions(threads: threads))
    return try context.run {
      let model = try Sequential([Flatten(inputShape: [28, 28])])
      for units in hidden { try model.add(Dense(units, activation: "relu")) }
      try model.add(Dense(10, activation: "softmax"))
      try model.compile(optimizer: "adam", loss: "sparse_categorical_crossentropy", metrics: ["accuracy"])
      return model
    }
  }

  /// The cases: a full epoch (60,000 examples) through `fit`, and the
  /// training step alone, for both seed MLPs.
  public static func all(threads: Int?) -> [BenchmarkCase] {
    var cases: [BenchmarkCase] = []
    for (hidden, batch) in [([128], 32), ([512, 512], 128)] {
      let label = "784-" + hidden.map(String.init).joined(separator: "-") + "-10-b\(batch)"
      let steps = (60_000 + batch - 1) / batch
      cases.append(
        BenchmarkCase("keras/fit-epoch-\(label)", unitsPerRun: Double(steps), unit: "step") {
          let m = Unchecked(try model(hidden: hidden, threads: threads))
          let (x, y) = try data(60_000)
          return { try m.value.fit(x, y, batchSize: batch, epochs: 1, verbose: 0) }
        })
      cases.append(
        BenchmarkCase("keras/fit-epoch-verbose-\(label)", unitsPerRun: Double(steps), unit: "step") {
          let m = Unchecked(try model(hidden: hidden, threads: threads))
          m.value.console = .silent
          let (x, y) = try data(60_000)
          return { try m.value.fit(x, y, batchSize: batch, epochs: 1, verbose: 1) }
        })
      cases.append(
        BenchmarkCase("keras/step-loop-\(label)", unitsPerRun: Double(steps), unit: "step") {
          // The compiled step over an epoch's batches (contiguous, prepared
          // in advance): fit's work without fit.
          let m = try model(hidden: hidden, threads: threads)
          let (x, y) = try data(60_000)
          try m.fit(try x.rows(0..<batch), try y.rows(0..<batch), batchSize: batch, epochs: 1, verbose: 0)
          let step = Unchecked(try m.trainingStepForBenchmark())
          let batches = Unchecked(try (0..<steps).map { s -> (Tensor, Tensor) in
            let r = (s * batch)..<min(60_000, s * batch + batch)
            return (try x.rows(r), try y.rows(r))
          })
          return { for (bx, by) in batches.value { try step.value(bx, by) } }
        })
      cases.append(
        BenchmarkCase("keras/train-step-\(label)", unitsPerRun: 1, unit: "step") {
          let m = try model(hidden: hidden, threads: threads)
          let (x, y) = try data(batch)
          // One fit step builds and initializes everything; then time the
          // compiled step on a fixed batch.
          try m.fit(x, y, batchSize: batch, epochs: 1, verbose: 0)
          let step = Unchecked(try m.trainingStepForBenchmark())
          return { try step.value(x, y) }
        })
    }
    cases.append(
      BenchmarkCase("keras/gather-epoch-b32", unitsPerRun: 1875, unit: "step") {
        let (x, y) = try data(60_000)
        let order = Unchecked(Array((0..<60_000).shuffled()))
        return {
          for s in 0..<1875 {
            let idx = Array(order.value[(s * 32)..<min(60_000, s * 32 + 32)])
            _ = try x.gatherRows(idx)
            _ = try y.gatherRows(idx)
          }
        }
      })
    return cases
  }
}

/// Hands a value the harness runs on one thread to a `@Sendable` closure.
final class Unchecked<T>: @unchecked Sendable {
  let value: T
  init(_ value: T) { self.value = value }
}

extension KerasBenchmarks {
  /// Prints the mean time of every node of the Fashion-MNIST model's
  /// compiled training step over 300 traced steps (`tg bench --keras-trace`),
  /// or of its forward pass (the predict graph) with `forward`.
  public static func traceStep(
    threads: Int?, hidden: [Int] = [128], batch: Int = 32, timeline: Bool = false, forward: Bool = false
  ) throws {
    let m = try model(hidden: hidden, threads: threads)
    let (x, y) = try data(max(batch, 256))
    try m.fit(x, y, batchSize: batch, epochs: 1, verbose: 0)
    print("graph nodes:", m.graph.nodes.count)
    var total: [String: (UInt64, Int)] = [:]
    let fetches =
      forward
      ? m.outputs.map(\.output) : try ["loss/value", "metrics/accuracy/total"].map { try m.graph.output(named: $0) }
    let targets = forward ? [] : [try m.graph.requireNode(named: "Adam")]
    let xin = try m.graph.output(named: "flatten_input"), tin = try m.graph.output(named: lastLayerTarget(m))
    let xb = try x.rows(0..<batch), yb = try y.rows(0..<batch)
    var steps = 0
    var spans: [Double] = [], busy: [Double] = []
    var slowest: [RunTrace.Event] = [], slowestSpan = 0.0
    for _ in 0..<300 {
      let r = try m.session.run(
        fetches: fetches, feeds: forward ? [xin: xb] : [xin: xb, tin: yb], targets: targets,
        options: RunOptions(trace: true))
      let events = r.metadata.trace!.events
      steps = events.count
      let start = events.map(\.startNanoseconds).min() ?? 0
      let end = events.map { $0.startNanoseconds + $0.durationNanoseconds }.max() ?? 0
      spans.append(Double(end - start) / 1000)
      if spans.last! > slowestSpan { (slowestSpan, slowest) = (spans.last!, events) }
      busy.append(Double(events.map(\.durationNanoseconds).reduce(0, +)) / 1000)
      for e in events {
        let k = e.node + " (" + e.op + ")"
        total[k, default: (0, 0)].0 += e.durationNanoseconds
        total[k, default: (0, 0)].1 += 1
      }
    }
    if timeline {
      /// Each node over 3 µs: start from the step's first node, duration, thread.
      func printTimeline(_ events: [RunTrace.Event]) {
        let sorted = events.sorted { $0.startNanoseconds < $1.startNanoseconds }
        let t0 = sorted.first?.startNanoseconds ?? 0
        for e in sorted where e.durationNanoseconds > 3000 {
          print(String(format: "  t=%7.1f us  +%7.1f us  thread %d  %@", Double(e.startNanoseconds - t0) / 1000,
                       Double(e.durationNanoseconds) / 1000, e.thread, e.node))
        }
      }
      print("slowest of 300 steps:")
      printTimeline(slowest)
      print("one more step:")
      let r = try m.session.run(
        fetches: fetches, feeds: forward ? [xin: xb] : [xin: xb, tin: yb], targets: targets,
        options: RunOptions(trace: true))
      printTimeline(r.metadata.trace!.events)
    }
    spans.sort()
    busy.sort()
    print("plan steps:", steps)
    print(String(
      format: "step span (first start to last end): min %.1f us, median %.1f us, 90th percentile %.1f us; node time summed (median): %.1f us",
      spans[0], spans[150], spans[270], busy[150]))
    for (k, v) in total.sorted(by: { $0.value.0 > $1.value.0 }) {
      print(String(format: "%8.2f us  %@", Double(v.0) / Double(v.1) / 1000, k))
    }
  }

  /// The target placeholder of the model's last Dense layer (`dense_1_target`).
  private static func lastLayerTarget(_ m: Model) -> String {
    (m.layers.last?.name ?? "dense") + "_target"
  }

}

extension KerasBenchmarks {
  /// Wall and on-CPU time of one Fashion-MNIST epoch through `fit` and of
  /// the same epoch's compiled steps alone, single-threaded: the calling
  /// thread's CPU time does not count time the scheduler gave to other
  /// processes, so it measures the work on a shared machine.
  public static func cpuTimes(repeats: Int = 5) throws -> [(name: String, wall: Double, cpu: Double)] {
    func threadCPU() -> Double {
      var t = timespec()
      clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t)
      return Double(t.tv_sec) + Double(t.tv_nsec) * 1e-9
    }
    func wall() -> Double {
      var t = timespec()
      clock_gettime(CLOCK_MONOTONIC, &t)
      return Double(t.tv_sec) + Double(t.tv_nsec) * 1e-9
    }
    var results: [(String, Double, Double)] = []
    for (hidden, batch) in [([128], 32), ([512, 512], 128)] {
      let label = "784-" + hidden.map(String.init).joined(separator: "-") + "-10-b\(batch)"
      let steps = (60_000 + batch - 1) / batch
      let m = try model(hidden: hidden, threads: 1)
      let (x, y) = try data(60_000)
      try m.fit(try x.rows(0..<batch), try y.rows(0..<batch), batchSize: batch, epochs: 1, verbose: 0)
      let step = try m.trainingStepForBenchmark()
      let batches = try (0..<steps).map { s -> (Tensor, Tensor) in
        let r = (s * batch)..<min(60_000, s * batch + batch)
        return (try x.rows(r), try y.rows(r))
      }
      var best: [String: (Double, Double)] = [:]
      for _ in 0..<repeats {
        var (w0, c0) = (wall(), threadCPU())
        try m.fit(x, y, batchSize: batch, epochs: 1, verbose: 0)
        var (w1, c1) = (wall(), threadCPU())
        let fitKey = "fit epoch \(label)"
        best[fitKey] = (min(best[fitKey]?.0 ?? .infinity, w1 - w0), min(best[fitKey]?.1 ?? .infinity, c1 - c0))
        (w0, c0) = (wall(), threadCPU())
        for (bx, by) in batches { try step(bx, by) }
        (w1, c1) = (wall(), threadCPU())
        let stepKey = "steps alone \(label)"
        best[stepKey] = (min(best[stepKey]?.0 ?? .infinity, w1 - w0), min(best[stepKey]?.1 ?? .infinity, c1 - c0))
      }
      for key in best.keys.sorted() { results.append((key, best[key]!.0, best[key]!.1)) }
    }
    return results
  }
}
