import Foundation
import Testing
import TensorGraph
import TensorGraphTestSupport

/// Shared helpers for the serialization tests: temporary directories,
/// fixture files, bitwise comparisons and a graph using every feature of
/// the format.
enum SerializationFixtures {
  /// A fresh temporary directory.
  static func temporaryDirectory() throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("tg-serial-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
  }

  /// A file under `Tests/TensorGraphTests/Fixtures/`.
  static func fixture(_ path: String) -> URL {
    Bundle.module.resourceURL!.appendingPathComponent("Fixtures").appendingPathComponent(path)
  }

  /// The repository root (for checking documentation examples).
  static let repositoryRoot = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

  /// A test op with one attribute of every kind, and one with two outputs,
  /// so that every attribute encoding and `node:1` inputs are exercised.
  static let registry = OpRegistry.standard.adding([
    OpDef(
      "AllAttrs", inputs: ["x: T"], outputs: ["y: T"],
      attrs: [
        "T: type", "i: int", "f: float", "b: bool", "s: string", "ty: type", "sh: shape", "te: tensor",
        "li: list(int)", "lf: list(float)", "lb: list(bool)", "ls: list(string)", "lt: list(type)",
        "lsh: list(shape)",
      ],
      shape: ShapeRules.unchanged, kernel: { _ in { ctx in ctx.setOutput(0, ctx.input(0)) } }),
    OpDef(
      "TwoOutputs", inputs: ["x: T"], outputs: ["same: T", "doubled: T"], attrs: ["T: {float32}"],
      shape: { c in [c.shape(0), c.shape(0)] },
      kernel: { _ in
        { ctx in
          let x = ctx.input(0)
          let out = ctx.allocateOutput(1, dtype: .float32, shape: x.shape)
          let p = x.unsafePointer(as: Float.self), q = out.unsafeMutablePointer(as: Float.self)
          for i in 0..<x.scalarCount { q[i] = p[i] * 2 }
          ctx.setOutput(0, x)
          ctx.setOutput(1, out)
        }
      }),
  ])

  /// Floats whose bits a text format could lose: NaN (with a payload),
  /// infinities, -0.0, subnormals, extremes.
  static let specialFloats: [Float] = [
    .nan, Float(bitPattern: 0xFFC0_1234), .infinity, -.infinity, -0.0, 0, .leastNonzeroMagnitude,
    .leastNormalMagnitude, .greatestFiniteMagnitude, -.greatestFiniteMagnitude, 0.1, 1 / 3,
  ]
  static let specialDoubles: [Double] = [
    .nan, Double(bitPattern: 0x7FF8_0000_DEAD_BEEF), .infinity, -.infinity, -0.0, 0, .leastNonzeroMagnitude,
    .leastNormalMagnitude, .greatestFiniteMagnitude, 0.1, 1e-5, 1e16, 1 / 3.0, -123.456e-300,
  ]

