import Foundation
import TensorGraph

/// Kernels that do no arithmetic worth counting and only move memory
/// (copies, transposes, slices, concatenation, padding, casts, elementwise
/// adds, reductions), timed as nodes of a session and reported in GB/s next
/// to `memcpy` of the same bytes on one thread and on every core: the
/// ceiling a data-movement kernel is held to.
///
/// Every case moves 64 MiB or more (16 Mi float32 elements in a 4096×4096
/// matrix), twice the 32 MiB L3 of the machines we run on, so the figures
/// are mostly DRAM bandwidth. Bytes are each input read once plus each
/// output written once.
public enum MemoryBoundBenchmarks {
  /// Rows and columns of the matrices the cases move.
  static let side = 4096
  // Static lets are made on first use, so listing the cases costs nothing.
  /// A side × side matrix.
  static let square = Tensor.random([side, side], seed: 3)
  /// Another side × side matrix (a binary op reading one buffer twice
  /// would read it from cache the second time).
  static let square2 = Tensor.random([side, side], seed: 6)
  /// A side × side/2 matrix.
  static let half = Tensor.random([side, side / 2], seed: 4)
  /// An NHWC batch of side × side elements.
  static let images = Tensor.random([16, 64, 64, 256], seed: 5)
  /// Every row index of `square` once, shuffled (a full embedding lookup).
  static let rowPermutation: Tensor = {
    var rng = SystemRandomNumberGenerator()
    return Tensor((0..<Int32(side)).shuffled(using: &rng))
  }()

  /// Every case in this group.
  public static func all(threads: Int?) -> [BenchmarkCase] {
    let n = side, elements = side * side, f = MemoryLayout<Float>.size
    let bytes = Double(elements * f)
    return [
      memcpyCase("bandwidth/memcpy-1-thread", bytes: elements * f, threads: 1),
      memcpyCase(
        "bandwidth/memcpy-all-threads", bytes: elements * f,
        threads: threads ?? ProcessInfo.processInfo.activeProcessorCount),
      node("bandwidth/add", bytes: 3 * bytes, threads: threads, feeds: { [square, square2] }) { g, p in
        try g.add(p[0], p[1])
      },
      node("bandwidth/cast-f32-to-f64", bytes: 3 * bytes, threads: threads, feeds: { [square] }) { g, p in
        try g.cast(p[0], to: .float64)
      },
      node("bandwidth/transpose-2d", bytes: 2 * bytes, threads: threads, feeds: { [square] }) { g, p in
        try g.transpose(p[0], perm: [1, 0])
      },
      node("bandwidth/transpose-nhwc-to-nchw", bytes: 2 * bytes, threads: threads, feeds: { [images] }) { g, p in
        try g.transpose(p[0], perm: [0, 3, 1, 2])
      },
      node("bandwidth/slice-half-columns", bytes: bytes, threads: threads, feeds: { [square] }) { g, p in
        try g.slice(p[0], begin: [0, n / 4], size: [n, n / 2])
      },
      node("bandwidth/concat-columns", bytes: 2 * bytes, threads: threads, feeds: { [half, half] }) { g, p in
        try g.concat([p[0], p[1]], axis: 1)
      },
      node("bandwidth/tile-2x1", bytes: 1.5 * bytes, threads: threads, feeds: { [half] }) { g, p in
        try g.tile(p[0], multiples: [1, 2])
      },
      node("bandwidth/pad-1", bytes: 2 * bytes, threads: threads, feeds: { [square] }) { g, p in
        try g.pad(p[0], paddings: [[1, 1], [1, 1]])
      },
      node("bandwidth/pad-v2-1", bytes: 2 * bytes, threads: threads, feeds: { [square, Tensor(Float(7))] }) { g, p in
        let paddings = try g.constant(try Tensor(shape: [2, 2], scalars: [Int32(1), 1, 1, 1]))
        return try g.pad(p[0], paddings: paddings, constantValue: p[1])
      },
      node("bandwidth/mirror-pad-reflect-1", bytes: 2 * bytes, threads: threads, feeds: { [square] }) { g, p in
        try g.mirrorPad(p[0], paddings: [[1, 1], [1, 1]], mode: "REFLECT")
      },
      node("bandwidth/strided-slice-reversed-rows", bytes: 2 * bytes, threads: threads, feeds: { [square] }) { g, p in
        try g.stridedSlice(p[0], [.range(nil, nil, stride: -1)])
      },
      node("bandwidth/strided-slice-every-other-column", bytes: bytes, threads: threads, feeds: { [square] }) { g, p in
        try g.stridedSlice(p[0], [.all, .range(nil, nil, stride: 2)])
      },
      node("bandwidth/reverse-columns", bytes: 2 * bytes, threads: threads, feeds: { [square] }) { g, p in
        try g.reverse(p[0], axis: [1])
      },
      node("bandwidth/roll-columns", bytes: 2 * bytes, threads: threads, feeds: { [square] }) { g, p in
        try g.roll(p[0], shift: [n / 3], axis: [1])
      },
      node("bandwidth/gather-rows", bytes: 2 * bytes, threads: threads, feeds: { [square, rowPermutation] }) { g, p in
        try g.gather(p[0], indices: p[1])
      },
      node("bandwidth/gather-nd-rows", bytes: 2 * bytes, threads: threads, feeds: { [square, rowPermutation] }) { g, p in
        try g.gatherNd(p[0], indices: try g.reshape(p[1], [-1, 1]))
      },
      node("bandwidth/resize-nearest-2x", bytes: 5 * bytes, threads: threads, feeds: { [images] }) { g, p in
        try g.resizeNearestNeighbor(p[0], size: try g.constant(Tensor([Int32(128), 128])))
      },
      node("bandwidth/resize-bilinear-2x", bytes: 5 * bytes, threads: threads, feeds: { [images] }) { g, p in
        try g.resizeBilinear(p[0], size: [128, 128], halfPixelCenters: true)
      },
      node("bandwidth/sum-rows", bytes: bytes, threads: threads, feeds: { [square] }) { g, p in
        try g.sum(p[0], axes: [1])
      },
      node("bandwidth/sum-columns", bytes: bytes, threads: threads, feeds: { [square] }) { g, p in
        try g.sum(p[0], axes: [0])
      },
    ]
  }

