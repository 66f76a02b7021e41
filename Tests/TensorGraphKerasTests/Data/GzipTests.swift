import Foundation
import TensorGraphTestSupport
import Testing
import TensorGraphKeras

@Suite struct GzipTests {
  static let hello = Array(String(repeating: "TensorGraph reads gzip through the system zlib.\n", count: 3).utf8)

  // MARK: - Python-written fixtures

  @Test(arguments: [
    ("hello.txt.gz", String(repeating: "TensorGraph reads gzip through the system zlib.\n", count: 3)),
    ("multi-member.gz", "first member\nsecond member\n"),
    ("zero-padded.gz", "padded\n"),
    ("empty.gz", ""),
  ])
  func decompressesPythonFixtures(name: String, expected: String) throws {
    #expect(try Gzip.decompress(DataFixtures.bytes(name)) == Array(expected.utf8))
    #expect(try Gzip.decompress(contentsOf: DataFixtures.path(name)) == Array(expected.utf8))
  }

  @Test func roundTripsThroughZlibAtEveryLevel() throws {
    var rng = TestRandom(seed: 5)
    // Compressible text and incompressible noise, past one 256 KiB input
    // chunk, so decompression streams across chunk boundaries.
    let text = Array(String(repeating: "the quick brown fox jumps over the lazy dog ", count: 20_000).utf8)
    let noise = (0..<600_000).map { _ in UInt8.random(in: 0...255, using: &rng) }
    for data in [[], [42], text, noise] {
      for level in [0, 1, 6, 9] {
        let packed = try Gzip.compress(data, level: level)
        #expect(Gzip.isGzip(packed))
        #expect(try Gzip.decompress(packed) == data, "level \(level), \(data.count) bytes")
      }
    }
    // Streaming from a file, and members concatenated by hand.
    let dir = try DataFixtures.temporaryDirectory()
    defer { DataFixtures.remove(dir) }
    let file = dir + "/noise.gz"
    try DataFixtures.write(try Gzip.compress(noise, level: 1) + Gzip.compress(text), to: file)
    #expect(try Gzip.decompress(contentsOf: file) == noise + text)
  }

  @Test func compressedOutputIsReadableByPythonsFormat() throws {
    // Python (3.11+) hands mtime=0 compression to the same zlib: past the
    // 10-byte header (whose OS byte a Python build may set differently)
    // the deflate stream, CRC and length are byte for byte the fixture's.
    let ours = try Gzip.compress(Self.hello, level: 9)
    let python = try DataFixtures.bytes("hello.txt.gz")
    #expect(ours.count == python.count)
    #expect(Array(ours[10...]) == Array(python[10...]))
  }

  @Test func readsOptionalHeaderFields() throws {
    // gzip(1) stores the file name (FNAME, flag 0x08); add it and a comment
    // (FCOMMENT, 0x10) to the Python fixture's header.
    let packed = try DataFixtures.bytes("hello.txt.gz")
    var named = Array(packed[..<10]) + Array("hello.txt\0a comment\0".utf8) + Array(packed[10...])
    named[3] = 0x08 | 0x10
    #expect(try Gzip.decompress(named) == Self.hello)
  }

  @Test func rejectsInvalidLevel() {
    expectError(.invalidArgument, containing: ["level 10"]) { try Gzip.compress([1], level: 10) }
  }

  // MARK: - Corrupt and truncated input

  @Test func everyTruncationThrowsWithTheOffset() throws {
    let packed = try DataFixtures.bytes("hello.txt.gz")
    for length in 0..<packed.count {
      let prefix = Array(packed[..<length])
      let e = expectError(.format) { try Gzip.decompress(prefix) }
      guard let e, length >= 2 else { continue }
      // Cut inside the header or the data: "truncated … ends at byte N";
      // never a crash, never a silent partial result.
      #expect(e.message.contains("truncated") && e.message.contains("byte \(length)"), "\(length): \(e)")
    }
  }

  @Test func corruptDataHeaderAndTrailerAreReported() throws {
    let packed = try DataFixtures.bytes("hello.txt.gz")
    let n = packed.count
    func flipped(_ i: Int, _ value: UInt8? = nil) -> [UInt8] {
      var b = packed
      b[i] = value ?? ~b[i]
      return b
    }
    // CRC-32 (bytes n-8..<n-4) and length (n-4..<n) are checked.
    expectError(.format, containing: ["incorrect data check", "member 1"]) { try Gzip.decompress(flipped(n - 6)) }
    expectError(.format, containing: ["incorrect length check"]) { try Gzip.decompress(flipped(n - 2)) }
    // Compression method byte 2 must be 8 (deflate).
    expectError(.format, containing: ["unknown compression method", "byte"]) { try Gzip.decompress(flipped(2, 7)) }
    // A second member whose second magic byte is not 8b.
    expectError(.format, containing: ["incorrect header check", "member 2, which starts at byte \(n)"]) {
      try Gzip.decompress(packed + flipped(1, 0x8C))
    }
    // Not gzip at all.
    expectError(.format, containing: ["not gzip"]) { try Gzip.decompress(Array("plain text".utf8)) }
    // Garbage after the last member: named with its offset.
    expectError(.format, containing: ["unexpected data after gzip member 1 at byte \(n)"]) {
      try Gzip.decompress(packed + [0x41, 0x42])
    }
    // A block type 3 (reserved) in the deflate data: first data byte 0x0b
    // holds BFINAL=1, BTYPE=01; make it BTYPE=11.
    expectError(.format, containing: ["invalid block type", "detected at byte"]) { try Gzip.decompress(flipped(10, 0x07)) }
  }

  @Test func randomCorruptionNeverCrashes() throws {
    var rng = TestRandom(seed: 11)
    let sources = [try DataFixtures.bytes("hello.txt.gz"), try DataFixtures.bytes("multi-member.gz"),
                   try DataFixtures.bytes("images-idx3-ubyte.gz")]
    var failures = 0
    for trial in 0..<3000 {
      var b = sources[trial % sources.count]
      for _ in 0..<Int.random(in: 1...3, using: &rng) {
        b[Int.random(in: 2..<b.count, using: &rng)] = UInt8.random(in: 0...255, using: &rng)
      }
      if Bool.random(using: &rng) { b.removeLast(Int.random(in: 0..<b.count - 2, using: &rng)) }
      do {
        _ = try Gzip.decompress(b)
        _ = try? IDX.decode(b)
      } catch let e as TensorGraphError {
        #expect(e.reason == .format)
        #expect(e.message.contains("byte"), "no offset in: \(e)")
        failures += 1
      }
    }
    #expect(failures > 2500)
  }

  @Test func missingFileIsAnIOError() {
    expectError(.io, containing: ["/nonexistent/x.gz"]) { try Gzip.decompress(contentsOf: "/nonexistent/x.gz") }
    expectError(.format, containing: ["not gzip"]) { try Gzip.decompress(contentsOf: DataFixtures.path("images-idx3-ubyte")) }
  }
}
