// Helpers for gradient functions that move a gradient back to an input's
// shape: they use the shape shape inference settled when it did (a
// constant, no Shape node to run) and fall back to Shape ops in the graph
// when dimensions are known only at run time.

extension Graph {
  /// `x`'s shape as a rank-1 integer tensor of `dtype`: a constant when every
  /// dimension is known (and fits `dtype`), `Shape(x)` otherwise.
  func shapeTensor(of x: Output, dtype: DType = .int32) throws -> Output {
    if let dims = x.shape.concrete, dtype == .int64 || dims.allSatisfy(Tensor.fitsInt32) {
      return try constant(Tensor.indexVector(dims, wide: dtype == .int64), name: "Shape")
    }
    return try shape(of: x, outType: dtype)
  }

  /// `x` reshaped to the shape of `like` (which has as many elements): no
  /// node when the static shapes already agree; a constant target when the
  /// shape of `like` is known but for at most one dimension (inferred as
  /// -1, unless a known dimension is 0, which would make -1 ambiguous);
  /// `Shape(like)` otherwise.
  func reshape(_ x: Output, like: Output) throws -> Output {
    if let a = x.shape.concrete, a == like.shape.concrete { return x }
    if let dims = like.shape.dims {
      let unknown = dims.filter { $0.value == nil }.count
      if unknown == 0 || (unknown == 1 && !dims.contains(0)) {
        return try reshape(x, dims.map { $0.value ?? -1 })
      }
    }
    return try reshape(x, shape: shape(of: like))
  }
}

extension GradientContext {
  /// The upstream gradient of every output, zeros shaped like the output
  /// where none flows: what the gradient of a multi-output op (Unpack,
  /// SplitV) needs to rebuild one tensor from all its pieces. TensorFlow's
  /// `gradients` fills missing output gradients the same way.
  func upstreamOrZeros() throws -> [Output] {
    try upstream.enumerated().map { i, g in try g ?? graph.zerosLike(outputs[i]) }
  }
}
