/// The table of ops a graph may use, keyed by the op name that nodes and
/// serialized graphs use.
///
/// ``standard`` lists every built-in op exactly once (see
/// ``StandardOps/all``); there are no load-time side effects. Add your own
/// ops with ``adding(_:)``:
///
///     let registry = OpRegistry.standard.adding([myOp])
///     let g = Graph(registry: registry)
public final class OpRegistry: Sendable {
  /// Every op, in table order.
  public let ops: [OpDef]
  private let table: [String: OpDef]

  /// The built-in ops.
  public static let standard = OpRegistry(StandardOps.all)

  /// Creates a registry. Two ops with the same name are a programming
  /// error and trap.
  public init(_ ops: [OpDef]) {
    var table: [String: OpDef] = [:]
    for op in ops {
      precondition(table[op.name] == nil, "op '\(op.name)' registered twice")
      table[op.name] = op
    }
    self.ops = ops
    self.table = table
  }

  /// A registry with these ops added; an op with an existing name replaces
  /// the existing one.
  public func adding(_ extra: [OpDef]) -> OpRegistry {
    let names = Set(extra.map(\.name))
    return OpRegistry(ops.filter { !names.contains($0.name) } + extra)
  }

  /// The op named `name`, or `nil`.
  public func op(named name: String) -> OpDef? { table[name] }

  /// " (did you mean 'X'?)" for a misspelled op name (same letters in
  /// another case, or a few edits away), or "".
  public func suggestion(for name: String) -> String {
    let lower = name.lowercased()
    let close = ops.map(\.name).filter {
      $0.lowercased() == lower || editDistance($0.lowercased(), lower) <= max(1, name.count / 4)
    }
    guard !close.isEmpty else { return "" }
    return " (did you mean " + close.prefix(3).map { "'\($0)'" }.joined(separator: ", ") + "?)"
  }
}
