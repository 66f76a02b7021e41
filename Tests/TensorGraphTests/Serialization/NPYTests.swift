import Foundation
import Testing
import TensorGraph
import TensorGraphTestSupport

@Suite struct NPYTests {
  static func npy(_ name: String) -> URL { SerializationFixtures.fixture("npy/" + name) }

  func bits(_ t: Tensor) -> [UInt32] { t.withUnsafeBufferPointer(as: Float.self) { $0.map(\.bitPattern) } }

  @Test func readsWhatNumpyWrites() throws {
    let f32 = try Tensor(npyFile: Self.npy("f32_2x3.npy"))
    #expect(f32.shape == [2, 3])
    let expected: [Float] = [1.5, -0.0, .infinity, -.infinity, .nan, 3.4028235e38]
    #expect(bits(f32) == expected.map(\.bitPattern))
    #expect(try Tensor(npyFile: Self.npy("f64_5.npy")) == Tensor([0.1, -2.5, 1e-300, .leastNonzeroMagnitude, 1e300]))
    #expect(try Tensor(npyFile: Self.npy("i32_scalar.npy")) == Tensor(Int32(-7)))
    #expect(try Tensor(npyFile: Self.npy("i64_3x0.npy")) == Tensor(zeros: [3, 0], dtype: .int64))
    #expect(try Tensor(npyFile: Self.npy("i64_4.npy")) == Tensor([Int64.min, -1, 0, Int64.max]))
    #expect(try Tensor(npyFile: Self.npy("u8_2x2.npy")) == Tensor([[0, 1], [254, 255]] as [[UInt8]]))
    #expect(try Tensor(npyFile: Self.npy("bool_3.npy")) == Tensor([true, false, true]))
    let tall = try Tensor(npyFile: Self.npy("f32_12345x1.npy"))
    #expect(tall == (try Tensor(shape: [12345, 1], scalars: (0..<12345).map(Float.init))))
  }

  @Test func readsFormatVersions2And3() throws {
    #expect(try Tensor(npyFile: Self.npy("f32_v2.npy")) == Tensor([[1, 2], [3, 4]] as [[Float]]))
    #expect(try Tensor(npyFile: Self.npy("i64_v3.npy")) == Tensor([10, 20, 30] as [Int64]))
  }