  /// A graph using every dtype, every attribute kind, inline and external
  /// constants, variables, control inputs, `node:1` inputs, collections and
  /// a random seed. Returns the graph and the outputs worth fetching.
  static func richGraph() throws -> (Graph, fetches: [Output], feeds: [Output: Tensor], initializer: Node) {
    let g = Graph(registry: registry)
    g.randomSeed = 1234
    let x = try g.placeholder(.float32, shape: [nil, 3], name: "x")
    _ = try g.placeholder(.float64, shape: nil, name: "unknown_rank")
    _ = try g.placeholder(.int64, shape: [], name: "scalar")
    let w = try g.variable(
      try Tensor(shape: [3, 2], scalars: [1, -2, 0.5, 4, -0.0, 6] as [Float]), name: "dense/kernel")
    let b = try g.variable(Tensor([0.25, -0.25] as [Float]), name: "dense/bias", trainable: false)
    let mm = try g.withNameScope("dense") { try g.matMul(x, w.value) }
    let logits = try g.add(mm, b.value, name: "dense/logits")
    // Every dtype as a constant, special values included.
    let f32 = try g.constant(Tensor(specialFloats), name: "consts/f32")
    let f64 = try g.constant(Tensor(specialDoubles), name: "consts/f64")
    let i32 = try g.constant(Tensor([Int32.min, -1, 0, Int32.max]), name: "consts/i32")
    let i64 = try g.constant(try Tensor(shape: [2, 2], scalars: [Int64.min, -1, 0, Int64.max]), name: "consts/i64")
    let u8 = try g.constant(Tensor([0, 1, 254, 255] as [UInt8]), name: "consts/u8")
    let bools = try g.constant(Tensor([true, false, true]), name: "consts/bool")
    let empty = try g.constant(try Tensor(zeros: [0, 3]), name: "consts/empty")
    // 2 KiB: stored in the weights file by default.
    var rng = TestRandom(seed: 7)
    let big = try g.constant(try Tensor(shape: [16, 32], scalars: rng.uniform(512).map { Float($0) }), name: "consts/big")
    let bigSum = try g.matMul(try g.constant(try Tensor(shape: [1, 16], repeating: Float(1))), big, name: "big_sum")
    // Every attribute kind.
    let all = try g.addNode(
      op: "AllAttrs", inputs: [logits],
      attrs: [
        "i": .int(Int.min), "f": .float(-0.0), "b": true, "s": "SAME \"quoted\" \\ ünïcode\n\t\u{1}",
        "ty": .type(.uint8), "sh": .shape(PartialShape([nil, 784])),
        "te": .tensor(Tensor([1.5, .nan] as [Double])),
        "li": .ints([1, -2, Int.max]), "lf": .floats(specialDoubles), "lb": .bools([true, false]),
        "ls": .strings(["a", "", "c/d"]), "lt": .types(DType.allCases),
        "lsh": .shapes([.unknown, .scalar, PartialShape([2, nil])]),
      ], name: "all_attrs")
    let empties = try g.addNode(
      op: "AllAttrs", inputs: [logits],
      attrs: [
        "i": 0, "f": .float(.infinity), "b": false, "s": "", "ty": .type(.bool), "sh": .shape(.unknown),
        "te": .tensor(Tensor(Int32(3))), "li": .ints([]), "lf": .floats([]), "lb": .bools([]),
        "ls": .strings([]), "lt": .types([]), "lsh": .shapes([]),
      ], name: "empty_lists")
    let two = try g.addNode(op: "TwoOutputs", inputs: [g.output(all, 0)], name: "two")
    let doubled = try g.add(g.output(two, 1), g.output(two, 0), name: "sum_of_outputs")
    let initializer = try g.globalVariablesInitializer()
    let after = try g.withControlDependencies([initializer]) { try g.identity(doubled, name: "after_init") }
    return (
      g, [doubled, after, f32, f64, i32, i64, u8, bools, empty, bigSum, g.output(empties, 0)],
      [x: try Tensor(shape: [2, 3], scalars: [1, 2, 3, -4, 5.5, -6] as [Float])], initializer
    )
  }
}

// MARK: - Bitwise comparisons

/// Whether two attribute values are identical bit for bit — the sign of
/// zero included, which `==` on doubles ignores — except that all NaNs are
/// alike: float attributes store NaN as the text "NaN", without payload
/// (tensor data keeps every bit, and `Tensor ==` compares bits).
func sameBits(_ a: AttrValue, _ b: AttrValue) -> Bool {
  func bits(_ v: Double) -> UInt64 { v.isNaN ? Double.nan.bitPattern : v.bitPattern }
  switch (a, b) {
  case (.float(let x), .float(let y)): return bits(x) == bits(y)
  case (.floats(let x), .floats(let y)): return x.map(bits) == y.map(bits)
  default: return a == b
  }
}

/// Checks that two graphs have the same nodes — names, ops, inputs,
/// control inputs, attributes (bitwise), inferred types — in the same
/// order, and the same collections and seed.
func expectSameGraph(_ a: Graph, _ b: Graph, sourceLocation: Testing.SourceLocation = #_sourceLocation) {
  #expect(a.nodeCount == b.nodeCount, sourceLocation: sourceLocation)
  for (x, y) in zip(a.nodes, b.nodes) {
    #expect(x.name == y.name, sourceLocation: sourceLocation)
    #expect(x.op == y.op, "\(x.name)", sourceLocation: sourceLocation)
    #expect(x.inputs == y.inputs, "\(x.name)", sourceLocation: sourceLocation)
    #expect(x.controlInputs == y.controlInputs, "\(x.name)", sourceLocation: sourceLocation)
    #expect(x.outputs == y.outputs, "\(x.name)", sourceLocation: sourceLocation)
    #expect(Set(x.attrs.keys) == Set(y.attrs.keys), "\(x.name)", sourceLocation: sourceLocation)
    for (k, v) in x.attrs {
      #expect(y.attrs[k].map { sameBits(v, $0) } == true, "\(x.name).\(k): \(v) vs \(String(describing: y.attrs[k]))",
        sourceLocation: sourceLocation)
    }
  }
  #expect(a.collections == b.collections, sourceLocation: sourceLocation)
  #expect(a.randomSeed == b.randomSeed, sourceLocation: sourceLocation)
}

extension Data {
  /// The data as text, for messages and golden comparisons.
  var text: String { String(decoding: self, as: UTF8.self) }
}
