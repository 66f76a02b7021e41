import Foundation
import Testing
import TensorGraph
import TensorGraphTestSupport

/// The JSON layer as seen through the graph format: strings, numbers and
/// escapes survive a round trip, and the text is canonical.
@Suite struct JSONTextTests {
  static func graph(withString s: String) throws -> Graph {
    let g = Graph()
    _ = try g.addNode(op: "VariableV2", attrs: ["shape": .shape([1]), "dtype": .type(.float32), "container": .string(s)], name: "v")
    return g
  }

  @Test(arguments: [
    "", "plain", "quote \" backslash \\ slash /", "controls \u{0}\u{1}\u{8}\u{9}\u{a}\u{c}\u{d}\u{1f}\u{7f}",
    "ünïcödé ✓ 𝄞 日本", "\u{2028}\u{2029}",
  ])
  func stringsRoundTrip(_ s: String) throws {
    let g = try Self.graph(withString: s)
    let json = g.serialize()
    let copy = try Graph.deserialize(json)
    #expect(copy.node(named: "v")?.attrs["container"] == .string(s))
    #expect(copy.serialize() == json)
  }

  @Test func escapesAreMinimalAndReadersAcceptAllForms() throws {
    let text = try Self.graph(withString: "a\"b\\c\n\u{1}é").serialize().text
    #expect(text.contains(#""container": {"s": "a\"b\\c\n\u0001é"}"#))
    // \u escapes, surrogate pairs and \/ are accepted on reading.
    let json = text.replacingOccurrences(of: #"a\"b\\c\n\u0001é"#, with: #"\u0041\/\ud834\udd1e\u00e9"#)
    #expect(try Graph.deserialize(Data(json.utf8)).node(named: "v")?.attrs["container"] == .string("A/𝄞é"))
  }

  @Test func randomDoublesRoundTripExactly() throws {
    var rng = TestRandom(seed: 42)
    var values: [Double] = []
    for _ in 0..<2000 { values.append(Double(bitPattern: rng.next())) }
    values = values.filter { !$0.isNaN }
    let g = Graph(registry: SerializationFixtures.registry)
    let x = try g.placeholder(.float32, shape: [1], name: "x")
    _ = try g.addNode(
      op: "AllAttrs", inputs: [x],
      attrs: [
        "i": 0, "f": 0.0, "b": false, "s": "", "ty": .type(.float32), "sh": .shape(.unknown), "te": .tensor(Tensor(Float(0))),
        "li": .ints([]), "lf": .floats(values), "lb": .bools([]), "ls": .strings([]), "lt": .types([]), "lsh": .shapes([]),
      ], name: "a")
    let copy = try Graph.deserialize(g.serialize(), registry: SerializationFixtures.registry)
    #expect(copy.node(named: "a")?.floats("lf").map(\.bitPattern) == values.map(\.bitPattern))
  }

  @Test func whitespaceAndMemberOrderDoNotMatter() throws {
    let canonical = try Self.graph(withString: "c").serialize()
    let shuffled = #"""
      { "node" : [ { "attr" : { "shared_name" : { "s" : "" } , "shape" : { "shape" : { "dim" : [ { "size" : 1 } ] } } ,
        "dtype" : { "type" : "DT_FLOAT" } , "container" : { "s" : "c" } } , "op" : "VariableV2" , "name" : "v" } ] ,
        "producer" : "someone else" , "format_version" : 1 }
      """#
    #expect(try Graph.deserialize(Data(shuffled.utf8)).serialize() == canonical)
  }
}
