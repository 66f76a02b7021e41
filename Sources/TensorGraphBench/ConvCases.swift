import COpenBLAS
import Dispatch
import Foundation
import TensorGraph

/// The Fashion-MNIST CNN's convolution and pooling layers at batch 32 —
/// Conv2D 32 3×3 on 28×28×1 and Conv2D 64 3×3 on 13×13×32 (VALID), MaxPool
/// 2 after each — forward and backward, beside `cblas_sgemm` on the GEMM
/// shapes their im2col lowering computes (one thread, and split in two
/// halves on two threads), for the ratio.
public enum ConvBenchmarks {
  /// One convolution layer: NHWC input, [3, 3, c, oc] filter, VALID.
  struct Layer {
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

  /// Every case in this group.
  public static func all(threads: Int?) -> [BenchmarkCase] {
    layers.flatMap { convolution($0, threads: threads) + gemm($0) } + pooling(threads: threads)
  }

  /// Conv2D, Conv2DBackpropInput and Conv2DBackpropFilter nodes.
  static func convolution(_ l: Layer, threads: Int?) -> [BenchmarkCase] {
    let options = SessionOptions(threads: threads)
    let x = Tensor.random(l.input, seed: 1), w = Tensor.random(l.filter, seed: 2)
    let dy = Tensor.random(l.output, seed: 3)
    let inputSizes = Tensor(l.input.map { Int32($0) }), filterSizes = Tensor(l.filter.map { Int32($0) })
    return [
      BenchmarkCase("conv/\(l.name)/forward-b32", flopsPerRun: l.flops) {
        let g = Graph()
        let input = try g.placeholder(.float32, shape: l.input.map { $0 }, name: "x")
        let f = try g.placeholder(.float32, shape: l.filter.map { $0 }, name: "w")
        let y = try g.conv2d(input, filter: f, strides: [1], padding: "VALID")
        let s = Session(graph: g, options: options)
        return { _ = try s.run(fetches: [y], feeds: [input: x, f: w]) }
      },
      BenchmarkCase("conv/\(l.name)/backprop-input-b32", flopsPerRun: l.flops) {
        let g = Graph()
        let d = try g.placeholder(.float32, shape: l.output.map { $0 }, name: "dy")
        let f = try g.placeholder(.float32, shape: l.filter.map { $0 }, name: "w")
        let dx = try g.conv2dBackpropInput(
          inputSizes: try g.constant(inputSizes), filter: f, outBackprop: d, strides: [1], padding: "VALID")
        let s = Session(graph: g, options: options)
        return { _ = try s.run(fetches: [dx], feeds: [d: dy, f: w]) }
      },
      BenchmarkCase("conv/\(l.name)/backprop-filter-b32", flopsPerRun: l.flops) {
        let g = Graph()
        let d = try g.placeholder(.float32, shape: l.output.map { $0 }, name: "dy")
        let input = try g.placeholder(.float32, shape: l.input.map { $0 }, name: "x")
        let dw = try g.conv2dBackpropFilter(
          input, filterSizes: try g.constant(filterSizes), outBackprop: d, strides: [1], padding: "VALID")
        let s = Session(graph: g, options: options)
        return { _ = try s.run(fetches: [dw], feeds: [d: dy, input: x]) }
      },
    ]
  }

