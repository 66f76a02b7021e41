/// A named graph transformation: takes a graph and returns a new one that
/// computes the same kept outputs (graphs are append-only, so passes build
/// a new graph, usually with a ``GraphRewriter``).
///
/// Write one outside the library by conforming a type, or wrap a closure in
/// ``FunctionPass``; run passes with a ``PassManager``, which verifies the
/// graph after each and reports what changed:
///
///     struct StripIdentities: GraphPass {
///       var name: String { "strip-identities" }
///       func run(_ graph: Graph, keep: KeepSet) throws -> Graph {
///         let rewriter = GraphRewriter(graph)
///         for node in graph.nodes {
///           if node.op == "Identity", !keep.protects(node), node.controlInputs.isEmpty,
///              let input = rewriter.mapped(node.inputs[0]) {
///             rewriter.replace(node, with: [input])
///           } else {
///             try rewriter.copy(node)
///           }
///         }
///         return try rewriter.finish()
///       }
///     }
///
/// A pass must keep every output and node of `keep` (with its name, dtype,
/// and value) and may change anything else. Returning `graph` itself says
/// "nothing to do".
public protocol GraphPass: Sendable {
  /// The pass's name, as pipelines and reports spell it (Grappler's names
  /// for the standard passes: `constfold`, `arithmetic`, …).
  var name: String { get }

  /// Transforms `graph`, preserving what `keep` names.
  func run(_ graph: Graph, keep: KeepSet) throws -> Graph
}

/// A pass made of a name and a closure.
///
///     let squares = FunctionPass("pow2-to-square") { graph, keep in … }
public struct FunctionPass: GraphPass {
  public let name: String
  private let body: @Sendable (Graph, KeepSet) throws -> Graph

  /// Creates a pass named `name` running `body`.
  public init(_ name: String, _ body: @escaping @Sendable (Graph, KeepSet) throws -> Graph) {
    self.name = name
    self.body = body
  }

  public func run(_ graph: Graph, keep: KeepSet) throws -> Graph {
    try body(graph, keep)
  }
}

/// The passes a pipeline can name: the standard ones (Grappler's names)
/// and any a user registers.
///
///     var registry = PassRegistry.standard
///     registry.register(Pow2ToSquare())
///     let manager = try PassManager(pipeline: ["constfold", "pow2-to-square"], registry: registry)
public struct PassRegistry: Sendable {
  private var table: [String: any GraphPass] = [:]

  /// An empty registry.
  public init() {}

  /// The standard passes: `pruning`, `constfold`, `arithmetic`,
  /// `common_subgraph_elimination`, `fold_batch_norms`, `remap`,
  /// `elementwise_fusion`, `lower_einsum`.
  public static let standard: PassRegistry = {
    var r = PassRegistry()
    let passes: [any GraphPass] = [
      PruningPass(), ConstantFoldingPass(), ArithmeticOptimizerPass(), CommonSubexpressionEliminationPass(),
      FoldBatchNormsPass(), RemapperPass(), ElementwiseFusionPass(), LowerEinsumPass(),
    ]
    for p in passes { r.register(p) }
    return r
  }()

  /// Adds `pass` under its name, replacing a pass of the same name.
  public mutating func register(_ pass: any GraphPass) {
    table[pass.name] = pass
  }

  /// The pass named `name`, or `nil`.
  public func pass(named name: String) -> (any GraphPass)? { table[name] }

  /// The registered names, sorted.
  public var names: [String] { table.keys.sorted() }

  /// The pass named `name`.
  ///
  /// - Throws: ``TensorGraphError`` (`invalidArgument`) naming the known
  ///   passes when there is none.
  public func require(_ name: String) throws -> any GraphPass {
    guard let p = table[name] else {
      throw TensorGraphError(
        .invalidArgument, "no pass named '\(name)' is registered (passes: \(names.joined(separator: ", ")))")
    }
    return p
  }
}
