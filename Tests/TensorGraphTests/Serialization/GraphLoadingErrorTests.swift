import Foundation
#if canImport(Glibc)
  import Glibc
#endif
import Testing
import TensorGraph
import TensorGraphTestSupport

/// Every malformed graph file throws a specific error saying what is wrong
/// and where: node index and name, JSON path, byte offset or line.
@Suite struct GraphLoadingErrorTests {
  /// A graph document with `nodes` (JSON text of the node records).
  static func document(_ nodes: String, version: Int = 1, extra: String = "") -> Data {
    Data(#"{"format_version": \#(version), "producer": "test"\#(extra), "node": [\#(nodes)]}"#.utf8)
  }

  static let x = #"{"name": "x", "op": "Placeholder", "attr": {"dtype": {"type": "DT_FLOAT"}, "shape": {"shape": {"dim": [{"size": 2}, {"size": 2}]}}}}"#
  static let c = #"{"name": "c", "op": "Const", "attr": {"dtype": {"type": "DT_FLOAT"}, "value": {"tensor": {"dtype": "DT_FLOAT", "tensor_shape": {"dim": [{"size": 2}]}, "tensor_content": "AADAPwAAIEA="}}}}"#

  @discardableResult
  func expectLoadError(
    _ data: Data, _ reason: TensorGraphError.Reason, _ fragments: [String],
    sourceLocation: Testing.SourceLocation = #_sourceLocation
  ) -> TensorGraphError? {
    expectError(reason, containing: fragments, sourceLocation: sourceLocation) {
      try Graph.deserialize(data, registry: SerializationFixtures.registry)
    }
  }

  // MARK: - JSON and document structure

  @Test func syntaxErrorGivesByteLineAndColumn() {
    expectLoadError(Data("{\"format_version\": 1,\n  \"node\": [,]}".utf8), .format, [
      "invalid JSON at byte 33 (line 2, column 12)", "expected a value",
    ])
  }

  @Test func truncatedFile() {
    let full = Self.document(Self.x)
    expectLoadError(full.prefix(full.count - 7), .format, ["invalid JSON", "unexpected end of input"])
    expectLoadError(Data(), .format, ["empty"])
  }

  @Test func invalidJSONDetails() {
    expectLoadError(Data(#"{"a": 1, "a": 2}"#.utf8), .format, ["duplicate member name \"a\"", "byte 9"])
    expectLoadError(Data([0x22, 0xFF, 0x22]), .format, ["not valid UTF-8"])
    expectLoadError(Data(#"{"a": [1,]}"#.utf8), .format, ["expected a value"])
    expectLoadError(Data(#"{"a": 01}"#.utf8), .format, ["expected ',' or '}'"])
    expectLoadError(Data(#"{"a": NaN}"#.utf8), .format, ["expected a value"])
    expectLoadError(Data(#"{"a": "\ud800"}"#.utf8), .format, ["unpaired high surrogate"])
    expectLoadError(Data(#"{"a": 1} x"#.utf8), .format, ["after the end of the JSON value"])
    expectLoadError(Data((String(repeating: "[", count: 100) + String(repeating: "]", count: 100)).utf8), .format, [
      "nesting deeper than 64",
    ])
  }

  @Test func topLevelStructure() {
    expectLoadError(Data("[1, 2]".utf8), .format, ["expected an object, got array"])
    expectLoadError(Data(#"{"node": []}"#.utf8), .format, ["not a TensorGraph graph", "format_version"])
    expectLoadError(Self.document("", extra: #", "nodes": []"#), .format, ["unknown member \"nodes\""])
    expectLoadError(Data(#"{"format_version": 1, "producer": "p"}"#.utf8), .format, ["missing member \"node\""])
    expectLoadError(Self.document("", extra: #", "random_seed": "7""#), .format, [
      "random_seed: expected an integer, got string \"7\"",
    ])
    expectLoadError(Self.document("3"), .format, ["node[0]: expected an object, got integer 3"])
  }

  @Test func newerFormatVersionSaysSoWithBothVersions() {
    expectLoadError(Self.document(Self.x, version: 3), .format, [
      "written by format version 3", "this build reads up to 1", "upgrade TensorGraph",
    ])
    // The boundary: one version past this build's.
    expectLoadError(Self.document(Self.x, version: GraphFormat.version + 1), .format, [
      "written by format version \(GraphFormat.version + 1)", "this build reads up to \(GraphFormat.version)",
    ])
    expectLoadError(Self.document(Self.x, version: 0), .format, ["format version 0 is not supported"])
    expectLoadError(Data(#"{"format_version": 1.5, "node": []}"#.utf8), .format, ["format_version: expected an integer"])
  }

  // MARK: - Ops and attributes

  @Test func unknownOpSuggestsTheClosestName() {
    let e = expectLoadError(Self.document(Self.x + #", {"name": "m", "op": "MatMull", "input": ["x", "x"]}"#),
      .unknownOp, ["node[1] 'm'", "unknown op 'MatMull'", "did you mean 'MatMul'"])
    #expect(e?.node == "m")
  }

  @Test func opUnknownToThisBuild() {
    expectLoadError(Self.document(Self.x + #", {"name": "conv", "op": "BoostedTreesEnsembleResourceHandleOp", "input": ["x"]}"#),
      .unknownOp, ["node[1] 'conv'", "op 'BoostedTreesEnsembleResourceHandleOp' is not known to this build", "written by 'test'"])
  }

  @Test func missingAttribute() {
    expectLoadError(Self.document(#"{"name": "x", "op": "Placeholder"}"#), .missingAttribute, [
      "x (Placeholder)", "node[0] 'x'", "required attribute 'dtype'",
    ])
  }

  @Test func mistypedAttributeValueNamesThePath() {
    let doc = Self.document(Self.x + #", {"name": "m", "op": "MatMul", "input": ["x", "x"], "attr": {"transpose_a": {"b": "yes"}}}"#)
    expectLoadError(doc, .format, ["node[1] 'm' attr 'transpose_a'.b: expected bool, got string \"yes\""])
  }

  @Test func attributeOfTheWrongKind() {
    let doc = Self.document(Self.x + #", {"name": "m", "op": "MatMul", "input": ["x", "x"], "attr": {"transpose_a": {"i": 1}}}"#)
    expectLoadError(doc, .invalidAttribute, ["node[1] 'm' attr 'transpose_a'", "expected bool ({\"b\": …}), got int"])
    let list = Self.document(Self.x + #", {"name": "m", "op": "MatMul", "input": ["x", "x"], "attr": {"transpose_a": {"list": {"b": [true]}}}}"#)
    expectLoadError(list, .invalidAttribute, ["expected bool", "got list(bool)"])
  }

  @Test func attributeValueShape() {
    let base = Self.x + #", {"name": "m", "op": "MatMul", "input": ["x", "x"], "attr": {"transpose_a": "#
    expectLoadError(Self.document(base + "true}}"), .format, ["attr 'transpose_a': expected an object, got bool"])
    expectLoadError(Self.document(base + #"{"b": true, "i": 1}}}"#), .format, ["exactly one of"])
    expectLoadError(Self.document(base + #"{"func": {}}}}"#), .format, ["unknown attribute value kind \"func\""])
    expectLoadError(Self.document(base + #"{"list": {"i": [1], "f": [2]}}}}"#), .format, ["one kind of element"])
    expectLoadError(Self.document(base + #"{"list": {"tensor": []}}}}"#), .format, ["unsupported list element kind"])
  }

  @Test func attributeNotDefinedByTheOp() {
    let doc = Self.document(Self.x + #", {"name": "m", "op": "MatMul", "input": ["x", "x"], "attr": {"foo": {"i": 1}}}"#)
    expectLoadError(doc, .invalidAttribute, ["node[1] 'm'", "'foo' is not an attribute of MatMul"])
  }

  @Test func attributeValueOutsideTheConstraints() {
    let doc = Self.document(Self.x + #", {"name": "m", "op": "MatMul", "input": ["x", "x"], "attr": {"T": {"type": "DT_BOOL"}}}"#)
    expectLoadError(doc, .dtypeMismatch, ["node[1] 'm'", "'T' is bool"])
  }

  @Test func unknownDType() {
    let doc = Self.document(#"{"name": "x", "op": "Placeholder", "attr": {"dtype": {"type": "DT_HALF"}}}"#)
    expectLoadError(doc, .format, ["attr 'dtype'.type: unknown dtype \"DT_HALF\"", "DT_FLOAT"])
  }

  @Test func integerOutOfRange() {
    let doc = Self.document(Self.x + #", {"name": "m", "op": "AllAttrs", "input": ["x"], "attr": {"i": {"i": 9223372036854775808}}}"#)
    expectLoadError(doc, .format, ["attr 'i'.i: integer 9223372036854775808 does not fit in 64 bits"])
    let frac = Self.document(Self.x + #", {"name": "m", "op": "AllAttrs", "input": ["x"], "attr": {"i": {"i": 1.5}}}"#)
    expectLoadError(frac, .format, ["expected an integer, got number 1.5"])
  }

  @Test func badShapes() {
    func placeholder(_ shape: String) -> Data {
      Self.document(#"{"name": "p", "op": "Placeholder", "attr": {"dtype": {"type": "DT_FLOAT"}, "shape": {"shape": \#(shape)}}}"#)
    }
    expectLoadError(placeholder(#"{"dim": [{"size": -2}]}"#), .format, ["attr 'shape'.shape.dim[0].size", "-2 is invalid"])
    expectLoadError(placeholder(#"{"unknown_rank": true, "dim": [{"size": 1}]}"#), .format, ["cannot list dims"])
    expectLoadError(placeholder(#"{"dim": [{"size": 1, "name": "batch"}]}"#), .format, ["unknown member \"name\""])
    expectLoadError(placeholder(#"{"dim": [{"size": 4611686018427387904}, {"size": -1}, {"size": 4}]}"#), .format, [
      "attr 'shape'.shape", "more than 2^63 elements",
    ])
  }

  // MARK: - Tensors

  static func constant(_ tensor: String, dtype: String = "DT_FLOAT") -> Data {
    document(#"{"name": "c", "op": "Const", "attr": {"dtype": {"type": "\#(dtype)"}, "value": {"tensor": \#(tensor)}}}"#)
  }

  @Test func tensorBytesMustMatchShapeAndDType() {
    // 2 floats of data for a [3] tensor.
    expectLoadError(
      Self.constant(#"{"dtype": "DT_FLOAT", "tensor_shape": {"dim": [{"size": 3}]}, "tensor_content": "AADAPwAAIEA="}"#),
      .format, ["node[0] 'c' attr 'value'.tensor.tensor_content", "holds 8 bytes but a float32 tensor of shape [3] needs 12"])
  }

  @Test func tensorDTypeMustMatchTheConstDType() {
    expectLoadError(
      Self.constant(
        #"{"dtype": "DT_FLOAT", "tensor_shape": {"dim": [{"size": 2}]}, "tensor_content": "AADAPwAAIEA="}"#,
        dtype: "DT_INT32"),
      .invalidArgument, ["c (Const)", "'value' holds float32 but 'dtype' is int32"])
  }

  @Test func malformedTensors() {
    let shape = #""tensor_shape": {"dim": [{"size": 2}]}"#
    expectLoadError(Self.constant(#"{"dtype": "DT_FLOAT", \#(shape), "tensor_content": "AADAP#AAIEA="}"#), .format, [
      "tensor.tensor_content", "invalid base64 character at position 5",
    ])
    expectLoadError(Self.constant(#"{"dtype": "DT_FLOAT", \#(shape), "tensor_content": "AADAPwAAIEA"}"#), .format, [
      "not a multiple of 4",
    ])
    expectLoadError(Self.constant(#"{"dtype": "DT_FLOAT", \#(shape)}"#), .format, ["needs \"tensor_content\""])
    expectLoadError(
      Self.constant(#"{"dtype": "DT_FLOAT", \#(shape), "tensor_content": "", "weights_key": "w"}"#), .format,
      ["not both"])
    expectLoadError(
      Self.constant(#"{"dtype": "DT_FLOAT", "tensor_shape": {"dim": [{"size": -1}]}, "tensor_content": ""}"#),
      .format, ["tensor.tensor_shape", "must be fully known"])
    expectLoadError(
      Self.constant(
        #"{"dtype": "DT_FLOAT", "tensor_shape": {"dim": [{"size": 4294967296}, {"size": 4294967296}]}, "tensor_content": ""}"#),
      .format, ["more than 2^63 elements"])
    expectLoadError(
      Self.constant(#"{"dtype": "DT_BOOL", "tensor_shape": {"dim": [{"size": 2}]}, "tensor_content": "AQI="}"#,
        dtype: "DT_BOOL"),
      .format, ["bool element 1 is 2, not 0 or 1"])
  }

  @Test func weightsKeyWithoutWeights() {
    let doc = Self.constant(#"{"dtype": "DT_FLOAT", "tensor_shape": {"dim": [{"size": 2}]}, "weights_key": "c"}"#)
    expectLoadError(doc, .format, ["tensor.weights_key: no tensor \"c\" in the weights"])
  }

  // MARK: - Inputs and graph structure

  @Test func danglingInputSuggestsCloseNames() {
    let doc = Self.document(Self.x + #", {"name": "m", "op": "MatMul", "input": ["x", "xx"]}"#)
    expectLoadError(doc, .unknownNode, ["node[1] 'm' input[1]", "no node named 'xx'", "did you mean 'x'"])
    let control = Self.document(Self.x + #", {"name": "m", "op": "MatMul", "input": ["x", "x", "^nothing"]}"#)
    expectLoadError(control, .unknownNode, ["input[2]", "no node named 'nothing'"])
  }

  @Test func inputOutputIndexOutOfRange() {
    let doc = Self.document(Self.x + #", {"name": "m", "op": "MatMul", "input": ["x", "x:3"]}"#)
    expectLoadError(doc, .unknownNode, ["node[1] 'm' input[1]", "has 1 output(s), so it has no output 3"])
  }

  @Test func malformedInputNames() {
    expectLoadError(Self.document(Self.x + #", {"name": "m", "op": "MatMul", "input": ["x", "x:a"]}"#), .format, [
      "input[1]", "\"x:a\" is not an input name",
    ])
    expectLoadError(Self.document(Self.x + #", {"name": "m", "op": "MatMul", "input": ["x", "x:-1"]}"#), .format, [
      "is not an input name",
    ])
    expectLoadError(Self.document(Self.x + #", {"name": "m", "op": "MatMul", "input": ["^x", "x", "x"]}"#), .format, [
      "input[1]", "follows a control input",
    ])
    expectLoadError(Self.document(Self.x + #", {"name": "m", "op": "MatMul", "input": "x"}"#), .format, [
      "node[1] 'm' input: expected an array, got string",
    ])
  }

  @Test func wrongNumberOfInputs() {
    expectLoadError(Self.document(Self.x + #", {"name": "m", "op": "MatMul", "input": ["x"]}"#), .invalidArgument, [
      "node[1] 'm'", "MatMul takes 2 input(s)",
    ])
  }

  @Test func cycleNamesItsNodes() {
    let doc = Self.document(
      #"{"name": "a", "op": "AddV2", "input": ["c", "c"]}, {"name": "b", "op": "Identity", "input": ["a"]}, {"name": "c", "op": "Identity", "input": ["b"]}"#
    )
    expectLoadError(doc, .format, ["form a cycle", "'a' reads 'c'", "'c' reads 'b'", "'b' reads 'a'"])
    let selfLoop = Self.document(#"{"name": "a", "op": "Identity", "input": ["^a"]}"#)
    expectLoadError(selfLoop, .format, ["nodes 'a' form a cycle: 'a' reads 'a'"])
  }

  @Test func duplicateNodeName() {
    let e = expectLoadError(Self.document(Self.x + ", " + Self.x), .duplicateName, [
      "node[1] 'x'", "duplicate node name 'x': node[0] has it too",
    ])
    #expect(e?.node == "x")
  }

  @Test func invalidNodeName() {
    let doc = Self.document(#"{"name": "_bad", "op": "NoOp"}"#)
    expectLoadError(doc, .invalidArgument, ["'_bad' is not a valid node name"])
  }

  @Test func unknownMemberInANodeRecord() {
    expectLoadError(Self.document(#"{"name": "n", "op": "NoOp", "device": ""}"#), .format, [
      "node[0] 'n': unknown member \"device\"",
    ])
    expectLoadError(Self.document(#"{"op": "NoOp"}"#), .format, ["node[0]: missing member \"name\""])
  }

  @Test func shapesInconsistentWithTheOp() {
    let doc = Self.document(Self.x + ", " + Self.c + #", {"name": "m", "op": "MatMul", "input": ["x", "c"]}"#)
    expectLoadError(doc, .shapeMismatch, ["m (MatMul)", "node[2] 'm'", "must be a matrix (rank 2) but has shape [2]"])
  }

  @Test func dtypesInconsistentWithTheOp() {
    let i = #"{"name": "i", "op": "Placeholder", "attr": {"dtype": {"type": "DT_INT32"}}}"#
    expectLoadError(Self.document(Self.x + ", " + i + #", {"name": "s", "op": "AddV2", "input": ["x", "i"]}"#),
      .dtypeMismatch, ["node[2] 's'", "input 'y' is int32 but 'T' is float32"])
    // A stored type attribute that contradicts the inputs.
    expectLoadError(
      Self.document(Self.x + #", {"name": "s", "op": "AddV2", "input": ["x", "x"], "attr": {"T": {"type": "DT_DOUBLE"}}}"#),
      .dtypeMismatch, ["input 'x' is float32 but 'T' is float64"])
  }

  @Test func collectionNamingAMissingNode() {
    let doc = Self.document(Self.x, extra: #", "collections": {"variables": ["x", "w"]}"#)
    expectLoadError(doc, .unknownNode, ["collections.variables[1]: no node named 'w'"])
  }

  // MARK: - Files

  @Test func fileErrorsNameTheFileAndLine() throws {
    let dir = try SerializationFixtures.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let url = dir.appendingPathComponent("broken.json")
    let text = """
      {
        "format_version": 1,
        "producer": "test",
        "node": [
          \(Self.x),
          {"name": "m", "op": "MatMul", "input": ["x", "x"], "attr": {"transpose_a": {"b": 1}}}
        ]
      }
      """
    try Data(text.utf8).write(to: url)
    let e = expectError(.format, containing: ["broken.json:6: m (MatMul): node[1] 'm' attr 'transpose_a'.b: expected bool"]) {
      try Graph.load(from: url)
    }
    #expect(e?.site?.line == 6)
    expectError(.io, containing: ["cannot open", "missing.json", "No such file"]) {
      try Graph.load(from: dir.appendingPathComponent("missing.json"))
    }
    expectError(.io, containing: ["not a regular file"]) { try Graph.load(from: dir) }
  }

  @Test func weightsFileProblems() throws {
    let dir = try SerializationFixtures.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let g = Graph()
    _ = try g.constant(try Tensor(shape: [300], repeating: Float(1)), name: "big")
    let url = dir.appendingPathComponent("m.json")
    try g.save(to: url)
    let weights = dir.appendingPathComponent("m.safetensors")
    // A weights file holding the tensor with another dtype.
    try SafeTensors.write(["big": try Tensor(shape: [300], repeating: Int32(1))], to: weights)
    expectError(.format, containing: ["m.json:", "node[0] 'big' attr 'value'.tensor.weights_key", "dtype differs"]) {
      try Graph.load(from: url)
    }
    try SafeTensors.write(["other": Tensor(Float(1))], to: weights)
    expectError(.format, containing: ["no tensor \"big\" in the weights"]) { try Graph.load(from: url) }
    try FileManager.default.removeItem(at: weights)
    expectError(.io, containing: ["m.safetensors"]) { try Graph.load(from: url) }
    // A graph with a weights_key but no weights file named at all.
    let text = try String(contentsOf: url, encoding: .utf8).replacingOccurrences(
      of: "  \"weights\": \"m.safetensors\",\n", with: "")
    try Data(text.utf8).write(to: url)
    expectError(.format, containing: ["the graph names no weights file"]) { try Graph.load(from: url) }
  }
}

@Suite struct GraphLoadingFileTypeTests {
  @Test func weightsNamingAFIFODoesNotHang() throws {
    let dir = try SerializationFixtures.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let fifo = dir.appendingPathComponent("weights.safetensors")
    #expect(mkfifo(fifo.path, 0o600) == 0)
    let json = #"""
      {"format_version": 1, "producer": "test", "weights": "weights.safetensors", "node": [
        {"name": "c", "op": "Const", "attr": {"dtype": {"type": "DT_FLOAT"}, "value": {"tensor": {"dtype": "DT_FLOAT", "tensor_shape": {"dim": []}, "weights_key": "c"}}}}]}
      """#
    let url = dir.appendingPathComponent("g.json")
    try Data(json.utf8).write(to: url)
    expectError(.io, containing: ["weights.safetensors' is not a regular file"]) { try Graph.load(from: url) }
  }
}
