import Foundation

// Shuffling, batching and splitting of arrays whose first axis holds the
// samples, as Keras's `fit` does them with numpy.

/// SplitMix64 (Steele, Lea and Flood, "Fast splittable pseudorandom number
/// generators", 2014): a 64-bit state advanced by the golden-ratio
/// increment 0x9E3779B97F4A7C15 and finalized with two xor-shift-multiply
/// rounds. Small, fast, and the same sequence on every platform and Swift
/// version, which is what reproducible shuffles need (the standard library
/// reserves the right to change how it draws from a generator, so the
/// draws here use ``next(below:)`` instead).
///
///     var rng = SplitMix64(seed: 42)
///     let order = shuffledIndices(count: 60_000, using: &rng)   // epoch 1
///     let again = shuffledIndices(count: 60_000, using: &rng)   // epoch 2
public struct SplitMix64: RandomNumberGenerator, Sendable {
  private var state: UInt64

  /// Creates a generator whose sequence is fixed by `seed`.
  public init(seed: UInt64) { state = seed }

  /// The next 64 random bits.
  public mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }
}

extension RandomNumberGenerator {
  /// A uniform integer in `0..<bound` by Lemire's multiply-and-reject
  /// method ("Fast random integer generation in an interval", 2019): the
  /// high word of `next() × bound`, redrawn while the low word falls in the
  /// biased sliver. Written out so shuffles stay reproducible.
  ///
  /// - Precondition: `bound > 0`.
  public mutating func next(below bound: Int) -> Int {
    precondition(bound > 0, "next(below:) needs a positive bound")
    let b = UInt64(bound)
    var m = next().multipliedFullWidth(by: b)
    if m.low < b {
      let threshold = (0 &- b) % b
      while m.low < threshold { m = next().multipliedFullWidth(by: b) }
    }
    return Int(m.high)
  }
}

/// A random permutation of `0..<count` by Fisher–Yates (from the last
/// position down, each swapped with a position drawn by
/// `next(below: i + 1)`), drawing from `generator`.
public func shuffledIndices<G: RandomNumberGenerator>(count: Int, using generator: inout G) -> [Int] {
  var indices = Array(0..<Swift.max(count, 0))
  var i = indices.count - 1
  while i > 0 {
    indices.swapAt(i, generator.next(below: i + 1))
    i -= 1
  }
  return indices
}

/// A random permutation of `0..<count` fixed by `seed`: Fisher–Yates
/// drawing from ``SplitMix64`` seeded with `seed`.
public func shuffledIndices(count: Int, seed: UInt64) -> [Int] {
  var generator = SplitMix64(seed: seed)
  return shuffledIndices(count: count, using: &generator)
}

/// The arrays with their samples (rows of the first axis) in one random
/// order, the same for every array: `x` and `y` stay paired.
///
///     let s = try shuffled([xTrain, yTrain], seed: 7)
///
/// - Throws: ``TensorGraphError`` (`invalidArgument`) when an array is a
///   scalar or the arrays hold different numbers of samples.
public func shuffled(_ arrays: [Tensor], seed: UInt64) throws -> [Tensor] {
  let count = try sampleCount(arrays, "shuffled")
  let order = shuffledIndices(count: count, seed: seed)
  return try arrays.map { try $0.gatherRows(order) }
}

/// The ranges of samples of each batch, in order: `⌈count / batchSize⌉`
/// batches of `batchSize`, the last one smaller when `batchSize` does not
/// divide `count` (as Keras's `fit` batches). No batches for no samples.
///
///     try batches(count: 10, batchSize: 4)   // [0..<4, 4..<8, 8..<10]
///
/// - Throws: ``TensorGraphError`` (`invalidArgument`) when `batchSize` is
///   less than 1 or `count` is negative.
public func batches(count: Int, batchSize: Int) throws -> [Range<Int>] {
  guard batchSize >= 1 else {
    throw TensorGraphError(.invalidArgument, "batch size \(batchSize) is not positive; it must be at least 1")
  }
  guard count >= 0 else { throw TensorGraphError(.invalidArgument, "cannot batch a negative number of samples (\(count))") }
  return stride(from: 0, to: count, by: batchSize).map { $0..<Swift.min($0 + batchSize, count) }
}

/// Keras's `validation_split`: the last `validationSplit` fraction of the
/// samples (not a random one: shuffle first for that) becomes the
/// validation set, the rest the training set. The split index is
/// `⌊n × (1 − validationSplit)⌋`, computed as Keras computes it.
///
///     let (train, val) = try trainValidationSplit([x, y], validationSplit: 0.2)
///
/// - Throws: ``TensorGraphError`` (`invalidArgument`) when the fraction is
///   not strictly between 0 and 1, the arrays hold different numbers of
///   samples, or either part would be empty.
public func trainValidationSplit(_ arrays: [Tensor], validationSplit: Double) throws -> (
  train: [Tensor], validation: [Tensor]
) {
  guard validationSplit > 0 && validationSplit < 1 else {
    throw TensorGraphError(
      .invalidArgument, "validationSplit is \(validationSplit); it must be a fraction strictly between 0 and 1")
  }
  let count = try sampleCount(arrays, "trainValidationSplit")
  let splitAt = Int((Double(count) * (1.0 - validationSplit)).rounded(.down))
  guard splitAt > 0 && splitAt < count else {
    throw TensorGraphError(
      .invalidArgument,
      "training data contains \(count) samples, which is not sufficient to split it into a validation and training set as specified by validationSplit=\(validationSplit); provide more data or a different validationSplit")
  }
  return (try arrays.map { try $0.rows(0..<splitAt) }, try arrays.map { try $0.rows(splitAt..<count) })
}

/// The number of samples the arrays share, or an error naming their
/// counts.
private func sampleCount(_ arrays: [Tensor], _ function: String) throws -> Int {
  guard !arrays.isEmpty else { throw TensorGraphError(.invalidArgument, "\(function): no arrays were given") }
  if let scalar = arrays.firstIndex(where: { $0.rank == 0 }) {
    throw TensorGraphError(.invalidArgument, "\(function): array \(scalar) is a scalar, which has no samples")
  }
  let counts = arrays.map { $0.shape[0] }
  guard counts.allSatisfy({ $0 == counts[0] }) else {
    throw TensorGraphError(
      .invalidArgument,
      "\(function): the arrays hold different numbers of samples: \(counts.map(String.init).joined(separator: ", ")) (shapes \(arrays.map { "\($0.shape)" }.joined(separator: ", ")))")
  }
  return counts[0]
}
