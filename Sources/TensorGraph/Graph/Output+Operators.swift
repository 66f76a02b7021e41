// Operators on symbolic outputs. Each adds one node to the operands' graph.
// Operators cannot take `#fileID`/`#line` default arguments, so nodes they
// create have no recorded site; use the builder methods (`g.add(x, y)`)
// where errors should point at your line.

extension Output {
  /// `AddV2`.
  public static func + (lhs: Output, rhs: Output) throws -> Output {
    try lhs.graph.addOperator("AddV2", lhs, rhs)
  }
  /// `Sub`.
  public static func - (lhs: Output, rhs: Output) throws -> Output {
    try lhs.graph.addOperator("Sub", lhs, rhs)
  }
  /// `Mul`.
  public static func * (lhs: Output, rhs: Output) throws -> Output {
    try lhs.graph.addOperator("Mul", lhs, rhs)
  }
  /// `RealDiv`.
  public static func / (lhs: Output, rhs: Output) throws -> Output {
    try lhs.graph.addOperator("RealDiv", lhs, rhs)
  }
  /// `Neg`.
  public static prefix func - (x: Output) throws -> Output {
    Output(graph: x.graph, nodeID: try x.graph.addNode(op: "Neg", inputs: [x]).id, index: 0)
  }

  /// `x + c` with `c` a constant of `x`'s dtype.
  public static func + (lhs: Output, rhs: Double) throws -> Output {
    try lhs + lhs.graph.constant(rhs, dtype: lhs.dtype)
  }
  /// `c + x`.
  public static func + (lhs: Double, rhs: Output) throws -> Output {
    try rhs.graph.constant(lhs, dtype: rhs.dtype) + rhs
  }
  /// `x - c`.
  public static func - (lhs: Output, rhs: Double) throws -> Output {
    try lhs - lhs.graph.constant(rhs, dtype: lhs.dtype)
  }
  /// `c - x`.
  public static func - (lhs: Double, rhs: Output) throws -> Output {
    try rhs.graph.constant(lhs, dtype: rhs.dtype) - rhs
  }
  /// `x * c`.
  public static func * (lhs: Output, rhs: Double) throws -> Output {
    try lhs * lhs.graph.constant(rhs, dtype: lhs.dtype)
  }
  /// `c * x`.
  public static func * (lhs: Double, rhs: Output) throws -> Output {
    try rhs.graph.constant(lhs, dtype: rhs.dtype) * rhs
  }
  /// `x / c`.
  public static func / (lhs: Output, rhs: Double) throws -> Output {
    try lhs / lhs.graph.constant(rhs, dtype: lhs.dtype)
  }
  /// `c / x`.
  public static func / (lhs: Double, rhs: Output) throws -> Output {
    try rhs.graph.constant(lhs, dtype: rhs.dtype) / rhs
  }
}

extension Graph {
  fileprivate func addOperator(_ op: String, _ lhs: Output, _ rhs: Output) throws -> Output {
    guard lhs.graph === rhs.graph else {
      throw TensorGraphError(.invalidArgument, "operands \(lhs.name) and \(rhs.name) belong to different graphs", op: op)
    }
    return output(try addNode(op: op, inputs: [lhs, rhs]), 0)
  }
}