  @Test func swapsBigEndianAndTransposesFortranOrder() throws {
    #expect(try Tensor(npyFile: Self.npy("f64_bigendian.npy")) == Tensor([1.0, -2.0, 0.5]))
    #expect(try Tensor(npyFile: Self.npy("i32_bigendian_2x2.npy")) == Tensor([[1, -2], [65536, 7]] as [[Int32]]))
    // np.asfortranarray(np.arange(24).reshape(2, 3, 4)): same values, row-major here.
    #expect(try Tensor(npyFile: Self.npy("i32_fortran_2x3x4.npy"))
      == Tensor(shape: [2, 3, 4], scalars: (0..<24).map(Int32.init)))
  }

  @Test func writesExactlyWhatNumpyWrites() throws {
    for name in [
      "f32_2x3.npy", "f64_5.npy", "i32_scalar.npy", "i64_3x0.npy", "i64_4.npy", "u8_2x2.npy", "bool_3.npy",
      "f32_12345x1.npy",
    ] {
      let original = try Data(contentsOf: Self.npy(name))
      #expect(try Tensor(npyData: original).npyData() == original, "\(name)")
    }
  }

  @Test func writeNPYRoundTripsEveryDType() throws {
    let dir = try SerializationFixtures.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let tensors = [
      Tensor(SerializationFixtures.specialFloats), Tensor(SerializationFixtures.specialDoubles),
      try Tensor(shape: [2, 1, 2], scalars: [Int32.min, 1, 2, Int32.max]), Tensor(Int64.max),
      Tensor([0, 255] as [UInt8]), Tensor([false, true]), try Tensor(zeros: [0], dtype: .bool),
    ]
    for (i, t) in tensors.enumerated() {
      let url = dir.appendingPathComponent("\(i).npy")
      try t.writeNPY(to: url)
      #expect(try Tensor(npyFile: url) == t)
      #expect(try Data(contentsOf: url) == t.npyData())
      #expect(try Data(contentsOf: url).count % 64 == t.byteCount % 64)  // data starts 64-aligned
    }
  }

  @Test func largeHeadersUseVersion2() throws {
    // A rank-25000 shape makes a header longer than 65535 bytes.
    let t = try Tensor(zeros: [Int](repeating: 1, count: 25_000), dtype: .uint8)
    let data = t.npyData()
    #expect(data[6] == 2 && data[7] == 0)
    #expect(try Tensor(npyData: data) == t)
  }

  // MARK: - Malformed files

  static func file(_ header: String, data: [UInt8] = [], version: UInt8 = 1) -> Data {
    var out = Data([0x93] + Array("NUMPY".utf8) + [version, 0])
    let h = Array(header.utf8)
    if version == 1 {
      withUnsafeBytes(of: UInt16(h.count).littleEndian) { out.append(contentsOf: $0) }
    } else {
      withUnsafeBytes(of: UInt32(h.count).littleEndian) { out.append(contentsOf: $0) }
    }
    out.append(contentsOf: h)
    out.append(contentsOf: data)
    return out
  }

  func expectNPYError(_ data: Data, _ fragments: [String], sourceLocation: Testing.SourceLocation = #_sourceLocation) {
    expectError(.format, containing: fragments, sourceLocation: sourceLocation) { try Tensor(npyData: data) }
  }

  @Test func rejectsWhatItCannotRead() {
    expectNPYError(Data("hello world".utf8), ["not a .npy file", "magic"])
    expectNPYError(Data([0x93] + Array("NUMPY".utf8)), ["truncated at byte 6", "version"])
    expectNPYError(Self.file("{}", version: 4), ["unsupported .npy format version 4.0", "1.0, 2.0 and 3.0"])
    expectNPYError(Self.file("{}").prefix(9), ["header length at byte 8 is missing"])
    var long = Self.file("{'descr': '<f4', 'fortran_order': False, 'shape': (1,), }\n")
    long[8] = 0xFF
    expectNPYError(long, ["header length at byte 8 is 255", "runs past the end of the file"])
    // The boundary: a header one byte longer than what the file holds.
    let header = "{'descr': '<f4', 'fortran_order': False, 'shape': (0,), }\n"
    var oneOver = Self.file(header)
    oneOver[8] = UInt8(header.utf8.count + 1)
    expectNPYError(oneOver, ["header length at byte 8 is \(header.utf8.count + 1)", "runs past the end of the file"])
    expectNPYError(try! Data(contentsOf: Self.npy("f16_unsupported.npy")), ["dtype '<f2' is not supported"])
  }

  @Test func malformedHeaders() {
    expectNPYError(Self.file("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), "), ["unexpected end of header"])
    expectNPYError(Self.file("['descr']"), ["not a Python dict literal"])
    expectNPYError(Self.file("{'descr': '<f4', 'fortran_order': False}"), ["the header has no 'shape'"])
    expectNPYError(Self.file("{'descr': '<f4', 'fortran_order': False, 'shape': (), 'extra': 1}"), [
      "unexpected header key 'extra'",
    ])
    expectNPYError(Self.file("{'descr': '<f4', 'fortran_order': 0, 'shape': ()}"), ["'fortran_order' is an integer"])
    expectNPYError(Self.file("{'descr': '<f4', 'fortran_order': False, 'shape': (-1,)}"), [
      "'shape' must hold non-negative integers, got -1",
    ])
    expectNPYError(Self.file("{'descr': '<f4', 'fortran_order': False, 'shape': [2]}"), ["'shape' is a list, not a tuple"])
    expectNPYError(Self.file("{'descr': [('x', '<f4')], 'fortran_order': False, 'shape': ()}"), ["structured dtype"])
    expectNPYError(Self.file("{'descr': '|f4', 'fortran_order': False, 'shape': ()}"), ["dtype '|f4' is not supported"])
    expectNPYError(Self.file("{'descr': '<f4', 'fortran_order': False, 'shape': (99999999999999999999,)}"), [
      "does not fit in 64 bits",
    ])
    expectNPYError(Self.file("{'descr': '<f4', 'fortran_order': False, 'shape': (4294967296, 4294967296)}"), [
      "more than 2^63 elements",
    ])
    expectNPYError(Self.file("{'descr': '<f4', 'fortran_order': False, 'shape': ()} x"), [
      "header (bytes 10..<65)", "unexpected text after the literal",
    ])
  }

  @Test func dataSizeMustMatchTheHeader() {
    let header = "{'descr': '<f4', 'fortran_order': False, 'shape': (2,), }\n"
    expectNPYError(Self.file(header, data: [0, 0, 0, 0]), ["truncated", "needs 8 bytes", "has only 4"])
    expectNPYError(Self.file(header, data: [UInt8](repeating: 0, count: 9)), ["1 extra bytes", "from byte"])
    let bools = "{'descr': '|b1', 'fortran_order': False, 'shape': (2,), }\n"
    expectNPYError(Self.file(bools, data: [1, 3]), ["bool element 1", "is 3, not 0 or 1"])
  }

  @Test func acceptsPythonLiteralVariants() throws {
    // Python 2 longs, double quotes, a one-element tuple, no trailing comma.
    let data = Self.file(#"{"descr": "<i8", "fortran_order": False, "shape": (2L,)}"#, data: [1, 0, 0, 0, 0, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0])
    #expect(try Tensor(npyData: data) == Tensor([1, 2] as [Int64]))
    let v2 = Self.file("{'descr': '<u1', 'fortran_order': True, 'shape': (3,)}", data: [7, 8, 9], version: 2)
    #expect(try Tensor(npyData: v2) == Tensor([7, 8, 9] as [UInt8]))
  }

  @Test func fileErrors() throws {
    expectError(.io, containing: ["cannot open", "No such file"]) { try Tensor(npyFile: Self.npy("missing.npy")) }
    expectError(.format, containing: [".npy file", "f16_unsupported.npy"]) { try Tensor(npyFile: Self.npy("f16_unsupported.npy")) }
  }
}
