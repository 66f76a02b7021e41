import Foundation
import TensorGraph

/// One case of TensorFlow 2.21's own outputs and gradients for one raw op
/// call (`Fixtures/ops/<family>.safetensors`, written by
/// `scripts/make-op-fixtures.py`; the format is described in
/// `scripts/tf_op_fixtures/common.py`).
struct TFOpCase: CustomStringConvertible, Sendable {
  let family: String
  let index: Int
  let op: String
  let label: String
  /// The attributes the case gives explicitly; every other one takes its
  /// default, so a wrong default fails the case.
  let attrs: [String: AttrValue]
  let inputs: [Tensor]
  /// TensorFlow's outputs (empty for an error case).
  let outputs: [Tensor]
  /// The upstream gradient of each floating-point output.
  let upstream: [Int: Tensor]
  /// TensorFlow's gradient for each differentiated input.
  let gradients: [Int: Tensor]
  let rtol: Double?
  let atol: Double?
  /// TensorFlow's message when it rejects the inputs.
  let error: String?

  var description: String { "\(family)[\(index)] \(op) (\(label))" }
}

enum TFOpFixtures {
  /// The directory of the op fixtures.
  static let directory = SerializationFixtures.fixture("ops")

  /// The families with a fixture file, sorted.
  static var families: [String] {
    let files = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
    return files.filter { $0.hasSuffix(".safetensors") }.map { String($0.dropLast(".safetensors".count)) }.sorted()
  }

  /// Every case of `family`, in the script's order.
  static func cases(_ family: String) throws -> [TFOpCase] {
    let file = try SafeTensorsFile(contentsOf: directory.appendingPathComponent("\(family).safetensors"))
    guard let text = file.metadata["cases"], let list = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [[String: Any]]
    else { throw FixtureError("\(family).safetensors has no \"cases\" list in its metadata") }
    return try list.enumerated().map { k, c in
      func tensor(_ name: String) throws -> Tensor {
        guard let t = try file.tensor(named: "c\(k)/\(name)") else {
          throw FixtureError("\(family).safetensors lacks c\(k)/\(name)")
        }
        return t
      }
      let op = c["op"] as? String ?? "", inputCount = c["inputs"] as? Int ?? 0, outputCount = c["outputs"] as? Int ?? 0
      let grad = c["grad"] as? [Int] ?? []
      let outputs = try (0..<outputCount).map { try tensor("y\($0)") }
      var upstream: [Int: Tensor] = [:]
      for (j, y) in outputs.enumerated() where y.dtype.isFloatingPoint { upstream[j] = try tensor("dy\(j)") }
      let error = c["error"] as? String
      var gradients: [Int: Tensor] = [:]
      if error == nil { for i in grad { gradients[i] = try tensor("dx\(i)") } }
      var attrs: [String: AttrValue] = [:]
      for (name, json) in c["attrs"] as? [String: Any] ?? [:] {
        let declared = OpRegistry.standard.op(named: op)?.attr(named: name)?.kind
        attrs[name] = try attrValue(json, declared: declared, where: "\(family)[\(k)] \(op).\(name)")
      }
      return TFOpCase(
        family: family, index: k, op: op, label: c["label"] as? String ?? "", attrs: attrs,
        inputs: try (0..<inputCount).map { try tensor("x\($0)") }, outputs: outputs, upstream: upstream,
        gradients: gradients, rtol: c["rtol"] as? Double, atol: c["atol"] as? Double, error: error)
    }
  }

  /// An attribute in the graph format's AttrValue JSON, as the script
  /// writes it (`{"i": 3}`, `{"list": {"s": ["a"]}}`, …); an empty list
  /// takes the kind the op declares.
  static func attrValue(_ json: Any, declared: AttrKind?, where place: String) throws -> AttrValue {
    guard let o = json as? [String: Any], o.count == 1, let (key, value) = o.first else {
      throw FixtureError("\(place): attribute \(json) is not a one-member object")
    }
    func float(_ v: Any) throws -> Double {
      if let s = v as? String {
        switch s {
        case "NaN": return .nan
        case "Infinity": return .infinity
        case "-Infinity": return -.infinity
        default: break
        }
      }
      guard let n = v as? NSNumber else { throw FixtureError("\(place): \(v) is not a float") }
      return n.doubleValue
    }
    func type(_ v: Any) throws -> DType {
      guard let s = v as? String, let t = DType(name: s) else { throw FixtureError("\(place): unknown type \(v)") }
      return t
    }
    switch key {
    case "i": return .int((value as? NSNumber)?.intValue ?? 0)
    case "f": return .float(try float(value))
    case "b": return .bool((value as? Bool) ?? false)
    case "s": return .string(value as? String ?? "")
    case "type": return .type(try type(value))
    case "shape":
      guard let s = value as? [String: Any] else { throw FixtureError("\(place): shape \(value) is not an object") }
      if s["unknown_rank"] as? Bool == true { return .shape(.unknown) }
      let dims = (s["dim"] as? [[String: Any]] ?? []).map { ($0["size"] as? NSNumber)?.intValue ?? -1 }
      return .shape(PartialShape(dims: dims.map { $0 < 0 ? Dimension.unknown : .known($0) }))
    case "list":
      guard let l = value as? [String: Any] else { throw FixtureError("\(place): list \(value) is not an object") }
      guard let (k, items) = l.first, let a = items as? [Any] else {
        switch declared {
        case .floats: return .floats([])
        case .bools: return .bools([])
        case .strings: return .strings([])
        case .types: return .types([])
        case .shapes: return .shapes([])
        default: return .ints([])
        }
      }
      switch k {
      case "i": return .ints(a.map { ($0 as? NSNumber)?.intValue ?? 0 })
      case "f": return .floats(try a.map(float))
      case "b": return .bools(a.map { ($0 as? Bool) ?? false })
      case "s": return .strings(a.map { $0 as? String ?? "" })
      case "type": return .types(try a.map(type))
      default: throw FixtureError("\(place): unknown list kind \(k)")
      }
    default: throw FixtureError("\(place): unknown attribute kind \(key)")
    }
  }
}

/// A malformed fixture file (the test fails with this message).
struct FixtureError: Error, CustomStringConvertible {
  let description: String
  init(_ description: String) { self.description = description }
}
