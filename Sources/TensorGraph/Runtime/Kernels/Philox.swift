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
  @inlinable @inline(__always)
  public static func block(counter: SIMD4<UInt32>, key: SIMD2<UInt32>) -> SIMD4<UInt32> {
    // Scalar locals: the rounds are a dependency chain of 64-bit multiplies,
    // and keeping the words out of vector registers avoids lane shuffles.
    var c0 = counter[0], c1 = counter[1], c2 = counter[2], c3 = counter[3]
    var k0 = key[0], k1 = key[1]
    @inline(__always) func round() {
      let p0 = UInt64(0xD251_1F53) &* UInt64(c0)
      let p1 = UInt64(0xCD9E_8D57) &* UInt64(c2)
      let n0 = UInt32(truncatingIfNeeded: p1 >> 32) ^ c1 ^ k0
      let n2 = UInt32(truncatingIfNeeded: p0 >> 32) ^ c3 ^ k1
      c1 = UInt32(truncatingIfNeeded: p1)
      c3 = UInt32(truncatingIfNeeded: p0)
      c0 = n0
      c2 = n2
    }
    round()
    for _ in 1..<10 {
      k0 &+= 0x9E37_79B9
      k1 &+= 0xBB67_AE85
      round()
    }
    return SIMD4(c0, c1, c2, c3)
  }

  /// Writes the next `blocks` blocks (4 words each, in stream order) to
  /// `words` and advances the counter past them: ``next()`` in bulk, eight
  /// blocks at a time in vector lanes so that their multiplies overlap.
  public mutating func fill(_ words: UnsafeMutablePointer<UInt32>, blocks: Int) {
    var out = words
    var remaining = blocks
    while remaining > 0 {
      // Eight counters that differ only in word 0 (no carry among them).
      guard remaining >= 8 && counter[0] <= UInt32.max - 7 else {
        let b = next()
        out[0] = b[0]
        out[1] = b[1]
        out[2] = b[2]
        out[3] = b[3]
        out += 4
        remaining -= 1
        continue
      }
      let low = SIMD8<UInt64>(repeating: 0xFFFF_FFFF)
      var c0 = SIMD8<UInt64>(repeating: UInt64(counter[0])) &+ SIMD8(0, 1, 2, 3, 4, 5, 6, 7)
      var c1 = SIMD8<UInt64>(repeating: UInt64(counter[1]))
      var c2 = SIMD8<UInt64>(repeating: UInt64(counter[2]))
      var c3 = SIMD8<UInt64>(repeating: UInt64(counter[3]))
      var k0 = UInt64(key[0]), k1 = UInt64(key[1])
      @inline(__always) func round() {
        let p0 = c0 &* 0xD251_1F53
        let p1 = c2 &* 0xCD9E_8D57
        c0 = (p1 &>> 32) ^ c1 ^ SIMD8(repeating: k0)
        c2 = (p0 &>> 32) ^ c3 ^ SIMD8(repeating: k1)
        c1 = p1 & low
        c3 = p0 & low
      }
      @inline(__always) func raise() {
        k0 = (k0 &+ 0x9E37_79B9) & 0xFFFF_FFFF
        k1 = (k1 &+ 0xBB67_AE85) & 0xFFFF_FFFF
      }
      round(); raise(); round(); raise(); round(); raise(); round(); raise(); round(); raise()
      round(); raise(); round(); raise(); round(); raise(); round(); raise(); round()
      for lane in 0..<8 {
        out[4 * lane] = UInt32(truncatingIfNeeded: c0[lane])
        out[4 * lane + 1] = UInt32(truncatingIfNeeded: c1[lane])
        out[4 * lane + 2] = UInt32(truncatingIfNeeded: c2[lane])
        out[4 * lane + 3] = UInt32(truncatingIfNeeded: c3[lane])
      }
      skip(8)
      out += 32
      remaining -= 8
    }
  }
}
