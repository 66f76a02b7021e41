import TensorGraph
import TensorGraphTestSupport

// Reference helpers for the array, reduction and random op tests: tensors
// of any dtype from doubles, and row-major index arithmetic for the
// nested-loop references.

extension Tensor {
  /// A tensor of `dtype` from doubles (converted exactly for the small
  /// integers tests use; nonzero is `true` for bool).
  static func of(_ values: [Double], _ shape: [Int], _ dtype: DType) -> Tensor {
    switch dtype {
    case .float32: return try! Tensor(shape: shape, scalars: values.map { Float($0) })
    case .float64: return try! Tensor(shape: shape, scalars: values)
    case .int32: return try! Tensor(shape: shape, scalars: values.map { Int32($0) })
    case .int64: return try! Tensor(shape: shape, scalars: values.map { Int64($0) })
    case .uint8: return try! Tensor(shape: shape, scalars: values.map { UInt8($0) })
    case .bool: return try! Tensor(shape: shape, scalars: values.map { $0 != 0 })
    }
  }

  /// A rank-1 int32 tensor.
  static func i32(_ values: [Int]) -> Tensor { Tensor(values.map { Int32($0) }) }
  /// A rank-1 int64 tensor.
  static func i64(_ values: [Int]) -> Tensor { Tensor(values.map { Int64($0) }) }
}

/// The multi-index of flat position `flat` in `shape` (row-major).
func unravel(_ flat: Int, _ shape: [Int]) -> [Int] {
  var index = [Int](repeating: 0, count: shape.count)
  var rest = flat
  for d in stride(from: shape.count - 1, through: 0, by: -1) {
    index[d] = rest % shape[d]
    rest /= shape[d]
  }
  return index
}

/// The flat position of multi-index `index` in `shape` (row-major).
func ravel(_ index: [Int], _ shape: [Int]) -> Int {
  var flat = 0
  for (i, s) in zip(index, shape) { flat = flat * s + i }
  return flat
}

/// Every permutation of `0..<n`.
func permutations(_ n: Int) -> [[Int]] {
  if n == 0 { return [[]] }
  return permutations(n - 1).flatMap { p in (0...p.count).map { i in var q = p; q.insert(n - 1, at: i); return q } }
}

/// Every subset of `0..<n`, as sorted arrays.
func subsets(_ n: Int) -> [[Int]] {
  (0..<(1 << n)).map { mask in (0..<n).filter { mask & (1 << $0) != 0 } }
}

/// `count` small integers in `range` as doubles (exact in every dtype).
func smallIntegers(_ count: Int, in range: ClosedRange<Int> = 0...9, seed: UInt64 = 1) -> [Double] {
  var rng = TestRandom(seed: seed)
  return (0..<count).map { _ in Double(Int.random(in: range, using: &rng)) }
}

/// The dtypes every data-movement op must handle.
let allDTypes = DType.allCases
