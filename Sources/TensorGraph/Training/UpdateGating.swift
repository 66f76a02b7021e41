// Which nodes an optimizer's update of a variable must wait for: the
// variable's readers that do not already run before its gradient.

extension Graph {
  /// Ops whose kernel always outputs its input's buffer (a view: the same
  /// elements, perhaps in another shape). They read nothing themselves.
  static let bufferViewOps: Set<String> = ["Identity", "StopGradient", "Reshape", "Squeeze", "ExpandDims"]

  /// Ops whose kernel outputs its input's buffer in some cases and a copy
  /// in others: `Cast` to the same dtype, a `Transpose` that keeps the
  /// element order, `Tile` by ones, `BroadcastTo` or `Pad` or `Slice` that
  /// keeps the shape, a one-way `SplitV` or `Unpack`, a one-input `AddN`,
  /// a reduction over no axis of size > 1. They are readers (when they
  /// copy) and views (when they do not).
  static let bufferForwardingOps: Set<String> = [
    "Cast", "Transpose", "Tile", "BroadcastTo", "Pad", "Slice", "SplitV", "Unpack", "AddN",
    "Sum", "Mean", "Max", "Min", "Prod",
  ]

  /// The nodes of `nodes` (a snapshot of this graph) that read the buffer
  /// of the variable node `variable`: every node taking, as a value (not by
  /// reference, as `Assign` and the `Apply` ops do), an output of the
  /// variable or of a node that may forward its buffer (`w/read`, a
  /// `Reshape` of it, …, transitively). Pure views are not readers; their
  /// readers are. Nodes taking the variable by reference write it (their
  /// output, the variable again, is ordered by that write, not here).
  /// Sorted by id.
  func variableReaders(of variable: Int, in nodes: [Node]) -> [Int] {
    var aliases: Set<Int> = [variable]
    var stack = [variable]
    var readers = Set<Int>()
    while let alias = stack.popLast() {
      for id in consumers(of: alias) where id < nodes.count {
        let node = nodes[id]
        let isRef = node.referenceInputs
        let byValue = node.inputs.indices.contains { k in
          node.inputs[k].node == alias && !(k < isRef.count && isRef[k])
        }
        guard byValue else { continue }
        let isView = Graph.bufferViewOps.contains(node.op)
        if !isView { readers.insert(id) }
        if isView || Graph.bufferForwardingOps.contains(node.op), aliases.insert(id).inserted {
          stack.append(id)
        }
      }
    }
    return readers.sorted()
  }

  /// `roots` and every node they depend on through data or control inputs,
  /// as flags indexed by node id.
  static func ancestors(of roots: [Int], in nodes: [Node]) -> [Bool] {
    var marked = [Bool](repeating: false, count: nodes.count)
    var stack: [Int] = []
    for r in roots where !marked[r] {
      marked[r] = true
      stack.append(r)
    }
    while let id = stack.popLast() {
      for input in nodes[id].inputs where !marked[input.node] {
        marked[input.node] = true
        stack.append(input.node)
      }
      for c in nodes[id].controlInputs where !marked[c] {
        marked[c] = true
        stack.append(c)
      }
    }
    return marked
  }

  /// Per pair of gradient and variable: what the variable's update must
  /// wait for — the gradient, then the variable's readers that are not
  /// ancestors of the gradient (those finish before it anyway, and tying
  /// them to the gate would add control edges that keep the remapper from
  /// fusing them).
  ///
  /// Waiting for a reader makes every training step run it. Readers the
  /// gradients need run anyway; of the others (a weight-norm metric, a
  /// second prediction), only those computed from nothing but the step's
  /// feeds, variables and constants are waited for. A reader is left
  /// unordered when it needs another feed (every step would need it), a
  /// stateful op other than a variable (an `Assign` or a random op would
  /// run every step) or a value the step computes (as the gradient of the
  /// first layer's input does: built by `gradients`, needed by nothing, it
  /// would cost a GEMM per step). It runs in a training step only when the
  /// caller fetches it in the same run, and then races with the update, as
  /// under `GATE_GRAPH`.
  func updateGates(_ pairs: [(gradient: Output, variable: Variable)]) -> [[Node]] {
    let nodes = self.nodes
    let step = Graph.ancestors(of: pairs.map(\.gradient.nodeID), in: nodes)
    // In the step: whether a node only passes on a feed, a constant or a
    // variable. Outside it: whether running it would bring more than its
    // own stateless work on such values into the step.
    var passesSource = [Bool](repeating: false, count: nodes.count)
    var widensStep = [Bool](repeating: false, count: nodes.count)
    for node in nodes {
      if step[node.id] {
        var passes = ["Const", "Placeholder", "VariableV2"].contains(node.op)
        if !passes && Graph.bufferViewOps.contains(node.op) {
          passes = true
          for input in node.inputs where !passesSource[input.node] { passes = false }
        }
        passesSource[node.id] = passes
      } else {
        var widens = node.op == "Placeholder" || (node.def.isStateful && node.op != "VariableV2")
        for id in node.inputs.map(\.node) + node.controlInputs {
          if step[id] ? !passesSource[id] : widensStep[id] { widens = true }
        }
        widensStep[node.id] = widens
      }
    }
    return pairs.map { gradient, variable in
      let before = Graph.ancestors(of: [gradient.nodeID], in: nodes)
      let readers = variableReaders(of: variable.node.id, in: nodes).filter { !before[$0] && !widensStep[$0] }
      return [nodes[gradient.nodeID]] + readers.map { nodes[$0] }
    }
  }
}

extension Node {
  /// Per data input: whether it is a reference argument (`Ref(T)`).
  var referenceInputs: [Bool] {
    var flags: [Bool] = []
    flags.reserveCapacity(inputs.count)
    for arg in def.inputs {
      let count = arg.countAttr.map { int($0) } ?? 1
      flags += repeatElement(arg.isRef, count: count)
    }
    return flags
  }
}
