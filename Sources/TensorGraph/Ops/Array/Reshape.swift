// Reshape: the same elements under a new shape, without copying.

// MARK: - Reshape

extension StandardOps {
  static let reshape = OpDef(
    "Reshape", inputs: ["tensor: T", "shape: Tshape"], outputs: ["output: T"],
    attrs: ["T: type", "Tshape: {int32, int64} = int32"], flags: .cheap,
    summary: "Returns the tensor's elements with a new shape; one dimension of -1 is inferred.",
    shape: reshapeShape,
    kernel: { b in
      { ctx in
        let x = ctx.input(0)
        let sizes = try ctx.indexValues(1, "shape")
        let shape = try resolveReshape(x.shape, sizes, count: x.scalarCount) { ctx.error(.invalidArgument, $0) }
        ctx.setOutput(0, Tensor(dtype: x.dtype, shape: shape, buffer: x.storage))
      }
    },
    gradient: .function { c in
      // The same elements in another shape: the gradient is reshaped back
      // to the tensor's shape. The requested shape gets no gradient.
      [try c.graph.reshape(c.grad, like: c.input(0)), nil]
    },
    cost: { _ in Cost(flops: 0, bytes: 0) })

  /// TensorFlow's `SetOutputShapeForReshape`: the requested shape as far as
  /// it is known, with a `-1` inferred from the input's element count, or
  /// the input's single unknown dimension carried over when the known
  /// parts match.
  @Sendable static func reshapeShape(_ c: ShapeContext) throws -> [PartialShape] {
    try c.requireRank(1, atMost: 1, "shape")
    let input = c.shape(0)
    if let values = c.constantInts(1) {
      if let bad = values.firstIndex(where: { $0 < -1 }) {
        throw c.invalid("the requested shape \(values) has a negative size \(values[bad]) at axis \(bad); only -1 (infer) is allowed")
      }
      let unknowns = values.indices.filter { values[$0] == -1 }
      if unknowns.count > 1 {
        throw c.invalid("the requested shape \(values) has more than one -1 (at axes \(unknowns.map(String.init).joined(separator: " and "))); only one dimension can be inferred")
      }
    }
    let out = c.shapeInput(1)
    guard var outDims = out.dims, let inDims = input.dims else { return [out] }
    // Known element counts and the position of the single unknown dimension
    // on each side (more than one: nothing can be inferred).
    func split(_ dims: [Dimension]) -> (known: Int, unknown: Int?, tooMany: Bool)? {
      var known = 1, unknown: Int?
      for (i, d) in dims.enumerated() {
        if let v = d.value {
          let (p, overflow) = known.multipliedReportingOverflow(by: v)
          if overflow { return nil }
          known = p
        } else if unknown == nil {
          unknown = i
        } else {
          return (known, unknown, true)
        }
      }
      return (known, unknown, false)
    }
    guard let o = split(outDims), let i = split(inDims) else {
      throw c.invalid("cannot reshape \(input) to \(out): the element count overflows")
    }
    if o.tooMany || i.tooMany { return [out] }
    switch (i.unknown, o.unknown) {
    case (nil, nil):
      guard i.known == o.known else {
        throw c.error("cannot reshape a tensor of shape \(input) (\(i.known) elements) to \(out) (\(o.known) elements)")
      }
    case (nil, let u?) where o.known > 0:
      guard i.known % o.known == 0 else {
        throw c.error("cannot reshape a tensor of shape \(input) (\(i.known) elements) to \(out): \(i.known) is not a multiple of \(o.known), the product of the known dimensions")
      }
      outDims[u] = .known(i.known / o.known)
    case (_?, nil) where i.known > 0:
      // The input's unknown dimension must make up the difference.
      guard o.known % i.known == 0 else {
        throw c.error("cannot reshape a tensor of shape \(input) to \(out) (\(o.known) elements): \(o.known) is not a multiple of \(i.known), the product of the input's known dimensions")
      }
    case (let ui?, let uo?) where i.known == o.known:
      outDims[uo] = inDims[ui]
    default:
      break
    }
    return [PartialShape(dims: outDims)]
  }
}

/// The concrete output shape of a Reshape of `input` (holding `count`
/// elements) to `sizes`, as TensorFlow's kernel computes it: one `-1` is
/// inferred; zero-sized dimensions are left out of the inference so that
/// `[0, 3]` reshapes to `[-1, 3]` as `[0, 3]`.
func resolveReshape(
  _ input: [Int], _ sizes: [Int], count: Int, _ fail: (String) -> TensorGraphError
) throws -> [Int] {
  var shape = sizes
  var unknown: Int?
  var product = 1
  var hasZero = false
  for (d, size) in sizes.enumerated() {
    if size == -1 {
      if let u = unknown {
        throw fail("the requested shape \(sizes) has more than one -1 (at axes \(u) and \(d)); only one dimension can be inferred")
      }
      unknown = d
    } else if size < 0 {
      throw fail("the requested shape \(sizes) has a negative size \(size) at axis \(d); only -1 (infer) is allowed")
    } else if size == 0 {
      hasZero = true
    } else {
      let (p, overflow) = product.multipliedReportingOverflow(by: size)
      if overflow { throw fail("the requested shape \(sizes) has too many elements") }
      product = p
    }
  }
  if let u = unknown {
    // Without zero-sized requested dimensions the input's zero dimensions
    // count (giving 0); with them, they are skipped so the rest infers.
    var inputCount = 1
    for d in input where d > 0 || !hasZero {
      let (p, overflow) = inputCount.multipliedReportingOverflow(by: d)
      if overflow { throw fail("cannot infer the -1 in \(sizes) from the input shape \(input): its element count overflows") }
      inputCount = p
    }
    let inputHasZero = hasZero && input.contains(0)
    let missing = inputCount / product
    if !inputHasZero && product * missing != inputCount {
      throw fail("cannot reshape a tensor of shape \(input) (\(count) elements) to \(sizes): \(count) is not a multiple of \(product), the product of the known dimensions")
    }
    shape[u] = missing
  }
  let total = hasZero ? 0 : (unknown == nil ? product : product &* shape[unknown!])
  guard total == count else {
    throw fail("cannot reshape a tensor of shape \(input) (\(count) elements) to \(shape) (\(total) elements)")
  }
  return shape
}

extension Graph {
  /// `x` with a new shape (`Reshape`), sharing its storage: `shape` may
  /// hold one `-1`, inferred from the element count.
  ///
  ///     try g.reshape(images, [-1, 784])   // [?, 28, 28] → [?, 784]
  public func reshape(
    _ x: Output, _ shape: [Int], name: String? = nil, file: String = #fileID, line: Int = #line
  ) throws -> Output {
    try buildWithIndexInput(
      "Reshape", [x], index: shape, argName: "shape", name: name, defaultName: "Reshape", file: file, line: line)
  }

  /// `x` reshaped to the shape held by the integer vector `shape`.
  public func reshape(
    _ x: Output, shape: Output, name: String? = nil, file: String = #fileID, line: Int = #line
  ) throws -> Output {
    try build("Reshape", [x, shape], name: name, file: file, line: line)
  }
}
