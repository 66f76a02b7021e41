// SplitV: cuts a tensor into pieces of given sizes along one dimension, the
// inverse of ConcatV2. The kernel is in Runtime/Kernels/SplitKernels.swift.

// MARK: - SplitV

extension StandardOps {
  static let splitV = OpDef(
    "SplitV", inputs: ["value: T", "size_splits: Tlen", "split_dim: int32"], outputs: ["output: num_split * T"],
    attrs: ["num_split: int >= 1", "T: type", "Tlen: {int32, int64} = int64"],
    summary: "Splits value along split_dim into num_split pieces of the sizes in size_splits; one size may be -1 (the rest).",
    shape: { c in
      try c.requireVector(1, "size_splits")
      try c.requireRank(2, atMost: 0, "split_dim")
      let num = c.int("num_split")
      if let n = c.shape(1)[0].value, n != num {
        throw c.error("size_splits has \(n) entries but num_split is \(num)")
      }
      let input = c.shape(0)
      guard let dims = input.dims else { return Array(repeating: .unknown, count: num) }
      if dims.isEmpty { throw c.error("cannot split a scalar") }
      let unknown = Array(repeating: PartialShape.unknown(rank: dims.count), count: num)
      guard let d = c.constantInts(2)?.first else { return unknown }
      guard let axis = normalizedAxis(d, rank: dims.count) else {
        throw c.invalid("split_dim \(d) is out of range for an input of shape \(input); it must be in [\(-dims.count), \(dims.count))")
      }
      if num == 1 { return [input] }
      var out = dims
      guard let sizes = c.constantInts(1) else {
        out[axis] = .unknown
        return Array(repeating: PartialShape(dims: out), count: num)
      }
      if sizes.count != num {
        throw c.invalid("size_splits \(sizes) has \(sizes.count) entries but num_split is \(num)")
      }
      var resolved = sizes.map { $0 == -1 ? Dimension.unknown : .known($0) }
      if let dim = dims[axis].value {
        let concrete = try resolveSplitSizes(sizes, dimension: dim) { c.invalid($0) }
        resolved = concrete.map(Dimension.known)
      } else {
        // Checks the sizes alone; -1 stays unknown.
        _ = try resolveSplitSizes(sizes, dimension: nil) { c.invalid($0) }
      }
      return resolved.map { size in
        var piece = out
        piece[axis] = size
        return PartialShape(dims: piece)
      }
    },
    kernel: splitVKernel,
    gradient: .function { c in
      // The pieces partition the value: dx is their gradients concatenated
      // (zeros for pieces that received none).
      let grads = try c.upstreamOrZeros()
      if grads.count == 1 { return [grads[0], nil, nil] }
      return [try c.graph.concat(grads, axis: c.input(2)), nil, nil]
    },
    cost: { c in Cost(flops: 0, bytes: Double(c.inputBytes + c.outputBytes)) })
}

/// The sizes of SplitV's pieces along a dimension of size `dimension`, with
/// the one `-1` allowed replaced by what the others leave. With an unknown
/// dimension (`nil`) only the sizes are checked and `-1` stays. `fail`
/// makes the error.
func resolveSplitSizes(
  _ sizes: [Int], dimension: Int?, _ fail: (String) -> TensorGraphError
) throws -> [Int] {
  var rest: Int?
  var total = 0
  for (i, s) in sizes.enumerated() {
    if s == -1 {
      if let r = rest {
        throw fail("size_splits \(sizes) has more than one -1 (at \(r) and \(i)); only one size can be inferred")
      }
      rest = i
    } else if s < 0 {
      throw fail("size_splits \(sizes) has a negative size \(s) at \(i); only -1 (the rest) is allowed")
    } else {
      let (t, overflow) = total.addingReportingOverflow(s)
      if overflow { throw fail("size_splits \(sizes) overflow when added") }
      total = t
    }
  }
  guard let dimension else { return sizes }
  var out = sizes
  if let r = rest {
    guard total <= dimension else {
      throw fail("size_splits \(sizes) add up to \(total), more than the \(dimension) elements of the split dimension")
    }
    out[r] = dimension - total
  } else if total != dimension {
    throw fail("size_splits \(sizes) add up to \(total) but the split dimension has \(dimension) elements")
  }
  return out
}

extension Graph {
  /// Splits `value` along `axis` into pieces of `sizes` elements (`SplitV`,
  /// `tf.split` with a list of sizes); one size may be -1, the rest of the
  /// dimension. Negative axes count from the end.
  ///
  ///     let parts = try g.split(x, sizes: [2, -1], axis: 1)   // [?, 5] → [?, 2], [?, 3]
  public func split(
    _ value: Output, sizes: [Int], axis: Int, name: String? = nil, file: String = #fileID, line: Int = #line
  ) throws -> [Output] {
    let site = SourceLocation(fileID: file, line: line)
    guard Tensor.fitsInt32(axis) else {
      throw TensorGraphError(.invalidArgument, "axis \(axis) does not fit SplitV's int32 split_dim", op: "SplitV", site: site)
    }
    return try withOpScope(name ?? "split") { scope in
      let s = try indexConstant(sizes, name: "size_splits", file: file, line: line)
      let d = try constant(Tensor(Int32(axis)), name: "split_dim", file: file, line: line)
      let node = try addNode(
        op: "SplitV", inputs: [value, s, d], attrs: ["num_split": .int(sizes.count)], name: scope, exactName: true,
        site: site)
      return outputs(of: node)
    }
  }

  /// Splits `value` into `count` pieces whose sizes the integer vector
  /// `sizes` holds, along the axis held by the int32 scalar `axis`.
  public func split(
    _ value: Output, sizes: Output, axis: Output, count: Int, name: String? = nil, file: String = #fileID,
    line: Int = #line
  ) throws -> [Output] {
    try buildMulti(
      "SplitV", [value, sizes, axis], attrs: ["num_split": .int(count)], name: name ?? "split", file: file, line: line)
  }
}
