import Foundation
import Testing
import TensorGraph

/// Every registered op that TensorFlow also has declares TensorFlow's
/// signature exactly: the same inputs and outputs, in order, with the same
/// names, list lengths and type attributes; every attribute TensorFlow
/// declares, of the same kind and with the same default; and dtypes
/// TensorFlow allows. The reference is TensorFlow 2.21's own op registry
/// (`Fixtures/ops/tensorflow-opdefs.json`, dumped from
/// `op_def_registry` by `scripts/make-op-fixtures.py`), so a graph that
/// TensorFlow writes maps onto ours attribute for attribute.
@Suite struct OpDefConformanceTests {
  /// TensorFlow's OpDefs by op name.
  nonisolated(unsafe) static let tensorFlow: [String: [String: Any]] = {
    let url = SerializationFixtures.fixture("ops/tensorflow-opdefs.json")
    guard let data = try? Data(contentsOf: url),
      let defs = try? JSONSerialization.jsonObject(with: data) as? [String: [String: Any]]
    else { return [:] }
    return defs
  }()

  /// Registered ops that TensorFlow does not have, each with its reason.
  static let ownOps: [String: String] = [
    "FusedElementwise": "made by the elementwise fusion pass from a chain of TensorFlow elementwise ops",
  ]

  /// TensorFlow attributes an op deliberately leaves out, with the reason.
  static let omittedAttributes: [String: String] = [:]

  /// Where an op deliberately goes beyond TensorFlow's signature (an
  /// argument typed by an attribute where TensorFlow fixes it, a dtype
  /// TensorFlow's op does not allow), by `Op.argument-or-attribute`, with
  /// the reason. Graphs TensorFlow writes still map onto ours unchanged.
  static let extensions: [String: String] = [
    "FusedBatchNormV3.T": "float64 batch normalization, for gradient checks in double precision",
    "FusedBatchNormV3.U": "float64 statistics go with a float64 x",
    "FusedBatchNormGradV3.T": "the gradient of the float64 extension of FusedBatchNormV3",
    "FusedBatchNormGradV3.U": "the gradient of the float64 extension of FusedBatchNormV3",
    "FusedBatchNormGradV3.scale": "typed U (float32 in every graph TensorFlow writes, where it is fixed float) so that the float64 extension runs",
  ]

  static let registered = OpRegistry.standard.ops.map(\.name).sorted()

  @Test func theReferenceIsTensorFlows() {
    #expect(Self.tensorFlow.count > 1000, "tensorflow-opdefs.json holds TensorFlow's whole op registry")
    #expect(Self.tensorFlow["MatMul"] != nil)
  }

  @Test func everyExtensionIsCurrent() {
    for key in Self.extensions.keys {
      let parts = key.split(separator: ".").map(String.init)
      let op = OpRegistry.standard.op(named: parts[0])
      #expect(op?.attr(named: parts[1]) != nil || op?.inputs.contains { $0.name == parts[1] } == true, "extension \(key) names nothing")
    }
  }

  @Test func everyOpIsTensorFlowsOrNamedOurOwn() {
    for name in Self.registered where Self.tensorFlow[name] == nil {
      #expect(Self.ownOps[name] != nil || name.hasPrefix("_"), "\(name) is neither a TensorFlow op nor in ownOps")
    }
    for name in Self.ownOps.keys {
      #expect(Self.registered.contains(name) && Self.tensorFlow[name] == nil, "ownOps entry \(name) is stale")
    }
  }

