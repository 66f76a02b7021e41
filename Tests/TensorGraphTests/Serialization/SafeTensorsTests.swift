import Foundation
import Testing
import TensorGraph
import TensorGraphTestSupport

@Suite struct SafeTensorsTests {
  /// Safetensors bytes with `header` as the JSON header and `data` after it.
  static func file(_ header: String, _ data: [UInt8] = [], length: UInt64? = nil) -> Data {
    var out = Data()
    withUnsafeBytes(of: (length ?? UInt64(header.utf8.count)).littleEndian) { out.append(contentsOf: $0) }
    out.append(contentsOf: Array(header.utf8))
    out.append(contentsOf: data)
    return out
  }

  static let tensors: [String: Tensor] = [
    "f32": Tensor(SerializationFixtures.specialFloats),
    "f64": try! Tensor(shape: [2, 7], scalars: SerializationFixtures.specialDoubles),
    "i32": Tensor([Int32.min, 0, Int32.max]),
    "i64": Tensor(Int64.min),
    "u8": Tensor([0, 255] as [UInt8]),
    "bool": Tensor([true, false, false]),
    "empty": try! Tensor(zeros: [2, 0, 3], dtype: .float64),
    "dense/kernel": try! Tensor(shape: [3, 1], scalars: [1, 2, 3] as [Float]),
    "ünïcode \"name\"": Tensor([7] as [Int32]),
  ]

  @Test func roundTripIsBitwiseForEveryDType() throws {
    let dir = try SerializationFixtures.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let url = dir.appendingPathComponent("t.safetensors")
    try SafeTensors.write(Self.tensors, metadata: ["producer": "test"], to: url)
    let back = try SafeTensors.read(from: url)
    #expect(back == Self.tensors)  // Tensor == compares bits
    let file = try SafeTensorsFile(contentsOf: url)
    #expect(file.metadata == ["producer": "test"])
    #expect(file.entry(named: "empty")?.shape == [2, 0, 3])
    // In memory gives the same bytes as on disk.
    #expect(try SafeTensors.encode(Self.tensors, metadata: ["producer": "test"]) == Data(contentsOf: url))
    #expect(try SafeTensors.decode(Data(contentsOf: url)) == Self.tensors)
    // No temporary files are left behind.
    #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path) == ["t.safetensors"])
  }

  @Test func layoutIsCanonicalAndAligned() throws {
    let data = try SafeTensors.encode(["b": Tensor([1] as [Float]), "a": Tensor([true]), "c": Tensor(Int64(2))])
    let n = Int(data.prefix(8).withUnsafeBytes { $0.loadUnaligned(as: UInt64.self) })
    let header = String(decoding: data[8..<(8 + n)], as: UTF8.self)
    #expect(header == #"{"c":{"dtype":"I64","shape":[],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[1],"data_offsets":[8,12]},"a":{"dtype":"BOOL","shape":[1],"data_offsets":[12,13]}}"# + "     ")
    #expect((8 + n) % 8 == 0)
    #expect(data.count == 8 + n + 13)
  }

  @Test func readsFilesWrittenByPythonSafetensors() throws {
    let url = SerializationFixtures.fixture("python.safetensors")
    let file = try SafeTensorsFile(contentsOf: url)
    #expect(file.metadata == ["format": "np", "source": "safetensors-python"])
    let t = try file.tensors()
    #expect(t["weight"] == (try Tensor(shape: [2, 3], scalars: [0, 1, 2, 3, 4, 5] as [Float])))
    #expect(t["bias"] == Tensor([0.5, -0.5] as [Double]))
    #expect(t["step"] == Tensor(Int64(42)))
    #expect(t["ids"] == Tensor([1, 2, 3] as [Int32]))
    #expect(t["pixels"] == Tensor([0, 128, 255] as [UInt8]))
    #expect(t["mask"] == Tensor([true, false]))
    // Writing the same tensors gives the very bytes Python wrote.
    #expect(try SafeTensors.encode(t, metadata: file.metadata) == Data(contentsOf: url))
  }

