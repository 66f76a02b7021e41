import TensorGraph
import TensorGraphTestSupport

/// Helpers shared by the math and NN op tests: tensors of any dtype from
/// doubles, per-dtype tolerances, one-op evaluation and a reference for
/// numpy broadcasting written with plain index arithmetic.
enum MathFixtures {
  /// A tensor of `dtype` holding `values` (which must be exact in it;
  /// `bool` is `!= 0`).
  static func tensor(_ values: [Double], _ shape: [Int], _ dtype: DType) -> Tensor {
    switch dtype {
    case .float32: return Tensor.f32(values, shape)
    case .float64: return Tensor.f64(values, shape)
    case .int32: return try! Tensor(shape: shape, scalars: values.map { Int32($0) })
    case .int64: return try! Tensor(shape: shape, scalars: values.map { Int64($0) })
    case .uint8: return try! Tensor(shape: shape, scalars: values.map { UInt8($0) })
    case .bool: return try! Tensor(shape: shape, scalars: values.map { $0 != 0 })
    }
  }

  /// Values rounded as `dtype` stores them (float32 rounding), so a
  /// reference computed in Double sees the kernel's actual inputs.
  static func stored(_ values: [Double], _ dtype: DType) -> [Double] {
    dtype == .float32 ? values.map { Double(Float($0)) } : values
  }

  /// A relative tolerance for results of `dtype` computed in a few steps.
  static func tolerance(_ dtype: DType) -> Double {
    dtype == .float32 ? 2e-6 : 1e-13
  }

  /// Evaluates `op` applied to a constant holding `input`.
  static func apply(_ op: (Graph, Output) throws -> Output, to input: Tensor) throws -> Tensor {
    let g = Graph()
    return try evaluate(try op(g, try g.constant(input)))
  }

  /// The numpy broadcast of `shapes` and, for each output element, the
  /// flat index it reads in each operand.
  static func broadcastIndices(_ shapes: [[Int]]) -> (shape: [Int], indices: [[Int]]) {
    let rank = shapes.map(\.count).max() ?? 0
    let padded = shapes.map { Array(repeating: 1, count: rank - $0.count) + $0 }
    let out = (0..<rank).map { d in padded.map { $0[d] }.first { $0 != 1 } ?? 1 }
    let count = out.reduce(1, *)
    var indices: [[Int]] = []
    for flat in 0..<count {
      var rem = flat
      var idx = [Int](repeating: 0, count: rank)
      for d in stride(from: rank - 1, through: 0, by: -1) {
        idx[d] = rem % out[d]
        rem /= out[d]
      }
      indices.append(padded.map { p in (0..<rank).reduce(0) { $0 * p[$1] + (p[$1] == 1 ? 0 : idx[$1]) } })
    }
    return (out, indices)
  }
}
