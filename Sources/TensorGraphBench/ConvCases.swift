import COpenBLAS
import Dispatch
import Foundation
import TensorGraph

/// The Fashion-MNIST CNN's convolution, pooling and batch-normalization
/// layers at batch 32 — Conv2D 32 3×3 on 28×28×1 and Conv2D 64 3×3 on
/// 13×13×32 (VALID), MaxPool 2 after each — forward and backward, beside
/// `cblas_sgemm` on the GEMM shapes their im2col lowering computes (one
/// thread, and split in halves on two threads). `conv/ratios` prints the
/// convolutions as fractions of those sgemm figures from interleaved runs
/// (ConvRatios.swift).
public enum ConvBenchmarks {
  /// One convolution layer: NHWC input, [3, 3, c, oc] filter, VALID.
  struct Layer: Sendable {
    var name: String
    var input: [Int]
    var filter: [Int]
    var output: [Int] { [input[0], input[1] - filter[0] + 1, input[2] - filter[1] + 1, filter[3]] }
    /// GEMM rows (output pixels), depth (window · channels), columns.
    var m: Int { output[0] * output[1] * output[2] }
    var k: Int { filter[0] * filter[1] * filter[2] }
    var n: Int { filter[3] }
    var flops: Double { 2 * Double(m) * Double(k) * Double(n) }
  }

  static let layers = [
    Layer(name: "l1-28x28x1-32", input: [32, 28, 28, 1], filter: [3, 3, 1, 32]),
    Layer(name: "l2-13x13x32-64", input: [32, 13, 13, 32], filter: [3, 3, 32, 64]),
  ]

  /// The activations the pooling and batch-norm cases run on: each
  /// convolution's output.
  static let activations = [("26x26x32", [32, 26, 26, 32]), ("11x11x64", [32, 11, 11, 64])]

  /// Every case in this group.
  public static func all(threads: Int?) -> [BenchmarkCase] {
    layers.flatMap { l in
      Direction.allCases.map { convolution(l, $0, threads: threads) } + gemm(l) + fused(l, threads: threads)
    } + pooling(threads: threads) + batchNorm(threads: threads) + [ratios(threads: threads)]
  }

  // MARK: - Convolutions

  /// The three products of a convolution layer.
  enum Direction: String, CaseIterable, Sendable {
    case forward, backpropInput = "backprop-input", backpropFilter = "backprop-filter"

    /// The GEMM the im2col lowering computes: forward `cols · w`
    /// (m×k·k×n), input gradient `dy · wᵀ` (m×n·n×k), filter gradient
    /// `colsᵀ · dy` (k×m·m×n).
    func gemmShape(_ l: Layer) -> GEMMShape {
      switch self {
      case .forward: return GEMMShape(transA: false, transB: false, m: l.m, n: l.n, k: l.k)
      case .backpropInput: return GEMMShape(transA: false, transB: true, m: l.m, n: l.k, k: l.n)
      case .backpropFilter: return GEMMShape(transA: true, transB: false, m: l.k, n: l.n, k: l.m)
      }
    }
  }

  /// A session running one Conv2D, Conv2DBackpropInput or
  /// Conv2DBackpropFilter node of layer `l` on random operands; returns
  /// the run.
  static func convolutionBody(_ l: Layer, _ d: Direction, threads: Int?) throws -> @Sendable () throws -> Void {
    let g = Graph()
    let input = try g.placeholder(.float32, shape: l.input.map { $0 }, name: "x")
    let filter = try g.placeholder(.float32, shape: l.filter.map { $0 }, name: "w")
    let dy = try g.placeholder(.float32, shape: l.output.map { $0 }, name: "dy")
    let fetch: Output
    var feeds: [Output: Tensor] = [:]
    switch d {
    case .forward:
      fetch = try g.conv2d(input, filter: filter, strides: [1], padding: "VALID")
      feeds = [input: Tensor.random(l.input, seed: 1), filter: Tensor.random(l.filter, seed: 2)]
    case .backpropInput:
      fetch = try g.conv2dBackpropInput(
        inputSizes: try g.constant(Tensor(l.input.map { Int32($0) })), filter: filter, outBackprop: dy,
        strides: [1], padding: "VALID")
      feeds = [dy: Tensor.random(l.output, seed: 3), filter: Tensor.random(l.filter, seed: 2)]
    case .backpropFilter:
      fetch = try g.conv2dBackpropFilter(
        input, filterSizes: try g.constant(Tensor(l.filter.map { Int32($0) })), outBackprop: dy, strides: [1],
        padding: "VALID")
      feeds = [dy: Tensor.random(l.output, seed: 3), input: Tensor.random(l.input, seed: 1)]
    }
    let s = Session(graph: g, options: SessionOptions(threads: threads))
    let f = feeds
    return { _ = try s.run(fetches: [fetch], feeds: f) }
  }

  /// `conv/<layer>/<direction>-b32`.
  static func convolution(_ l: Layer, _ d: Direction, threads: Int?) -> BenchmarkCase {
    BenchmarkCase("conv/\(l.name)/\(d.rawValue)-b32", flopsPerRun: l.flops) {
      try convolutionBody(l, d, threads: threads)
    }
  }

