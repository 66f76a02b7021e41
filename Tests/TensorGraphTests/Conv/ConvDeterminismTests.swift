import Testing
import TensorGraph
import TensorGraphTestSupport

/// Convolution, pooling and batch-norm kernels split their work across
/// threads in chunks sized from the shapes alone: one thread and two give
/// the same bits.
@Suite struct ConvDeterminismTests {
  /// A small CNN block large enough for every kernel to split: conv →
  /// batch norm → relu → max pool → depthwise conv → avg pool, and the
  /// gradients of a weighted sum with respect to the input and every
  /// parameter.
  private func network() throws -> (Graph, Output, [Output]) {
    let g = Graph()
    let x = try g.placeholder(.float32, shape: [nil, 13, 13, 32], name: "x")
    let w = try g.constant(Tensor.f32(ConvReference.random([3, 3, 32, 64], seed: 2).map { $0 * 0.1 }, [3, 3, 32, 64]))
    let w1 = try g.constant(Tensor.f32(ConvReference.random([1, 1, 64, 64], seed: 5).map { $0 * 0.1 }, [1, 1, 64, 64]))
    let dw = try g.constant(Tensor.f32(ConvReference.random([3, 3, 64, 2], seed: 3), [3, 3, 64, 2]))
    let gamma = try g.constant(Tensor.f32(Array(repeating: 1.5, count: 64), [64]))
    let beta = try g.constant(Tensor.f32(Array(repeating: 0.1, count: 64), [64]))
    let empty = try g.constant(Tensor.f32([], [0]))
    var h = try g.conv2d(x, filter: w, strides: [1], padding: "VALID")
    h = try g.conv2d(h, filter: w1, strides: [1], padding: "VALID")
    h = try g.relu(try g.fusedBatchNorm(h, scale: gamma, offset: beta, mean: empty, variance: empty).y)
    h = try g.maxPool(h, ksize: [2], strides: [2], padding: "SAME")
    h = try g.depthwiseConv2dNative(h, filter: dw, strides: [1], padding: "SAME")
    h = try g.avgPool(h, ksize: [3], strides: [2], padding: "SAME")
    let weights = try g.constant(Tensor.f32(ConvReference.random([32, 3, 3, 128], seed: 4), [32, 3, 3, 128]))
    let loss = try g.sum(try g.multiply(h, weights))
    let grads = try g.gradients(of: loss, with: [x, w, w1, dw, gamma, beta]).map { $0! }
    return (g, x, [h] + grads)
  }

  @Test func oneAndTwoThreadsGiveTheSameBits() throws {
    let (g, x, fetches) = try network()
    let feed = Tensor.f32(ConvReference.random([32, 13, 13, 32], seed: 1), [32, 13, 13, 32])
    let one = try Session(graph: g, options: SessionOptions(threads: 1)).run(fetches: fetches, feeds: [x: feed])
    for options in [SessionOptions(threads: 2), SessionOptions(threads: 2, memoryPlanning: false)] {
      let session = Session(graph: g, options: options)
      for _ in 0..<3 {
        let two = try session.run(fetches: fetches, feeds: [x: feed])
        for (a, b) in zip(one, two) {
          #expect(a.shape == b.shape)
          #expect(a.doubles() == b.doubles())
        }
      }
    }
  }
}
