// BroadcastGradientArgs: the reduction axes that undo broadcasting, for
// gradients whose shapes are known only at run time.

extension StandardOps {
  static let broadcastGradientArgs = OpDef(
    "BroadcastGradientArgs", inputs: ["s0: T", "s1: T"], outputs: ["r0: T", "r1: T"],
    attrs: ["T: {int32, int64} = int32"], flags: .cheap,
    summary: "For shapes s0 and s1 broadcast together, the axes of the result to sum to recover each shape.",
    shape: { c in
      for i in 0..<2 where (c.shape(i).rank ?? 1) != 1 {
        throw c.error("input \(i) must be a shape vector (rank 1) but has shape \(c.shape(i))")
      }
      return [PartialShape.unknown(rank: 1), PartialShape.unknown(rank: 1)]
    },
    kernel: { b in
      func make<T: TensorSignedScalar & FixedWidthInteger>(_: T.Type) -> KernelFunction {
        { ctx in
          let s0 = ctx.input(0), s1 = ctx.input(1)
          let a = s0.withUnsafeBufferPointer(as: T.self) { $0.map(Int.init) }
          let b = s1.withUnsafeBufferPointer(as: T.self) { $0.map(Int.init) }
          guard let out = broadcastShapes(a, b) else {
            throw ctx.error(.shapeMismatch, "incompatible shapes for broadcasting: \(a) and \(b)")
          }
          func axes(_ s: [Int]) -> [T] {
            let lead = out.count - s.count
            return out.indices.compactMap { i in
              i < lead || (s[i - lead] == 1 && out[i] != 1) ? T(i) : nil
            }
          }
          ctx.setOutput(0, Tensor(axes(a)))
          ctx.setOutput(1, Tensor(axes(b)))
        }
      }
      switch b.inputs[0].dtype {
      case .int32: return make(Int32.self)
      case .int64: return make(Int64.self)
      default: throw b.unsupported()
      }
    },
    gradient: .notDifferentiable)
}
