import Foundation

// Kernels of RandomUniform, RandomStandardNormal and TruncatedNormal, laid
// out as TensorFlow's CPU kernels lay them out (random/random_distributions.h
// and FillPhiloxRandom): so the same seeds give the same numbers.
//
// - Each node keeps a Philox generator per session. A run reserves
//   256 blocks per output element from it (TensorFlow's
//   `ReserveRandomOutputs(n, 256)`), so the next run continues the stream.
// - Uniform and normal samples come in groups of 4 floats or 2 doubles per
//   Philox block; group i uses block i of the reserved range.
// - Truncated-normal group i restarts at block i·256 (floats) or i·128
//   (doubles) and draws 32-bit words one at a time until the group is full.

// MARK: - Per-session generator state

/// A node's generator in one session, advanced by every run.
final class PhiloxState: @unchecked Sendable {
  private let lock = NSLock()
  private var generator: Philox4x32

  /// TensorFlow's `GuardedPhiloxRandom::Init`: seeds (0, 0) mean "random",
  /// drawn from the system generator, so every session differs.
  init(seed: Int, seed2: Int) {
    var s = UInt64(bitPattern: Int64(seed)), s2 = UInt64(bitPattern: Int64(seed2))
    if s == 0 && s2 == 0 {
      var system = SystemRandomNumberGenerator()
      s = system.next()
      s2 = system.next()
    }
    generator = Philox4x32(seed: s, seed2: s2)
  }

  /// The generator positioned for this run; the stored one skips `blocks`.
  func reserve(blocks: UInt64) -> Philox4x32 {
    lock.lock()
    defer { lock.unlock() }
    let current = generator
    generator.skip(blocks)
    return current
  }
}

// MARK: - Bits to numbers

/// A float in [0, 1) from the low 23 bits of `x` (TensorFlow's `Uint32ToFloat`).
@inline(__always)
func uniformFloat(_ x: UInt32) -> Float {
  Float(bitPattern: (127 << 23) | (x & 0x7F_FFFF)) - 1
}

/// A double in [0, 1) from 52 bits of `x0`, `x1` (`Uint64ToDouble`).
@inline(__always)
func uniformDouble(_ x0: UInt32, _ x1: UInt32) -> Double {
  let mantissa = UInt64(x0 & 0xF_FFFF) << 32 | UInt64(x1)
  return Double(bitPattern: (1023 << 52) | mantissa) - 1
}

/// Two standard normal floats from two words (Box–Muller, `BoxMullerFloat`).
@inline(__always)
func boxMullerFloat(_ x0: UInt32, _ x1: UInt32) -> (Float, Float) {
  let u1 = Swift.max(uniformFloat(x0), 1e-7)
  // TensorFlow computes 2π·u in double (M_PI is a double) and rounds once.
  let v1 = Float(2 * Double.pi * Double(uniformFloat(x1)))
  let u2 = (-2 * logf(u1)).squareRoot()
  return (sinf(v1) * u2, cosf(v1) * u2)
}

/// Two standard normal doubles from four words (`BoxMullerDouble`).
@inline(__always)
func boxMullerDouble(_ x0: UInt32, _ x1: UInt32, _ x2: UInt32, _ x3: UInt32) -> (Double, Double) {
  let u1 = Swift.max(uniformDouble(x0, x1), 1e-7)
  let v1 = 2 * Double.pi * uniformDouble(x2, x3)
  let u2 = (-2 * log(u1)).squareRoot()
  return (sin(v1) * u2, cos(v1) * u2)
}

/// Hands out the 32-bit words of successive Philox blocks one at a time
/// (TensorFlow's `SingleSampleAdapter`).
struct SingleWords {
  var generator: Philox4x32
  var block = SIMD4<UInt32>()
  var used = 4

  @inline(__always)
  mutating func next() -> UInt32 {
    if used == 4 {
      block = generator.next()
      used = 0
    }
    defer { used += 1 }
    return block[used]
  }
}

// MARK: - Distributions per dtype

/// The float types the random ops produce, with TensorFlow's group layout:
/// one Philox block (16 bytes) becomes one group of samples occupying the
/// same 16 bytes, so blocks are generated straight into the output and
/// converted in place.
protocol PhiloxSampled: TensorFloatScalar {
  /// Samples per Philox block (4 floats, 2 doubles): one output group.
  static var groupSize: Int { get }
  /// Turns `groups` blocks of raw words stored at `p` into uniform samples
  /// in [0, 1), in place.
  static func uniformsInPlace(_ p: UnsafeMutablePointer<Self>, groups: Int)
  /// Turns `groups` blocks of raw words stored at `p` into standard normal
  /// samples, in place.
  static func normalsInPlace(_ p: UnsafeMutablePointer<Self>, groups: Int)
  /// Two standard normal samples from single words.
  static func normalPair(_ words: inout SingleWords) -> (Self, Self)
}

