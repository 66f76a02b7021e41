import Testing
import TensorGraph

/// Checks that `actual` has `shape` and that every element is within
/// `tolerance` (absolute, plus the same relative to the expected magnitude)
/// of `expected`, reporting the first few mismatches with their indices.
public func expectClose(
  _ actual: Tensor, _ expected: [Double], shape: [Int]? = nil, tolerance: Double = 1e-5,
  sourceLocation: Testing.SourceLocation = #_sourceLocation
) {
  if let shape {
    #expect(actual.shape == shape, "shape \(actual.shape) != expected \(shape)", sourceLocation: sourceLocation)
  }
  let values = actual.doubles()
  guard values.count == expected.count else {
    Issue.record(
      "tensor has \(values.count) elements, expected \(expected.count)", sourceLocation: sourceLocation)
    return
  }
  var bad: [String] = []
  for (i, (a, e)) in zip(values, expected).enumerated() {
    let ok = (a.isNaN && e.isNaN) || a == e || abs(a - e) <= tolerance * (1 + abs(e))
    if !ok { bad.append("[\(i)] \(a) != \(e)") }
  }
  if !bad.isEmpty {
    Issue.record(
      "\(bad.count) element(s) differ beyond \(tolerance): \(bad.prefix(5).joined(separator: ", "))",
      sourceLocation: sourceLocation)
  }
}

/// Checks that two tensors have the same shape and elements within
/// `tolerance`.
public func expectClose(
  _ actual: Tensor, _ expected: Tensor, tolerance: Double = 1e-5,
  sourceLocation: Testing.SourceLocation = #_sourceLocation
) {
  expectClose(actual, expected.doubles(), shape: expected.shape, tolerance: tolerance, sourceLocation: sourceLocation)
}

/// Runs `body`, expecting a ``TensorGraphError`` with `reason` whose
/// description contains every string in `fragments`; returns the error.
@discardableResult
public func expectError<R>(
  _ reason: TensorGraphError.Reason, containing fragments: [String] = [],
  sourceLocation: Testing.SourceLocation = #_sourceLocation, _ body: () throws -> R
) -> TensorGraphError? {
  do {
    _ = try body()
    Issue.record("expected a \(reason) error, but nothing was thrown", sourceLocation: sourceLocation)
    return nil
  } catch let e as TensorGraphError {
    #expect(e.reason == reason, "got \(e.reason): \(e)", sourceLocation: sourceLocation)
    for f in fragments {
      #expect(e.description.contains(f), "'\(e)' does not mention '\(f)'", sourceLocation: sourceLocation)
    }
    return e
  } catch {
    Issue.record("expected TensorGraphError, got \(error)", sourceLocation: sourceLocation)
    return nil
  }
}

/// Evaluates `output` in a fresh session with `feeds`.
public func evaluate(_ output: Output, feeds: [Output: Tensor] = [:]) throws -> Tensor {
  try Session(graph: output.graph).run(output, feeds: feeds)
}

/// A deterministic pseudo-random generator (SplitMix64) for test data.
public struct TestRandom: RandomNumberGenerator {
  private var state: UInt64
  /// Creates a generator from a seed.
  public init(seed: UInt64) { state = seed }
  /// The next 64 random bits.
  public mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }
  /// `count` uniform values in `range`.
  public mutating func uniform(_ count: Int, in range: ClosedRange<Double> = -1...1) -> [Double] {
    (0..<count).map { _ in Double.random(in: range, using: &self) }
  }
}

extension Tensor {
  /// A float32 tensor from doubles (test convenience; traps on a count
  /// mismatch, which is a bug in the test).
  public static func f32(_ values: [Double], _ shape: [Int]) -> Tensor {
    try! Tensor(shape: shape, scalars: values.map { Float($0) })
  }
  /// A float64 tensor from doubles.
  public static func f64(_ values: [Double], _ shape: [Int]) -> Tensor {
    try! Tensor(shape: shape, scalars: values)
  }
}
