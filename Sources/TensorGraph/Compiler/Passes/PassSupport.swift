// Helpers the standard passes share: what a node reads by reference, how
// many readers an output has, whether a constant is all ones or zeros.

extension Node {
  /// Whether any input is a variable reference (`Ref(T)`): such nodes
  /// update state and are never folded, merged or fused.
  var hasReferenceInputs: Bool {
    def.inputs.contains { $0.isRef }
  }
}

extension Graph {
  /// How many data inputs of other nodes read output `ref`.
  func readerCount(of ref: TensorRef) -> Int {
    consumers(of: ref.node).reduce(0) { acc, c in acc + node(at: c).inputs.filter { $0 == ref }.count }
  }

  /// The `Const` value behind `output`, unless it may be fed.
  func constant(_ output: Output, keep: KeepSet) -> Tensor? {
    let producer = node(at: output.nodeID)
    guard !keep.isFed(producer, output.index) else { return nil }
    return constantValue(of: output.ref)
  }
}

extension Tensor {
  /// Whether every element equals `value` (an empty tensor: false).
  func isFilled(with value: Double) -> Bool {
    guard scalarCount > 0, dtype.isNumeric else { return false }
    return doubles().allSatisfy { $0 == value }
  }
}

extension PartialShape {
  /// Whether broadcasting a value of this shape against `operand` leaves
  /// `operand`'s shape unchanged whatever its unknown dimensions turn out
  /// to be: no more dimensions, and each dimension 1 or equal to a known
  /// dimension of `operand`.
  func broadcastsInto(_ operand: PartialShape) -> Bool {
    guard let d = dims, let o = operand.dims, d.count <= o.count else { return false }
    let offset = o.count - d.count
    for (i, dim) in d.enumerated() {
      if dim.value == 1 { continue }
      guard let v = dim.value, o[offset + i].value == v else { return false }
    }
    return true
  }
}
