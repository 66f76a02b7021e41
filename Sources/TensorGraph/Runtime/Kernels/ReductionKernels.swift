// Reduction kernels (Sum, Mean, Max, Min, Prod, All, Any), ArgMax and ArgMin.
//
// The input's dimensions are coalesced into alternating runs of kept and
// reduced dimensions (size-1 dimensions dropped), then:
// - a reduced innermost run is reduced along contiguous memory with eight
//   independent accumulators (compare-and-select lanes for Max and Min),
//   merged pairwise at the end: a fixed order, so the result depends only
//   on the shape, never on timing;
// - a kept innermost run is accumulated row by row into the outputs, a loop
//   over contiguous elements that the compiler vectorizes.

// MARK: - Reducers

/// Scalars the reductions accept, with the bounds Max and Min start from.
protocol ReductionScalar: TensorNumericScalar {
  /// The identity of Max: -inf for floats, the minimum for integers.
  static var lowest: Self { get }
  /// The identity of Min: +inf for floats, the maximum for integers.
  static var highest: Self { get }
  /// Where ArgMax starts: the lowest finite value (TensorFlow's
  /// `NumTraits::lowest()`).
  static var lowestFinite: Self { get }
  /// Where ArgMin starts: the highest finite value.
  static var highestFinite: Self { get }
}

extension Float: ReductionScalar {
  static var lowest: Float { -.infinity }
  static var highest: Float { .infinity }
  static var lowestFinite: Float { -.greatestFiniteMagnitude }
  static var highestFinite: Float { .greatestFiniteMagnitude }
}
extension Double: ReductionScalar {
  static var lowest: Double { -.infinity }
  static var highest: Double { .infinity }
  static var lowestFinite: Double { -.greatestFiniteMagnitude }
  static var highestFinite: Double { .greatestFiniteMagnitude }
}
extension Int32: ReductionScalar {
  static var lowest: Int32 { .min }
  static var highest: Int32 { .max }
  static var lowestFinite: Int32 { .min }
  static var highestFinite: Int32 { .max }
}
extension Int64: ReductionScalar {
  static var lowest: Int64 { .min }
  static var highest: Int64 { .max }
  static var lowestFinite: Int64 { .min }
  static var highestFinite: Int64 { .max }
}
extension UInt8: ReductionScalar {
  static var lowest: UInt8 { .min }
  static var highest: UInt8 { .max }
  static var lowestFinite: UInt8 { .min }
  static var highestFinite: UInt8 { .max }
}

/// The arithmetic of one reduction: elements enter an accumulator through
/// `combine`, partial accumulators join through `merge`, and `finish`
/// turns an accumulator over `count` elements into the output element.
protocol Reducer: SendableMetatype {
  associatedtype Element: ReductionScalar
  associatedtype Accumulator
  static var identity: Accumulator { get }
  static func combine(_ a: Accumulator, _ x: Element) -> Accumulator
  static func merge(_ a: Accumulator, _ b: Accumulator) -> Accumulator
  static func finish(_ a: Accumulator, count: Int) -> Element
  /// The accumulator of `n` contiguous elements (default: ``rowReduce``).
  static func reduceRow(_ p: UnsafePointer<Element>, _ n: Int) -> Accumulator
}

extension Reducer {
  @inline(__always)
  static func reduceRow(_ p: UnsafePointer<Element>, _ n: Int) -> Accumulator { rowReduce(Self.self, p, n) }
}

/// Sum, wrapping on integer overflow.
enum SumReducer<Element: ReductionScalar>: Reducer {
  static var identity: Element { .zero }
  @inline(__always) static func combine(_ a: Element, _ x: Element) -> Element { Element.wrappedAdd(a, x) }
  @inline(__always) static func merge(_ a: Element, _ b: Element) -> Element { Element.wrappedAdd(a, b) }
  @inline(__always) static func finish(_ a: Element, count: Int) -> Element { a }
}

