extension Graph {
  /// Adds a node through ``addNode(op:inputs:controlInputs:attrs:name:exactName:site:)``
  /// and returns its first output: the one-liner behind every builder
  /// method.
  @inlinable
  public func build(
    _ op: String, _ inputs: [Output], attrs: [String: AttrValue] = [:], name: String?, file: String, line: Int
  ) throws -> Output {
    let node = try addNode(op: op, inputs: inputs, attrs: attrs, name: name, site: SourceLocation(fileID: file, line: line))
    return output(node, 0)
  }

  /// Adds a node and returns all its outputs.
  @inlinable
  public func buildMulti(
    _ op: String, _ inputs: [Output], attrs: [String: AttrValue] = [:], name: String?, file: String, line: Int
  ) throws -> [Output] {
    let node = try addNode(op: op, inputs: inputs, attrs: attrs, name: name, site: SourceLocation(fileID: file, line: line))
    return outputs(of: node)
  }
}
