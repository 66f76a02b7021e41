// Serialization benchmark: `swift run -c release tg-bench-serial`.
// Prints the best of 5 runs of each measurement; Docs/benchmarks.md
// records the figures and the targets (≤ 200 ms to save or load a
// 10,000-node graph; ≥ 1 GB/s to load 100 MB of weights).
import TensorGraph

do {
  for result in try SerializationBenchmarks.run() { print(result) }
} catch {
  print("error:", error)
}