/// Product, wrapping on integer overflow.
enum ProdReducer<Element: ReductionScalar>: Reducer {
  static var identity: Element { 1 }
  @inline(__always) static func combine(_ a: Element, _ x: Element) -> Element { Element.wrappedMul(a, x) }
  @inline(__always) static func merge(_ a: Element, _ b: Element) -> Element { Element.wrappedMul(a, b) }
  @inline(__always) static func finish(_ a: Element, count: Int) -> Element { a }
}

/// Maximum; a NaN anywhere gives NaN (as numpy's `max` and the `Maximum` op).
enum MaxReducer<Element: ReductionScalar>: Reducer {
  static var identity: Element { .lowest }
  @inline(__always) static func combine(_ a: Element, _ x: Element) -> Element { x > a || x != x ? x : a }
  @inline(__always) static func merge(_ a: Element, _ b: Element) -> Element { b > a || b != b ? b : a }
  @inline(__always) static func finish(_ a: Element, count: Int) -> Element { a }
  @inline(__always) static func reduceRow(_ p: UnsafePointer<Element>, _ n: Int) -> Element {
    extremum(p, n, identity) { $0 > $1 }
  }
}

/// Minimum; a NaN anywhere gives NaN.
enum MinReducer<Element: ReductionScalar>: Reducer {
  static var identity: Element { .highest }
  @inline(__always) static func combine(_ a: Element, _ x: Element) -> Element { x < a || x != x ? x : a }
  @inline(__always) static func merge(_ a: Element, _ b: Element) -> Element { b < a || b != b ? b : a }
  @inline(__always) static func finish(_ a: Element, count: Int) -> Element { a }
  @inline(__always) static func reduceRow(_ p: UnsafePointer<Element>, _ n: Int) -> Element {
    extremum(p, n, identity) { $0 < $1 }
  }
}

/// The maximum (`better` is `>`) or minimum (`<`) of `n` contiguous
/// elements, NaN if any is NaN. Eight lanes of compare-and-select with no
/// NaN test in the loop, so it vectorizes; instead each lane also sums
/// `x - x`, which is 0 unless some x is NaN or infinite. Only then is the
/// row scanned for a NaN.
@inline(__always)
func extremum<T: ReductionScalar>(_ p: UnsafePointer<T>, _ n: Int, _ identity: T, _ better: (T, T) -> Bool) -> T {
  var m0 = identity, m1 = identity, m2 = identity, m3 = identity
  var m4 = identity, m5 = identity, m6 = identity, m7 = identity
  var z0 = T.zero, z1 = T.zero, z2 = T.zero, z3 = T.zero
  var i = 0
  while i + 8 <= n {
    let x0 = p[i], x1 = p[i + 1], x2 = p[i + 2], x3 = p[i + 3]
    let x4 = p[i + 4], x5 = p[i + 5], x6 = p[i + 6], x7 = p[i + 7]
    m0 = better(x0, m0) ? x0 : m0
    m1 = better(x1, m1) ? x1 : m1
    m2 = better(x2, m2) ? x2 : m2
    m3 = better(x3, m3) ? x3 : m3
    m4 = better(x4, m4) ? x4 : m4
    m5 = better(x5, m5) ? x5 : m5
    m6 = better(x6, m6) ? x6 : m6
    m7 = better(x7, m7) ? x7 : m7
    z0 = T.wrappedAdd(z0, T.wrappedAdd(T.wrappedSub(x0, x0), T.wrappedSub(x4, x4)))
    z1 = T.wrappedAdd(z1, T.wrappedAdd(T.wrappedSub(x1, x1), T.wrappedSub(x5, x5)))
    z2 = T.wrappedAdd(z2, T.wrappedAdd(T.wrappedSub(x2, x2), T.wrappedSub(x6, x6)))
    z3 = T.wrappedAdd(z3, T.wrappedAdd(T.wrappedSub(x3, x3), T.wrappedSub(x7, x7)))
    i += 8
  }
  while i < n {
    let x = p[i]
    m0 = better(x, m0) ? x : m0
    z0 = T.wrappedAdd(z0, T.wrappedSub(x, x))
    i += 1
  }
  let z = T.wrappedAdd(T.wrappedAdd(z0, z1), T.wrappedAdd(z2, z3))
  if z != z {
    for j in 0..<n where p[j] != p[j] { return p[j] }
  }
  m0 = better(m1, m0) ? m1 : m0
  m2 = better(m3, m2) ? m3 : m2
  m4 = better(m5, m4) ? m5 : m4
  m6 = better(m7, m6) ? m7 : m6
  m0 = better(m2, m0) ? m2 : m0
  m4 = better(m6, m4) ? m6 : m4
  return better(m4, m0) ? m4 : m0
}

