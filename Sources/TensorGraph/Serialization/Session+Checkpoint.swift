import Foundation

// Checkpoints: a session's variable values in a safetensors file, one
// tensor per VariableV2 node, named by the node (TensorFlow's checkpoint
// keys), so other tools read them by the names they see in the graph.

extension Session {
  /// The graph's variable nodes (`VariableV2`), in id order.
  private var variableNodes: [Node] { graph.nodes.filter { $0.op == "VariableV2" } }

  /// The current value of every variable of the graph, by node name
  /// (copies: later updates do not change them).
  ///
  /// - Throws: ``TensorGraphError`` (`uninitializedVariable`) naming the
  ///   first variable without a value.
  public func variableValues() throws -> [String: Tensor] {
    var out: [String: Tensor] = [:]
    for node in variableNodes {
      guard let value = resources.existingVariable(node.id)?.value else {
        throw node.error(
          .uninitializedVariable,
          "variable '\(node.name)' has no value to save: run its initializer (or restore it) first")
      }
      out[node.name] = value.copy()
    }
    return out
  }

  /// Saves every variable's value to a safetensors file at `url`,
  /// atomically: a failed or interrupted save leaves any previous file at
  /// `url` intact.
  ///
  ///     try session.saveVariables(to: dir.appendingPathComponent("model.safetensors"))
  ///
  /// - Throws: ``TensorGraphError``: `uninitializedVariable` when a variable
  ///   has no value, `io` when the file cannot be written.
  public func saveVariables(to url: URL) throws {
    try SafeTensors.write(try variableValues(), metadata: ["producer": GraphFormat.producer], to: url)
  }

  /// Restores variables from a safetensors file written by
  /// ``saveVariables(to:)`` (or by ``Graph/save(to:weights:variables:)``,
  /// or by another tool, with tensors named after the variable nodes).
  ///
  /// Every value is checked against its variable's dtype and shape before
  /// any variable changes, so a failed restore changes nothing. Tensors in
  /// the file that are not variables of the graph (such as a graph's large
  /// constants) are ignored.
  ///
  /// - Parameter requireAll: Whether every variable of the graph must have
  ///   a value in the file.
  /// - Throws: ``TensorGraphError``: `io` or `format` when the file cannot
  ///   be read; `invalidArgument` naming a variable missing from the file
  ///   (with `requireAll`) or whose value's dtype or shape differs.
  public func restoreVariables(from url: URL, requireAll: Bool = true) throws {
    try restoreVariables(from: SafeTensorsFile(contentsOf: url), requireAll: requireAll)
  }

  /// Restores variables from an open safetensors file, as
  /// `restoreVariables(from: URL, requireAll:)` does.
  public func restoreVariables(from file: SafeTensorsFile, requireAll: Bool = true) throws {
    var plan: [(Node, SafeTensorsEntry)] = []
    for node in variableNodes {
      guard let entry = file.entry(named: node.name) else {
        if requireAll {
          throw node.error(.invalidArgument, "\(file.context) has no value for variable '\(node.name)'")
        }
        continue
      }
      try check(node, dtype: entry.dtype, shape: entry.shape, source: file.context)
      plan.append((node, entry))
    }
    var values: [(Node, Tensor)] = []
    for (node, entry) in plan { values.append((node, try file.tensor(named: entry.name)!)) }
    for (node, value) in values { resources.variable(for: node).assign(value) }
  }

  /// Sets variables to `values` (by variable node name), checking each
  /// against its variable's dtype and shape before changing any.
  ///
  /// - Throws: ``TensorGraphError`` (`invalidArgument`) for a name that is
  ///   not a variable of the graph, a missing variable (with `requireAll`),
  ///   or a dtype or shape that differs.
  public func restoreVariables(_ values: [String: Tensor], requireAll: Bool = true) throws {
    let nodes = variableNodes
    let names = Set(nodes.map(\.name))
    if let stray = values.keys.sorted().first(where: { !names.contains($0) }) {
      throw TensorGraphError(.invalidArgument, "'\(stray)' is not a variable of the graph")
    }
    var plan: [(Node, Tensor)] = []
    for node in nodes {
      guard let value = values[node.name] else {
        if requireAll { throw node.error(.invalidArgument, "no value given for variable '\(node.name)'") }
        continue
      }
      try check(node, dtype: value.dtype, shape: value.shape, source: "the value")
      plan.append((node, value))
    }
    for (node, value) in plan { resources.variable(for: node).assign(value) }
  }

  private func check(_ node: Node, dtype: DType, shape: [Int], source: String) throws {
    let declared = node.outputs[0]
    let dtypeDiffers = declared.dtype != dtype
    let shapeDiffers = !declared.shape.accepts(shape)
    guard dtypeDiffers || shapeDiffers else { return }
    let what = dtypeDiffers && shapeDiffers ? "dtype and shape differ" : dtypeDiffers ? "dtype differs" : "shape differs"
    throw node.error(
      .invalidArgument,
      "variable '\(node.name)' is \(declared.dtype)\(declared.shape) in the graph but \(source) holds \(dtype)\(PartialShape(shape)): the \(what)")
  }
}
