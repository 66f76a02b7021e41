// FusedBatchNormV3 and FusedBatchNormGradV3 on channels-last tensors, seen
// as rows of `channels` contiguous values. Per-channel sums run over fixed
// chunks of rows (sized from the channel count alone) with float64
// accumulators, the partial sums combined in chunk order; the elementwise
// passes are `y = a·x + b` with per-channel a and b. Results do not depend
// on the thread count.

/// Elements of x per partial sum.
private let batchNormChunkElements = 1 << 14

/// Per-channel sums over `rows` rows: `body(rows, acc)` adds its rows'
/// contributions to `acc` (`k · channels` float64 accumulators, zeroed);
/// returns the `k · channels` totals.
private func channelSums(
  _ ctx: KernelContext, rows: Int, channels: Int, k: Int,
  _ body: (Range<Int>, UnsafeMutablePointer<Double>) -> Void
) -> [Double] {
  let length = k * channels
  var totals = [Double](repeating: 0, count: length)
  guard rows > 0, length > 0 else { return totals }
  let size = Swift.max(1, batchNormChunkElements / channels), chunks = (rows + size - 1) / size
  ctx.withTemporary(Double.self, count: chunks * length) { partial in
    ctx.parallelFor(chunks: chunks) { c in
      let acc = partial + c * length
      acc.initialize(repeating: 0, count: length)
      body((c * size)..<Swift.min(rows, (c + 1) * size), acc)
    }
    totals.withUnsafeMutableBufferPointer { t in
      for c in 0..<chunks {
        let acc = partial + c * length
        for i in 0..<length { t[i] += acc[i] }
      }
    }
  }
  return totals
}

/// `out[r, c] = a[c]·x[r, c] + b[c]` (and, with `z`, `+ e[c]·z[r, c]`)
/// over all rows, split across cores.
private func affineRows<T: TensorFloatScalar>(
  _ ctx: KernelContext, rows: Int, channels: Int, x: UnsafePointer<T>, a: [T], b: [T],
  z: UnsafePointer<T>? = nil, e: [T] = [], into out: UnsafeMutablePointer<T>
) {
  guard channels > 0 else { return }
  a.withUnsafeBufferPointer { a in
    b.withUnsafeBufferPointer { b in
      e.withUnsafeBufferPointer { e in
        forEachRange(ctx, count: rows, grain: Swift.max(1, elementwiseGrain / channels)) { r in
          for row in r {
            let v = x + row * channels, o = out + row * channels
            if let z {
              let w = z + row * channels
              for c in 0..<channels { o[c] = a[c] * v[c] + e[c] * w[c] + b[c] }
            } else {
              for c in 0..<channels { o[c] = a[c] * v[c] + b[c] }
            }
          }
        }
      }
    }
  }
}

/// A per-channel vector input of length `channels`, as float64.
private func channelVector<T: TensorFloatScalar>(
  _: T.Type, _ ctx: KernelContext, _ i: Int, _ label: String, channels: Int, x: Tensor
) throws -> [Double] {
  let t = ctx.input(i)
  guard t.rank == 1, t.shape[0] == channels else {
    throw ctx.error(
      .shapeMismatch,
      "'\(label)' must have one element per channel of x (\(channels)), but has shape \(t.shape); x has shape \(x.shape)")
  }
  let p = t.unsafePointer(as: T.self)
  return (0..<channels).map { Double(p[$0]) }
}

/// Checks x's rank at run time; returns (rows, channels).
private func batchNormRows(_ ctx: KernelContext, _ x: Tensor, rank: Int) throws -> (Int, Int) {
  guard x.rank == rank else {
    throw ctx.error(.shapeMismatch, "'x' must be a \(rank)-D tensor but has shape \(x.shape)")
  }
  let channels = x.shape[rank - 1]
  return (channels == 0 ? 0 : x.scalarCount / channels, channels)
}

