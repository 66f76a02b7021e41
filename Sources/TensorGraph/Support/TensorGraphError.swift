/// Where user code created a node: `#fileID` and `#line`, captured through
/// default arguments of the builder methods.
public struct SourceLocation: Sendable, Hashable, CustomStringConvertible {
  /// The `#fileID` of the call site, `Module/File.swift`.
  public var fileID: String
  /// The line of the call site.
  public var line: Int

  /// Creates a location; the defaults capture the caller's location.
  public init(fileID: String = #fileID, line: Int = #line) {
    self.fileID = fileID
    self.line = line
  }

  public var description: String { "\(fileID):\(line)" }
}

/// The one error type TensorGraph throws.
///
/// It says what went wrong (``reason`` and a full-sentence ``message`` with
/// the shapes or values involved) and where: the ``node`` and ``op``, and the
/// ``site`` in user code that created the node. Its description reads like a
/// compiler diagnostic:
///
///     MyApp/main.swift:12: dense_1/MatMul (MatMul): inner dimensions differ: [?, 784] × [512, 10]
public struct TensorGraphError: Error, Sendable, CustomStringConvertible {
  /// The category of an error, for code that reacts to errors.
  public enum Reason: String, Sendable, Hashable {
    /// Shapes that do not fit the op (shape inference or a kernel's check).
    case shapeMismatch
    /// An input's dtype is not one the op accepts, or inputs disagree.
    case dtypeMismatch
    /// An argument value is out of range or otherwise invalid.
    case invalidArgument
    /// No op of that name is registered.
    case unknownOp
    /// No node (or output) of that name exists in the graph.
    case unknownNode
    /// A node name is already taken where an exact name was required.
    case duplicateName
    /// A required attribute is missing.
    case missingAttribute
    /// An attribute has the wrong kind or an invalid value.
    case invalidAttribute
    /// A placeholder the fetches need was not fed.
    case missingFeed
    /// A fed value does not match the placeholder's dtype or shape.
    case invalidFeed
    /// A variable was read before being initialized.
    case uninitializedVariable
    /// An op has no kernel for the requested dtypes.
    case noKernel
    /// An op on the path of a gradient has no gradient function.
    case noGradient
    /// A value computed at run time is invalid (NaN, out-of-range index, …).
    case runtime
    /// A file or buffer is malformed or cannot be read or written.
    case format
    /// Reading or writing a file failed.
    case io
    /// A graph breaks an invariant that a transformation must keep: a
    /// dangling input, a cycle, a duplicate name, types that no longer match
    /// the ops' shape rules, or a kept output that was lost or changed type
    /// (the pass verifier's finding, naming the pass).
    case invalidGraph
  }

  /// The category of the error.
  public var reason: Reason
  /// A full sentence saying what is wrong, with shapes and values.
  public var message: String
  /// The node involved, if any.
  public var node: String?
  /// The op type of that node, if any.
  public var op: String?
  /// Where user code created that node, if known.
  public var site: SourceLocation?

  /// Creates an error.
  public init(
    _ reason: Reason, _ message: String, node: String? = nil, op: String? = nil,
    site: SourceLocation? = nil
  ) {
    self.reason = reason
    self.message = message
    self.node = node
    self.op = op
    self.site = site
  }

  public var description: String {
    var s = ""
    if let site { s += "\(site): " }
    if let node {
      s += node
      if let op { s += " (\(op))" }
      s += ": "
    } else if let op {
      s += "\(op): "
    }
    return s + message
  }
}
