// _FusedConv2D: the im2col + GEMM convolution of Conv2DKernels.swift with
// an epilogue on each chunk's block of product rows — the bias, or a
// per-channel scale and shift made from the batch-norm statistics, then the
// activation — written into the output while the block is in cache,
// instead of two or three more nodes each making a pass of their own.

/// `out = activation(product·scale + shift)` for rows `rows` of m×n
/// matrices, per column (channel). A function of its own with distinct
/// input and output buffers, so that the compiler vectorizes it (see
/// ``addBiasAndActivate(_:_:_:rows:columns:_:)``).
@inline(never)
func scaleShiftAndActivate<T: TensorFloatScalar, A: FusedActivation>(
  _ product: UnsafePointer<T>, scale: UnsafePointer<T>, shift: UnsafePointer<T>, _ out: UnsafeMutablePointer<T>,
  rows: Range<Int>, columns n: Int, _: A.Type
) {
  for r in rows {
    let p = product + r * n, o = out + r * n
    for j in 0..<n { o[j] = A.apply(p[j] * scale[j] + shift[j]) }
  }
}

let fusedConv2DKernel: KernelFactory = { b in
  let attrs = try nhwcWindowAttributes(b)
  let op: String
  do {
    op = try FusedConvolution.parse(b.strings("fused_ops"), args: b.inputs.count - 2).op
  } catch let e as TensorGraphError {
    throw b.node.error(e.reason, e.message)
  }
  return try specializedForActivation(
    b, dtype: b.inputs[0].dtype,
    FusedConv2DMaker(attrs: attrs, batchNorm: op == "FusedBatchNorm", epsilon: b.float("epsilon")))
}

/// The `_FusedConv2D` kernel for one dtype and activation.
private struct FusedConv2DMaker: FusedKernelMaker {
  var attrs: WindowAttributes
  var batchNorm: Bool
  var epsilon: Double

  func make<T: GEMMScalar & TensorFloatScalar, A: FusedActivation>(_: T.Type, _: A.Type) -> KernelFunction {
    let attrs = self.attrs, batchNorm = self.batchNorm, epsilon = self.epsilon
    return { ctx in
      let x = ctx.input(0), f = ctx.input(1)
      let g = try rethrowingWithNode(ctx) {
        try ConvolutionShapes.geometry(input: x.shape, filter: f.shape, attrs: attrs, depthwise: false)
      }
      let n = f.shape[3]
      let labels = batchNorm ? ["scale", "offset", "mean", "variance"] : ["bias"]
      for (i, label) in labels.enumerated() where ctx.input(2 + i).shape != [n] {
        throw ctx.error(
          .shapeMismatch,
          "'\(label)' must have one value per output channel (\(n)) but has shape \(ctx.input(2 + i).shape)")
      }
      let out = ctx.allocateOutput(0, dtype: T.dtype, shape: g.outputShape(channels: n))
      let px = x.unsafePointer(as: T.self), pf = f.unsafePointer(as: T.self)
      let po = out.unsafeMutablePointer(as: T.self)
      if g.outputPixels == 0 || n == 0 {
        // Nothing to compute.
      } else if batchNorm {
        // (c − mean)·scale/√(variance + ε) + offset = c·a + b with
        // a = scale/√(variance + ε), b = offset − mean·a (in float64, as
        // FusedBatchNormV3's inference kernel).
        func vector(_ i: Int) -> [Double] {
          let p = ctx.input(i).unsafePointer(as: T.self)
          return (0..<n).map { Double(p[$0]) }
        }
        let (scale, offset, mean, variance) = (vector(2), vector(3), vector(4), vector(5))
        let a = (0..<n).map { scale[$0] / (variance[$0] + epsilon).squareRoot() }
        let factor = a.map { T($0) }, shift = (0..<n).map { T(offset[$0] - mean[$0] * a[$0]) }
        factor.withUnsafeBufferPointer { a in
          shift.withUnsafeBufferPointer { b in
            let pa = a.baseAddress!, pb = b.baseAddress!
            conv2DForward(ctx, g, outChannels: n, input: px, filter: pf, output: po) { p, o, rows in
              scaleShiftAndActivate(p, scale: pa, shift: pb, o, rows: 0..<rows, columns: n, A.self)
            }
          }
        }
      } else {
        let bias = ctx.input(2).unsafePointer(as: T.self)
        conv2DForward(ctx, g, outChannels: n, input: px, filter: pf, output: po) { p, o, rows in
          addBiasAndActivate(p, bias, o, rows: 0..<rows, columns: n, A.self)
        }
      }
      ctx.setOutput(0, out)
    }
  }
}
