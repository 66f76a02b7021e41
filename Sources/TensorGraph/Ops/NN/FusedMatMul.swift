// _FusedMatMul: MatMul + BiasAdd (+ an activation) in one node, as
// TensorFlow's Grappler remapper makes it (same op name and attributes).
// The kernel is in Runtime/Kernels/FusedMatMulKernels.swift.

// MARK: - _FusedMatMul

extension StandardOps {
  /// The activations `_FusedMatMul` applies after its bias.
  static let fusedMatMulActivations: Set<String> = ["Relu", "Relu6", "Elu", "Tanh", "Sigmoid"]

  static let fusedMatMul = OpDef(
    "_FusedMatMul", inputs: ["a: T", "b: T", "args: num_args * T"], outputs: ["product: T"],
    attrs: [
      "T: {float32, float64}", "transpose_a: bool = false", "transpose_b: bool = false", "num_args: int >= 0",
      "fused_ops: list(string) = []", "epsilon: float = 0.0001", "leakyrelu_alpha: float = 0.2",
    ],
    summary: "activation(op(a) · op(b) + bias): MatMul, BiasAdd and an optional activation in one kernel (fused_ops: [\"BiasAdd\"] or [\"BiasAdd\", <Relu|Relu6|Elu|Tanh|Sigmoid>]; args: [bias]).",
    shape: { c in
      let ops = c.strings("fused_ops")
      guard ops.first == "BiasAdd", ops.count <= 2, ops.dropFirst().allSatisfy(fusedMatMulActivations.contains)
      else {
        throw c.invalid(
          "fused_ops \(ops) is not supported: use [\"BiasAdd\"] or [\"BiasAdd\", a]] with a one of \(fusedMatMulActivations.sorted())")
      }
      guard c.inputs.count == 3 else {
        throw c.invalid("fused_ops [\"BiasAdd\", …] takes one argument (the bias) but \(c.inputs.count - 2) were given")
      }
      var out = try StandardOps.matMul.shapeFunction(c)[0]
      let bias = c.shape(2)
      if let rank = bias.rank, rank != 1 {
        throw c.error("the bias must be a vector (rank 1), but has shape \(bias)")
      }
      guard let n = out[1].merged(with: bias[0]) else {
        throw c.error("the bias has shape \(bias) but the product has \(out[1]) columns: \(out)")
      }
      out = [out[0], n]
      return [out]
    },
    kernel: fusedMatMulKernel,
    gradient: .function { c in
      // y = act(z), z = op(a)·op(b) + bias: dz from the activation's rule on
      // the output (ReluGrad(dy, y), TanhGrad(y, dy), …), dbias = Σ dz over
      // rows (BiasAddGrad), and da, db as MatMul's rule with dz.
      let g = c.graph
      let dz = try g.fusedActivationGradient(c.strings("fused_ops").dropFirst().first, output: c.output(0), grad: c.grad)
      let a = c.input(0), b = c.input(1)
      let (da, db): (Output, Output)
      switch (c.bool("transpose_a"), c.bool("transpose_b")) {
      case (false, false): (da, db) = (try g.matMul(dz, b, transposeB: true), try g.matMul(a, dz, transposeA: true))
      case (false, true): (da, db) = (try g.matMul(dz, b), try g.matMul(dz, a, transposeA: true))
      case (true, false): (da, db) = (try g.matMul(b, dz, transposeB: true), try g.matMul(a, dz))
      case (true, true):
        (da, db) = (
          try g.matMul(b, dz, transposeA: true, transposeB: true), try g.matMul(dz, a, transposeA: true, transposeB: true)
        )
      }
      return [da, db, try g.biasAddGrad(dz)]
    },
    cost: { c in
      let a = c.inputs[0].shape, out = c.outputs[0].shape
      let k = c.bool("transpose_a") ? a[0] : a[1]
      let elements = Double(out.reduce(1, *))
      // The activation costs what it costs unfused (ReLU one comparison,
      // Tanh a transcendental), so fusing does not change the estimate.
      let activation = c.strings("fused_ops").dropFirst().first.map { FusedOpcode.byName[$0]?.flops ?? transcendentalFlops } ?? 0
      return Cost(
        flops: 2 * Double(out[0] * out[1] * k) + elements * (1 + activation),
        bytes: Double(c.inputBytes + c.outputBytes))
    })
}

extension Graph {
  /// The gradient of `activation`'s input from its output `y` and the
  /// upstream gradient (`ReluGrad(dy, y)`, `TanhGrad(y, dy)`, …; `dy` itself
  /// for no activation): what fused ops with an activation epilogue
  /// (`_FusedMatMul`, `_FusedConv2D`) back-propagate through it.
  func fusedActivationGradient(_ activation: String?, output y: Output, grad dy: Output) throws -> Output {
    switch activation {
    case "Relu": return try reluGrad(dy, y)
    case "Relu6": return try relu6Grad(dy, y)
    case "Elu": return try eluGrad(dy, y)
    case "Tanh": return try tanhGrad(y, dy)
    case "Sigmoid": return try sigmoidGrad(y, dy)
    default: return dy
    }
  }

  /// `activation(op(a) · op(b) + bias)` in one node (`_FusedMatMul`, what
  /// the remapper pass makes of `MatMul` → `BiasAdd` → activation).
  ///
  /// - Parameter activation: `nil`, `"Relu"`, `"Relu6"`, `"Elu"`, `"Tanh"`
  ///   or `"Sigmoid"`.
  public func fusedMatMul(
    _ a: Output, _ b: Output, bias: Output, activation: String? = nil, transposeA: Bool = false,
    transposeB: Bool = false, name: String? = nil, file: String = #fileID, line: Int = #line
  ) throws -> Output {
    try build(
      "_FusedMatMul", [a, b, bias],
      attrs: [
        "transpose_a": .bool(transposeA), "transpose_b": .bool(transposeB),
        "fused_ops": .strings(["BiasAdd"] + (activation.map { [$0] } ?? [])),
      ], name: name ?? "FusedMatMul", file: file, line: line)
  }
}