/// Mean of floats: the sum divided by the count (NaN for no elements).
enum FloatMeanReducer<Element: ReductionScalar & TensorFloatScalar>: Reducer {
  static var identity: Element { .zero }
  @inline(__always) static func combine(_ a: Element, _ x: Element) -> Element { a + x }
  @inline(__always) static func merge(_ a: Element, _ b: Element) -> Element { a + b }
  @inline(__always) static func finish(_ a: Element, count: Int) -> Element { a / Element(count) }
}

/// Mean of integers as TensorFlow computes it: the sum in 64 bits (wrapping
/// only for int64), divided by the count with truncation toward zero; 0
/// for no elements.
enum IntegerMeanReducer<Element: ReductionScalar & FixedWidthInteger>: Reducer {
  static var identity: Int64 { 0 }
  @inline(__always) static func combine(_ a: Int64, _ x: Element) -> Int64 { a &+ Int64(truncatingIfNeeded: x) }
  @inline(__always) static func merge(_ a: Int64, _ b: Int64) -> Int64 { a &+ b }
  @inline(__always) static func finish(_ a: Int64, count: Int) -> Element {
    count == 0 ? 0 : Element(truncatingIfNeeded: a / Int64(count))
  }
}

// MARK: - Plan

/// A reduction of a concrete shape over a set of axes, coalesced.
struct ReductionPlan {
  /// The output's shape (with or without the reduced dimensions).
  let outputShape: [Int]
  /// Coalesced dimensions (runs of kept or reduced input dimensions).
  let dims: [Int]
  /// Whether each coalesced dimension is reduced.
  let reduced: [Bool]
  /// Elements per output element.
  let reduceCount: Int
  /// Number of output elements.
  let outputCount: Int

  /// - Throws: via `fail` for an axis out of range or named twice.
  init(shape: [Int], axes: [Int], keepDims: Bool, _ fail: (String) -> TensorGraphError) throws {
    let rank = shape.count
    var isReduced = [Bool](repeating: false, count: rank)
    for a in axes {
      guard let axis = normalizedAxis(a, rank: rank) else {
        throw fail("reduction axis \(a) is out of range for an input of shape \(shape); axes must be in [\(-rank), \(rank))")
      }
      guard !isReduced[axis] else {
        throw fail("reduction axes \(axes) name dimension \(axis) more than once")
      }
      isReduced[axis] = true
    }
    var out: [Int] = [], d: [Int] = [], r: [Bool] = []
    var reduceCount = 1, outputCount = 1
    for i in 0..<rank {
      let size = shape[i]
      if isReduced[i] {
        reduceCount &*= size
        if keepDims { out.append(1) }
      } else {
        outputCount &*= size
        out.append(size)
      }
      if size == 1 { continue }
      if let last = r.last, last == isReduced[i] {
        d[d.count - 1] &*= size
      } else {
        d.append(size)
        r.append(isReduced[i])
      }
    }
    outputShape = out
    dims = d
    reduced = r
    self.reduceCount = reduceCount
    self.outputCount = outputCount
  }

  /// Whether every output element is one input element, in order: nothing
  /// to reduce (no axes, or only axes of size 1).
  var isIdentity: Bool { reduceCount == 1 }
}

// MARK: - Engine

