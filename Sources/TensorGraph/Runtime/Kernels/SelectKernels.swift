// Kernels of Select (TensorFlow's old `where`: the condition is a scalar,
// has the shape of t, or is a vector picking rows of t and e) and SelectV2
// (numpy broadcasting of all three operands). Generic over every dtype.

// MARK: - Select

let selectKernel: KernelFactory = { b in
  func make<T: TensorScalar>(_: T.Type) -> KernelFunction {
    { ctx in
      let cond = ctx.input(0), t = ctx.input(1), e = ctx.input(2)
      guard t.shape == e.shape else {
        throw ctx.error(
          .shapeMismatch, "'t' and 'e' must have the same shape, but 't' has shape \(t.shape) and 'e' has \(e.shape)")
      }
      let pc = cond.unsafePointer(as: Bool.self)
      if cond.rank == 0 {
        // The whole of t or of e: forward it.
        ctx.setOutput(0, pc[0] ? t : e)
        return
      }
      let pt = t.unsafePointer(as: T.self), pe = e.unsafePointer(as: T.self)
      let out = ctx.allocateOutput(0, dtype: T.dtype, shape: t.shape)
      let po = out.unsafeMutablePointer(as: T.self)
      if cond.rank == 1 && t.rank > 1 {
        // One condition per row (first-dimension slice) of t and e.
        guard t.shape[0] == cond.shape[0] else {
          throw ctx.error(
            .shapeMismatch,
            "a vector 'condition' must have one element per row of 't', but 'condition' has shape \(cond.shape) and 't' has shape \(t.shape)"
          )
        }
        let rowLength = t.shape.dropFirst().reduce(1, *)
        for r in 0..<cond.shape[0] {
          let offset = r * rowLength
          (po + offset).initialize(from: (pc[r] ? pt : pe) + offset, count: rowLength)
        }
      } else {
        guard cond.shape == t.shape else {
          throw ctx.error(
            .shapeMismatch,
            "'condition' must be a scalar, a vector with one element per row of 't', or have the shape of 't', but 'condition' has shape \(cond.shape) and 't' has shape \(t.shape)"
          )
        }
        for i in 0..<t.scalarCount { po[i] = choose(pc[i], pt[i], pe[i]) }
      }
      ctx.setOutput(0, out)
    }
  }
  switch b.inputs[1].dtype {
  case .float32: return make(Float.self)
  case .float64: return make(Double.self)
  case .int32: return make(Int32.self)
  case .int64: return make(Int64.self)
  case .uint8: return make(UInt8.self)
  case .bool: return make(Bool.self)
  }
}

// MARK: - SelectV2

let selectV2Kernel: KernelFactory = { b in
  let shapes = b.inputs.map(\.shape.concrete)
  let staticPattern = shapes.allSatisfy { $0 != nil } ? TernaryBroadcastPattern(shapes.map { $0! }) : nil
  func make<T: TensorScalar>(_: T.Type) -> KernelFunction {
    { ctx in
      let cond = ctx.input(0), t = ctx.input(1), e = ctx.input(2)
      if cond.scalarCount == 1 && cond.rank <= t.rank && t.shape == e.shape {
        ctx.setOutput(0, cond.unsafePointer(as: Bool.self)[0] ? t : e)
        return
      }
      let pc = cond.unsafePointer(as: Bool.self)
      let pt = t.unsafePointer(as: T.self), pe = e.unsafePointer(as: T.self)
      if cond.shape == t.shape && t.shape == e.shape {
        let out = ctx.allocateOutput(0, dtype: T.dtype, shape: t.shape)
        let po = out.unsafeMutablePointer(as: T.self)
        for i in 0..<t.scalarCount { po[i] = choose(pc[i], pt[i], pe[i]) }
        ctx.setOutput(0, out)
        return
      }
      guard let pattern = staticPattern ?? TernaryBroadcastPattern([cond.shape, t.shape, e.shape]) else {
        throw ctx.error(
          .shapeMismatch,
          "'condition', 't' and 'e' must broadcast to a common shape, but have shapes \(cond.shape), \(t.shape) and \(e.shape)"
        )
      }
      let out = ctx.allocateOutput(0, dtype: T.dtype, shape: pattern.outputShape)
      selectApply(pattern, pc, pt, pe, out.unsafeMutablePointer(as: T.self))
      ctx.setOutput(0, out)
    }
  }
  switch b.inputs[1].dtype {
  case .float32: return make(Float.self)
  case .float64: return make(Double.self)
  case .int32: return make(Int32.self)
  case .int64: return make(Int64.self)
  case .uint8: return make(UInt8.self)
  case .bool: return make(Bool.self)
  }
}

