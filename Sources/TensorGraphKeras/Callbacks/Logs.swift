/// Named values reported after a batch or an epoch (`loss`, `accuracy`,
/// `val_loss`, …), in the order Keras prints them.
public struct Logs: Sendable, Equatable, CustomStringConvertible {
  /// The names, in order.
  public private(set) var names: [String]
  /// The values, in the order of ``names``.
  public private(set) var values: [Double]

  /// Logs with these names and values.
  public init(names: [String] = [], values: [Double] = []) {
    precondition(names.count == values.count, "Logs: names and values differ in number")
    self.names = names
    self.values = values
  }

  /// The value named `name`, or `nil`.
  public subscript(name: String) -> Double? {
    names.firstIndex(of: name).map { values[$0] }
  }

  /// The loss (`nil` when absent).
  public var loss: Double? { self["loss"] }

  /// Whether there are no values.
  public var isEmpty: Bool { names.isEmpty }

  /// Sets `name` to `value`, appending it when new.
  public mutating func set(_ name: String, _ value: Double) {
    if let i = names.firstIndex(of: name) {
      values[i] = value
    } else {
      names.append(name)
      values.append(value)
    }
  }

  /// These logs followed by `other`'s.
  public func merging(_ other: Logs) -> Logs {
    var out = self
    for (n, v) in zip(other.names, other.values) { out.set(n, v) }
    return out
  }

  /// The same values with `prefix` before each name (`val_`).
  public func prefixed(_ prefix: String) -> Logs {
    Logs(names: names.map { prefix + $0 }, values: values)
  }

  public var description: String {
    "{" + zip(names, values).map { "'\($0)': \($1)" }.joined(separator: ", ") + "}"
  }
}
