// The safetensors header: an 8-byte little-endian length N, then N bytes of
// JSON mapping tensor names to {"dtype", "shape", "data_offsets"} (plus an
// optional "__metadata__" string map), then the data buffer. Offsets are
// relative to the buffer; tensors must cover it exactly, without holes or
// overlaps. Every number read here is checked before it is used, so a
// hostile header cannot cause a large allocation or an out-of-range read.
// Spec: https://github.com/huggingface/safetensors#format

/// One tensor of a safetensors file: where its bytes are and what they hold.
public struct SafeTensorsEntry: Sendable, Hashable {
  /// The tensor's name (for a checkpoint, the variable node's name).
  public var name: String
  /// The element type.
  public var dtype: DType
  /// The dimensions.
  public var shape: [Int]
  /// The byte range of its data, relative to the start of the data buffer.
  public var dataRange: Range<Int>
}

enum SafeTensorsHeader {
  /// Safetensors dtype names of the dtypes TensorGraph has.
  static func name(of dtype: DType) -> String {
    switch dtype {
    case .float32: return "F32"
    case .float64: return "F64"
    case .int32: return "I32"
    case .int64: return "I64"
    case .uint8: return "U8"
    case .bool: return "BOOL"
    }
  }

  static func dtype(named name: String) -> DType? {
    DType.allCases.first { self.name(of: $0) == name }
  }

  static let metadataKey = "__metadata__"

  /// The reference implementation's dtype order (its `Dtype` enum is
  /// declared smallest element first: BOOL, U8, …, I32, U32, F32, F64, I64).
  private static func rank(_ dtype: DType) -> Int {
    switch dtype {
    case .bool: return 0
    case .uint8: return 1
    case .int32: return 2
    case .float32: return 3
    case .float64: return 4
    case .int64: return 5
    }
  }

  /// Tensor order in canonical files, the reference implementation's:
  /// dtype descending — so larger elements come first and every tensor is
  /// aligned to its element size — then name. The same tensors give the
  /// bytes the Python `safetensors` package writes.
  static func canonicalOrder(_ a: (name: String, tensor: Tensor), _ b: (name: String, tensor: Tensor)) -> Bool {
    let (ra, rb) = (rank(a.tensor.dtype), rank(b.tensor.dtype))
    if ra != rb { return ra > rb }
    return a.name.utf8.lexicographicallyPrecedes(b.name.utf8)
  }

  /// The first 8 + N bytes of a file holding `tensors` (already in
  /// ``canonicalOrder(_:_:)``): length, JSON, and spaces padding the data
  /// buffer's start to a multiple of 8.
  static func encode(_ tensors: [(name: String, tensor: Tensor)], metadata: [String: String]) throws -> [UInt8] {
    var members: [(key: String, value: JSONValue)] = []
    if !metadata.isEmpty {
      let sorted = metadata.sorted { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }
      members.append((metadataKey, .object(JSONObject(sorted.map { ($0.key, .string($0.value)) }))))
    }
    var offset = 0
    for (name, t) in tensors {
      guard name != metadataKey else {
        throw TensorGraphError(.invalidArgument, "a tensor cannot be named '\(metadataKey)' in a safetensors file")
      }
      members.append((
        name,
        .object(JSONObject([
          ("dtype", .string(SafeTensorsHeader.name(of: t.dtype))),
          ("shape", .array(t.shape.map(JSONValue.int))),
          ("data_offsets", .array([.int(offset), .int(offset + t.byteCount)])),
        ]))
      ))
      offset += t.byteCount
    }
    var json = JSONWriter.encode(.object(JSONObject(members)), layout: .compact)
    while (8 + json.count) % 8 != 0 { json.append(UInt8(ascii: " ")) }
    var out = [UInt8]()
    out.reserveCapacity(8 + json.count)
    withUnsafeBytes(of: UInt64(json.count).littleEndian) { out.append(contentsOf: $0) }
    out.append(contentsOf: json)
    return out
  }

  /// Checks the header length in the first 8 bytes against the file size;
  /// returns N.
  static func headerLength(prefix: UnsafeRawBufferPointer, fileSize: Int, context: String) throws -> Int {
    guard fileSize >= 8, prefix.count >= 8 else {
      throw TensorGraphError(
        .format,
        "\(context): truncated: a safetensors file starts with an 8-byte header length, but it has \(fileSize) byte(s)")
    }
    let n = UInt64(littleEndian: prefix.loadUnaligned(as: UInt64.self))
    guard n <= UInt64(fileSize - 8) else {
      throw TensorGraphError(
        .format,
        "\(context): the header length at byte 0 is \(n), which runs past the end of the file: the header would end at byte \(UInt64(8).addingReportingOverflow(n).partialValue) but the file has \(fileSize) bytes")
    }
    return Int(n)
  }

