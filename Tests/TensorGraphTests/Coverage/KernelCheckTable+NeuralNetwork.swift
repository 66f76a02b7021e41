import Foundation
import TensorGraph
import TensorGraphTestSupport

extension KernelCheckTable {
  /// The rows of the `neuralNetwork` op family (`StandardOps`' family of
  /// the same name): each activation and gradient op on every edge value
  /// of `mathEdges` in both dtypes, against its defining formula in
  /// double precision (rounded once to the dtype).
  static var neuralNetwork: [KernelCheck] {
    let scale = 1.0507009873554804934193349852946, scaleAlpha = 1.7580993408473768599402175208123
    var rows: [KernelCheck] = []
    let edges = mathEdges + [-1e-8, -1.7580993408473766, -1.75]
    let n = edges.count
    for dtype in [DType.float32, .float64] {
      let x = stored(edges, dtype)
      let tolerance = dtype == .float32 ? 1e-6 : 1e-14
      // alpha is a float32 attribute: float64 features see Float(alpha).
      for alpha in [0.2, 0.1, -2.0, 1.5] {
        let a = Double(Float(alpha))
        rows.append(row("LeakyRelu", "\(dtype) alpha \(alpha)", [tensor(edges, [n], dtype)],
          .values(dtype, [n], stored(x.map { $0 > 0 ? $0 : $0 * a }, dtype), tolerance: tolerance)) { g, v in
          try g.leakyRelu(v[0], alpha: alpha)
        })
        let grads = stored(x.indices.map { Double($0 % 5) - 1.5 }, dtype)
        rows.append(row("LeakyReluGrad", "\(dtype) alpha \(alpha)", [tensor(grads, [n], dtype), tensor(edges, [n], dtype)],
          .values(dtype, [n], stored(zip(grads, x).map { $1 > 0 ? $0 : $0 * a }, dtype), tolerance: tolerance)) { g, v in
          try g.gradOp("LeakyReluGrad", [v[0], v[1]], ["alpha": .float(alpha)])
        })
      }
      // Selu as TensorFlow computes it: exp(x) − 1, which is exactly 0 for
      // -1e-8 in float32 (exp rounds to 1) and tiny in float64.
      let selu = x.map { v -> Double in
        guard v < 0 else { return scale * v }
        let e = dtype == .float32 ? Double(Float(Foundation.exp(v))) : Foundation.exp(v)
        return scaleAlpha * (e - 1)
      }
      rows.append(row("Selu", "\(dtype) edges", [tensor(edges, [n], dtype)],
        .values(dtype, [n], stored(selu, dtype), tolerance: tolerance)) { g, v in try g.selu(v[0]) })
      let grads = stored(x.indices.map { 0.75 - Double($0 % 3) }, dtype)
      rows.append(row("SeluGrad", "\(dtype) edges", [tensor(grads, [n], dtype), tensor(edges, [n], dtype)],
        .values(dtype, [n], stored(zip(grads, x).map { $1 < 0 ? $0 * ($1 + scaleAlpha) : $0 * scale }, dtype),
          tolerance: tolerance)) { g, v in try g.gradOp("SeluGrad", [v[0], v[1]]) })
      rows.append(row("Softsign", "\(dtype) edges", [tensor(edges, [n], dtype)],
        .values(dtype, [n], stored(x.map { $0 / (Swift.abs($0) + 1) }, dtype), tolerance: tolerance)) { g, v in
        try g.softsign(v[0])
      })
      rows.append(row("SoftsignGrad", "\(dtype) edges", [tensor(grads, [n], dtype), tensor(edges, [n], dtype)],
        .values(dtype, [n], stored(zip(grads, x).map { $0 / ((Swift.abs($1) + 1) * (Swift.abs($1) + 1)) }, dtype),
          tolerance: tolerance)) { g, v in try g.gradOp("SoftsignGrad", [v[0], v[1]]) })
    }
    return rows
  }
}

extension Graph {
  /// A node of gradient op `op` (whose builders are internal to
  /// TensorGraph) on `inputs`, its first output.
  func gradOp(_ op: String, _ inputs: [Output], _ attrs: [String: AttrValue] = [:]) throws -> Output {
    output(try addNode(op: op, inputs: inputs, attrs: attrs))
  }
}