  @Test func offsetsAre64Bit() throws {
    // A 3 GB tensor (sparse on disk, never read) followed by a small one
    // whose data lies past 2^31 and 2^32 bytes.
    let dir = try SerializationFixtures.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let url = dir.appendingPathComponent("big.safetensors")
    let big = 3_000_000_000
    let header = #"{"huge":{"dtype":"U8","shape":[\#(big)],"data_offsets":[0,\#(big)]},"tail":{"dtype":"I32","shape":[2],"data_offsets":[\#(big),\#(big + 8)]}}"#
    let prefix = Self.file(header)
    #expect(FileManager.default.createFile(atPath: url.path, contents: prefix))
    let handle = try FileHandle(forWritingTo: url)
    try handle.seek(toOffset: UInt64(prefix.count + big))
    handle.write(Data([1, 0, 0, 0, 0xFF, 0xFF, 0xFF, 0x7F]))
    try handle.close()
    let file = try SafeTensorsFile(contentsOf: url)
    #expect(file.entry(named: "huge")?.dataRange == 0..<big)
    #expect(try file.tensor(named: "tail") == Tensor([1, Int32.max]))
    #expect(try file.tensor(named: "absent") == nil)
  }

  // MARK: - Malformed files

  func expectDecodeError(
    _ data: Data, _ fragments: [String], sourceLocation: Testing.SourceLocation = #_sourceLocation
  ) {
    expectError(.format, containing: fragments, sourceLocation: sourceLocation) { try SafeTensors.decode(data) }
  }

  @Test func truncatedFile() {
    expectDecodeError(Data([1, 2, 3]), ["truncated", "8-byte header length", "has 3 byte(s)"])
    let valid = try! SafeTensors.encode(["x": Tensor([1, 2] as [Float])])
    expectDecodeError(valid.prefix(valid.count - 1), ["[0, 8] runs past the end of the data buffer, which has 7 bytes"])
  }

  @Test func headerLengthPastTheEnd() {
    expectDecodeError(Self.file("{}", length: 1 << 40), [
      "header length at byte 0 is 1099511627776", "runs past the end of the file", "has 10 bytes",
    ])
    expectDecodeError(Self.file("{}", length: UInt64.max), ["header length at byte 0 is 18446744073709551615"])
  }

  @Test func malformedHeaderJSON() {
    expectDecodeError(Self.file(#"{"x": {"dtype": "F32",}}"#), [
      "header: invalid JSON at byte 30", "expected a member name",
    ])
    expectDecodeError(Self.file("[]"), ["header: expected an object, got array"])
    expectDecodeError(Self.file(""), ["empty"])
  }

