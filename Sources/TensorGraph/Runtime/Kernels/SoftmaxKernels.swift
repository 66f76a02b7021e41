import RealModule

// Softmax, LogSoftmax and the softmax cross-entropy kernels. All work on
// contiguous rows (the last dimension) and subtract the row maximum before
// exponentiating, so huge logits neither overflow nor give NaN. Sums run in
// a fixed order: results do not depend on timing.

// MARK: - Row functions

/// The largest element of a row (`-inf` for an empty row); NaNs are
/// skipped here and propagate through the exponentials instead. Four
/// independent maxima keep the loop from waiting on one comparison chain;
/// max is exact, so the split does not change the result.
@inline(__always)
func rowMaximum<T: TensorFloatScalar>(_ x: UnsafePointer<T>, _ n: Int) -> T {
  var m0 = -T.infinity, m1 = -T.infinity, m2 = -T.infinity, m3 = -T.infinity
  var j = 0
  while j + 4 <= n {
    if x[j] > m0 { m0 = x[j] }
    if x[j + 1] > m1 { m1 = x[j + 1] }
    if x[j + 2] > m2 { m2 = x[j + 2] }
    if x[j + 3] > m3 { m3 = x[j + 3] }
    j += 4
  }
  while j < n {
    if x[j] > m0 { m0 = x[j] }
    j += 1
  }
  if m1 > m0 { m0 = m1 }
  if m3 > m2 { m2 = m3 }
  return m2 > m0 ? m2 : m0
}

/// The sum of a row, in a fixed order: four interleaved partial sums,
/// combined pairwise (faster than one chain of dependent additions, and
/// as deterministic).
@inline(__always)
func rowSum<T: TensorFloatScalar>(_ x: UnsafePointer<T>, _ n: Int) -> T {
  var s0: T = 0, s1: T = 0, s2: T = 0, s3: T = 0
  var j = 0
  while j + 4 <= n {
    s0 += x[j]
    s1 += x[j + 1]
    s2 += x[j + 2]
    s3 += x[j + 3]
    j += 4
  }
  while j < n {
    s0 += x[j]
    j += 1
  }
  return (s0 + s1) + (s2 + s3)
}

/// Writes `e^(x - max)` to `y` and returns the row maximum and the sum.
/// The exponentials and the sum are separate loops: summing inside the
/// loop of `exp` calls keeps the running sum in memory across each call
/// and measured 2.5× slower.
@inline(__always)
func shiftedExponentials<T: TensorFloatScalar>(_ x: UnsafePointer<T>, _ y: UnsafeMutablePointer<T>, _ n: Int)
  -> (max: T, sum: T)
{
  let m = rowMaximum(x, n)
  for j in 0..<n { y[j] = T.exp(x[j] - m) }
  return (m, rowSum(UnsafePointer(y), n))
}

/// `y = softmax(x)` over one row.
@inline(__always)
func softmaxRow<T: TensorFloatScalar>(_ x: UnsafePointer<T>, _ y: UnsafeMutablePointer<T>, _ n: Int) {
  let (_, sum) = shiftedExponentials(x, y, n)
  let inverse = 1 / sum
  for j in 0..<n { y[j] *= inverse }
}

/// `y = log(softmax(x)) = (x - max) - log(Σ e^(x - max))` over one row
/// (the exponentials pass through `y` before it is overwritten).
@inline(__always)
func logSoftmaxRow<T: TensorFloatScalar>(_ x: UnsafePointer<T>, _ y: UnsafeMutablePointer<T>, _ n: Int) {
  let (m, sum) = shiftedExponentials(x, y, n)
  let logSum = T.log(sum)
  for j in 0..<n { y[j] = (x[j] - m) - logSum }
}

