import Foundation

/// State a session keeps across runs: variables and per-node kernel state
/// (random generators). Keyed by node id, created on first use.
public final class SessionResources: @unchecked Sendable {
  private let lock = NSLock()
  private var variables: [Int: VariableState] = [:]
  private var states: [Int: AnyObject] = [:]

  init() {}

  /// The state of the variable node `node`, created uninitialized on first
  /// use.
  public func variable(for node: Node) -> VariableState {
    lock.lock()
    defer { lock.unlock() }
    if let v = variables[node.id] { return v }
    let v = VariableState(name: node.name)
    variables[node.id] = v
    return v
  }

  /// The variable state of node `id` if it was created.
  func existingVariable(_ id: Int) -> VariableState? {
    lock.lock()
    defer { lock.unlock() }
    return variables[id]
  }

  /// Per-node kernel state, made by `make` on first use and kept for the
  /// session's life (e.g. a random generator that advances across runs).
  public func state<T: AnyObject>(for node: Node, make: () -> T) -> T {
    lock.lock()
    defer { lock.unlock() }
    if let s = states[node.id] as? T { return s }
    let s = make()
    states[node.id] = s
    return s
  }
}
