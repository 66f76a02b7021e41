// Where, the one-input form (`tf.where(condition)`): the coordinates of
// the true (nonzero) elements, in row-major order, as an int64 matrix.
// Not differentiable (its output is integer coordinates).

/// The coordinates of the nonzero elements of `x` (`isTrue` decides), one
/// row of `rank` coordinates each, in row-major order.
private func trueCoordinates<E>(_ x: UnsafePointer<E>, count: Int, shape: [Int], _ isTrue: (E) -> Bool) -> [Int64] {
  var out: [Int64] = []
  let rank = shape.count
  var index = [Int](repeating: 0, count: rank)
  for i in 0..<count {
    if isTrue(x[i]) {
      for d in 0..<rank { out.append(Int64(index[d])) }
    }
    var d = rank - 1
    while d >= 0 {
      index[d] += 1
      if index[d] < shape[d] { break }
      index[d] = 0
      d -= 1
    }
  }
  return out
}

extension StandardOps {
  static let whereOp = OpDef(
    "Where", inputs: ["input: T"], outputs: ["index: int64"],
    attrs: ["T: {float32, float64, int32, int64, uint8, bool} = bool"],
    summary: "The coordinates of the true (nonzero) elements of input, one row each, in row-major order.",
    shape: { c in [PartialShape(dims: [.unknown, c.shape(0).rank.map { .known($0) } ?? .unknown])] },
    kernel: { b in
      func make<E: SendableMetatype>(_: E.Type, _ isTrue: @escaping @Sendable (E) -> Bool) -> KernelFunction {
        { ctx in
          let x = ctx.input(0)
          let coordinates = trueCoordinates(x.rawPointer.assumingMemoryBound(to: E.self), count: x.scalarCount, shape: x.shape, isTrue)
          let rows = x.rank == 0 ? (x.scalarCount == 1 && isTrue(x.rawPointer.load(as: E.self)) ? 1 : 0) : coordinates.count / x.rank
          let out = ctx.allocateOutput(0, dtype: .int64, shape: [rows, x.rank])
          if !coordinates.isEmpty {
            coordinates.withUnsafeBufferPointer { from in
              out.unsafeMutablePointer(as: Int64.self).update(from: from.baseAddress!, count: from.count)
            }
          }
          ctx.setOutput(0, out)
        }
      }
      switch b.inputs[0].dtype {
      case .float32: return make(Float.self) { $0 != 0 }
      case .float64: return make(Double.self) { $0 != 0 }
      case .int32: return make(Int32.self) { $0 != 0 }
      case .int64: return make(Int64.self) { $0 != 0 }
      case .uint8, .bool: return make(UInt8.self) { $0 != 0 }
      }
    },
    gradient: .notDifferentiable,
    cost: { c in Cost(flops: CostContext.elements(c.inputs[0].shape), bytes: Double(c.inputBytes + c.outputBytes)) })
}

extension Graph {
  /// The coordinates of the true (nonzero) elements of `condition`
  /// (`Where`; `tf.where(condition)`): an `int64` matrix with one row of
  /// `rank` coordinates per true element, in row-major order.
  ///
  ///     try g.where(mask)   // [[true, false], [false, true]] → [[0, 0], [1, 1]]
  public func `where`(_ condition: Output, name: String? = nil, file: String = #fileID, line: Int = #line) throws -> Output {
    try build("Where", [condition], name: name, file: file, line: line)
  }
}