  @Test func malformedEntries() {
    expectDecodeError(Self.file(#"{"x": {"dtype": "F16", "shape": [1], "data_offsets": [0, 2]}}"#, [0, 0]), [
      "tensor 'x' dtype: dtype \"F16\" is not supported", "F32, F64, I32, I64, U8, BOOL",
    ])
    expectDecodeError(Self.file(#"{"x": {"dtype": "F32", "shape": [1], "data_offsets": [0]}}"#), [
      "tensor 'x' data_offsets: expected [begin, end]",
    ])
    expectDecodeError(Self.file(#"{"x": {"dtype": "F32", "shape": [1], "data_offsets": [4, 0]}}"#), [
      "[4, 0] is not a byte range",
    ])
    expectDecodeError(Self.file(#"{"x": {"dtype": "F32", "shape": [-1], "data_offsets": [0, 4]}}"#, [0, 0, 0, 0]), [
      "negative dimension -1",
    ])
    expectDecodeError(Self.file(#"{"x": {"dtype": "F32", "shape": [2], "data_offsets": [0, 4]}}"#, [0, 0, 0, 0]), [
      "tensor 'x' data_offsets: [0, 4] spans 4 bytes but a F32 tensor of shape [2] has 8",
    ])
    expectDecodeError(
      Self.file(#"{"x": {"dtype": "U8", "shape": [4294967296, 4294967296], "data_offsets": [0, 0]}}"#),
      ["more than 2^63"])
    expectDecodeError(Self.file(#"{"x": {"shape": [1], "data_offsets": [0, 4]}}"#), ["tensor 'x': missing member \"dtype\""])
    expectDecodeError(Self.file(#"{"x": {"dtype": "F32", "shape": "1", "data_offsets": [0, 4]}}"#), [
      "tensor 'x' shape: expected an array",
    ])
    expectDecodeError(Self.file(#"{"__metadata__": {"a": 1}}"#), ["__metadata__.a: expected a string, got integer 1"])
    expectDecodeError(Self.file(#"{"x": {"dtype": "BOOL", "shape": [2], "data_offsets": [0, 2]}}"#, [1, 7]), [
      "tensor 'x': BOOL element 1", "is 7, not 0 or 1",
    ])
  }

  @Test func offsetsOutOfRangeOverlappingOrLeavingHoles() {
    expectDecodeError(Self.file(#"{"x": {"dtype": "U8", "shape": [4], "data_offsets": [2, 6]}}"#, [1, 2, 3, 4]), [
      "[2, 6] runs past the end of the data buffer, which has 4 bytes",
    ])
    expectDecodeError(
      Self.file(
        #"{"a": {"dtype": "U8", "shape": [4], "data_offsets": [0, 4]}, "b": {"dtype": "U8", "shape": [4], "data_offsets": [2, 6]}}"#,
        [UInt8](repeating: 0, count: 6)),
      ["tensors 'a' (bytes [0, 4)) and 'b' (bytes [2, 6)) overlap"])
    expectDecodeError(
      Self.file(
        #"{"a": {"dtype": "U8", "shape": [2], "data_offsets": [0, 2]}, "b": {"dtype": "U8", "shape": [2], "data_offsets": [4, 6]}}"#,
        [UInt8](repeating: 0, count: 6)),
      ["bytes [2, 4) of the data buffer belong to no tensor", "after 'a', before 'b'"])
    expectDecodeError(Self.file(#"{"a": {"dtype": "U8", "shape": [2], "data_offsets": [2, 4]}}"#, [0, 0, 0, 0]), [
      "bytes [0, 2) of the data buffer belong to no tensor (a hole at the start",
    ])
    expectDecodeError(Self.file(#"{"a": {"dtype": "U8", "shape": [2], "data_offsets": [0, 2]}}"#, [0, 0, 9]), [
      "the data buffer has 3 bytes but the tensors cover only 2",
    ])
  }

  @Test func fileErrorsNameThePath() throws {
    let dir = try SerializationFixtures.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let url = dir.appendingPathComponent("bad.safetensors")
    try Self.file("{}", length: 99).write(to: url)
    expectError(.format, containing: ["safetensors file '\(url.path)'", "header length at byte 0 is 99"]) {
      try SafeTensors.read(from: url)
    }
    expectError(.io, containing: ["No such file"]) { try SafeTensors.read(from: dir.appendingPathComponent("none")) }
  }

  @Test func metadataNameIsReserved() {
    expectError(.invalidArgument, containing: ["'__metadata__'"]) {
      try SafeTensors.encode(["__metadata__": Tensor(Float(1))])
    }
  }
}

@Suite struct AtomicFileTests {
  @Test func failedWriteLeavesThePreviousFileAndNoTemporaryFile() throws {
    let dir = try SerializationFixtures.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let url = dir.appendingPathComponent("checkpoint.safetensors")
    try SafeTensors.write(["v": Tensor([1, 2, 3] as [Float])], to: url)
    let before = try Data(contentsOf: url)
    struct Interrupted: Error {}
    #expect(throws: Interrupted.self) {
      try AtomicFile.write(to: url) { file in
        try file.write(Data(repeating: 0xAB, count: 100_000))
        throw Interrupted()  // e.g. the process was asked to stop mid-write
      }
    }
    #expect(try Data(contentsOf: url) == before)
    #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path) == ["checkpoint.safetensors"])
  }

  @Test func unwritableDestinationIsAnIOError() throws {
    let dir = try SerializationFixtures.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    expectError(.io, containing: ["cannot create a temporary file", "no/such/dir"]) {
      try SafeTensors.write(["v": Tensor(Float(1))], to: dir.appendingPathComponent("no/such/dir/x.safetensors"))
    }
    // Renaming over a directory fails after the data was written: the
    // temporary file is removed.
    let target = dir.appendingPathComponent("taken")
    try FileManager.default.createDirectory(at: target.appendingPathComponent("inside"), withIntermediateDirectories: true)
    expectError(.io, containing: ["cannot rename"]) { try AtomicFile.write(Data([1]), to: target) }
    #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path) == ["taken"])
  }

  @Test func writerCountsBytes() throws {
    let dir = try SerializationFixtures.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let url = dir.appendingPathComponent("f")
    try AtomicFile.write(to: url) { file in
      try file.write([1, 2, 3])
      try file.write(Data([4]))
      #expect(file.byteCount == 4)
    }
    #expect(try Data(contentsOf: url) == Data([1, 2, 3, 4]))
  }
}
