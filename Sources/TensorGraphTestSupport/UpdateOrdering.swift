import Testing
import TensorGraph

/// Walks of a training graph that check the ordering of optimizer updates,
/// written independently of the optimizer's own gating.
public enum UpdateOrdering {
  /// Ops that may output their input's buffer (read off the kernels), and
  /// so pass a variable's buffer on to their readers.
  public static let forwardingOps: Set<String> = [
    "Identity", "StopGradient", "Reshape", "Squeeze", "ExpandDims", "Cast", "Transpose", "Tile", "BroadcastTo",
    "Pad", "Slice", "SplitV", "Unpack", "AddN", "Sum", "Mean", "Max", "Min", "Prod",
  ]
  /// Of those, the ones that never copy (and so read nothing themselves).
  public static let viewOps: Set<String> = ["Identity", "StopGradient", "Reshape", "Squeeze", "ExpandDims"]

  /// The ids of `id` and every node it waits for (data and control inputs).
  public static func ancestors(_ g: Graph, of id: Int) -> Set<Int> {
    var seen: Set<Int> = [id]
    var stack = [id]
    while let n = stack.popLast() {
      let node = g.node(at: n)
      for next in node.inputs.map(\.node) + node.controlInputs where seen.insert(next).inserted {
        stack.append(next)
      }
    }
    return seen
  }

  /// The nodes that read the buffer of `variable` as a value: consumers of
  /// the variable or of a node forwarding its buffer, through an input that
  /// is not a reference, except the pure views.
  public static func readers(_ g: Graph, of variable: Node) -> [Node] {
    var aliases: Set<Int> = [variable.id]
    var readers: [Node] = []
    // Node ids are a topological order, so one pass sees every alias
    // before its consumers.
    for node in g.nodes where node.id > variable.id {
      var position = 0
      var readsAlias = false
      for arg in node.def.inputs {
        let count = arg.countAttr.map { node.attrs.int($0) } ?? 1
        for k in position..<(position + count) where !arg.isRef && aliases.contains(node.inputs[k].node) {
          readsAlias = true
        }
        position += count
      }
      guard readsAlias else { continue }
      if forwardingOps.contains(node.op) { aliases.insert(node.id) }
      if !viewOps.contains(node.op) { readers.append(node) }
    }
    return readers
  }

  /// The update nodes of `variable`: nodes taking it by reference as their
  /// first input (`Apply*`, `Assign*`), other than its initializer.
  public static func updates(_ g: Graph, of variable: Node) -> [Node] {
    g.nodes.filter {
      $0.op.hasPrefix("Apply") && $0.inputs.first?.node == variable.id
    }
  }

  /// Checks that every reader of every trainable variable (but those named
  /// in `unordered`) is an ancestor of the variable's update, that the
  /// update does not wait for the variable's initializer, and that each
  /// gradient gate waits only for its gradient and for nodes that are not
  /// its gradient's ancestors. Returns the number of readers checked.
  @discardableResult
  public static func expectUpdatesFollowReaders(
    _ g: Graph, unordered: Set<String> = [], sourceLocation: Testing.SourceLocation = #_sourceLocation
  ) -> Int {
    var checked = 0
    var seenUnordered: Set<String> = []
    for variable in g.trainableVariables {
      let updates = updates(g, of: variable)
      #expect(updates.count == 1, "\(variable.name) has \(updates.count) updates", sourceLocation: sourceLocation)
      guard let update = updates.first else { continue }
      let before = ancestors(g, of: update.id)
      for reader in readers(g, of: variable) {
        let ordered = before.contains(reader.id)
        if unordered.contains(reader.name) {
          seenUnordered.insert(reader.name)
          #expect(!ordered, "\(reader.name) was expected to be left unordered", sourceLocation: sourceLocation)
        } else {
          #expect(ordered, "\(reader.name) (\(reader.op)) reads \(variable.name) but need not run before \(update.name)",
            sourceLocation: sourceLocation)
          checked += 1
        }
      }
      #expect(!before.contains { g.node(at: $0).name == variable.name + "/Assign" }, sourceLocation: sourceLocation)
      // The gradient reaches the update through an Identity gate.
      let gradInput = update.inputs.last { g.node(at: $0.node).name.contains("/gradient_gate/") }
      guard let gateRef = gradInput else {
        Issue.record("\(update.name) takes no gated gradient", sourceLocation: sourceLocation)
        continue
      }
      let gate = g.node(at: gateRef.node)
      #expect(gate.op == "Identity", sourceLocation: sourceLocation)
      let gradient = gate.inputs[0].node
      let gradientAncestors = ancestors(g, of: gradient)
      for c in gate.controlInputs where c != gradient {
        #expect(!gradientAncestors.contains(c),
          "\(gate.name) waits for \(g.node(at: c).name), which runs before the gradient anyway",
          sourceLocation: sourceLocation)
      }
    }
    #expect(seenUnordered == unordered, "not readers: \(unordered.subtracting(seenUnordered).sorted())",
      sourceLocation: sourceLocation)
    return checked
  }
}