  /// `cblas_sgemm` on the three GEMMs of a layer — forward `cols · w`
  /// (m×k·k×n), input gradient `dy · wᵀ` (m×n·n×k), filter gradient
  /// `colsᵀ · dy` (k×m·m×n) — on one thread, and as two halves (split along
  /// the larger output dimension) on two threads.
  static func gemm(_ l: Layer) -> [BenchmarkCase] {
    let shapes: [(String, transA: Bool, transB: Bool, m: Int, n: Int, k: Int)] = [
      ("forward", false, false, l.m, l.n, l.k),
      ("backprop-input", false, true, l.m, l.k, l.n),
      ("backprop-filter", true, false, l.k, l.n, l.m),
    ]
    return shapes.flatMap { s -> [BenchmarkCase] in
      [1, 2].map { parts in
        BenchmarkCase(
          "conv/\(l.name)/sgemm\(parts == 1 ? "" : "-2threads")-\(s.0)-\(s.m)x\(s.n)x\(s.k)", flopsPerRun: l.flops
        ) {
          let a = Tensor.random([s.m * s.k], seed: 4), b = Tensor.random([s.k * s.n], seed: 5)
          nonisolated(unsafe) let c = UnsafeMutablePointer<Float>.allocate(capacity: s.m * s.n)
          let lda = s.transA ? s.m : s.k, ldb = s.transB ? s.k : s.n
          let splitRows = s.m >= s.n
          return {
            DispatchQueue.concurrentPerform(iterations: parts) { part in
              let whole = splitRows ? s.m : s.n
              let lo = whole * part / parts, hi = whole * (part + 1) / parts
              let pa = a.unsafePointer(as: Float.self), pb = b.unsafePointer(as: Float.self)
              if splitRows {
                cblas_sgemm(
                  CblasRowMajor, s.transA ? CblasTrans : CblasNoTrans, s.transB ? CblasTrans : CblasNoTrans,
                  Int32(hi - lo), Int32(s.n), Int32(s.k), 1, s.transA ? pa + lo : pa + lo * lda, Int32(lda), pb,
                  Int32(ldb), 0, c + lo * s.n, Int32(s.n))
              } else {
                cblas_sgemm(
                  CblasRowMajor, s.transA ? CblasTrans : CblasNoTrans, s.transB ? CblasTrans : CblasNoTrans,
                  Int32(s.m), Int32(hi - lo), Int32(s.k), 1, pa, Int32(lda), s.transB ? pb + lo * ldb : pb + lo,
                  Int32(ldb), 0, c + lo, Int32(s.n))
              }
            }
          }
        }
      }
    }
  }

  /// MaxPool 2 (and its gradient) after each convolution.
  static func pooling(threads: Int?) -> [BenchmarkCase] {
    let options = SessionOptions(threads: threads)
    return [("pool1-26x26x32", [32, 26, 26, 32]), ("pool2-11x11x64", [32, 11, 11, 64])].flatMap {
      name, shape -> [BenchmarkCase] in
      let x = Tensor.random(shape, seed: 6)
      let out = [shape[0], shape[1] / 2, shape[2] / 2, shape[3]]
      let elements = Double(shape.reduce(1, *))
      return [
        BenchmarkCase("conv/\(name)/maxpool-b32", unitsPerRun: elements, unit: "elem") {
          let g = Graph()
          let input = try g.placeholder(.float32, shape: shape.map { $0 }, name: "x")
          let y = try g.maxPool(input, ksize: [2], strides: [2], padding: "VALID")
          let s = Session(graph: g, options: options)
          return { _ = try s.run(fetches: [y], feeds: [input: x]) }
        },
        BenchmarkCase("conv/\(name)/maxpool-grad-b32", unitsPerRun: elements, unit: "elem") {
          let g = Graph()
          let input = try g.placeholder(.float32, shape: shape.map { $0 }, name: "x")
          let y = try g.maxPool(input, ksize: [2], strides: [2], padding: "VALID")
          let dy = try g.constant(Tensor.random(out, seed: 7))
          let dx = try require(try g.gradients(of: [y], with: [input], gradYs: [dy])[0])
          let s = Session(graph: g, options: options)
          return { _ = try s.run(fetches: [dx], feeds: [input: x]) }
        },
      ]
    }
  }
}

/// Unwraps or throws (the benchmark module does not import Testing).
private func require<T>(_ value: T?) throws -> T {
  guard let value else { throw TensorGraphError(.runtime, "benchmark setup produced no value") }
  return value
}