/// Reduces `src` by `plan` into `dst` (`plan.outputCount` elements).
@inline(__always)
func runReduction<R: Reducer>(
  _: R.Type, _ plan: ReductionPlan, _ src: UnsafePointer<R.Element>, _ dst: UnsafeMutablePointer<R.Element>
) {
  let outputs = plan.outputCount, count = plan.reduceCount
  if outputs == 0 { return }
  if count == 0 {
    dst.initialize(repeating: R.finish(R.identity, count: 0), count: outputs)
    return
  }
  let dims = plan.dims, reduced = plan.reduced
  let rank = dims.count
  if rank == 0 {  // a single element (plans with nothing to reduce are forwarded, not run)
    dst[0] = R.finish(R.combine(R.identity, src[0]), count: 1)
    return
  }
  // Rows reduced whole: [R] or [K, R].
  if reduced[rank - 1] && rank <= 2 {
    let n = dims[rank - 1]
    for o in 0..<outputs { dst[o] = R.finish(R.reduceRow(src + o * n, n), count: count) }
    return
  }
  // General: accumulate into a buffer, then finish.
  let acc = UnsafeMutablePointer<R.Accumulator>.allocate(capacity: outputs)
  defer { acc.deallocate() }
  acc.initialize(repeating: R.identity, count: outputs)
  // Input strides over the coalesced dims; output strides are row-major
  // over the kept dims (0 for reduced ones).
  var inStrides = [Int](repeating: 1, count: rank), outStrides = [Int](repeating: 0, count: rank)
  var si = 1, so = 1
  for i in stride(from: rank - 1, through: 0, by: -1) {
    inStrides[i] = si
    si *= dims[i]
    if !reduced[i] {
      outStrides[i] = so
      so *= dims[i]
    }
  }
  let inner = dims[rank - 1]
  let outerRank = rank - 1
  let outerCount = outerRank == 0 ? 1 : dims[..<outerRank].reduce(1, *)
  var index = [Int](repeating: 0, count: max(outerRank, 1))
  var s = 0, d = 0
  let innerReduced = reduced[rank - 1]
  for _ in 0..<outerCount {
    if innerReduced {
      acc[d] = R.merge(acc[d], R.reduceRow(src + s, inner))
    } else {
      let a = acc + d, x = src + s
      for k in 0..<inner { a[k] = R.combine(a[k], x[k]) }
    }
    var j = outerRank - 1
    while j >= 0 {
      index[j] += 1
      s += inStrides[j]
      d += outStrides[j]
      if index[j] < dims[j] { break }
      s -= inStrides[j] * dims[j]
      d -= outStrides[j] * dims[j]
      index[j] = 0
      j -= 1
    }
  }
  for o in 0..<outputs { dst[o] = R.finish(acc[o], count: count) }
}

/// Reduces `n` contiguous elements with eight interleaved accumulators
/// (instruction-level parallelism, and better-conditioned float sums),
/// merged pairwise in a fixed order.
@inline(__always)
func rowReduce<R: Reducer>(_: R.Type, _ p: UnsafePointer<R.Element>, _ n: Int) -> R.Accumulator {
  if n < 16 {
    // Short rows: lane set-up and merging would cost more than they save.
    var a = R.identity
    for i in 0..<n { a = R.combine(a, p[i]) }
    return a
  }
  var a0 = R.identity, a1 = R.identity, a2 = R.identity, a3 = R.identity
  var a4 = R.identity, a5 = R.identity, a6 = R.identity, a7 = R.identity
  var i = 0
  while i + 8 <= n {
    a0 = R.combine(a0, p[i])
    a1 = R.combine(a1, p[i + 1])
    a2 = R.combine(a2, p[i + 2])
    a3 = R.combine(a3, p[i + 3])
    a4 = R.combine(a4, p[i + 4])
    a5 = R.combine(a5, p[i + 5])
    a6 = R.combine(a6, p[i + 6])
    a7 = R.combine(a7, p[i + 7])
    i += 8
  }
  while i < n {
    a0 = R.combine(a0, p[i])
    i += 1
  }
  return R.merge(R.merge(R.merge(a0, a1), R.merge(a2, a3)), R.merge(R.merge(a4, a5), R.merge(a6, a7)))
}

