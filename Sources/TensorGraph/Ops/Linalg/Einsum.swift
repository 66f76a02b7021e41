// Einsum (`tf.einsum`): a contraction of one or two operands written as an
// equation of axis labels, with TensorFlow's rules (exactly one `->`, an
// ellipsis for broadcast dimensions, repeated labels for diagonals in the
// inputs and in the output). The kernel (Runtime/Kernels/EinsumKernels.swift)
// runs it on the GEMM kernels; the gradient is TensorFlow's _EinsumGrad:
// another einsum of the upstream gradient with the other operand, summed
// over broadcast dimensions and broadcast back over labels summed away.

extension ShapeContext {
  /// The parsed equation of this Einsum node.
  fileprivate func einsumEquation() throws -> EinsumEquation {
    do throws(IndexingError) {
      return try EinsumEquation(string("equation"), operands: int("N"))
    } catch {
      throw invalid(error.message)
    }
  }
}

/// The labels of an Einsum on operands of `shapes` with the ellipsis
/// expanded, and every label's size.
private func einsumLabels(
  _ e: EinsumEquation, _ shapes: [PartialShape], equation: String
) throws(IndexingError) -> (inputs: [[Character]], output: [Character], sizes: [Character: Dimension]) {
  let ranks = shapes.map { $0.rank! }
  let (inputs, output, _) = try e.expanded(ranks: ranks)
  return (inputs, output, try einsumLabelSizes(inputs, shapes, equation: equation))
}

extension StandardOps {
  static let einsum = OpDef(
    "Einsum", inputs: ["inputs: N * T"], outputs: ["output: T"],
    attrs: ["equation: string", "N: int", "T: {float32, float64, int32, int64}"],
    summary: "The contraction of one or two operands that an equation of axis labels describes (tf.einsum).",
    shape: { c in
      try c.requireListLength(atLeast: 1, "inputs")
      let e = try c.einsumEquation()
      let shapes = (0..<c.int("N")).map { c.shape($0) }
      guard shapes.allSatisfy({ $0.rank != nil }) else {
        if e.inputs.contains(where: { $0.contains(EinsumEquation.ellipsis) }) { return [.unknown] }
        return [.unknown(rank: e.output.count)]
      }
      do throws(IndexingError) {
        let (_, output, sizes) = try einsumLabels(e, shapes, equation: c.string("equation"))
        return [PartialShape(dims: output.map { sizes[$0]! })]
      } catch {
        throw c.error("\(error.message) (operands of shapes \(shapes.map(\.description).joined(separator: ", ")))")
      }
    },
    kernel: { b in
      let equation = b.string("equation"), n = b.int("N")
      func make<T: GEMMScalar & SIMDScalar>(_: T.Type) -> KernelFunction {
        { ctx in
          let operands = (0..<n).map { ctx.input($0) }
          let shapes = operands.map { PartialShape($0.shape) }
          let labels: (inputs: [[Character]], output: [Character], sizes: [Character: Dimension])
          do throws(IndexingError) {
            labels = try einsumLabels(EinsumEquation(equation, operands: n), shapes, equation: equation)
          } catch {
            throw ctx.error(
              .invalidArgument,
              "\(error.message) (operands of shapes \(operands.map { "\($0.shape)" }.joined(separator: ", ")))")
          }
          let sizes = labels.sizes.mapValues { $0.value! }
          let shape = labels.output.map { sizes[$0]! }
          try ctx.checkAllocatable(shape, T.dtype, "the einsum's output")
          let out = ctx.allocateOutput(0, dtype: T.dtype, shape: shape)
          let pointers = operands.map { (pointer: $0.unsafePointer(as: T.self), shape: $0.shape) }
          einsumContract(
            pointers, labels: labels.inputs, output: labels.output, sizes: sizes,
            out: out.unsafeMutablePointer(as: T.self), outShape: shape, ctx)
          ctx.setOutput(0, out)
        }
      }
      switch b.inputs[0].dtype {
      case .float32: return make(Float.self)
      case .float64: return make(Double.self)
      case .int32: return make(Int32.self)
      case .int64: return make(Int64.self)
      default: throw b.unsupported()
      }
    },
    gradient: .function { c in try einsumGradient(c) },
    cost: { c in
      Cost(flops: 2 * CostContext.elements(c.outputs[0].shape) * CostContext.elements(c.inputs[0].shape).squareRoot(),
           bytes: c.inputBytes + c.outputBytes)
    })
}

// MARK: - Gradient

