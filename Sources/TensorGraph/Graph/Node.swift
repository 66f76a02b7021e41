/// A reference to one output of one node, by index: what a node's data
/// inputs hold.
public struct TensorRef: Hashable, Sendable {
  /// Index of the producing node in its graph.
  public var node: Int
  /// Which output of that node.
  public var index: Int

  /// Creates a reference.
  public init(node: Int, index: Int) {
    self.node = node
    self.index = index
  }
}

/// The inferred type of a node output: dtype and partial shape.
public struct TensorType: Hashable, Sendable, CustomStringConvertible {
  /// The element type.
  public var dtype: DType
  /// The shape as far as it is known before running.
  public var shape: PartialShape

  /// Creates a type.
  public init(_ dtype: DType, _ shape: PartialShape) {
    self.dtype = dtype
    self.shape = shape
  }

  public var description: String { "\(dtype)\(shape)" }
}

/// One operation in a ``Graph``: a uniquely named instance of an op with
/// its inputs, attributes and inferred output types.
///
/// Nodes are values held by the graph; `id` is the node's index there.
/// A node's data inputs always refer to nodes with smaller ids, so id order
/// is a topological order.
public struct Node: Sendable, CustomStringConvertible {
  /// Index of the node in its graph.
  public let id: Int
  /// The unique name, including name scopes (`dense_1/MatMul`).
  public let name: String
  /// The definition of the op this node runs.
  public let def: OpDef
  /// Data inputs: producer node and output index, in signature order.
  public internal(set) var inputs: [TensorRef]
  /// Nodes that must run before this one, without passing data.
  public internal(set) var controlInputs: [Int]
  /// Attributes, with defaults filled in and type attributes inferred.
  public internal(set) var attrs: [String: AttrValue]
  /// The dtype and partial shape of every output.
  public internal(set) var outputs: [TensorType]
  /// Where user code created the node, when it was created by a builder
  /// method (`nil` for nodes from operators, loaders and passes).
  public let site: SourceLocation?

  /// The op type, e.g. `MatMul`.
  @inlinable public var op: String { def.name }

  public var description: String {
    "\(name) = \(op)(\(inputs.map { "\($0.node):\($0.index)" }.joined(separator: ", "))) -> \(outputs)"
  }

  /// An error about this node: carries its name, op and creation site.
  public func error(_ reason: TensorGraphError.Reason, _ message: String) -> TensorGraphError {
    TensorGraphError(reason, message, node: name, op: op, site: site)
  }
}