// MARK: - Kernel factories

/// The reductions, for dispatch.
enum ReductionKind: Sendable {
  case sum, mean, max, min, prod
}

func reductionKernel(_ kind: ReductionKind) -> KernelFactory {
  { b in
    let keepDims = b.bool("keep_dims")
    func make<R: Reducer>(_: R.Type) -> KernelFunction {
      { ctx in
        let x = ctx.input(0)
        let axes = try ctx.indexValues(1, "reduction_indices")
        let plan = try ReductionPlan(shape: x.shape, axes: axes, keepDims: keepDims) { ctx.error(.invalidArgument, $0) }
        if plan.isIdentity {
          ctx.setOutput(0, Tensor(dtype: x.dtype, shape: plan.outputShape, buffer: x.storage))
          return
        }
        // Dropping a zero-sized axis can leave dimensions whose product overflows.
        try ctx.checkAllocatable(plan.outputShape, x.dtype, "the reduced shape")
        let out = ctx.allocateOutput(0, dtype: x.dtype, shape: plan.outputShape)
        runReduction(R.self, plan, x.unsafePointer(as: R.Element.self), out.unsafeMutablePointer(as: R.Element.self))
        ctx.setOutput(0, out)
      }
    }
    func float<T: ReductionScalar & TensorFloatScalar>(_: T.Type) -> KernelFunction {
      switch kind {
      case .sum: return make(SumReducer<T>.self)
      case .mean: return make(FloatMeanReducer<T>.self)
      case .max: return make(MaxReducer<T>.self)
      case .min: return make(MinReducer<T>.self)
      case .prod: return make(ProdReducer<T>.self)
      }
    }
    func integer<T: ReductionScalar & FixedWidthInteger>(_: T.Type) -> KernelFunction {
      switch kind {
      case .sum: return make(SumReducer<T>.self)
      case .mean: return make(IntegerMeanReducer<T>.self)
      case .max: return make(MaxReducer<T>.self)
      case .min: return make(MinReducer<T>.self)
      case .prod: return make(ProdReducer<T>.self)
      }
    }
    switch b.inputs[0].dtype {
    case .float32: return float(Float.self)
    case .float64: return float(Double.self)
    case .int32: return integer(Int32.self)
    case .int64: return integer(Int64.self)
    case .uint8: return integer(UInt8.self)
    case .bool: throw b.unsupported()
    }
  }
}

// MARK: - ArgMax and ArgMin

/// The comparison of ArgMax or ArgMin, as TensorFlow's (Eigen's
/// `ArgMaxPairReducer`): a running best starts at index 0 holding the
/// lowest (highest) finite value, and an element replaces it only when
/// strictly better. So NaN never wins (every comparison with it is
/// false), nor does -inf for ArgMax (+inf for ArgMin); ties keep the first
/// index; a row of NaNs gives 0.
protocol ArgExtremum: SendableMetatype {
  /// The op's name in lowercase, for messages (`argmax`).
  static var name: String { get }
  /// Whether `a` replaces the running best `b`.
  static func better<T: ReductionScalar>(_ a: T, _ b: T) -> Bool
  /// The running best before the first element.
  static func start<T: ReductionScalar>(_: T.Type) -> T
}

enum ArgMaxComparison: ArgExtremum {
  static var name: String { "argmax" }
  @inline(__always) static func better<T: ReductionScalar>(_ a: T, _ b: T) -> Bool { a > b }
  @inline(__always) static func start<T: ReductionScalar>(_: T.Type) -> T { T.lowestFinite }
}

enum ArgMinComparison: ArgExtremum {
  static var name: String { "argmin" }
  @inline(__always) static func better<T: ReductionScalar>(_ a: T, _ b: T) -> Bool { a < b }
  @inline(__always) static func start<T: ReductionScalar>(_: T.Type) -> T { T.highestFinite }
}

let argMaxKernel: KernelFactory = argExtremumKernel(ArgMaxComparison.self)
let argMinKernel: KernelFactory = argExtremumKernel(ArgMinComparison.self)