/// One row of softmax cross-entropy: returns `Σ labels · (log Σ e^(f - max)
/// - (f - max))` and writes `backprop = softmax(f) - labels`.
@inline(__always)
func softmaxCrossEntropyRow<T: TensorFloatScalar>(
  _ f: UnsafePointer<T>, _ labels: UnsafePointer<T>, _ backprop: UnsafeMutablePointer<T>, _ n: Int
) -> T {
  let (m, sum) = shiftedExponentials(f, backprop, n)
  let logSum = T.log(sum), inverse = 1 / sum
  var loss: T = 0
  for j in 0..<n {
    loss += labels[j] * (logSum - (f[j] - m))
    backprop[j] = backprop[j] * inverse - labels[j]
  }
  return loss
}

/// One row of sparse softmax cross-entropy with class `label` (in range):
/// returns `log Σ e^(f - max) - (f[label] - max)` and writes
/// `backprop = softmax(f) - onehot(label)`.
@inline(__always)
func sparseSoftmaxCrossEntropyRow<T: TensorFloatScalar>(
  _ f: UnsafePointer<T>, _ label: Int, _ backprop: UnsafeMutablePointer<T>, _ n: Int
) -> T {
  let (m, sum) = shiftedExponentials(f, backprop, n)
  let inverse = 1 / sum
  for j in 0..<n { backprop[j] *= inverse }
  backprop[label] -= 1
  return T.log(sum) - (f[label] - m)
}

// MARK: - Softmax and LogSoftmax

/// The kernel of `Softmax` (`log == false`) or `LogSoftmax`: one row
/// function call per row of the last dimension.
func softmaxKernel(log: Bool) -> KernelFactory {
  { b in
    func make<T: TensorFloatScalar>(_: T.Type) -> KernelFunction {
      if log {
        return { ctx in try runRows(ctx) { (x: UnsafePointer<T>, y, n) in logSoftmaxRow(x, y, n) } }
      }
      return { ctx in try runRows(ctx) { (x: UnsafePointer<T>, y, n) in softmaxRow(x, y, n) } }
    }
    switch b.inputs[0].dtype {
    case .float32: return make(Float.self)
    case .float64: return make(Double.self)
    default: throw b.unsupported()
    }
  }
}

/// Applies `row` to each row (last dimension) of input 0, writing output 0
/// of the same shape.
@inline(__always)
func runRows<T: TensorFloatScalar>(
  _ ctx: borrowing KernelContext, _ row: (UnsafePointer<T>, UnsafeMutablePointer<T>, Int) -> Void
) throws {
  let x = ctx.input(0)
  guard let n = x.shape.last else {
    throw ctx.error(.shapeMismatch, "'logits' must have rank at least 1, but is a scalar")
  }
  let out = ctx.allocateOutput(0, dtype: T.dtype, shape: x.shape)
  if n > 0 {
    let px = x.unsafePointer(as: T.self), po = out.unsafeMutablePointer(as: T.self)
    for r in 0..<(x.scalarCount / n) { row(px + r * n, po + r * n, n) }
  }
  ctx.setOutput(0, out)
}

// MARK: - SoftmaxCrossEntropyWithLogits

/// Features and labels broadcast to `[batch, classes]` (TensorFlow allows
/// any shapes that broadcast to a matrix); rows are read with a row
/// stride of 0 for an operand with one row. An operand with one column
/// (broadcast across classes) is first expanded into scratch memory.
let softmaxCrossEntropyKernel: KernelFactory = { b in
  func make<T: TensorFloatScalar>(_: T.Type) -> KernelFunction {
    { ctx in
      let features = ctx.input(0), labels = ctx.input(1)
      guard let shape = broadcastShapes(features.shape, labels.shape), shape.count == 2 else {
        throw ctx.error(
          .shapeMismatch,
          "'features' and 'labels' must be matrices [batch, classes] or broadcast to one, but have shapes \(features.shape) and \(labels.shape)"
        )
      }
      let batch = shape[0], classes = shape[1]
      let loss = ctx.allocateOutput(0, dtype: T.dtype, shape: [batch])
      let backprop = ctx.allocateOutput(1, dtype: T.dtype, shape: shape)
      let pl = loss.unsafeMutablePointer(as: T.self), pb = backprop.unsafeMutablePointer(as: T.self)
      let f = BroadcastRows<T>(features, classes: classes), l = BroadcastRows<T>(labels, classes: classes)
      defer {
        f.release()
        l.release()
      }
      for r in 0..<batch {
        pl[r] = softmaxCrossEntropyRow(f.row(r), l.row(r), pb + r * classes, classes)
      }
      ctx.setOutput(0, loss)
      ctx.setOutput(1, backprop)
    }
  }
  switch b.inputs[0].dtype {
  case .float32: return make(Float.self)
  case .float64: return make(Double.self)
  default: throw b.unsupported()
  }
}

