/// Signature arguments and attributes written back in the `REGISTER_OP`
/// syntax they are parsed from, for the op catalog and error messages.
/// Parsing the text gives back the same definition (a registry test checks
/// every op).
extension ArgDef {
  /// The argument as a spec: `"x: T"`, `"values: N * T"`, `"ref: Ref(T)"`.
  public var spec: String {
    var type: String
    switch self.type {
    case .fixed(let dtype): type = dtype.rawValue
    case .attr(let name): type = name
    }
    if isRef { type = "Ref(\(type))" }
    if let countAttr { type = "\(countAttr) * \(type)" }
    return "\(name): \(type)"
  }
}

extension AttrDef {
  /// The attribute as a spec: `"T: {float32, float64}"`,
  /// `"transpose_a: bool = false"`, `"N: int >= 1"`,
  /// `"padding: {'SAME', 'VALID'}"`.
  public var spec: String {
    var text = "\(name): "
    if let allowedTypes {
      // DType's declaration order, so the text does not depend on hashing.
      text += "{" + DType.allCases.filter(allowedTypes.contains).map(\.rawValue).joined(separator: ", ") + "}"
    } else if let allowedStrings {
      text += "{" + allowedStrings.map { "'\($0)'" }.joined(separator: ", ") + "}"
    } else if let minimum {
      text += "\(kind) >= \(minimum)"
    } else {
      text += kind.rawValue
    }
    if let defaultValue { text += " = " + Self.specText(defaultValue) }
    return text
  }

  /// A default value in the syntax `AttrDef(parsing:)` reads.
  private static func specText(_ value: AttrValue) -> String {
    func list(_ items: [String]) -> String { "[" + items.joined(separator: ", ") + "]" }
    func shape(_ s: PartialShape) -> String { s.dims.map { list($0.map(\.description)) } ?? "unknown" }
    switch value {
    case .int(let v): return "\(v)"
    case .float(let v): return "\(v)"
    case .bool(let v): return "\(v)"
    case .string(let v): return "'\(v)'"
    case .type(let v): return v.rawValue
    case .shape(let v): return shape(v)
    case .ints(let v): return list(v.map(String.init))
    case .floats(let v): return list(v.map { "\($0)" })
    case .bools(let v): return list(v.map { "\($0)" })
    case .strings(let v): return list(v.map { "'\($0)'" })
    case .types(let v): return list(v.map(\.rawValue))
    // Neither has a default in any signature (the parser refuses them).
    case .shapes(let v): return list(v.map(shape))
    case .tensor(let t): return "tensor<\(t.dtype) \(t.shape)>"
    }
  }
}