/// The kernel of ArgMax or ArgMin (one body, the comparison a type).
func argExtremumKernel<A: ArgExtremum>(_: A.Type) -> KernelFactory {
  { b in
    func make<T: ReductionScalar, I: FixedWidthInteger & TensorScalar>(_: T.Type, _: I.Type) -> KernelFunction {
      { ctx in
        let x = ctx.input(0)
        let dimension = try ctx.indexScalar(1, "dimension")
        guard let axis = normalizedAxis(dimension, rank: x.rank) else {
          throw ctx.error(.invalidArgument, "dimension \(dimension) is out of range for an input of shape \(x.shape); it must be in [\(-x.rank), \(x.rank))")
        }
        let n = x.shape[axis]
        guard n > 0 else {
          throw ctx.error(.invalidArgument, "cannot take the \(A.name) along axis \(axis) of an input of shape \(x.shape): the axis is empty")
        }
        guard n - 1 <= Int(I.max) else {
          throw ctx.error(.invalidArgument, "the axis of size \(n) has indices that do not fit output_type \(I.dtype); use int64")
        }
        var shape = x.shape
        shape.remove(at: axis)
        let out = ctx.allocateOutput(0, dtype: I.dtype, shape: shape)
        ctx.setOutput(0, out)
        let outer = shape[..<axis].reduce(1, *), inner = shape[axis...].reduce(1, *)
        if outer * inner == 0 { return }
        let px = x.unsafePointer(as: T.self), po = out.unsafeMutablePointer(as: I.self)
        // Rows of outer are independent: split them when the work is large.
        ctx.forEachChunk(count: outer, grain: Swift.max(1, 32_768 / Swift.max(1, n * inner))) { r in
          argExtremum(
            A.self, px + r.lowerBound * n * inner, outer: r.count, n: n, inner: inner, po + r.lowerBound * inner)
        }
      }
    }
    func withOutput<T: ReductionScalar>(_ t: T.Type) -> KernelFunction {
      b.type("output_type") == .int32 ? make(t, Int32.self) : make(t, Int64.self)
    }
    switch b.inputs[0].dtype {
    case .float32: return withOutput(Float.self)
    case .float64: return withOutput(Double.self)
    case .int32: return withOutput(Int32.self)
    case .int64: return withOutput(Int64.self)
    case .uint8: return withOutput(UInt8.self)
    case .bool: throw b.unsupported()
    }
  }
}

/// The index of the best element (``ArgExtremum``) along the middle axis
/// of an `outer × n × inner` array.
@inline(__always)
func argExtremum<A: ArgExtremum, T: ReductionScalar, I: FixedWidthInteger>(
  _: A.Type, _ x: UnsafePointer<T>, outer: Int, n: Int, inner: Int, _ out: UnsafeMutablePointer<I>
) {
  let start = A.start(T.self)
  if inner == 1 {
    // Two passes over each (cache-resident) row: the best value in eight
    // vectorizable lanes (NaN never enters a lane), then the first
    // position holding it, which is where the sequential scan settles.
    for o in 0..<outer {
      let row = x + o * n
      let best = bestValue(A.self, row, n, start)
      var index = 0
      if A.better(best, start) {
        while row[index] != best { index += 1 }
      }
      out[o] = I(truncatingIfNeeded: index)
    }
    return
  }
  // Along a strided axis: keep a running best per inner position, updated
  // one contiguous row at a time.
  let bestValues = UnsafeMutablePointer<T>.allocate(capacity: inner)
  defer { bestValues.deallocate() }
  for o in 0..<outer {
    let base = x + o * n * inner, idx = out + o * inner
    bestValues.initialize(repeating: start, count: inner)
    idx.initialize(repeating: 0, count: inner)
    for j in 0..<n {
      let row = base + j * inner
      let jj = I(truncatingIfNeeded: j)
      for s in 0..<inner where A.better(row[s], bestValues[s]) {
        bestValues[s] = row[s]
        idx[s] = jj
      }
    }
  }
}