  /// `memcpy` of `bytes` bytes split into `threads` equal parts run at once:
  /// the bandwidth ceiling (2 × `bytes` moved: read and written).
  static func memcpyCase(_ name: String, bytes: Int, threads: Int) -> BenchmarkCase {
    BenchmarkCase(name, bytesPerRun: 2 * Double(bytes)) {
      let source = UnsafeMutableRawPointer.allocate(byteCount: bytes, alignment: 64)
      let target = UnsafeMutableRawPointer.allocate(byteCount: bytes, alignment: 64)
      // Touch every page first so the timed copies do not fault pages in.
      memset(source, 1, bytes)
      memset(target, 0, bytes)
      nonisolated(unsafe) let from = source, to = target
      let parts = max(1, threads), chunk = (bytes + parts - 1) / parts
      return {
        DispatchQueue.concurrentPerform(iterations: parts) { i in
          let start = i * chunk, count = min(chunk, bytes - start)
          if count > 0 { memcpy(to + start, from + start, count) }
        }
      }
    }
  }

  /// One node built by `body` on placeholders fed `feeds`, its output
  /// fetched (its buffer comes back from the caller to the session's pool
  /// each run, as a model's outputs do).
  static func node(
    _ name: String, bytes: Double, threads: Int?, feeds: @escaping @Sendable () -> [Tensor],
    _ body: @escaping @Sendable (Graph, [Output]) throws -> Output
  ) -> BenchmarkCase {
    BenchmarkCase(name, bytesPerRun: bytes) {
      let feeds = feeds()
      let g = Graph()
      let inputs = try feeds.enumerated().map { i, t in
        try g.placeholder(t.dtype, shape: t.shape, name: "x\(i)")
      }
      let y = try body(g, inputs)
      let s = Session(graph: g, options: SessionOptions(threads: threads))
      let feedDict = Dictionary(uniqueKeysWithValues: zip(inputs, feeds))
      return { _ = try s.run(fetches: [y], feeds: feedDict) }
    }
  }
}