/// A rank-1 output of `values`.
private func vectorOutput<T: TensorFloatScalar>(_ ctx: KernelContext, _ i: Int, _ values: [Double], _: T.Type) {
  let out = ctx.allocateOutput(i, dtype: T.dtype, shape: [values.count])
  let p = out.unsafeMutablePointer(as: T.self)
  for (j, v) in values.enumerated() { p[j] = T(v) }
  ctx.setOutput(i, out)
}

/// Checks the format (channels last) and that T and U agree.
private func batchNormLayout(_ b: KernelBuildContext) throws -> Int {
  let (rank, axis) = BatchNormShapes.layout(b.string("data_format"))
  guard axis == rank - 1 else { throw nhwcOnly(b) }
  guard b.type("T") == b.type("U") else {
    throw b.unsupported("no kernel for x of \(b.type("T")) with statistics of \(b.type("U")); T and U must agree")
  }
  return rank
}

let fusedBatchNormV3Kernel: KernelFactory = { b in
  let rank = try batchNormLayout(b)
  let epsilon = b.float("epsilon"), factor = b.float("exponential_avg_factor"), training = b.bool("is_training")
  func make<T: TensorFloatScalar>(_: T.Type) -> KernelFunction {
    { ctx in
      let x = ctx.input(0)
      let (rows, channels) = try batchNormRows(ctx, x, rank: rank)
      let scale = try channelVector(T.self, ctx, 1, "scale", channels: channels, x: x)
      let offset = try channelVector(T.self, ctx, 2, "offset", channels: channels, x: x)
      let readsStatistics = !training || factor != 1
      let given = readsStatistics
        ? (try channelVector(T.self, ctx, 3, "mean", channels: channels, x: x),
          try channelVector(T.self, ctx, 4, "variance", channels: channels, x: x)) : ([], [])
      let px = x.unsafePointer(as: T.self)
      var mean = given.0, variance = given.1
      if training {
        let n = Double(rows)
        let sums = channelSums(ctx, rows: rows, channels: channels, k: 1) { r, acc in
          for row in r {
            let v = px + row * channels
            for c in 0..<channels { acc[c] += Double(v[c]) }
          }
        }
        mean = sums.map { $0 / n }
        let squares = mean.withUnsafeBufferPointer { m in
          channelSums(ctx, rows: rows, channels: channels, k: 1) { r, acc in
            for row in r {
              let v = px + row * channels
              for c in 0..<channels {
                let d = Double(v[c]) - m[c]
                acc[c] += d * d
              }
            }
          }
        }
        variance = squares.map { $0 / n }
      }
      // y = a·x + b with a = scale/√(σ² + ε), b = offset − μ·a
      let a = (0..<channels).map { scale[$0] / (variance[$0] + epsilon).squareRoot() }
      let y = ctx.allocateOutput(0, dtype: T.dtype, shape: x.shape)
      affineRows(
        ctx, rows: rows, channels: channels, x: px, a: a.map { T($0) },
        b: (0..<channels).map { T(offset[$0] - mean[$0] * a[$0]) }, into: y.unsafeMutablePointer(as: T.self))
      ctx.setOutput(0, y)
      if !training {
        for (i, v) in [(1, mean), (2, variance), (3, mean), (4, variance)] { vectorOutput(ctx, i, v, T.self) }
      } else if rows == 0 {
        // TensorFlow: no batch, no statistics.
        let nan = [Double](repeating: .nan, count: channels), zero = [Double](repeating: 0, count: channels)
        for (i, v) in [(1, nan), (2, nan), (3, zero), (4, zero)] { vectorOutput(ctx, i, v, T.self) }
      } else {
        let bessel = rows > 1 ? Double(rows) / Double(rows - 1) : 1
        let unbiased = variance.map { $0 * bessel }
        let runningMean = factor == 1 ? mean : (0..<channels).map { (1 - factor) * given.0[$0] + factor * mean[$0] }
        let runningVariance =
          factor == 1 ? unbiased : (0..<channels).map { (1 - factor) * given.1[$0] + factor * unbiased[$0] }
        for (i, v) in [(1, runningMean), (2, runningVariance), (3, mean), (4, variance)] {
          vectorOutput(ctx, i, v, T.self)
        }
      }
      ctx.setOutput(5, ctx.allocateOutput(5, dtype: T.dtype, shape: [0]))
    }
  }
  switch b.inputs[0].dtype {
  case .float32: return make(Float.self)
  case .float64: return make(Double.self)
  default: throw b.unsupported()
  }
}

