// Tensors, shapes and dtypes in the graph format, mirroring TensorFlow's
// TensorProto / TensorShapeProto JSON:
//
//     {"dtype": "DT_FLOAT", "tensor_shape": {"dim": [{"size": 2}]}, "tensor_content": "AACAPwAAAEA="}
//     {"dtype": "DT_FLOAT", "tensor_shape": {"dim": [{"size": 784}, {"size": 128}]}, "weights_key": "w/initial_value"}
//
// `tensor_content` is the little-endian row-major bytes in base64;
// `weights_key` names a tensor in the weights file instead.

// MARK: - DType

extension DType {
  /// Parses a dtype name in a graph file (`DT_FLOAT`; short names are
  /// accepted too).
  static func decodeJSON(_ value: JSONValue) throws -> DType {
    let name = try value.string()
    guard let t = DType(name: name) else {
      throw JSONDecodingFailure(
        "unknown dtype \"\(name)\" (this build supports \(DType.allCases.map(\.tensorFlowName).joined(separator: ", ")))")
    }
    return t
  }
}

// MARK: - Shapes

extension PartialShape {
  /// `{"dim": [{"size": 2}, {"size": -1}]}`, or `{"unknown_rank": true}`.
  var json: JSONValue {
    guard let dims else { return .object(JSONObject([("unknown_rank", .bool(true))])) }
    let list = dims.map { d in JSONValue.object(JSONObject([("size", .int(d.value ?? -1))])) }
    return .object(JSONObject([("dim", .array(list))]))
  }

  /// Parses a TensorShapeProto: `size` -1 is an unknown dimension; a
  /// missing `dim` is a scalar (as in protobuf's JSON, which omits empty
  /// lists), a missing `size` is 0.
  static func decodeJSON(_ value: JSONValue) throws -> PartialShape {
    let o = try value.object()
    try o.checkKeys(["dim", "unknown_rank"])
    let unknownRank = try within(.key("unknown_rank")) { try o["unknown_rank"]?.bool() ?? false }
    let dims: [Dimension] = try within(.key("dim")) {
      try o["dim"]?.array { d in
        let dim = try d.object()
        try dim.checkKeys(["size"])
        return try within(.key("size")) {
          let size = try dim["size"]?.int() ?? 0
          guard size >= -1 else {
            throw JSONDecodingFailure("dimension size \(size) is invalid: use -1 for unknown, or a size ≥ 0")
          }
          return size == -1 ? .unknown : .known(size)
        }
      } ?? []
    }
    if unknownRank {
      guard dims.isEmpty else { throw JSONDecodingFailure("a shape with \"unknown_rank\": true cannot list dims") }
      return .unknown
    }
    // Shape functions multiply known dimensions; a shape whose known
    // dimensions overflow Int could never be a real tensor's anyway.
    if case .failure(let f) = TensorBytes.elementCount(dims.map { $0.value ?? 1 }) { throw f }
    return PartialShape(dims: dims)
  }
}

// MARK: - Tensors

extension Tensor {
  /// The TensorProto JSON of this tensor: inline bytes, or a reference to
  /// the weights file under `weightsKey`.
  func json(weightsKey: String?) -> JSONValue {
    var members: [(key: String, value: JSONValue)] = [
      ("dtype", .string(dtype.tensorFlowName)),
      ("tensor_shape", PartialShape(shape).json),
    ]
    if let weightsKey {
      members.append(("weights_key", .string(weightsKey)))
    } else {
      let content = Base64.encode(UnsafeRawBufferPointer(start: storage.data, count: byteCount))
      members.append(("tensor_content", .string(content)))
    }
    return .object(JSONObject(members))
  }

  /// Parses a TensorProto. Sizes are checked before anything is
  /// allocated: the base64 text must decode to exactly shape × dtype bytes.
  ///
  /// - Parameter weights: Looks up a tensor of the weights file by key
  ///   (`nil` when there is no such tensor).
  static func decodeJSON(_ value: JSONValue, weights: (String) throws -> Tensor?) throws -> Tensor {
    let o = try value.object()
    try o.checkKeys(["dtype", "tensor_shape", "tensor_content", "weights_key"])
    let dtypeJSON = try o.required("dtype"), shapeJSON = try o.required("tensor_shape")
    let dtype = try within(.key("dtype")) { try DType.decodeJSON(dtypeJSON) }
    let partial = try within(.key("tensor_shape")) { try PartialShape.decodeJSON(shapeJSON) }
    guard let shape = partial.concrete else {
      throw JSONDecodingFailure("a tensor's shape must be fully known, got \(partial)").at(.key("tensor_shape"))
    }
    let byteCount: Int
    switch TensorBytes.byteCount(shape, dtype) {
    case .success(let n): byteCount = n
    case .failure(let f): throw f.at(.key("tensor_shape"))
    }
    switch (o["tensor_content"], o["weights_key"]) {
    case (let content?, nil):
      return try within(.key("tensor_content")) {
        let text = try content.string()
        let count = try Base64.decodedCount(text).get()
        guard count == byteCount else {
          throw JSONDecodingFailure(
            "holds \(count) bytes but a \(dtype) tensor of shape \(shape) needs \(byteCount) (\(shape.reduce(1, *)) × \(dtype.byteSize))")
        }
        let buffer = TensorBuffer(byteCapacity: byteCount)
        try Base64.decode(text, into: UnsafeMutableRawBufferPointer(start: buffer.data, count: byteCount))
        if dtype == .bool, let bad = TensorBytes.firstInvalidBool(buffer.data, count: byteCount) {
          throw JSONDecodingFailure("bool element \(bad) is \(buffer.data.load(fromByteOffset: bad, as: UInt8.self)), not 0 or 1")
        }
        return Tensor(dtype: dtype, shape: shape, buffer: buffer)
      }
    case (nil, let key?):
      return try within(.key("weights_key")) {
        let name = try key.string()
        guard let t = try weights(name) else { throw JSONDecodingFailure("no tensor \"\(name)\" in the weights") }
        guard t.dtype == dtype, t.shape == shape else {
          let what = t.dtype != dtype ? "dtype" : "shape"
          throw JSONDecodingFailure(
            "the weights hold \"\(name)\" as \(t.dtype) \(t.shape) but the graph declares \(dtype) \(shape) (\(what) differs)")
        }
        return t
      }
    case (nil, nil):
      throw JSONDecodingFailure("a tensor needs \"tensor_content\" (inline bytes) or \"weights_key\"")
    case (_?, _?):
      throw JSONDecodingFailure("a tensor has either \"tensor_content\" or \"weights_key\", not both")
    }
  }
}