extension Float: PhiloxSampled {
  static var groupSize: Int { 4 }
  static func uniformsInPlace(_ p: UnsafeMutablePointer<Float>, groups: Int) {
    let w = UnsafeMutableRawPointer(p).assumingMemoryBound(to: UInt32.self)
    for i in 0..<(4 * groups) { w[i] = ((127 << 23) | (w[i] & 0x7F_FFFF)) }
    for i in 0..<(4 * groups) { p[i] -= 1 }
  }
  static func normalsInPlace(_ p: UnsafeMutablePointer<Float>, groups: Int) {
    let w = UnsafeMutableRawPointer(p).assumingMemoryBound(to: UInt32.self)
    for i in stride(from: 0, to: 4 * groups, by: 2) {
      let (a, b) = boxMullerFloat(w[i], w[i + 1])
      p[i] = a
      p[i + 1] = b
    }
  }
  @inline(__always) static func normalPair(_ words: inout SingleWords) -> (Float, Float) {
    let x0 = words.next(), x1 = words.next()
    return boxMullerFloat(x0, x1)
  }
}

extension Double: PhiloxSampled {
  static var groupSize: Int { 2 }
  static func uniformsInPlace(_ p: UnsafeMutablePointer<Double>, groups: Int) {
    let w = UnsafeMutableRawPointer(p).assumingMemoryBound(to: UInt32.self)
    for i in 0..<(2 * groups) { p[i] = uniformDouble(w[2 * i], w[2 * i + 1]) }
  }
  static func normalsInPlace(_ p: UnsafeMutablePointer<Double>, groups: Int) {
    let w = UnsafeMutableRawPointer(p).assumingMemoryBound(to: UInt32.self)
    for g in 0..<groups {
      let (a, b) = boxMullerDouble(w[4 * g], w[4 * g + 1], w[4 * g + 2], w[4 * g + 3])
      p[2 * g] = a
      p[2 * g + 1] = b
    }
  }
  @inline(__always) static func normalPair(_ words: inout SingleWords) -> (Double, Double) {
    let x0 = words.next(), x1 = words.next(), x2 = words.next(), x3 = words.next()
    return boxMullerDouble(x0, x1, x2, x3)
  }
}

/// The three distributions.
enum RandomDistribution: Sendable {
  case uniform, normal, truncatedNormal
}

/// Fills `count` elements from `generator` (already positioned for this run).
@inline(__always)
func fillRandom<T: PhiloxSampled>(
  _ distribution: RandomDistribution, _ generator: Philox4x32, _ out: UnsafeMutablePointer<T>, count: Int
) {
  let g = T.groupSize
  switch distribution {
  case .uniform, .normal:
    var gen = generator
    @inline(__always) func convert(_ p: UnsafeMutablePointer<T>, _ groups: Int) {
      if distribution == .uniform { T.uniformsInPlace(p, groups: groups) } else { T.normalsInPlace(p, groups: groups) }
    }
    // Whole groups, generated into the output in cache-sized chunks.
    let groups = count / g
    let chunk = 1024
    var done = 0
    while done < groups {
      let n = Swift.min(chunk, groups - done)
      let p = out + done * g
      gen.fill(UnsafeMutableRawPointer(p).assumingMemoryBound(to: UInt32.self), blocks: n)
      convert(p, n)
      done += n
    }
    // A last partial group: the first samples of one more block.
    let rest = count - groups * g
    if rest > 0 {
      let scratch = UnsafeMutablePointer<T>.allocate(capacity: g)
      defer { scratch.deallocate() }
      gen.fill(UnsafeMutableRawPointer(scratch).assumingMemoryBound(to: UInt32.self), blocks: 1)
      convert(scratch, 1)
      (out + groups * g).update(from: scratch, count: rest)
    }
  case .truncatedNormal:
    // Group j restarts at block j·(256·g/4), so groups are independent.
    let stride = UInt64(256 * g / 4)
    var group: UInt64 = 0
    var i = 0
    while i < count {
      var gen = generator
      gen.skip(group &* stride)
      var words = SingleWords(generator: gen)
      let n = Swift.min(g, count - i)
      var filled = 0
      while filled < g {
        let (a, b) = T.normalPair(&words)
        if abs(a) < 2 {
          if filled < n { out[i + filled] = a }
          filled += 1
        }
        if abs(b) < 2 && filled < g {
          if filled < n { out[i + filled] = b }
          filled += 1
        }
      }
      i += g
      group += 1
    }
  }
}

// MARK: - Kernel factory

func randomKernel(_ distribution: RandomDistribution) -> KernelFactory {
  { b in
    let state = b.resources.state(for: b.node) { PhiloxState(seed: b.int("seed"), seed2: b.int("seed2")) }
    func make<T: PhiloxSampled>(_: T.Type) -> KernelFunction {
      { ctx in
        let shapeTensor = ctx.input(0)
        guard shapeTensor.rank == 1 else {
          throw ctx.error(.invalidArgument, "'shape' must be a vector but has shape \(shapeTensor.shape)")
        }
        let shape = shapeTensor.indexScalars()
        let count = try ctx.checkAllocatable(shape, T.dtype, "the requested shape")
        // TensorFlow reserves 256 blocks per output, whatever the distribution.
        let generator = state.reserve(blocks: UInt64(count) &* 256)
        let out = ctx.allocateOutput(0, dtype: T.dtype, shape: shape)
        fillRandom(distribution, generator, out.unsafeMutablePointer(as: T.self), count: count)
        ctx.setOutput(0, out)
      }
    }
    switch b.type("dtype") {
    case .float32: return make(Float.self)
    case .float64: return make(Double.self)
    default: throw b.unsupported()
    }
  }
}