let fusedBatchNormGradV3Kernel: KernelFactory = { b in
  let rank = try batchNormLayout(b)
  let epsilon = b.float("epsilon"), training = b.bool("is_training")
  func make<T: TensorFloatScalar>(_: T.Type) -> KernelFunction {
    { ctx in
      let dy = ctx.input(0), x = ctx.input(1)
      let (rows, channels) = try batchNormRows(ctx, x, rank: rank)
      guard dy.shape == x.shape else {
        throw ctx.error(.shapeMismatch, "'y_backprop' has shape \(dy.shape) but must be shaped like 'x', \(x.shape)")
      }
      let scale = try channelVector(T.self, ctx, 2, "scale", channels: channels, x: x)
      let mean = try channelVector(T.self, ctx, 3, "reserve_space_1", channels: channels, x: x)
      let variance = try channelVector(T.self, ctx, 4, "reserve_space_2", channels: channels, x: x)
      let px = x.unsafePointer(as: T.self), pd = dy.unsafePointer(as: T.self)
      // S1 = Σ dy, S2 = Σ dy·(x − μ) per channel
      let sums = mean.withUnsafeBufferPointer { m in
        channelSums(ctx, rows: rows, channels: channels, k: 2) { r, acc in
          for row in r {
            let v = px + row * channels, d = pd + row * channels
            for c in 0..<channels {
              let g = Double(d[c])
              acc[c] += g
              acc[channels + c] += g * (Double(v[c]) - m[c])
            }
          }
        }
      }
      let r = variance.map { 1 / ($0 + epsilon).squareRoot() }
      let s1 = Array(sums[..<channels]), s2 = Array(sums[channels...])
      let dx = ctx.allocateOutput(0, dtype: T.dtype, shape: x.shape)
      let n = Double(Swift.max(rows, 1))
      var a = [T](), bx = [T](), c0 = [T]()
      for c in 0..<channels {
        let k = scale[c] * r[c]
        if training {
          // dx = k·(dy − S1/n − (x − μ)·r²·S2/n) = k·dy + β·x + (γ − β·μ)
          let beta = -k * r[c] * r[c] * s2[c] / n, gamma = -k * s1[c] / n
          a.append(T(k))
          bx.append(T(beta))
          c0.append(T(gamma - beta * mean[c]))
        } else {
          a.append(T(k))
          bx.append(0)
          c0.append(0)
        }
      }
      // dx = a·dy + (bx·x) + c0
      affineRows(
        ctx, rows: rows, channels: channels, x: pd, a: a, b: c0, z: training ? px : nil, e: bx,
        into: dx.unsafeMutablePointer(as: T.self))
      ctx.setOutput(0, dx)
      vectorOutput(ctx, 1, (0..<channels).map { s2[$0] * r[$0] }, T.self)
      vectorOutput(ctx, 2, s1, T.self)
      ctx.setOutput(3, ctx.allocateOutput(3, dtype: T.dtype, shape: [0]))
      ctx.setOutput(4, ctx.allocateOutput(4, dtype: T.dtype, shape: [0]))
    }
  }
  switch b.inputs[0].dtype {
  case .float32: return make(Float.self)
  case .float64: return make(Double.self)
  default: throw b.unsupported()
  }
}