/// Row access to an operand of rank ≤ 2 broadcast to `[batch, classes]`.
struct BroadcastRows<T: TensorScalar> {
  let base: UnsafePointer<T>
  let rowStride: Int
  /// Scratch holding the operand expanded across classes, if it had one
  /// column; freed by ``release()``.
  let scratch: UnsafeMutablePointer<T>?

  /// `tensor`'s shape must broadcast to `[batch, classes]`.
  init(_ tensor: Tensor, classes: Int) {
    let padded = Array(repeating: 1, count: 2 - tensor.rank) + tensor.shape
    let rows = padded[0]
    let p = tensor.unsafePointer(as: T.self)
    if padded[1] == classes {
      base = p
      scratch = nil
    } else {
      // One column: repeat each row's value across the classes.
      let s = UnsafeMutablePointer<T>.allocate(capacity: rows * classes)
      for r in 0..<rows { (s + r * classes).initialize(repeating: p[r], count: classes) }
      base = UnsafePointer(s)
      scratch = s
    }
    rowStride = rows == 1 ? 0 : classes
  }

  @inline(__always) func row(_ r: Int) -> UnsafePointer<T> { base + r * rowStride }

  func release() { scratch?.deallocate() }
}

// MARK: - SparseSoftmaxCrossEntropyWithLogits

let sparseSoftmaxCrossEntropyKernel: KernelFactory = { b in
  func make<T: TensorFloatScalar, L: TensorSignedScalar & FixedWidthInteger>(_: T.Type, _: L.Type)
    -> KernelFunction
  {
    { ctx in
      let features = ctx.input(0), labels = ctx.input(1)
      guard features.rank == 2 else {
        throw ctx.error(
          .shapeMismatch, "'features' must be a matrix [batch, classes], but has shape \(features.shape)")
      }
      guard labels.rank == 1, labels.shape[0] == features.shape[0] else {
        throw ctx.error(
          .shapeMismatch,
          "'labels' must be a vector with one label per row of 'features', but 'labels' has shape \(labels.shape) and 'features' has shape \(features.shape)"
        )
      }
      let batch = features.shape[0], classes = features.shape[1]
      guard classes > 0 else {
        throw ctx.error(
          .shapeMismatch, "'features' must have at least one class, but has shape \(features.shape)")
      }
      let loss = ctx.allocateOutput(0, dtype: T.dtype, shape: [batch])
      let backprop = ctx.allocateOutput(1, dtype: T.dtype, shape: features.shape)
      let pf = features.unsafePointer(as: T.self), py = labels.unsafePointer(as: L.self)
      let pl = loss.unsafeMutablePointer(as: T.self), pb = backprop.unsafeMutablePointer(as: T.self)
      for r in 0..<batch {
        let label = py[r]
        guard label >= 0 && label < classes else {
          throw ctx.error(
            .runtime,
            "Received a label value of \(label) which is outside the valid range of [0, \(classes)), in row \(r) of 'labels'."
          )
        }
        pl[r] = sparseSoftmaxCrossEntropyRow(pf + r * classes, Int(label), pb + r * classes, classes)
      }
      ctx.setOutput(0, loss)
      ctx.setOutput(1, backprop)
    }
  }
  switch (b.inputs[0].dtype, b.inputs[1].dtype) {
  case (.float32, .int32): return make(Float.self, Int32.self)
  case (.float32, .int64): return make(Float.self, Int64.self)
  case (.float64, .int32): return make(Double.self, Int32.self)
  case (.float64, .int64): return make(Double.self, Int64.self)
  default: throw b.unsupported()
  }
}
