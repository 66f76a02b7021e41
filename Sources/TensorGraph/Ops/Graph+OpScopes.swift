// Builder support for ops whose Python API creates helper nodes under the
// op's own name, as TensorFlow's `with name_scope(name, "Sum") as scope:`
// does: the constant `Sum/reduction_indices`, then the op named `Sum`.

extension Graph {
  /// Runs `body` inside a new name scope named after `base` (made unique,
  /// `Sum_1` if `Sum` is taken) and passes it the scope's full name, which is
  /// the name the op itself should get via ``buildScoped(_:_:attrs:scope:file:line:)``.
  func withOpScope<R>(_ base: String, _ body: (String) throws -> R) rethrows -> R {
    let scope = withNameScope(base) { currentScope }
    return try withNameScope(scope + "/") { try body(scope) }
  }

  /// Adds op `op` named exactly `scope` (the name of its op scope) and
  /// returns its first output.
  func buildScoped(
    _ op: String, _ inputs: [Output], attrs: [String: AttrValue] = [:], scope: String, file: String, line: Int
  ) throws -> Output {
    let node = try addNode(
      op: op, inputs: inputs, attrs: attrs, name: scope, exactName: true, site: SourceLocation(fileID: file, line: line))
    return output(node, 0)
  }

  /// An integer vector constant, `int32` when every value fits (as
  /// TensorFlow converts a Python list), `int64` otherwise.
  func indexConstant(_ values: [Int], name: String, file: String, line: Int) throws -> Output {
    let wide = !values.allSatisfy(Tensor.fitsInt32)
    return try constant(Tensor.indexVector(values, wide: wide), name: name, file: file, line: line)
  }

  /// An integer scalar constant (`int32` when it fits, else `int64`).
  func indexScalarConstant(_ value: Int, name: String, file: String, line: Int) throws -> Output {
    try constant(Tensor.fitsInt32(value) ? Tensor(Int32(value)) : Tensor(Int64(value)), name: name, file: file, line: line)
  }

  /// Builds `op(x, <index constant>)` the way TensorFlow's generated
  /// wrappers do: the constant is named `<op name>/<argName>`.
  func buildWithIndexInput(
    _ op: String, _ inputs: [Output], index values: [Int], scalar: Bool = false, argName: String,
    attrs: [String: AttrValue] = [:], name: String?, defaultName: String, file: String, line: Int
  ) throws -> Output {
    try withOpScope(name ?? defaultName) { scope in
      let c = scalar
        ? try indexScalarConstant(values[0], name: argName, file: file, line: line)
        : try indexConstant(values, name: argName, file: file, line: line)
      return try buildScoped(op, inputs + [c], attrs: attrs, scope: scope, file: file, line: line)
    }
  }
}

extension Tensor {
  /// Whether `value` is representable as `int32`.
  static func fitsInt32(_ value: Int) -> Bool { Int(Int32.min) <= value && value <= Int(Int32.max) }

  /// A rank-1 `int64` (`wide`) or `int32` tensor of `values`.
  static func indexVector(_ values: [Int], wide: Bool) -> Tensor {
    wide ? Tensor(values.map { Int64($0) }) : Tensor(values.map { Int32(truncatingIfNeeded: $0) })
  }
}
