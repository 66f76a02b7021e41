import COpenBLAS
import Foundation
import TensorGraph

/// Benchmarks of the runtime itself: per-node overhead, fixed cost of a run,
/// MatMul against a direct sgemm call.
public enum RuntimeBenchmarks {
  /// Every case in this group.
  public static func all(threads: Int?) -> [BenchmarkCase] {
    overhead(threads: threads) + matMul(threads: threads)
  }

  /// A chain of scalar AddV2 nodes, 100 independent chains of 100, and a
  /// one-node graph.
  public static func overhead(threads: Int?) -> [BenchmarkCase] {
    [
      BenchmarkCase("overhead/chain-10000", unitsPerRun: 10_000, unit: "node") {
        let g = Graph()
        let one = try g.constant(Tensor(Float(1)), name: "one")
        var x = try g.placeholder(.float32, shape: [], name: "x")
        let input = x
        for _ in 0..<10_000 { x = try g.add(x, one) }
        let s = Session(graph: g, options: SessionOptions(threads: threads))
        let fetch = x
        let feed = Tensor(Float(0))
        return { _ = try s.run(fetches: [fetch], feeds: [input: feed]) }
      },
      BenchmarkCase("overhead/100-chains-of-100", unitsPerRun: 10_000, unit: "node") {
        let g = Graph()
        let one = try g.constant(Tensor(Float(1)), name: "one")
        let input = try g.placeholder(.float32, shape: [], name: "x")
        var ends: [Output] = []
        for _ in 0..<100 {
          var x = input
          for _ in 0..<100 { x = try g.add(x, one) }
          ends.append(x)
        }
        let s = Session(graph: g, options: SessionOptions(threads: threads))
        let feed = Tensor(Float(0))
        let fetches = ends
        return { _ = try s.run(fetches: fetches, feeds: [input: feed]) }
      },
      BenchmarkCase("overhead/run-one-node", unitsPerRun: 1, unit: "run") {
        let g = Graph()
        let x = try g.placeholder(.float32, shape: [], name: "x")
        let y = try g.add(x, x)
        let s = Session(graph: g, options: SessionOptions(threads: threads))
        let feed = Tensor(Float(1))
        return { _ = try s.run(fetches: [y], feeds: [x: feed]) }
      },
    ]
  }

  /// The MatMul node against a direct one-thread cblas_sgemm call on the
  /// same buffers.
  public static func matMul(threads: Int?) -> [BenchmarkCase] {
    let sizes = [(128, 784, 512), (32, 784, 128), (1024, 1024, 1024)]
    return sizes.flatMap { (m, k, n) -> [BenchmarkCase] in
      let flops = 2.0 * Double(m * k * n)
      let a = Tensor.random([m, k], seed: 1), b = Tensor.random([k, n], seed: 2)
      return [
        BenchmarkCase("matmul/node-\(m)x\(k)x\(n)", flopsPerRun: flops) {
          let g = Graph()
          let x = try g.placeholder(.float32, shape: [m, k], name: "a")
          let w = try g.constant(b, name: "b")
          let y = try g.matMul(x, w)
          let s = Session(graph: g, options: SessionOptions(threads: threads))
          return { _ = try s.run(fetches: [y], feeds: [x: a]) }
        },
        BenchmarkCase("matmul/cblas-\(m)x\(k)x\(n)", flopsPerRun: flops) {
          let c = UnsafeMutablePointer<Float>.allocate(capacity: m * n)
          nonisolated(unsafe) let out = c
          // The reference is one thread even when no session has set up the
          // pool (which pins OpenBLAS to one thread) yet.
          openblas_set_num_threads(1)
          return {
            cblas_sgemm(
              CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(m), Int32(n), Int32(k), 1,
              a.unsafePointer(as: Float.self), Int32(k), b.unsafePointer(as: Float.self), Int32(n), 0, out, Int32(n))
          }
        },
      ]
    }
  }
}

extension Tensor {
  /// Uniform floats in [-1, 1) from a fixed seed (benchmark data).
  static func random(_ shape: [Int], seed: UInt64) -> Tensor {
    var state = seed &* 0x9E37_79B9_7F4A_7C15 | 1
    let count = shape.reduce(1, *)
    var values = [Float](repeating: 0, count: count)
    for i in 0..<count {
      state ^= state << 13
      state ^= state >> 7
      state ^= state << 17
      values[i] = Float(state >> 40) / Float(1 << 23) - 1
    }
    return try! Tensor(shape: shape, scalars: values)
  }
}
