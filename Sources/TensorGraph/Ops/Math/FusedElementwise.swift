// FusedElementwise: a chain of elementwise float ops computed in one loop
// (what the elementwise fusion pass makes). The chain is two attributes:
// `ops`, the TensorFlow op names in order, and `operands`, each op's
// operands flattened, where operand r < N is input r and r ≥ N the result
// of op r − N; the last op's result is the output. The kernel is in
// Runtime/Kernels/FusedElementwiseKernels.swift.
//
//     y = Relu(x · w + b)   →   FusedElementwise(x, w, b, ops: [Mul, AddV2, Relu], operands: [0, 1, 3, 2, 4])

// MARK: - FusedElementwise

extension StandardOps {
  static let fusedElementwise = OpDef(
    "FusedElementwise", inputs: ["inputs: N * T"], outputs: ["y: T"],
    attrs: ["N: int >= 1", "T: {float32, float64}", "ops: list(string)", "operands: list(int)"],
    flags: .elementwise,
    summary: "Computes a chain of elementwise ops (ops, with operands indexing the inputs and earlier results) in one loop, broadcasting as the ops do.",
    shape: { c in
      let chain: FusedChain
      do {
        chain = try FusedChain(inputCount: c.inputs.count, opNames: c.strings("ops"), operands: c.ints("operands"))
      } catch let e as FusedChainProblem {
        throw c.invalid(e.message)
      }
      var shapes = (0..<c.inputs.count).map { c.shape($0) }
      for (j, op) in chain.ops.enumerated() {
        let a = shapes[chain.operands[j][0]]
        guard op.arity == 2 else {
          shapes.append(a)
          continue
        }
        let b = shapes[chain.operands[j][1]]
        if op.broadcasts {
          guard let s = PartialShape.broadcast(a, b) else {
            throw c.error("ops[\(j)] (\(op.opName)): shapes \(a) and \(b) do not broadcast")
          }
          shapes.append(s)
        } else {
          guard let s = a.merged(with: b) else {
            throw c.error("ops[\(j)] (\(op.opName)) needs operands of the same shape, but they have shapes \(a) and \(b)")
          }
          shapes.append(s)
        }
      }
      return [shapes.last!]
    },
    kernel: fusedElementwiseKernel,
    gradient: .function { c in try fusedElementwiseGradient(c) },
    cost: { c in
      let elements = Double(c.outputs[0].shape.reduce(1, *))
      let flops = c.strings("ops").reduce(0.0) { $0 + (FusedOpcode.byName[$1]?.flops ?? 1) }
      return Cost(flops: flops * elements, bytes: Double(c.inputBytes + c.outputBytes))
    })
}

/// The gradient of a fused chain, by expanding it: the chain's ops are
/// rebuilt as ordinary nodes on the same inputs (the forward values their
/// gradient rules read), then each op's own gradient rule runs in reverse
/// order, contributions to a value being summed — the gradient graph of the
/// unfused chain, which the fusion pass can fuse again.
private func fusedElementwiseGradient(_ c: GradientContext) throws -> [Output?] {
  let g = c.graph
  let chain = try FusedChain(inputCount: c.inputs.count, opNames: c.strings("ops"), operands: c.ints("operands"))
  let n = chain.inputCount
  var values = c.inputs
  var nodes: [Node] = []
  try g.withNameScope("expanded") {
    for (j, op) in chain.ops.enumerated() {
      let node = try g.addNode(op: op.opName, inputs: chain.operands[j].map { values[$0] }, name: op.opName)
      nodes.append(node)
      values.append(j == chain.ops.count - 1 ? c.output(0) : g.output(node, 0))
    }
  }
  var contributions = [[Output]](repeating: [], count: values.count)
  contributions[values.count - 1] = [c.grad]
  func total(_ r: Int) throws -> Output? {
    let parts = contributions[r]
    guard parts.count > 1 else { return parts.first }
    return try g.addN(parts)
  }
  for j in stride(from: chain.ops.count - 1, through: 0, by: -1) {
    guard let upstream = try total(n + j), case .function(let rule) = nodes[j].def.gradient else { continue }
    let args = chain.operands[j].map { values[$0] }
    let context = GradientContext(graph: g, node: nodes[j], inputs: args, outputs: [values[n + j]], upstream: [upstream])
    for (k, grad) in try rule(context).enumerated() {
      if let grad { contributions[chain.operands[j][k]].append(grad) }
    }
  }
  return try (0..<n).map { try total($0) }
}

extension Graph {
  /// A fused chain of elementwise ops over `inputs` (`FusedElementwise`):
  /// `ops` are TensorFlow op names (`Mul`, `AddV2`, `Relu`, `TanhGrad`, …),
  /// `operands` each op's operands in order, flattened — operand `r` is
  /// `inputs[r]` when `r < inputs.count`, else the result of op
  /// `r − inputs.count`. The last op's result is returned.
  ///
  ///     // relu(x · w + b)
  ///     let y = try g.fusedElementwise([x, w, b], ops: ["Mul", "AddV2", "Relu"], operands: [0, 1, 3, 2, 4])
  public func fusedElementwise(
    _ inputs: [Output], ops: [String], operands: [Int], name: String? = nil, file: String = #fileID,
    line: Int = #line
  ) throws -> Output {
    try build(
      "FusedElementwise", inputs, attrs: ["ops": .strings(ops), "operands": .ints(operands)],
      name: name ?? "FusedElementwise", file: file, line: line)
  }
}
