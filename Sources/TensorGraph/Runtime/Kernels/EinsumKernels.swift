// Einsum on the GEMM kernels. Each operand is seen as a strided view with
// one axis per distinct label (a repeated label is a diagonal: its
// strides add up; a broadcast dimension of size 1 gets stride 0). Labels
// only one operand has and the output lacks are summed first; the operands
// are then copied into [batch, free, contracted] and [batch, contracted,
// free] blocks, multiplied batch by batch with `gemm`, and the product is
// copied into the output's label order (a label repeated in the output is
// a diagonal of zeros elsewhere).

/// An operand as a strided view with one axis per distinct label.
struct EinsumView {
  var labels: [Character]
  var sizes: [Int]
  var strides: [Int]

  /// The view of a tensor of `shape` whose axes carry `labels`, with
  /// every label's size in `sizes`.
  init(labels axes: [Character], shape: [Int], sizes: [Character: Int]) {
    let rowStrides = rowMajorStrides(shape)
    var order: [Character] = [], stride: [Character: Int] = [:]
    for (axis, label) in axes.enumerated() {
      // A dimension of 1 broadcast against a longer one reads its one element.
      let s = shape[axis] == 1 && sizes[label]! != 1 ? 0 : rowStrides[axis]
      if let t = stride[label] {
        stride[label] = t + s
      } else {
        order.append(label)
        stride[label] = s
      }
    }
    labels = order
    self.sizes = order.map { sizes[$0]! }
    strides = order.map { stride[$0]! }
  }

  /// The view's labels in `order` (each of its labels once) and their
  /// sizes and strides.
  func plan(_ order: [Character]) -> StridedCopyPlan {
    let axes = order.map { labels.firstIndex(of: $0)! }
    return StridedCopyPlan(dims: axes.map { sizes[$0] }, strides: axes.map { strides[$0] })
  }
}

/// The einsum of one or two operands (`labels[k]` the expanded labels of
/// operand `k`) into `out`, whose axes carry `output`.
func einsumContract<T: GEMMScalar & SIMDScalar>(
  _ operands: [(pointer: UnsafePointer<T>, shape: [Int])], labels: [[Character]], output: [Character],
  sizes: [Character: Int], out: UnsafeMutablePointer<T>, outShape: [Int], _ ctx: KernelContext
) {
  var distinctOutput: [Character] = []
  for l in output where !distinctOutput.contains(l) { distinctOutput.append(l) }
  let inOutput = Set(distinctOutput)
  let views = zip(labels, operands).map { EinsumView(labels: $0, shape: $1.shape, sizes: sizes) }
  func count(_ ls: [Character]) -> Int { ls.reduce(1) { $0 * sizes[$1]! } }
  let resultCount = count(distinctOutput)
  let result = UnsafeMutablePointer<T>.allocate(capacity: Swift.max(1, resultCount))
  defer { result.deallocate() }

  /// The view copied into `order + summed` and its trailing `summed`
  /// labels added up: a contiguous block in `order`.
  func reduced(_ k: Int, order: [Character], summed: [Character]) -> UnsafeMutablePointer<T> {
    let rows = count(order), inner = count(summed)
    let copy = UnsafeMutablePointer<T>.allocate(capacity: Swift.max(1, rows * inner))
    if rows * inner > 0 { stridedCopy(views[k].plan(order + summed), operands[k].pointer, copy) }
    if summed.isEmpty { return copy }
    let sums = UnsafeMutablePointer<T>.allocate(capacity: Swift.max(1, rows))
    for r in 0..<rows {
      var acc = T.zero
      for j in 0..<inner { acc = T.wrappedAdd(acc, copy[r * inner + j]) }
      sums[r] = acc
    }
    copy.deallocate()
    return sums
  }

  var resultLabels: [Character]
  if views.count == 1 {
    let summed = views[0].labels.filter { !inOutput.contains($0) }
    let block = reduced(0, order: distinctOutput, summed: summed)
    result.update(from: block, count: resultCount)
    block.deallocate()
    resultLabels = distinctOutput
  } else {
    let inX = Set(views[0].labels), inY = Set(views[1].labels)
    let batch = distinctOutput.filter { inX.contains($0) && inY.contains($0) }
    let left = distinctOutput.filter { inX.contains($0) && !inY.contains($0) }
    let right = distinctOutput.filter { inY.contains($0) && !inX.contains($0) }
    let contracted = views[0].labels.filter { inY.contains($0) && !inOutput.contains($0) }
    let x = reduced(0, order: batch + left + contracted, summed: views[0].labels.filter { !inY.contains($0) && !inOutput.contains($0) })
    let y = reduced(1, order: batch + contracted + right, summed: views[1].labels.filter { !inX.contains($0) && !inOutput.contains($0) })
    defer {
      x.deallocate()
      y.deallocate()
    }
    let b = count(batch), m = count(left), k = count(contracted), n = count(right)
    for i in 0..<b {
      gemm(ctx, transA: false, transB: false, m: m, n: n, k: k, a: x + i * m * k, b: y + i * k * n, c: result + i * m * n)
    }
    resultLabels = batch + left + right
  }
  // The product, in batch-left-right order, to the output's order.
  let total = outShape.reduce(1, *)
  if total == 0 { return }
  let resultView = EinsumView(
    labels: resultLabels, shape: resultLabels.map { sizes[$0]! }, sizes: sizes)
  if distinctOutput.count == output.count {
    stridedCopy(resultView.plan(distinctOutput), result, out)
    return
  }
  // A repeated output label: zeros, then the values on the diagonal.
  out.update(repeating: .zero, count: total)
  let outView = EinsumView(labels: output, shape: outShape, sizes: sizes)
  let ordered = UnsafeMutablePointer<T>.allocate(capacity: resultCount)
  defer { ordered.deallocate() }
  stridedCopy(resultView.plan(distinctOutput), result, ordered)
  stridedStore(outView.plan(distinctOutput), ordered, out)
}
