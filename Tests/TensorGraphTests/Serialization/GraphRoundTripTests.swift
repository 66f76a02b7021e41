import Foundation
import Testing
import TensorGraph
import TensorGraphTestSupport

@Suite struct GraphRoundTripTests {
  @Test func serializeDeserializeSerializeIsByteIdentical() throws {
    let (g, _, _, _) = try SerializationFixtures.richGraph()
    let json = g.serialize()
    let copy = try Graph.deserialize(json, registry: SerializationFixtures.registry)
    expectSameGraph(g, copy)
    #expect(copy.serialize() == json)
    // And once more: canonical output is a fixed point.
    #expect(try Graph.deserialize(copy.serialize(), registry: SerializationFixtures.registry).serialize() == json)
  }

  @Test func saveLoadSaveIsByteIdenticalWithWeightsFile() throws {
    let (g, _, feeds, initializer) = try SerializationFixtures.richGraph()
    let session = Session(graph: g)
    try session.run(targets: [initializer], feeds: feeds)
    let dir = try SerializationFixtures.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let serializer = GraphSerializer(registry: SerializationFixtures.registry)
    let first = dir.appendingPathComponent("a/model.json"), second = dir.appendingPathComponent("b/model.json")
    for d in ["a", "b"] { try FileManager.default.createDirectory(at: dir.appendingPathComponent(d), withIntermediateDirectories: true) }
    let weights = try serializer.save(g, to: first, variables: session)
    #expect(weights?.lastPathComponent == "model.safetensors")
    let loaded = try serializer.load(from: first)
    #expect(loaded.weightsURL?.path == weights?.path)
    expectSameGraph(g, loaded.graph)
    try serializer.save(loaded.graph, to: second, variables: try loaded.makeSession())
    #expect(try Data(contentsOf: first) == Data(contentsOf: second))
    #expect(
      try Data(contentsOf: dir.appendingPathComponent("a/model.safetensors"))
        == Data(contentsOf: dir.appendingPathComponent("b/model.safetensors")))
    // The big constant went to the weights file, the small ones stayed inline.
    let text = try Data(contentsOf: first).text
    #expect(text.contains("\"weights\": \"model.safetensors\""))
    #expect(text.contains("\"weights_key\": \"consts/big\""))
    #expect(!text.contains("\"weights_key\": \"consts/f32\""))
    let file = try SafeTensorsFile(contentsOf: weights!)
    #expect(Set(file.entries.map(\.name)) == ["consts/big", "dense/kernel", "dense/bias"])
  }

  @Test func loadedGraphRunsBitwiseIdentically() throws {
    let (g, fetches, feeds, initializer) = try SerializationFixtures.richGraph()
    let original = Session(graph: g)
    try original.run(targets: [initializer], feeds: feeds)
    let expected = try original.run(fetches: fetches, feeds: feeds)

    let dir = try SerializationFixtures.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let url = dir.appendingPathComponent("model.json")
    let serializer = GraphSerializer(registry: SerializationFixtures.registry)
    try serializer.save(g, to: url, variables: original)
    let loaded = try serializer.load(from: url)
    let session = try loaded.makeSession()
    let names = fetches.map(\.name)
    let got = try session.run(
      fetches: names, feeds: Dictionary(uniqueKeysWithValues: feeds.map { ($0.key.name, $0.value) }))
    for (k, (e, a)) in zip(expected, got).enumerated() {
      #expect(e == a, "\(names[k]): \(e) vs \(a)")  // Tensor == is bitwise
    }
    // The in-memory round trip runs identically too (variables initialized
    // by the loaded graph's own initializer).
    let copy = try Graph.deserialize(g.serialize(), registry: SerializationFixtures.registry)
    let s2 = Session(graph: copy)
    try s2.run(targets: [try copy.requireNode(named: initializer.name)])
    let got2 = try s2.run(fetches: names, feeds: Dictionary(uniqueKeysWithValues: feeds.map { ($0.key.name, $0.value) }))
    #expect(got2 == expected)
  }

  @Test func everyAttributeKindAndDTypeRoundTripsBitwise() throws {
    let (g, _, _, _) = try SerializationFixtures.richGraph()
    let copy = try Graph.deserialize(g.serialize(), registry: SerializationFixtures.registry)
    let node = try copy.requireNode(named: "all_attrs")
    #expect(Set(node.attrs.values.map(\.kind)) == Set(AttrKind.allKinds))
    #expect(node.attrs["f"].map { sameBits($0, .float(-0.0)) } == true)
    #expect(node.attrs["i"] == .int(Int.min))
    #expect(node.attrs["s"] == .string("SAME \"quoted\" \\ ünïcode\n\t\u{1}"))
    let f32 = try copy.requireNode(named: "consts/f32").tensor("value")
    #expect(f32.withUnsafeBufferPointer(as: Float.self) { $0.map(\.bitPattern) }
      == SerializationFixtures.specialFloats.map(\.bitPattern))
    let f64 = try copy.requireNode(named: "consts/f64").tensor("value")
    #expect(f64.withUnsafeBufferPointer(as: Double.self) { $0.map(\.bitPattern) }
      == SerializationFixtures.specialDoubles.map(\.bitPattern))
    for dtype in DType.allCases {
      #expect(copy.nodes.contains { $0.op == "Const" && $0.outputs[0].dtype == dtype }, "no \(dtype) constant")
    }
  }

  @Test func floatAttributesUseShortestRoundTripText() throws {
    let g = Graph(registry: SerializationFixtures.registry)
    let x = try g.placeholder(.float32, shape: [1], name: "x")
    _ = try g.addNode(
      op: "AllAttrs", inputs: [x],
      attrs: [
        "i": 3, "f": 0.1, "b": true, "s": "SAME", "ty": .type(.float32), "sh": .shape([2]),
        "te": .tensor(Tensor(Float(2))), "li": .ints([]), "lb": .bools([]), "ls": .strings([]), "lt": .types([]),
        "lsh": .shapes([]),
        "lf": .floats([.nan, .infinity, -.infinity, -0.0, 1e-5, 1e16, .leastNonzeroMagnitude, 1.7976931348623157e308, 1]),
      ], name: "a")
    let text = g.serialize().text
    #expect(text.contains(#""f": {"f": 0.1}"#))
    #expect(text.contains(
      #"[\#("\"NaN\""), "Infinity", "-Infinity", -0.0, 1e-05, 1e+16, 5e-324, 1.7976931348623157e+308, 1.0]"#))
    #expect(text.contains(#""i": {"i": 3}"#))
  }

  @Test func nodesOutOfDependencyOrderLoad() throws {
    // "y" reads "x" but comes first; "z" needs both (one by control input).
    let json = """
      {"format_version": 1, "producer": "hand-written", "node": [
        {"name": "z", "op": "AddV2", "input": ["y", "x", "^y"]},
        {"name": "y", "op": "Mul", "input": ["x", "x"]},
        {"name": "x", "op": "Const", "attr": {"dtype": {"type": "DT_FLOAT"},
          "value": {"tensor": {"dtype": "DT_FLOAT", "tensor_shape": {"dim": [{"size": 2}]}, "tensor_content": "AADAPwAAIEA="}}}}
      ]}
      """
    let g = try Graph.deserialize(Data(json.utf8))
    #expect(g.nodes.map(\.name) == ["x", "y", "z"])
    #expect(g.node(named: "z")?.controlInputs == [1])
    expectClose(try Session(graph: g).run(try g.output(named: "z")), [3.75, 8.75])  // x² + x
  }

  @Test func defaultsAndTypeAttributesAreFilledOnLoad() throws {
    // TensorFlow graphs often omit attributes with defaults and inferable
    // type attributes; the loader fills them, and writes them out.
    let json = """
      {"format_version": 1, "producer": "hand-written", "node": [
        {"name": "a", "op": "Placeholder", "attr": {"dtype": {"type": "DT_FLOAT"}, "shape": {"shape": {"dim": [{"size": -1}, {"size": 2}]}}}},
        {"name": "b", "op": "Placeholder", "attr": {"dtype": {"type": "float32"}, "shape": {"shape": {"dim": [{}, {"size": 2}]}}}},
        {"name": "m", "op": "MatMul", "input": ["a:0", "b"], "attr": {"transpose_b": {"b": true}, "T": {"type": "DT_FLOAT"}}}
      ]}
      """
    let g = try Graph.deserialize(Data(json.utf8))
    let m = try g.requireNode(named: "m")
    #expect(m.attrs["transpose_a"] == .bool(false))
    #expect(m.outputs[0].shape == PartialShape([nil, 0]))
    #expect(g.serialize().text.contains(#""transpose_a": {"b": false}"#))
  }

  @Test func emptyListsTakeTheirKindFromTheOpDefinition() throws {
    let (g, _, _, _) = try SerializationFixtures.richGraph()
    var text = g.serialize().text
    // TensorFlow's JSON writes an empty list as {"list": {}}.
    for key in ["i", "f", "b", "s", "type", "shape"] {
      text = text.replacingOccurrences(of: "{\"list\": {\"\(key)\": []}}", with: "{\"list\": {}}")
    }
    let copy = try Graph.deserialize(Data(text.utf8), registry: SerializationFixtures.registry)
    let node = try copy.requireNode(named: "empty_lists")
    #expect(node.attrs["lf"] == .floats([]))
    #expect(node.attrs["lsh"] == .shapes([]))
    #expect(copy.serialize() == g.serialize())
  }

  @Test func formatDocumentationExampleIsCanonical() throws {
    let doc = try String(
      contentsOf: SerializationFixtures.repositoryRoot.appendingPathComponent("Docs/format.md"), encoding: .utf8)
    let start = try #require(doc.range(of: "```json\n"))
    let end = try #require(doc.range(of: "```", range: start.upperBound..<doc.endIndex))
    let example = String(doc[start.upperBound..<end.lowerBound])
    let g = try Graph.deserialize(Data(example.utf8))
    #expect(g.serialize().text == example)
    let session = Session(graph: g)
    _ = try session.run(fetches: [], targets: ["init"])
    let out = try session.run(fetches: ["y"], feeds: ["x": Tensor.f32([1, 2], [1, 2])])[0]
    expectClose(out, [2.25, 2], shape: [1, 2])  // [1, 2]·[[1, -1], [0.5, 1.5]] + [0.25, 0]
  }

  @Test func everyRegisteredOpSurvivesARoundTrip() throws {
    // For each op: a node with placeholder inputs of an allowed dtype and
    // required attributes filled in, serialized and loaded back. Fused ops
    // (made by passes) have attributes that describe their computation:
    // those, and their list lengths, are given here.
    let special: [String: (listLength: Int, attrs: [String: AttrValue])] = [
      "_FusedMatMul": (1, ["fused_ops": .strings(["BiasAdd", "Relu"]), "num_args": 1]),
      "_FusedConv2D": (4, ["fused_ops": .strings(["FusedBatchNorm", "Relu6"]), "num_args": 4]),
      "FusedElementwise": (2, ["ops": .strings(["Mul", "Tanh"]), "operands": .ints([0, 1, 2])]),
      // An equation, which the shape function parses.
      "Einsum": (2, ["equation": .string("ij,jk->ik")]),
    ]
    for def in OpRegistry.standard.ops {
      let g = Graph()
      func dtype(for arg: ArgDef) -> DType {
        switch arg.type {
        case .fixed(let t): return t
        case .attr(let name):
          let allowed = def.attr(named: name)?.allowedTypes ?? [.float32]
          return allowed.contains(.float32) ? .float32 : allowed.sorted { $0.rawValue < $1.rawValue }[0]
        }
      }
      var attrs: [String: AttrValue] = [:]
      for a in def.attrs where a.defaultValue == nil {
        switch a.kind {
        case .shape: attrs[a.name] = .shape([2])
        case .type where !def.inputs.contains { $0.type == .attr(a.name) }:
          attrs[a.name] = .type((a.allowedTypes ?? [.float32]).contains(.float32) ? .float32 : a.allowedTypes!.first!)
        case .tensor: attrs[a.name] = .tensor(Tensor([1, 2] as [Float]))
        case .int: attrs[a.name] = .int(2)  // Unpack's num: the inputs have 2 rows
        case .ints: attrs[a.name] = .ints([1, 1, 1, 1])  // strides, ksize
        case .string: attrs[a.name] = .string(a.allowedStrings?.first ?? "")  // padding
        default: break
        }
      }
      attrs.merge(special[def.name]?.attrs ?? [:]) { $1 }
      var inputs: [Output] = []
      for (k, arg) in def.inputs.enumerated() {
        let count = arg.countAttr == nil ? 1 : special[def.name]?.listLength ?? 2
        for j in 0..<count {
          if arg.isRef {
            let v = try g.addNode(
              op: "VariableV2", attrs: ["shape": .shape([2]), "dtype": .type(dtype(for: arg))], name: "v\(k)_\(j)")
            inputs.append(g.output(v, 0))
          } else {
            inputs.append(try g.placeholder(dtype(for: arg), shape: nil, name: "in\(k)_\(j)"))
          }
        }
      }
      _ = try g.addNode(op: def.name, inputs: inputs, attrs: attrs, name: "node")
      let copy = try Graph.deserialize(g.serialize())
      expectSameGraph(g, copy)
      #expect(copy.serialize() == g.serialize(), "\(def.name)")
    }
  }
}

extension AttrKind {
  /// Every kind, for coverage checks.
  static let allKinds: [AttrKind] = [
    .int, .float, .bool, .string, .type, .shape, .tensor, .ints, .floats, .bools, .strings, .types, .shapes,
  ]
}
