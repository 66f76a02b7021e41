/// One dimension of a ``PartialShape``: a known size or unknown (`?`, like
/// the batch dimension of a placeholder).
public enum Dimension: Hashable, Sendable, CustomStringConvertible, ExpressibleByIntegerLiteral {
  /// A dimension of known size.
  case known(Int)
  /// A dimension whose size is known only at run time.
  case unknown

  public init(integerLiteral value: Int) { self = .known(value) }

  /// Creates a dimension from an optional size (`nil` is unknown).
  public init(_ value: Int?) { self = value.map(Dimension.known) ?? .unknown }

  /// The size, or `nil` when unknown.
  @inlinable
  public var value: Int? {
    if case .known(let v) = self { return v }
    return nil
  }

  /// Whether the two dimensions can describe the same size.
  public func isCompatible(with other: Dimension) -> Bool {
    switch (self, other) {
    case (.known(let a), .known(let b)): return a == b
    default: return true
    }
  }

  /// The more specific of two compatible dimensions (`?` and `3` give `3`);
  /// `nil` when both are known and differ.
  public func merged(with other: Dimension) -> Dimension? {
    switch (self, other) {
    case (.known(let a), .known(let b)): return a == b ? self : nil
    case (.known, .unknown): return self
    default: return other
    }
  }

  public var description: String { value.map(String.init) ?? "?" }
}

/// A shape known only in part: its rank may be unknown, and so may each
/// dimension. Shape inference computes one per node output.
///
/// Merge rules follow TensorFlow's: `[2, ?]` and `[?, 2]` merge to `[2, 2]`;
/// `[2, 2]` and `[1, 2]` do not merge; an unknown rank merges with anything.
public struct PartialShape: Hashable, Sendable, CustomStringConvertible, ExpressibleByArrayLiteral {
  /// The dimensions, or `nil` when even the rank is unknown.
  public var dims: [Dimension]?

  /// A shape of unknown rank.
  public static let unknown = PartialShape(dims: nil)
  /// The shape of a scalar.
  public static let scalar = PartialShape(dims: [])

  /// Creates a shape from dimensions (`nil` for unknown rank).
  public init(dims: [Dimension]?) { self.dims = dims }

  /// Creates a fully known shape.
  public init(_ dims: [Int]) { self.dims = dims.map(Dimension.known) }

  /// Creates a shape of known rank; `nil` entries are unknown dimensions.
  public init(_ dims: [Int?]) { self.dims = dims.map(Dimension.init) }

  public init(arrayLiteral elements: Dimension...) { self.dims = elements }

  /// A shape of known rank whose every dimension is unknown.
  public static func unknown(rank: Int) -> PartialShape {
    PartialShape(dims: Array(repeating: .unknown, count: rank))
  }

  /// The rank, or `nil` when unknown.
  @inlinable public var rank: Int? { dims?.count }

  /// Whether rank and every dimension are known.
  public var isFullyDefined: Bool {
    guard let dims else { return false }
    return dims.allSatisfy { $0.value != nil }
  }

  /// The sizes when the shape is fully defined.
  public var concrete: [Int]? {
    guard let dims else { return nil }
    var out: [Int] = []
    out.reserveCapacity(dims.count)
    for d in dims {
      guard let v = d.value else { return nil }
      out.append(v)
    }
    return out
  }

  /// The number of elements when the shape is fully defined.
  public var elementCount: Int? { concrete?.reduce(1, *) }

  /// The dimension at `axis` (negative counts from the end); unknown when
  /// the rank is unknown.
  public subscript(axis: Int) -> Dimension {
    guard let dims else { return .unknown }
    return dims[axis < 0 ? axis + dims.count : axis]
  }

  /// Whether a concrete shape could be a value of this partial shape.
  public func accepts(_ shape: [Int]) -> Bool {
    guard let dims else { return true }
    guard dims.count == shape.count else { return false }
    return zip(dims, shape).allSatisfy { $0.value == nil || $0.value == $1 }
  }

  /// Whether the two shapes can describe the same concrete shape.
  public func isCompatible(with other: PartialShape) -> Bool {
    merged(with: other) != nil
  }

  /// The most specific shape compatible with both, or `nil` when they
  /// contradict each other.
  public func merged(with other: PartialShape) -> PartialShape? {
    guard let a = dims else { return other }
    guard let b = other.dims else { return self }
    guard a.count == b.count else { return nil }
    var out: [Dimension] = []
    out.reserveCapacity(a.count)
    for (x, y) in zip(a, b) {
      guard let m = x.merged(with: y) else { return nil }
      out.append(m)
    }
    return PartialShape(dims: out)
  }

  /// `[?, 784]`, or `<unknown>` for unknown rank.
  public var description: String {
    guard let dims else { return "<unknown>" }
    return "[" + dims.map(\.description).joined(separator: ", ") + "]"
  }
}