// MARK: - Three-operand broadcasting

/// The iteration pattern of a broadcasting op over three concrete shapes,
/// collapsed as ``BroadcastPattern`` collapses two: size-1 output
/// dimensions dropped, neighbours where all three operands move alike
/// merged, so the inner loop runs over the longest contiguous run.
struct TernaryBroadcastPattern {
  /// The broadcast output shape (uncollapsed).
  let outputShape: [Int]
  /// Collapsed dimensions, outermost first; the last is the inner loop.
  let dims: [Int]
  /// Element strides per operand per collapsed dimension (0: broadcast).
  let strides: [[Int]]
  let count: Int

  /// `nil` when the shapes do not broadcast.
  init?(_ shapes: [[Int]]) {
    var out: [Int] = []
    for s in shapes {
      guard let o = broadcastShapes(out, s) else { return nil }
      out = o
    }
    outputShape = out
    count = out.reduce(1, *)
    let n = out.count
    let full: [[Int]] = shapes.map { s in
      let padded = Array(repeating: 1, count: n - s.count) + s
      var st = [Int](repeating: 0, count: n)
      var acc = 1
      for i in stride(from: n - 1, through: 0, by: -1) {
        st[i] = padded[i] == 1 && out[i] != 1 ? 0 : acc
        acc *= padded[i]
      }
      return st
    }
    var d: [Int] = []
    var x = [[Int]](repeating: [], count: shapes.count)
    for i in 0..<n where out[i] != 1 {
      if let last = d.last, x.indices.allSatisfy({ x[$0].last! == full[$0][i] * out[i] }) {
        d[d.count - 1] = last * out[i]
        for k in x.indices { x[k][x[k].count - 1] = full[k][i] }
      } else {
        d.append(out[i])
        for k in x.indices { x[k].append(full[k][i]) }
      }
    }
    if d.isEmpty {
      d = [1]
      x = x.map { _ in [0] }
    }
    dims = d
    strides = x
  }
}

/// `c ? t : e` on values already loaded: written so, the compiler emits a
/// branch-free select (a conditional load would branch, and random
/// conditions mispredict: 12× slower).
@inline(__always)
func choose<T>(_ c: Bool, _ t: T, _ e: T) -> T { c ? t : e }

/// `out[i] = cond[i] ? t[i] : e[i]` over a three-operand broadcast pattern.
/// The inner stride of each operand is 0 or 1; the all-contiguous and
/// broadcast-condition cases get their own loops.
@inline(__always)
func selectApply<T>(
  _ pattern: TernaryBroadcastPattern, _ c: UnsafePointer<Bool>, _ t: UnsafePointer<T>, _ e: UnsafePointer<T>,
  _ out: UnsafeMutablePointer<T>
) {
  let rank = pattern.dims.count
  let inner = pattern.dims[rank - 1]
  let sc = pattern.strides[0], st = pattern.strides[1], se = pattern.strides[2]
  let ic = sc[rank - 1], it = st[rank - 1], ie = se[rank - 1]
  @inline(__always) func innerLoop(
    _ pc: UnsafePointer<Bool>, _ pt: UnsafePointer<T>, _ pe: UnsafePointer<T>, _ po: UnsafeMutablePointer<T>
  ) {
    if ic == 1 && it == 1 && ie == 1 {
      for i in 0..<inner { po[i] = choose(pc[i], pt[i], pe[i]) }
    } else if ic == 0 {
      // One condition for the whole run: copy (or splat) one operand.
      let (src, step) = pc[0] ? (pt, it) : (pe, ie)
      if step == 1 {
        po.initialize(from: src, count: inner)
      } else {
        po.initialize(repeating: src[0], count: inner)
      }
    } else {
      for i in 0..<inner { po[i] = choose(pc[i], pt[i * it], pe[i * ie]) }
    }
  }
  if rank == 1 {
    innerLoop(c, t, e, out)
    return
  }
  // Odometer over the outer dimensions.
  let outer = pattern.count / inner
  var index = [Int](repeating: 0, count: rank - 1)
  var oc = 0, ot = 0, oe = 0
  for o in 0..<outer {
    innerLoop(c + oc, t + ot, e + oe, out + o * inner)
    var d = rank - 2
    while d >= 0 {
      index[d] += 1
      oc += sc[d]
      ot += st[d]
      oe += se[d]
      if index[d] < pattern.dims[d] { break }
      oc -= sc[d] * pattern.dims[d]
      ot -= st[d] * pattern.dims[d]
      oe -= se[d] * pattern.dims[d]
      index[d] = 0
      d -= 1
    }
  }
}