/// TensorFlow's _EinsumGrad: for each operand, the einsum of the upstream
/// gradient (and the other operand) back to the operand's labels less the
/// ones only it has and the output lacks (the reduced labels); summed over
/// the broadcast dimensions the operand did not have or had as 1; then,
/// when labels were reduced, broadcast over them and put in place by one
/// more einsum (`"{reduced}{left}->{operand}"`, which also rebuilds a
/// diagonal: the gradient of a trace is the identity). Summing or
/// broadcasting needs the operand's shape.
private func einsumGradient(_ c: GradientContext) throws -> [Output?] {
  let g = c.graph, equation = c.string("equation"), dots = EinsumEquation.ellipsis
  let e: EinsumEquation
  do throws(IndexingError) {
    e = try EinsumEquation(equation, operands: c.int("N"))
  } catch {
    throw c.node.error(.noGradient, error.message)
  }
  let operands = (0..<e.inputs.count).map { c.input($0) }
  let spell = { (ls: [Character]) in String(ls).replacingOccurrences(of: String(dots), with: "...") }
  let broadcastRank = operands.allSatisfy({ $0.shape.rank != nil })
    ? (try? e.expanded(ranks: operands.map { $0.shape.rank! }))?.broadcastRank : nil
  var grads: [Output?] = []
  for (k, labels) in e.inputs.enumerated() {
    let others = e.inputs.indices.filter { $0 != k }
    let elsewhere = Set(e.output + others.flatMap { e.inputs[$0] })
    var reduced: [Character] = []
    for l in labels where l != dots && !elsewhere.contains(l) && !reduced.contains(l) { reduced.append(l) }
    let hasEllipsis = labels.contains(dots)
    var left = labels.filter { !reduced.contains($0) }
    let e0 = broadcastRank ?? 0
    if !hasEllipsis && e0 > 0 { left.insert(dots, at: 0) }
    let terms = [spell(e.output)] + others.map { spell(e.inputs[$0]) }
    var dx = try g.einsum("\(terms.joined(separator: ","))->\(spell(left))", [c.grad] + others.map { operands[$0] })
    if reduced.isEmpty && e0 == 0 {
      grads.append(dx)
      continue
    }
    guard let shape = operands[k].shape.concrete, let e0 = broadcastRank else {
      throw c.node.error(
        .noGradient,
        "the gradient of Einsum '\(equation)' sums or broadcasts, which needs operands of known shape (operand \(k) has shape \(operands[k].shape))")
    }
    // The broadcast dimensions: summed where this operand lacks them
    // (dropped) or has them as 1 (kept).
    let named = labels.filter { $0 != dots }.count
    let own = hasEllipsis ? shape.count - named : 0
    let at = left.firstIndex(of: dots) ?? 0
    let position = labels.firstIndex(of: dots) ?? 0
    if e0 > 0 {
      let ones = (0..<own).filter { shape[position + $0] == 1 }.map { at + (e0 - own) + $0 }
      if !ones.isEmpty { dx = try g.sum(dx, axes: ones, keepDims: true) }
      if e0 > own { dx = try g.sum(dx, axes: Array(at..<(at + e0 - own))) }
      if !hasEllipsis { left.removeAll { $0 == dots } }
    }
    guard !reduced.isEmpty else {
      grads.append(dx)
      continue
    }
    // Broadcast over the reduced labels, then put every label in place.
    var size: [Character: Int] = [:]
    var axis = 0
    for l in labels {
      if l == dots {
        axis += own
      } else {
        size[l] = shape[axis]
        axis += 1
      }
    }
    let ellipsisShape = hasEllipsis ? Array(shape[position..<(position + own)]) : []
    let leftShape = left.flatMap { $0 == dots ? ellipsisShape : [size[$0]!] }
    let reducedShape = reduced.map { size[$0]! }
    dx = try g.broadcastTo(
      try g.reshape(dx, [Int](repeating: 1, count: reduced.count) + leftShape), shape: reducedShape + leftShape)
    grads.append(try g.einsum("\(spell(reduced + left))->\(spell(labels))", [dx]))
  }
  return grads
}

// MARK: - Builder

extension Graph {
  /// The contraction of `inputs` (one or two) that `equation` describes
  /// (`Einsum`; `tf.einsum`): labels name axes, a label in both operands
  /// and not in the output is summed over, `...` stands for broadcast
  /// dimensions, a repeated label is a diagonal. Without `->` the output
  /// is, as NumPy's implicit mode, the ellipsis and then the labels that
  /// appear once, in alphabetical order.
  ///
  ///     try g.einsum("ij,jk->ik", [a, b])          // MatMul
  ///     try g.einsum("bhqd,bhkd->bhqk", [q, k])    // attention scores
  ///     try g.einsum("ii->i", [m])                 // diagonal
  public func einsum(
    _ equation: String, _ inputs: [Output], name: String? = nil, file: String = #fileID, line: Int = #line
  ) throws -> Output {
    var explicit = equation.filter { !$0.isWhitespace }
    if !explicit.contains("->") {
      let labels = explicit.replacingOccurrences(of: "...", with: "").filter { $0 != "," }
      let once = Set(labels.filter { l in labels.filter { $0 == l }.count == 1 }).sorted()
      explicit += "->" + (explicit.contains("...") ? "..." : "") + String(once)
    }
    return try build(
      "Einsum", inputs, attrs: ["equation": .string(explicit), "N": .int(inputs.count)], name: name, file: file,
      line: line)
  }
}