  /// Parses and checks the JSON header; `dataSize` is the number of bytes
  /// after it. Returns the entries in data order.
  static func decode(_ json: UnsafeRawBufferPointer, dataSize: Int, context: String) throws
    -> (entries: [SafeTensorsEntry], metadata: [String: String])
  {
    let root = try JSONParser.parse(json, what: "\(context) header", baseOffset: 8)
    do {
      let top = try root.object()
      var metadata: [String: String] = [:]
      var entries: [SafeTensorsEntry] = []
      entries.reserveCapacity(top.members.count)
      for (name, value) in top.members {
        if name == metadataKey {
          try within(.key(metadataKey)) {
            for (k, v) in try value.object().members {
              metadata[k] = try within(.key(k)) { try v.string() }
            }
          }
          continue
        }
        entries.append(try within(.label("tensor '\(name)'")) { try entry(name, value, dataSize: dataSize) })
      }
      try checkCoverage(&entries, dataSize: dataSize)
      return (entries, metadata)
    } catch let f as JSONDecodingFailure {
      throw TensorGraphError(.format, "\(context) header: \(f.description)")
    }
  }

  private static func entry(_ name: String, _ value: JSONValue, dataSize: Int) throws -> SafeTensorsEntry {
    // Unknown members are ignored, as the reference implementation does.
    let o = try value.object()
    let dtypeJSON = try o.required("dtype")
    let dtypeName = try within(.key("dtype")) { try dtypeJSON.string() }
    guard let dtype = dtype(named: dtypeName) else {
      throw JSONDecodingFailure(
        "dtype \"\(dtypeName)\" is not supported (TensorGraph reads \(DType.allCases.map { self.name(of: $0) }.joined(separator: ", ")))"
      ).at(.key("dtype"))
    }
    let shapeJSON = try o.required("shape")
    let shape = try within(.key("shape")) { try shapeJSON.array { try $0.int() } }
    let offsetsJSON = try o.required("data_offsets")
    let offsets = try within(.key("data_offsets")) { try offsetsJSON.array { try $0.int() } }
    return try within(.key("data_offsets")) {
      guard offsets.count == 2 else {
        throw JSONDecodingFailure("expected [begin, end], got \(offsets.count) number(s)")
      }
      let (begin, end) = (offsets[0], offsets[1])
      guard begin >= 0, begin <= end else {
        throw JSONDecodingFailure("[\(begin), \(end)] is not a byte range: need 0 ≤ begin ≤ end")
      }
      let bytes = try TensorBytes.byteCount(shape, dtype).get()
      guard end - begin == bytes else {
        throw JSONDecodingFailure(
          "[\(begin), \(end)] spans \(end - begin) bytes but a \(dtypeName) tensor of shape \(shape) has \(bytes)")
      }
      guard end <= dataSize else {
        throw JSONDecodingFailure(
          "[\(begin), \(end)] runs past the end of the data buffer, which has \(dataSize) bytes")
      }
      return SafeTensorsEntry(name: name, dtype: dtype, shape: shape, dataRange: begin..<end)
    }
  }

  /// Sorts entries by offset and checks that they tile the data buffer.
  private static func checkCoverage(_ entries: inout [SafeTensorsEntry], dataSize: Int) throws {
    entries.sort {
      ($0.dataRange.lowerBound, $0.dataRange.upperBound) < ($1.dataRange.lowerBound, $1.dataRange.upperBound)
    }
    var covered = 0
    var previous: SafeTensorsEntry?
    for e in entries {
      let r = e.dataRange
      if r.lowerBound < covered, let p = previous {
        throw JSONDecodingFailure(
          "tensors '\(p.name)' (bytes [\(p.dataRange.lowerBound), \(p.dataRange.upperBound))) and '\(e.name)' (bytes [\(r.lowerBound), \(r.upperBound))) overlap")
      }
      if r.lowerBound > covered {
        let after = previous.map { "after '\($0.name)'" } ?? "at the start"
        throw JSONDecodingFailure(
          "bytes [\(covered), \(r.lowerBound)) of the data buffer belong to no tensor (a hole \(after), before '\(e.name)')")
      }
      covered = r.upperBound
      previous = e
    }
    guard covered == dataSize else {
      throw JSONDecodingFailure(
        "the data buffer has \(dataSize) bytes but the tensors cover only \(covered): bytes [\(covered), \(dataSize)) belong to no tensor")
    }
  }
}
