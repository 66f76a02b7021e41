import Foundation
import TensorGraphTestSupport
import Testing
import TensorGraphKeras

@Suite struct IDXTests {
  static let imageValues = (0..<60).map { UInt8((7 * $0 + 3) % 256) }

  @Test(arguments: ["images-idx3-ubyte.gz", "images-idx3-ubyte"])
  func readsFixtureImages(name: String) throws {
    let x = try IDX.read(path: DataFixtures.path(name))
    #expect(x.dtype == .uint8)
    #expect(x.shape == [3, 4, 5])
    #expect(try x.scalars(as: UInt8.self) == Self.imageValues)
    #expect(try IDX.decode(DataFixtures.bytes(name)) == x)
  }

  @Test func readsFixtureLabels() throws {
    let y = try IDX.read(path: DataFixtures.path("labels-idx1-ubyte.gz"))
    #expect(y.shape == [3])
    #expect(try y.scalars(as: UInt8.self) == [0, 9, 4])
  }

  @Test func encodeMatchesTheFormatAndRoundTrips() throws {
    let x = try Tensor(shape: [3, 4, 5], scalars: Self.imageValues)
    #expect(try IDX.encode(x) == DataFixtures.bytes("images-idx3-ubyte"))
    #expect(try IDX.decode(Gzip.compress(IDX.encode(x))) == x)
    let empty = try Tensor(zeros: [0, 28, 28], dtype: .uint8)
    #expect(try IDX.decode(IDX.encode(empty)) == empty)
    expectError(.dtypeMismatch) { try IDX.encode(Tensor([1, 2] as [Float])) }
    expectError(.invalidArgument) { try IDX.encode(Tensor(UInt8(1))) }
  }

  @Test func largeGzipStreamsAcrossChunksWithoutTrailerHint() throws {
    // 2 MB of images in two gzip members: the last member's length field
    // says 16 bytes, so the reader grows its buffer as data arrives.
    var rng = TestRandom(seed: 3)
    let n = 2600
    let pixels = (0..<(n * 784)).map { _ in UInt8.random(in: 0...255, using: &rng) }
    let bytes = DataFixtures.idx([n, 28, 28], pixels)
    let split = 1_500_000
    let packed = try Gzip.compress(Array(bytes[..<split]), level: 1) + Gzip.compress(Array(bytes[split...]), level: 1)
    let dir = try DataFixtures.temporaryDirectory()
    defer { DataFixtures.remove(dir) }
    try DataFixtures.write(packed, to: dir + "/big.gz")
    let x = try IDX.read(path: dir + "/big.gz")
    #expect(x.shape == [n, 28, 28])
    #expect(try x.scalars(as: UInt8.self) == pixels)
  }

  // MARK: - Errors, with offsets

  @Test func headerErrors() throws {
    expectError(.format, containing: ["not an IDX file", "0x01000803"]) {
      try IDX.decode([1, 0, 8, 3, 0, 0, 0, 0])
    }
    expectError(.format, containing: ["element type at byte 2 is 0x0d (float32)", "only unsigned bytes"]) {
      try IDX.decode(DataFixtures.idx([1], [0, 0, 0, 0], type: 0x0D))
    }
    expectError(.format, containing: ["truncated", "ends at byte 2", "magic"]) { try IDX.decode([0, 0]) }
    expectError(.format, containing: ["truncated", "ends at byte 10", "3 dimensions", "bytes 4..<16"]) {
      try IDX.decode([0, 0, 8, 3, 0, 0, 0, 1, 0, 0])
    }
    // The same in a gzip file counts decompressed bytes.
    expectError(.format, containing: ["ends at byte 10 of the decompressed data"]) {
      try IDX.decode(Gzip.compress([0, 0, 8, 3, 0, 0, 0, 1, 0, 0]))
    }
  }

  @Test func dataShorterOrLongerThanTheDimensions() throws {
    let bytes = DataFixtures.idx([3, 4, 5], Self.imageValues)
    expectError(.format, containing: ["truncated", "[3, 4, 5] declare 60 bytes", "ends at byte 66 after 50"]) {
      try IDX.decode(Array(bytes.dropLast(10)))
    }
    expectError(.format, containing: ["ends at byte 66 of the decompressed data after 50"]) {
      try IDX.decode(Gzip.compress(Array(bytes.dropLast(10))))
    }
    expectError(.format, containing: ["more data follows from byte 76"]) { try IDX.decode(bytes + [1]) }
    expectError(.format, containing: ["more data follows from byte 76 of the decompressed data"]) {
      try IDX.decode(Gzip.compress(bytes + [1, 2, 3]))
    }
  }

  @Test func hugeDimensionsAreCheckedAgainstTheDataNotAllocated() throws {
    // 2³¹ × 2³¹ × 2³¹ overflows; 2³⁰ × 2⁹ is half a terabyte claimed by a
    // tiny gzip file: the reader must fail on the data, not allocate it.
    expectError(.format, containing: ["more elements than a tensor may hold"]) {
      try IDX.decode(DataFixtures.idx([1 << 31, 1 << 31, 1 << 31], []))
    }
    let claim = try Gzip.compress(DataFixtures.idx([1 << 30, 1 << 9], [1, 2, 3]))
    expectError(.format, containing: ["truncated", "549755813888 bytes", "after 3 of them"]) { try IDX.decode(claim) }
    // Raw files are checked against the file size before any allocation.
    expectError(.format, containing: ["truncated", "after 3 of them"]) {
      try IDX.decode(DataFixtures.idx([1 << 30, 1 << 9], [1, 2, 3]))
    }
  }

  @Test func corruptGzipInsideAnIDXFile() throws {
    var packed = try DataFixtures.bytes("images-idx3-ubyte.gz")
    packed[packed.count - 7] ^= 0xFF
    let dir = try DataFixtures.temporaryDirectory()
    defer { DataFixtures.remove(dir) }
    try DataFixtures.write(packed, to: dir + "/bad.gz")
    expectError(.format, containing: ["IDX file '\(dir)/bad.gz'", "incorrect data check", "byte"]) {
      try IDX.read(path: dir + "/bad.gz")
    }
    try DataFixtures.write(Array(packed.prefix(40)), to: dir + "/cut.gz")
    expectError(.format, containing: ["truncated", "ends at byte 40"]) { try IDX.read(path: dir + "/cut.gz") }
  }
}