  /// Conv2D → BiasAdd → Relu as three nodes and as the `_FusedConv2D` the
  /// remapper makes of them.
  static func fused(_ l: Layer, threads: Int?) -> [BenchmarkCase] {
    [false, true].map { fused in
      BenchmarkCase("conv/\(l.name)/conv-bias-relu-b32/\(fused ? "fused" : "unfused")", flopsPerRun: l.flops) {
        let g = Graph()
        let x = try g.placeholder(.float32, shape: l.input.map { $0 }, name: "x")
        let w = try g.constant(Tensor.random(l.filter, seed: 2), name: "w")
        let b = try g.constant(Tensor.random([l.n], seed: 3), name: "b")
        let c = try g.conv2d(x, filter: w, strides: [1], padding: "VALID")
        _ = try g.relu(try g.biasAdd(c, b), name: "y")
        var graph = g
        if fused { graph = try PassManager([RemapperPass()]).run(g, keep: KeepSet(outputs: ["y"])).graph }
        let s = Session(graph: graph, options: SessionOptions(threads: threads))
        let feed = [try graph.output(named: "x"): Tensor.random(l.input, seed: 1)]
        let y = try graph.output(named: "y")
        return { _ = try s.run(fetches: [y], feeds: feed) }
      }
    }
  }

  // MARK: - Direct sgemm

  /// A row-major sgemm `C[m×n] = op(A)·op(B)`.
  struct GEMMShape: Sendable, CustomStringConvertible {
    var transA: Bool, transB: Bool
    var m: Int, n: Int, k: Int
    var flops: Double { 2 * Double(m) * Double(n) * Double(k) }
    var description: String { "\(m)x\(n)x\(k)" }
  }

  /// `cblas_sgemm` on random operands of shape `s`, in `parts` pieces (split
  /// along the larger output dimension) run on `parts` threads at once.
  /// OpenBLAS is kept single-threaded, as the runtime keeps it.
  static func sgemmBody(_ s: GEMMShape, parts: Int) -> @Sendable () -> Void {
    _ = ComputePool.shared  // sets OpenBLAS to one thread
    let a = Tensor.random([s.m * s.k], seed: 4), b = Tensor.random([s.k * s.n], seed: 5)
    nonisolated(unsafe) let c = UnsafeMutablePointer<Float>.allocate(capacity: s.m * s.n)
    let lda = s.transA ? s.m : s.k, ldb = s.transB ? s.k : s.n
    let splitRows = s.m >= s.n
    let ta = s.transA ? CblasTrans : CblasNoTrans, tb = s.transB ? CblasTrans : CblasNoTrans
    return {
      DispatchQueue.concurrentPerform(iterations: parts) { part in
        let whole = splitRows ? s.m : s.n
        let lo = whole * part / parts, hi = whole * (part + 1) / parts
        let pa = a.unsafePointer(as: Float.self), pb = b.unsafePointer(as: Float.self)
        if splitRows {
          cblas_sgemm(
            CblasRowMajor, ta, tb, Int32(hi - lo), Int32(s.n), Int32(s.k), 1, s.transA ? pa + lo : pa + lo * lda,
            Int32(lda), pb, Int32(ldb), 0, c + lo * s.n, Int32(s.n))
        } else {
          cblas_sgemm(
            CblasRowMajor, ta, tb, Int32(s.m), Int32(hi - lo), Int32(s.k), 1, pa, Int32(lda),
            s.transB ? pb + lo * ldb : pb + lo, Int32(ldb), 0, c + lo, Int32(s.n))
        }
      }
    }
  }

  /// `cblas_sgemm` on the three GEMMs of a layer, on one thread and as two
  /// halves on two threads.
  static func gemm(_ l: Layer) -> [BenchmarkCase] {
    Direction.allCases.flatMap { d -> [BenchmarkCase] in
      let s = d.gemmShape(l)
      return [1, 2].map { parts in
        BenchmarkCase(
          "conv/\(l.name)/sgemm\(parts == 1 ? "" : "-2threads")-\(d.rawValue)-\(s)", flopsPerRun: s.flops
        ) { sgemmBody(s, parts: parts) }
      }
    }
  }

  // MARK: - Pooling

