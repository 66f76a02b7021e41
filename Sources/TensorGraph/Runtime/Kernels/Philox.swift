// Philox4x32-10, the counter-based generator of Salmon, Moraes, Dror and
// Shaw, "Parallel random numbers: as easy as 1, 2, 3" (SC 2011), and the
// one TensorFlow's random ops use: a 128-bit counter encrypted under a
// 64-bit key by ten rounds of multiply-and-xor. Block i of a stream is
// Philox(counter + i), so any part of the stream can be computed directly,
// and TensorFlow's layout of seeds, counters and samples is followed so
// that the same seeds draw the same numbers.

/// The Philox4x32-10 generator: a key and a 128-bit counter; each call of
/// ``next()`` returns the 128-bit block for the current counter and
/// increments it.
public struct Philox4x32: Sendable, Hashable {
  /// The 64-bit key, low word first.
  public var key: SIMD2<UInt32>
  /// The 128-bit counter, least significant word first.
  public var counter: SIMD4<UInt32>

  /// A generator with an explicit counter and key.
  public init(counter: SIMD4<UInt32>, key: SIMD2<UInt32>) {
    self.counter = counter
    self.key = key
  }

  /// TensorFlow's `PhiloxRandom(seed, seed2)`: the key is `seed`, the
  /// counter's high 64 bits are `seed2`, its low 64 bits start at 0.
  public init(seed: UInt64, seed2: UInt64) {
    key = SIMD2(UInt32(truncatingIfNeeded: seed), UInt32(truncatingIfNeeded: seed >> 32))
    counter = SIMD4(0, 0, UInt32(truncatingIfNeeded: seed2), UInt32(truncatingIfNeeded: seed2 >> 32))
  }

  /// The block for the current counter; advances the counter by one.
  @inlinable
  public mutating func next() -> SIMD4<UInt32> {
    let result = Philox4x32.block(counter: counter, key: key)
    skip(1)
    return result
  }

  /// Advances the counter by `count` blocks (a 128-bit addition).
  @inlinable
  public mutating func skip(_ count: UInt64) {
    let low = UInt64(counter[0]) | UInt64(counter[1]) << 32
    let (sum, carry) = low.addingReportingOverflow(count)
    counter[0] = UInt32(truncatingIfNeeded: sum)
    counter[1] = UInt32(truncatingIfNeeded: sum >> 32)
    if carry {
      counter[2] &+= 1
      if counter[2] == 0 { counter[3] &+= 1 }
    }
  }

  /// Philox4x32-10 of one counter under one key.
  @inlinable
  public static func block(counter: SIMD4<UInt32>, key: SIMD2<UInt32>) -> SIMD4<UInt32> {
    var c = counter, k = key
    for round in 0..<10 {
      if round > 0 { k &+= SIMD2(0x9E37_79B9, 0xBB67_AE85) }
      let p0 = UInt64(0xD251_1F53) &* UInt64(c[0])
      let p1 = UInt64(0xCD9E_8D57) &* UInt64(c[2])
      c = SIMD4(
        UInt32(truncatingIfNeeded: p1 >> 32) ^ c[1] ^ k[0], UInt32(truncatingIfNeeded: p1),
        UInt32(truncatingIfNeeded: p0 >> 32) ^ c[3] ^ k[1], UInt32(truncatingIfNeeded: p0))
    }
    return c
  }
}