/// The best of `start` and `n` contiguous elements by `A.better`, in eight
/// lanes merged in a fixed order.
@inline(__always)
func bestValue<A: ArgExtremum, T: ReductionScalar>(_: A.Type, _ p: UnsafePointer<T>, _ n: Int, _ start: T) -> T {
  var m0 = start, m1 = start, m2 = start, m3 = start
  var m4 = start, m5 = start, m6 = start, m7 = start
  var i = 0
  while i + 8 <= n {
    let x0 = p[i], x1 = p[i + 1], x2 = p[i + 2], x3 = p[i + 3]
    let x4 = p[i + 4], x5 = p[i + 5], x6 = p[i + 6], x7 = p[i + 7]
    m0 = A.better(x0, m0) ? x0 : m0
    m1 = A.better(x1, m1) ? x1 : m1
    m2 = A.better(x2, m2) ? x2 : m2
    m3 = A.better(x3, m3) ? x3 : m3
    m4 = A.better(x4, m4) ? x4 : m4
    m5 = A.better(x5, m5) ? x5 : m5
    m6 = A.better(x6, m6) ? x6 : m6
    m7 = A.better(x7, m7) ? x7 : m7
    i += 8
  }
  while i < n {
    let x = p[i]
    m0 = A.better(x, m0) ? x : m0
    i += 1
  }
  m0 = A.better(m1, m0) ? m1 : m0
  m2 = A.better(m3, m2) ? m3 : m2
  m4 = A.better(m5, m4) ? m5 : m4
  m6 = A.better(m7, m6) ? m7 : m6
  m0 = A.better(m2, m0) ? m2 : m0
  m4 = A.better(m6, m4) ? m6 : m4
  return A.better(m4, m0) ? m4 : m0
}

// MARK: - All and Any

/// All over bools viewed as bytes (0 or 1): true over no elements.
enum AllReducer: Reducer {
  static var identity: UInt8 { 1 }
  @inline(__always) static func combine(_ a: UInt8, _ x: UInt8) -> UInt8 { a & x }
  @inline(__always) static func merge(_ a: UInt8, _ b: UInt8) -> UInt8 { a & b }
  @inline(__always) static func finish(_ a: UInt8, count: Int) -> UInt8 { a }
}

/// Any over bools viewed as bytes: false over no elements.
enum AnyReducer: Reducer {
  static var identity: UInt8 { 0 }
  @inline(__always) static func combine(_ a: UInt8, _ x: UInt8) -> UInt8 { a | x }
  @inline(__always) static func merge(_ a: UInt8, _ b: UInt8) -> UInt8 { a | b }
  @inline(__always) static func finish(_ a: UInt8, count: Int) -> UInt8 { a }
}

/// The kernel of All or Any: the reduction engine over the bool input's
/// bytes (Swift's `Bool` is one byte holding 0 or 1).
func logicalReductionKernel<R: Reducer>(_: R.Type) -> KernelFactory where R.Element == UInt8 {
  { b in
    let keepDims = b.bool("keep_dims")
    return { ctx in
      let x = ctx.input(0)
      let axes = try ctx.indexValues(1, "reduction_indices")
      let plan = try ReductionPlan(shape: x.shape, axes: axes, keepDims: keepDims) { ctx.error(.invalidArgument, $0) }
      if plan.isIdentity {
        ctx.setOutput(0, Tensor(dtype: x.dtype, shape: plan.outputShape, buffer: x.storage))
        return
      }
      try ctx.checkAllocatable(plan.outputShape, .bool, "the reduced shape")
      let out = ctx.allocateOutput(0, dtype: .bool, shape: plan.outputShape)
      let src = UnsafeRawPointer(x.unsafePointer(as: Bool.self)).assumingMemoryBound(to: UInt8.self)
      let dst = UnsafeMutableRawPointer(out.unsafeMutablePointer(as: Bool.self)).assumingMemoryBound(to: UInt8.self)
      runReduction(R.self, plan, src, dst)
      ctx.setOutput(0, out)
    }
  }
}
