// Range: an arithmetic sequence, `start, start + delta, …` up to but
// excluding `limit`.

// MARK: - Range

extension StandardOps {
  static let range = OpDef(
    "Range", inputs: ["start: Tidx", "limit: Tidx", "delta: Tidx"], outputs: ["output: Tidx"],
    attrs: ["Tidx: {float32, float64, int32, int64} = int32"], flags: .cheap,
    summary: "Returns start, start + delta, start + 2·delta, … up to but excluding limit.",
    shape: { c in
      try c.requireRank(0, atMost: 0, "start")
      try c.requireRank(1, atMost: 0, "limit")
      try c.requireRank(2, atMost: 0, "delta")
      guard let s = c.constantValue(0), let l = c.constantValue(1), let d = c.constantValue(2) else {
        return [.unknown(rank: 1)]
      }
      return [[.known(try rangeLength(s, l, d) { c.invalid($0) })]]
    },
    kernel: { b in
      func make<T: TensorNumericScalar>(_: T.Type, _ element: @escaping @Sendable (T, T, Int) -> T) -> KernelFunction {
        { ctx in
          for (i, label) in ["start", "limit", "delta"].enumerated() where ctx.input(i).rank != 0 {
            throw ctx.error(.invalidArgument, "'\(label)' must be a scalar but has shape \(ctx.input(i).shape)")
          }
          let start = ctx.input(0), delta = ctx.input(2)
          let n = try rangeLength(start, ctx.input(1), delta) { ctx.error(.invalidArgument, $0) }
          try ctx.checkAllocatable([n], T.dtype, "the range")
          let out = ctx.allocateOutput(0, dtype: T.dtype, shape: [n])
          let s = start.unsafePointer(as: T.self)[0], d = delta.unsafePointer(as: T.self)[0]
          let p = out.unsafeMutablePointer(as: T.self)
          for i in 0..<n { p[i] = element(s, d, i) }
          ctx.setOutput(0, out)
        }
      }
      // Integers: start + i·delta may wrap in between, but the result lies
      // between start and limit, so the wrapped arithmetic gives it exactly.
      switch b.inputs[0].dtype {
      case .int32: return make(Int32.self) { s, d, i in s &+ Int32(truncatingIfNeeded: i) &* d }
      case .int64: return make(Int64.self) { s, d, i in s &+ Int64(i) &* d }
      case .float32: return make(Float.self) { s, d, i in s + Float(i) * d }
      case .float64: return make(Double.self) { s, d, i in s + Double(i) * d }
      default: throw b.unsupported()
      }
    },
    gradient: .notDifferentiable)
}

/// The number of elements of `Range(start, limit, delta)` (scalars of one
/// dtype), computed in that dtype as TensorFlow does; `fail` makes the
/// error for a zero delta, a delta pointing away from the limit, or a
/// length that does not fit.
func rangeLength(
  _ start: Tensor, _ limit: Tensor, _ delta: Tensor, _ fail: (String) -> TensorGraphError
) throws -> Int {
  func check(_ zero: Bool, _ wrongWay: Bool) throws {
    if zero { throw fail("delta must not be 0") }
    if wrongWay {
      throw fail("the range from \(start.doubles()[0]) to \(limit.doubles()[0]) never ends: delta \(delta.doubles()[0]) points away from the limit")
    }
  }
  func floating<T: BinaryFloatingPoint>(_: T.Type, _ read: (Tensor) -> T) throws -> Int {
    let s = read(start), l = read(limit), d = read(delta)
    guard s.isFinite, l.isFinite, d.isFinite else {
      throw fail("start, limit and delta must be finite but are \(s), \(l) and \(d)")
    }
    try check(d == 0, d > 0 ? s > l : s < l)
    let n = ((l - s) / d).magnitude.rounded(.up)
    guard n < T(1 << 52) else { throw fail("the range from \(s) to \(l) by \(d) has too many elements") }
    return Int(n)
  }
  switch start.dtype {
  case .float32: return try floating(Float.self) { $0.unsafePointer(as: Float.self)[0] }
  case .float64: return try floating(Double.self) { $0.unsafePointer(as: Double.self)[0] }
  default:
    let s = start.integers()[0], l = limit.integers()[0], d = delta.integers()[0]
    try check(d == 0, d > 0 ? s > l : s < l)
    // |limit - start| may not fit an Int, but always fits a UInt.
    let span = d > 0 ? UInt(bitPattern: l &- s) : UInt(bitPattern: s &- l)
    let count = span == 0 ? 0 : (span - 1) / d.magnitude + 1
    guard count <= UInt(Int.max) else { throw fail("the range from \(s) to \(l) by \(d) has too many elements") }
    return Int(count)
  }
}

extension Graph {
  /// `start, start + delta, …` up to but excluding `limit` (`Range`,
  /// `tf.range`), as int32 (int64 when a bound needs it).
  ///
  ///     try g.range(limit: 5)                      // [0, 1, 2, 3, 4]
  ///     try g.range(start: 10, limit: 0, delta: -3)  // [10, 7, 4, 1]
  public func range(
    start: Int = 0, limit: Int, delta: Int = 1, name: String? = nil, file: String = #fileID, line: Int = #line
  ) throws -> Output {
    try withOpScope(name ?? "range") { scope in
      let wide = ![start, limit, delta].allSatisfy(Tensor.fitsInt32)
      let values = try [("start", start), ("limit", limit), ("delta", delta)].map { label, v in
        try constant(wide ? Tensor(Int64(v)) : Tensor(Int32(v)), name: label, file: file, line: line)
      }
      return try buildScoped("Range", values, scope: scope, file: file, line: line)
    }
  }

  /// The range held by the scalars `start`, `limit` and `delta`, which
  /// share one dtype (int32, int64, float32 or float64).
  public func range(
    start: Output, limit: Output, delta: Output, name: String? = nil, file: String = #fileID, line: Int = #line
  ) throws -> Output {
    try build("Range", [start, limit, delta], name: name ?? "range", file: file, line: line)
  }
}