  /// MaxPool 2 and AvgPool 2 (VALID) on each convolution's output, and
  /// their gradient ops alone (the forward output is fed). Per element of
  /// the pooled input.
  static func pooling(threads: Int?) -> [BenchmarkCase] {
    let options = SessionOptions(threads: threads)
    return activations.flatMap { name, shape -> [BenchmarkCase] in
      let elements = Double(shape.reduce(1, *))
      let out = [shape[0], shape[1] / 2, shape[2] / 2, shape[3]]
      return ["max", "avg"].flatMap { kind -> [BenchmarkCase] in
        [
          BenchmarkCase("conv/pool-\(name)/\(kind)pool-b32", unitsPerRun: elements, unit: "elem") {
            let g = Graph()
            let input = try g.placeholder(.float32, shape: shape.map { $0 }, name: "x")
            let y =
              kind == "max"
              ? try g.maxPool(input, ksize: [2], strides: [2], padding: "VALID")
              : try g.avgPool(input, ksize: [2], strides: [2], padding: "VALID")
            let s = Session(graph: g, options: options), x = Tensor.random(shape, seed: 6)
            return { _ = try s.run(fetches: [y], feeds: [input: x]) }
          },
          BenchmarkCase("conv/pool-\(name)/\(kind)pool-grad-b32", unitsPerRun: elements, unit: "elem") {
            let g = Graph()
            let input = try g.placeholder(.float32, shape: shape.map { $0 }, name: "x")
            let y =
              kind == "max"
              ? try g.maxPool(input, ksize: [2], strides: [2], padding: "VALID")
              : try g.avgPool(input, ksize: [2], strides: [2], padding: "VALID")
            let dy = try g.placeholder(.float32, shape: out.map { $0 }, name: "dy")
            let dx = try require(try g.gradients(of: [y], with: [input], gradYs: [dy])[0])
            let s = Session(graph: g, options: options), x = Tensor.random(shape, seed: 6)
            // Feeding y too cuts the forward op out of the run.
            let feeds = [input: x, y: try s.run(y, feeds: [input: x]), dy: Tensor.random(out, seed: 7)]
            return { _ = try s.run(fetches: [dx], feeds: feeds) }
          },
        ]
      }
    }
  }

  // MARK: - Batch normalization

  /// FusedBatchNormV3 on each convolution's output: training (batch
  /// statistics and running averages, momentum 0.99 as Keras), inference,
  /// and FusedBatchNormGradV3 of the training op alone (its saved
  /// statistics fed). Per element of x.
  static func batchNorm(threads: Int?) -> [BenchmarkCase] {
    let options = SessionOptions(threads: threads)
    return activations.flatMap { name, shape -> [BenchmarkCase] in
      let elements = Double(shape.reduce(1, *)), x = Tensor.random(shape, seed: 8)
      return [
        BenchmarkCase("conv/batchnorm-\(name)/training-b32", unitsPerRun: elements, unit: "elem") {
          let b = try batchNormGraph(shape, training: true)
          let s = Session(graph: b.g, options: options)
          return { _ = try s.run(fetches: [b.bn.y, b.bn.batchMean, b.bn.batchVariance], feeds: [b.x: x]) }
        },
        BenchmarkCase("conv/batchnorm-\(name)/inference-b32", unitsPerRun: elements, unit: "elem") {
          let b = try batchNormGraph(shape, training: false)
          let s = Session(graph: b.g, options: options)
          return { _ = try s.run(fetches: [b.bn.y], feeds: [b.x: x]) }
        },
        BenchmarkCase("conv/batchnorm-\(name)/grad-training-b32", unitsPerRun: elements, unit: "elem") {
          let b = try batchNormGraph(shape, training: true)
          let dy = try b.g.placeholder(.float32, shape: shape.map { $0 }, name: "dy")
          let grads = try b.g.gradients(of: [b.bn.y], with: [b.x], gradYs: [dy])
          let dx = try require(grads[0])
          let s = Session(graph: b.g, options: options)
          // The saved statistics fed: only FusedBatchNormGradV3 runs.
          let saved = [b.bn.reserveSpace1, b.bn.reserveSpace2, b.bn.reserveSpace3]
          var feeds = [b.x: x, dy: Tensor.random(shape, seed: 9)]
          for (o, v) in zip(saved, try s.run(fetches: saved, feeds: [b.x: x])) { feeds[o] = v }
          let f = feeds
          return { _ = try s.run(fetches: [dx], feeds: f) }
        },
      ]
    }
  }

  /// A FusedBatchNormV3 graph on a `shape` placeholder with constant
  /// per-channel parameters and statistics.
  private static func batchNormGraph(_ shape: [Int], training: Bool) throws -> (
    g: Graph, x: Output, bn: FusedBatchNormOutputs
  ) {
    let g = Graph()
    let c = shape[3]
    let x = try g.placeholder(.float32, shape: shape.map { $0 }, name: "x")
    func vector(_ seed: UInt64, plus: Float = 0) throws -> Output {
      try g.constant(Tensor((0..<c).map { Float($0 % 7) * 0.1 + plus + Float(seed) * 0.01 }))
    }
    let bn = try g.fusedBatchNorm(
      x, scale: try vector(1, plus: 0.5), offset: try vector(2), mean: try vector(3),
      variance: try vector(4, plus: 1), epsilon: 0.001, exponentialAvgFactor: training ? 0.01 : 1,
      isTraining: training)
    return (g, x, bn)
  }
}

/// Unwraps or throws (the benchmark module does not import Testing).
func require<T>(_ value: T?) throws -> T {
  guard let value else { throw TensorGraphError(.runtime, "benchmark setup produced no value") }
  return value
}
