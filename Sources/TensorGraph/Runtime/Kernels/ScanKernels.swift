// Kernels of Cumsum and Cumprod: x viewed as `outer × n × inner` around the
// scan axis, each of the `outer · inner` lines scanned in order along the
// axis as Eigen's scan does (the accumulator starts at the identity and
// takes one element at a time: `0 + (-0) = +0` starts a sum). A line's
// steps go one contiguous row of `inner` elements at a time, which the
// compiler vectorizes; lines split across threads by outer index (or by
// inner column when outer is 1), so results never depend on timing.

/// The arithmetic of one scan.
protocol ScanCombiner: SendableMetatype {
  associatedtype Element: TensorNumericScalar
  static var identity: Element { get }
  static func combine(_ a: Element, _ b: Element) -> Element
}

/// Cumulative sum, wrapping on integer overflow.
enum SumScan<Element: TensorNumericScalar>: ScanCombiner {
  static var identity: Element { .zero }
  @inline(__always) static func combine(_ a: Element, _ b: Element) -> Element { Element.wrappedAdd(a, b) }
}

/// Cumulative product, wrapping on integer overflow.
enum ProdScan<Element: TensorNumericScalar>: ScanCombiner {
  static var identity: Element { 1 }
  @inline(__always) static func combine(_ a: Element, _ b: Element) -> Element { Element.wrappedMul(a, b) }
}

/// Which scan a kernel runs.
enum ScanKind: Sendable {
  case sum, prod
}

/// Scans columns `columns` of the `outer` lines blocks starting at `x`
/// (`n × inner` each) into `y`.
@inline(__always)
func scanLines<S: ScanCombiner>(
  _: S.Type, _ x: UnsafePointer<S.Element>, _ y: UnsafeMutablePointer<S.Element>, outer: Range<Int>, n: Int,
  inner: Int, columns: Range<Int>, exclusive: Bool, reverse: Bool
) {
  let lo = columns.lowerBound, width = columns.count
  for o in outer {
    let xb = x + o * n * inner + lo, yb = y + o * n * inner + lo
    for step in 0..<n {
      let j = reverse ? n - 1 - step : step
      let row = yb + j * inner
      if step == 0 {
        if exclusive {
          row.initialize(repeating: S.identity, count: width)
        } else {
          let xr = xb + j * inner
          for k in 0..<width { row[k] = S.combine(S.identity, xr[k]) }
        }
        continue
      }
      let previous = reverse ? j + 1 : j - 1
      let prev = UnsafePointer(yb + previous * inner)
      // Inclusive: y[j] = y[j∓1] ⊕ x[j]; exclusive: y[j] = y[j∓1] ⊕ x[j∓1].
      let xr = xb + (exclusive ? previous : j) * inner
      for k in 0..<width { row[k] = S.combine(prev[k], xr[k]) }
    }
  }
}

func scanKernel(_ kind: ScanKind) -> KernelFactory {
  { b in
    let exclusive = b.bool("exclusive"), reverse = b.bool("reverse")
    func make<S: ScanCombiner>(_: S.Type) -> KernelFunction {
      { ctx in
        let x = ctx.input(0)
        let axisInput = ctx.input(1)
        guard axisInput.rank == 0 else {
          throw ctx.error(.invalidArgument, "ScanOp: axis must be a scalar, not \(axisInput.shape)")
        }
        let a = axisInput.indexScalars()[0]
        guard let axis = normalizedAxis(a, rank: x.rank) else {
          throw ctx.error(
            .invalidArgument,
            "ScanOp: Expected scan axis in the range [\(-x.rank), \(x.rank)), but got \(a) for an input of shape \(x.shape)")
        }
        let out = ctx.allocateOutput(0, dtype: x.dtype, shape: x.shape)
        ctx.setOutput(0, out)
        let n = x.shape[axis]
        let outer = x.shape[..<axis].reduce(1, *), inner = x.shape[(axis + 1)...].reduce(1, *)
        if outer * n * inner == 0 { return }
        let px = x.unsafePointer(as: S.Element.self), po = out.unsafeMutablePointer(as: S.Element.self)
        if outer > 1 {
          ctx.forEachChunk(count: outer, grain: Swift.max(1, scanGrain / (n * inner))) { r in
            scanLines(S.self, px, po, outer: r, n: n, inner: inner, columns: 0..<inner, exclusive: exclusive, reverse: reverse)
          }
        } else {
          ctx.forEachChunk(count: inner, grain: Swift.max(1, scanGrain / n)) { r in
            scanLines(S.self, px, po, outer: 0..<1, n: n, inner: inner, columns: r, exclusive: exclusive, reverse: reverse)
          }
        }
      }
    }
    func numeric<T: TensorNumericScalar>(_: T.Type) -> KernelFunction {
      kind == .sum ? make(SumScan<T>.self) : make(ProdScan<T>.self)
    }
    switch b.inputs[0].dtype {
    case .float32: return numeric(Float.self)
    case .float64: return numeric(Double.self)
    case .int32: return numeric(Int32.self)
    case .int64: return numeric(Int64.self)
    default: throw b.unsupported()
    }
  }
}

/// Elements per parallel chunk of a scan.
private let scanGrain = 32_768
