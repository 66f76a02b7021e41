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
  // Buffers this call allocates, freed on return.
  var owned: [UnsafeMutablePointer<T>] = []
  defer { for p in owned { p.deallocate() } }
  func allocate(_ n: Int) -> UnsafeMutablePointer<T> {
    let p = UnsafeMutablePointer<T>.allocate(capacity: Swift.max(1, n))
    owned.append(p)
    return p
  }

  /// The view in `order` with its `summed` labels added up, as a
  /// contiguous block: the operand itself when it already is one.
  func reduced(_ k: Int, order: [Character], summed: [Character]) -> UnsafePointer<T> {
    let rows = count(order), inner = count(summed)
    let plan = views[k].plan(order + summed)
    if summed.isEmpty, plan.isContiguous, plan.count == operands[k].shape.reduce(1, *) { return operands[k].pointer }
    let copy = allocate(rows * inner)
    if rows * inner > 0 { stridedCopy(plan, operands[k].pointer, copy) }
    if summed.isEmpty { return UnsafePointer(copy) }
    let sums = allocate(rows)
    for r in 0..<rows {
      var acc = T.zero
      for j in 0..<inner { acc = T.wrappedAdd(acc, copy[r * inner + j]) }
      sums[r] = acc
    }
    return UnsafePointer(sums)
  }

  let result: UnsafePointer<T>
  var resultLabels: [Character]
  if views.count == 1 {
    result = reduced(0, order: distinctOutput, summed: views[0].labels.filter { !inOutput.contains($0) })
    resultLabels = distinctOutput
  } else {
    let inX = Set(views[0].labels), inY = Set(views[1].labels)
    let batch = distinctOutput.filter { inX.contains($0) && inY.contains($0) }
    let left = distinctOutput.filter { inX.contains($0) && !inY.contains($0) }
    let right = distinctOutput.filter { inY.contains($0) && !inX.contains($0) }
    let contracted = views[0].labels.filter { inY.contains($0) && !inOutput.contains($0) }
    let x = reduced(0, order: batch + left + contracted, summed: views[0].labels.filter { !inY.contains($0) && !inOutput.contains($0) })
    let y = reduced(1, order: batch + contracted + right, summed: views[1].labels.filter { !inX.contains($0) && !inOutput.contains($0) })
    let b = count(batch), m = count(left), k = count(contracted), n = count(right)
    // The product straight into the output when no reordering follows.
    let direct = batch + left + right == output
    let product = direct ? out : allocate(resultCount)
    for i in 0..<b {
      gemm(ctx, transA: false, transB: false, m: m, n: n, k: k, a: x + i * m * k, b: y + i * k * n, c: product + i * m * n)
    }
    if direct { return }
    result = UnsafePointer(product)
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
  let ordered = allocate(resultCount)
  stridedCopy(resultView.plan(distinctOutput), result, ordered)
  stridedStore(outView.plan(distinctOutput), ordered, out)
}