  @Test(arguments: registered.filter { tensorFlow[$0] != nil && !$0.hasPrefix("_") })
  func signatureIsTensorFlows(_ name: String) throws {
    let ours = try #require(OpRegistry.standard.op(named: name))
    let theirs = Self.tensorFlow[name]!
    Self.compareArgs(ours.inputs, theirs["inputs"] as? [[String: Any]] ?? [], op: name, "\(name) input")
    Self.compareArgs(ours.outputs, theirs["outputs"] as? [[String: Any]] ?? [], op: name, "\(name) output")
    let attrs = theirs["attrs"] as? [[String: Any]] ?? []
    for a in attrs {
      let attrName = a["name"] as? String ?? ""
      guard let mine = ours.attr(named: attrName) else {
        #expect(Self.omittedAttributes["\(name).\(attrName)"] != nil, "\(name) lacks TensorFlow's attribute \(attrName) (\(a["type"] ?? ""))")
        continue
      }
      #expect(mine.kind.rawValue == a["type"] as? String, "\(name).\(attrName) is \(mine.kind), TensorFlow's is \(a["type"] ?? "")")
      let place = "\(name).\(attrName)"
      let want = try (a["default"]).map { try TFOpFixtures.attrValue($0, declared: mine.kind, where: place) }
      #expect(Self.sameDefault(mine.defaultValue, want), "\(place) defaults to \(mine.defaultValue.map { "\($0)" } ?? "nothing"), TensorFlow's to \(want.map { "\($0)" } ?? "nothing")")
      if let allowed = a["allowed"] as? [String], mine.kind == .type || mine.kind == .types {
        let names = Set(allowed.compactMap(Self.dtype))
        for t in mine.allowedTypes ?? [] where !names.contains(t) && Self.extensions[place] == nil {
          Issue.record("\(place) allows \(t), which TensorFlow's \(name) does not (\(allowed))")
        }
      }
      if let allowed = a["allowed"] as? [String], mine.kind == .string {
        for s in mine.allowedStrings ?? [] where !allowed.contains(s) {
          Issue.record("\(place) allows '\(s)', which TensorFlow's \(name) does not (\(allowed))")
        }
      }
    }
    for a in ours.attrs where !attrs.contains(where: { $0["name"] as? String == a.name }) {
      Issue.record("\(name) declares \(a.name), which TensorFlow's \(name) does not have")
    }
  }

  static func compareArgs(_ ours: [ArgDef], _ theirs: [[String: Any]], op: String, _ what: String) {
    guard ours.count == theirs.count else {
      Issue.record("\(what)s are \(ours.map(\.name)), TensorFlow's are \(theirs.map { $0["name"] as? String ?? "" })")
      return
    }
    for (k, (a, t)) in zip(ours, theirs).enumerated() {
      #expect(a.name == t["name"] as? String, "\(what) \(k) is \(a.name), TensorFlow's is \(t["name"] ?? "")")
      #expect(a.countAttr == t["number_attr"] as? String, "\(what) \(a.name): list length \(a.countAttr ?? "none"), TensorFlow's \(t["number_attr"] ?? "none")")
      #expect(a.isRef == (t["is_ref"] as? Bool ?? false), "\(what) \(a.name): ref \(a.isRef)")
      switch a.type {
      case .attr(let attr):
        #expect(
          attr == (t["type_attr"] as? String ?? t["type_list_attr"] as? String)
            || extensions["\(op).\(a.name)"] != nil, "\(what) \(a.name): type \(attr), TensorFlow's \(t)")
      case .fixed(let dtype):
        #expect(t["type"] as? String == dtype.numpyName, "\(what) \(a.name): type \(dtype), TensorFlow's \(t)")
      }
    }
  }

  /// TensorFlow's dtype names (`float32`, `int64`) as ours, if we have it.
  static func dtype(_ name: String) -> DType? { DType.allCases.first { $0.numpyName == name } }

  /// Defaults compare as TensorFlow stores them: floats in single precision.
  static func sameDefault(_ a: AttrValue?, _ b: AttrValue?) -> Bool {
    switch (a, b) {
    case (.float(let x)?, .float(let y)?): return Float(x) == Float(y)
    case (.floats(let x)?, .floats(let y)?): return x.map { Float($0) } == y.map { Float($0) }
    default: return a == b
    }
  }
}

extension DType {
  /// TensorFlow's Python name of the dtype (`tf.float32.name`).
  var numpyName: String {
    switch self {
    case .float32: return "float32"
    case .float64: return "float64"
    case .int32: return "int32"
    case .int64: return "int64"
    case .uint8: return "uint8"
    case .bool: return "bool"
    }
  }
}
