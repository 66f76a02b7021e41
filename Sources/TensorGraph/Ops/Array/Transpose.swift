// Transpose: permutes dimensions. The kernel is in
// Runtime/Kernels/TransposeKernels.swift.

// MARK: - Transpose

extension StandardOps {
  static let transpose = OpDef(
    "Transpose", inputs: ["x: T", "perm: Tperm"], outputs: ["y: T"],
    attrs: ["T: type", "Tperm: {int32, int64} = int32"],
    summary: "Permutes the dimensions of x: dimension i of the result is dimension perm[i] of x.",
    shape: { c in
      try c.requireVector(1, "perm")
      let input = c.shape(0)
      let permLength = c.shape(1)[0].value
      let perm = c.constantInts(1)
      guard let rank = input.rank ?? permLength ?? perm?.count else { return [.unknown] }
      if input.rank == nil && rank < 2 { return [input] }
      if let n = permLength ?? perm?.count, n != rank {
        throw c.error("perm has \(n) entries but the input \(input) has rank \(rank)")
      }
      guard let perm else { return [.unknown(rank: rank)] }
      if let problem = permutationProblem(perm, rank: rank) { throw c.invalid(problem) }
      return [PartialShape(dims: perm.map { input[$0] })]
    },
    kernel: transposeKernel,
    gradient: .function { c in
      // y = transpose(x, p) puts dimension p[i] of x at i; the gradient goes
      // back with the inverse permutation: dx = transpose(dy, p⁻¹).
      let g = c.graph
      if let perm = g.constantValue(of: c.input(1).ref)?.integers() {
        return [try g.transpose(c.grad, perm: invertedPermutation(perm)), nil]
      }
      return [try g.transpose(c.grad, perm: try g.invertPermutation(c.input(1))), nil]
    },
    cost: { c in Cost(flops: 0, bytes: Double(c.inputBytes + c.outputBytes)) })

  /// Why `perm` is not a permutation of `0..<rank`, or `nil` when it is.
  static func permutationProblem(_ perm: [Int], rank: Int, label: String = "perm") -> String? {
    var seen = [Bool](repeating: false, count: rank)
    for p in perm {
      guard p >= 0 && p < rank else {
        return "\(label) \(perm) is not a permutation of 0..<\(rank): \(p) is out of range [0, \(rank))"
      }
      guard !seen[p] else { return "\(label) \(perm) is not a permutation of 0..<\(rank): \(p) appears twice" }
      seen[p] = true
    }
    return nil
  }
}

/// The inverse of the permutation `perm` (which must be one): `inverse[perm[i]] = i`.
func invertedPermutation(_ perm: [Int]) -> [Int] {
  var inverse = [Int](repeating: 0, count: perm.count)
  for (i, p) in perm.enumerated() { inverse[p] = i }
  return inverse
}

extension Graph {
  /// Permutes the dimensions of `x` (`Transpose`): dimension `i` of the
  /// result is dimension `perm[i]` of `x`. Without `perm`, reverses the
  /// dimensions (a matrix transpose for rank 2), as `tf.transpose`; that
  /// needs `x`'s rank to be known.
  public func transpose(
    _ x: Output, perm: [Int]? = nil, name: String? = nil, file: String = #fileID, line: Int = #line
  ) throws -> Output {
    var p = perm
    if p == nil {
      guard let rank = x.shape.rank else {
        throw TensorGraphError(
          .invalidArgument,
          "transpose of \(x.name) needs an explicit perm: the input's rank is unknown, so the reversed order is not known when building",
          op: "Transpose", site: SourceLocation(fileID: file, line: line))
      }
      p = Array((0..<rank).reversed())
    }
    return try buildWithIndexInput(
      "Transpose", [x], index: p!, argName: "perm", name: name, defaultName: "transpose", file: file, line: line)
  }

  /// Permutes the dimensions of `x` by the integer vector `perm`.
  public func transpose(
    _ x: Output, perm: Output, name: String? = nil, file: String = #fileID, line: Int = #line
  ) throws -> Output {
    try build("Transpose", [x, perm], name: name ?? "transpose", file: file, line: line)
  }
}

// MARK: - InvertPermutation

extension StandardOps {
  static let invertPermutation = OpDef(
    "InvertPermutation", inputs: ["x: T"], outputs: ["y: T"], attrs: ["T: {int32, int64} = int32"], flags: .cheap,
    summary: "Returns the inverse of the permutation x of 0..<n: y[x[i]] = i.",
    shape: { c in
      try c.requireVector(0, "x")
      if let x = c.constantInts(0), let problem = permutationProblem(x, rank: x.count, label: "x") {
        throw c.invalid(problem)
      }
      return [c.shape(0).rank == nil ? .unknown(rank: 1) : c.shape(0)]
    },
    kernel: { b in
      let wide = b.inputs[0].dtype == .int64
      return { ctx in
        let x = ctx.input(0)
        guard x.rank == 1 else {
          throw ctx.error(.invalidArgument, "'x' must be a vector but has shape \(x.shape)")
        }
        let perm = x.indexScalars()
        if let problem = StandardOps.permutationProblem(perm, rank: perm.count, label: "x") {
          throw ctx.error(.invalidArgument, problem)
        }
        ctx.setOutput(0, Tensor.indexVector(invertedPermutation(perm), wide: wide))
      }
    },
    gradient: .notDifferentiable)
}

extension Graph {
  /// The inverse of the permutation vector `x` (`InvertPermutation`,
  /// `tf.math.invert_permutation`): `y[x[i]] = i`.
  public func invertPermutation(_ x: Output, name: String? = nil, file: String = #fileID, line: Int = #line) throws
    -> Output
  {
    try build("InvertPermutation", [x], name: name, file: file, line: line)
  }
}
