/// Typed access to validated node attributes.
///
/// Attributes are checked against the op definition (kind, constraints,
/// defaults filled in) when a node is added, so shape functions, kernel
/// factories and gradient functions read them without error handling.
public protocol AttributeReading {
  /// The node's attributes, defaults included.
  var attrs: [String: AttrValue] { get }
}

// MARK: - Default implementations

extension AttributeReading {
  @inline(__always)
  private func value(_ name: String) -> AttrValue {
    guard let v = attrs[name] else {
      preconditionFailure("attribute '\(name)' missing after validation")
    }
    return v
  }

  /// The `int` attribute `name`.
  public func int(_ name: String) -> Int {
    if case .int(let v) = value(name) { return v }
    preconditionFailure("attribute '\(name)' is not an int")
  }
  /// The `float` attribute `name`.
  public func float(_ name: String) -> Double {
    if case .float(let v) = value(name) { return v }
    preconditionFailure("attribute '\(name)' is not a float")
  }
  /// The `bool` attribute `name`.
  public func bool(_ name: String) -> Bool {
    if case .bool(let v) = value(name) { return v }
    preconditionFailure("attribute '\(name)' is not a bool")
  }
  /// The `string` attribute `name`.
  public func string(_ name: String) -> String {
    if case .string(let v) = value(name) { return v }
    preconditionFailure("attribute '\(name)' is not a string")
  }
  /// The `type` attribute `name`.
  public func type(_ name: String) -> DType {
    if case .type(let v) = value(name) { return v }
    preconditionFailure("attribute '\(name)' is not a type")
  }
  /// The `shape` attribute `name`.
  public func shape(_ name: String) -> PartialShape {
    if case .shape(let v) = value(name) { return v }
    preconditionFailure("attribute '\(name)' is not a shape")
  }
  /// The `tensor` attribute `name`.
  public func tensor(_ name: String) -> Tensor {
    if case .tensor(let v) = value(name) { return v }
    preconditionFailure("attribute '\(name)' is not a tensor")
  }
  /// The `list(int)` attribute `name`.
  public func ints(_ name: String) -> [Int] {
    if case .ints(let v) = value(name) { return v }
    preconditionFailure("attribute '\(name)' is not a list(int)")
  }
  /// The `list(float)` attribute `name`.
  public func floats(_ name: String) -> [Double] {
    if case .floats(let v) = value(name) { return v }
    preconditionFailure("attribute '\(name)' is not a list(float)")
  }
  /// The `list(type)` attribute `name`.
  public func types(_ name: String) -> [DType] {
    if case .types(let v) = value(name) { return v }
    preconditionFailure("attribute '\(name)' is not a list(type)")
  }
}

extension Node: AttributeReading {}
