// Unique (`tf.unique`): the distinct elements of a vector in the order they
// first appear, and for each element the index of its value among them.
// Equality is the dtype's `==`, as TensorFlow's hash map: 0 and -0 are one
// value, and every NaN is a value of its own. Not differentiable.

/// The distinct values of `x` in first-appearance order and each
/// element's index among them.
private func uniqueValues<T: Hashable>(_ x: UnsafeBufferPointer<T>) -> (values: [T], indices: [Int]) {
  var seen: [T: Int] = [:]
  var values: [T] = [], indices: [Int] = []
  indices.reserveCapacity(x.count)
  for v in x {
    if let k = seen[v] {
      indices.append(k)
    } else {
      seen[v] = values.count
      indices.append(values.count)
      values.append(v)
    }
  }
  return (values, indices)
}

extension StandardOps {
  static let unique = OpDef(
    "Unique", inputs: ["x: T"], outputs: ["y: T", "idx: out_idx"],
    attrs: ["T: {float32, float64, int32, int64, uint8, bool}", "out_idx: {int32, int64} = int32"],
    summary: "The distinct elements of the vector x in order of first appearance (y), and each element's index in y (idx).",
    shape: { c in
      try c.requireVector(0, "x")
      return [PartialShape(dims: [.unknown]), PartialShape(dims: [c.shape(0)[0]])]
    },
    kernel: { b in
      let wide = b.type("out_idx") == .int64
      func make<T: TensorScalar & Hashable>(_: T.Type) -> KernelFunction {
        { ctx in
          let x = ctx.input(0)
          guard x.rank == 1 else {
            throw ctx.error(.invalidArgument, "unique expects a 1D vector, but x has shape \(x.shape)")
          }
          if !wide, x.scalarCount > Int(Int32.max) {
            throw ctx.error(.invalidArgument, "x has \(x.scalarCount) elements, too many for out_idx int32; use int64")
          }
          let (values, indices) = x.withUnsafeBufferPointer(as: T.self) { uniqueValues($0) }
          let y = ctx.allocateOutput(0, dtype: x.dtype, shape: [values.count])
          let yp = y.unsafeMutablePointer(as: T.self)
          for (i, v) in values.enumerated() { yp[i] = v }
          let idx = ctx.allocateOutput(1, dtype: wide ? .int64 : .int32, shape: [indices.count])
          if wide {
            let p = idx.unsafeMutablePointer(as: Int64.self)
            for (i, k) in indices.enumerated() { p[i] = Int64(k) }
          } else {
            let p = idx.unsafeMutablePointer(as: Int32.self)
            for (i, k) in indices.enumerated() { p[i] = Int32(k) }
          }
          ctx.setOutput(0, y)
          ctx.setOutput(1, idx)
        }
      }
      switch b.inputs[0].dtype {
      case .float32: return make(Float.self)
      case .float64: return make(Double.self)
      case .int32: return make(Int32.self)
      case .int64: return make(Int64.self)
      case .uint8: return make(UInt8.self)
      case .bool: return make(Bool.self)
      }
    },
    gradient: .notDifferentiable,
    cost: { c in Cost(flops: CostContext.elements(c.inputs[0].shape), bytes: Double(c.inputBytes + c.outputBytes)) })
}

extension Graph {
  /// The distinct elements of the vector `x` in order of first appearance,
  /// and for each element of `x` the index of its value among them
  /// (`Unique`; `tf.unique`), so `gather(y, indices: idx) == x`.
  ///
  ///     let (y, idx) = try g.unique(x)   // [1, 1, 2, 4, 4, 4, 7] → [1, 2, 4, 7], [0, 0, 1, 2, 2, 2, 3]
  public func unique(
    _ x: Output, outIndex: DType = .int32, name: String? = nil, file: String = #fileID, line: Int = #line
  ) throws -> (y: Output, idx: Output) {
    let outputs = try buildMulti("Unique", [x], attrs: ["out_idx": .type(outIndex)], name: name, file: file, line: line)
    return (outputs[0], outputs[1])
  }
}
