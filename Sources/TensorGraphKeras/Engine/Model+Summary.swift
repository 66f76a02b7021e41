import Foundation

extension Model {
  /// Prints Keras 2's summary table: each layer's name and class, output
  /// shape (`None` for the batch) and parameter count, then the totals.
  /// Functional models whose layers branch or merge get a "Connected to"
  /// column; ``Sequential`` models list no input layer.
  ///
  ///     Model: "sequential"
  ///     _________________________________________________________________
  ///      Layer (type)                Output Shape              Param #
  ///     =================================================================
  ///      flatten (Flatten)           (None, 3072)              0
  ///     …
  ///     Total params: 646260 (2.47 MB)
  ///
  /// - Parameters:
  ///   - lineLength: The table width (default 65, or 98 with connections).
  ///   - printLine: Receives each line (default: the model's ``console``).
  public func summary(lineLength: Int? = nil, printLine: ((String) -> Void)? = nil) {
    let emit = printLine ?? { [console] in console.print($0) }
    do {
      for line in try summaryLines(lineLength: lineLength) { emit(line) }
    } catch {
      emit("\(error)")
    }
  }

  /// The lines ``summary(lineLength:printLine:)`` prints.
  ///
  /// - Throws: when the model is not built yet (a ``Sequential`` model
  ///   without an input shape).
  public func summaryLines(lineLength: Int? = nil) throws -> [String] {
    let network = try requireNetwork("summary()")
    var sequentialLike = self is Sequential
    if !sequentialLike {
      sequentialLike = true
      var nodes = Set<ObjectIdentifier>()
      for (_, v) in network.nodesByDepth {
        if v.count > 1 || (v.count == 1 && v[0].inputs.count > 1) {
          sequentialLike = false
          break
        }
        nodes.formUnion(v.map(ObjectIdentifier.init))
      }
      if sequentialLike {
        for layer in layers where layer.state.inboundNodes.filter({ nodes.contains(ObjectIdentifier($0)) }).count > 1 {
          sequentialLike = false
          break
        }
      }
    }
    let width = lineLength ?? (sequentialLike ? 65 : 98)
    let fractions = sequentialLike ? [0.45, 0.85, 1.0] : [0.3, 0.6, 0.70, 1.0]
    let positions = fractions.map { Int(Double(width) * $0) }
    var lines: [String] = []
    lines.append("Model: \"\(name)\"")
    lines.append(String(repeating: "_", count: width))
    let header = ["Layer (type)", "Output Shape", "Param #"] + (sequentialLike ? [] : ["Connected to"])
    lines += SummaryTable.rows(header, positions: positions)
    lines.append(String(repeating: "=", count: width))
    let shown = layers
    for layer in shown {
      var fields = [
        "\(layer.name) (\(type(of: layer).className))", SummaryTable.outputShape(of: layer),
        layer.isBuilt ? String(layer.countParams()) : "0 (unused)",
      ]
      if !sequentialLike {
        var connections: [String] = []
        for node in layer.state.inboundNodes where network.nodes.contains(ObjectIdentifier(node)) {
          for x in node.inputs {
            guard let (inbound, nodeIndex, tensorIndex) = x.history else { continue }
            connections.append("'\(inbound.name)[\(nodeIndex)][\(tensorIndex)]'")
          }
        }
        fields.append("[" + connections.joined(separator: ", ") + "]")
      }
      lines += SummaryTable.rows(fields, positions: positions)
      lines.append(String(repeating: " ", count: width))
    }
    lines.append(String(repeating: "=", count: width))
    let trainable = trainableWeights, frozen = nonTrainableWeights
    func count(_ w: [Variable]) -> Int { w.reduce(0) { $0 + ($1.ref.shape.elementCount ?? 0) } }
    func bytes(_ w: [Variable]) -> Int {
      w.reduce(0) { $0 + ($1.ref.shape.elementCount ?? 0) * $1.ref.dtype.byteSize }
    }
    lines.append(
      "Total params: \(count(trainable) + count(frozen)) (\(SummaryTable.readableSize(bytes(trainable) + bytes(frozen))))")
    lines.append("Trainable params: \(count(trainable)) (\(SummaryTable.readableSize(bytes(trainable))))")
    lines.append("Non-trainable params: \(count(frozen)) (\(SummaryTable.readableSize(bytes(frozen))))")
    lines.append(String(repeating: "_", count: width))
    return lines
  }
}

/// Keras's summary formatting (`layer_utils.print_summary`).
enum SummaryTable {
  /// One table row, wrapped over several lines where a field is too long
  /// for its column (breaking after `),`, `},`, `],` or `',`).
  static func rows(_ fields: [String], positions: [Int]) -> [String] {
    var left = fields.map { Array($0) }
    var lines: [String] = []
    while left.contains(where: { !$0.isEmpty }) {
      var line: [Character] = []
      for col in 0..<left.count {
        let start = col > 0 ? positions[col - 1] : 0
        let end = positions[col]
        let space = col != positions.count - 1 ? 2 : 0
        var cutoff = end - start - space
        if col != positions.count - 1 { cutoff -= 1 }
        cutoff = max(0, cutoff)
        var fit = Array(left[col].prefix(cutoff))
        let candidates = ["),", "},", "],", "',"].compactMap { pattern -> Int? in
          let p = Array(pattern)
          guard fit.count >= 2 else { return nil }
          for i in 0...(fit.count - 2) where fit[i] == p[0] && fit[i + 1] == p[1] { return i + 2 }
          return nil
        }
        if let c = candidates.min() {
          cutoff = c
          fit = Array(fit.prefix(c))
        }
        if col == 0 { line.append(" ") }
        line += fit
        line += Array(repeating: " ", count: space)
        left[col] = Array(left[col].dropFirst(min(cutoff, left[col].count)))
        if positions[col] > line.count { line += Array(repeating: " ", count: positions[col] - line.count) }
      }
      lines.append(String(line))
    }
    return lines
  }

  /// Keras's `layer.output_shape` as printed: the shape of its calls when
  /// all agree (input layers as a list, `[(None, 4)]`), else `multiple`.
  static func outputShape(of layer: any Layer) -> String {
    let described = layer.state.inboundNodes.map { node -> String in
      let shapes = node.outputShapes.map { Shape.tupleDescription($0) }
      if layer is InputLayer || shapes.count != 1 { return "[" + shapes.joined(separator: ", ") + "]" }
      return shapes[0]
    }
    guard let first = described.first else { return "?" }
    return described.allSatisfy { $0 == first } ? first : "multiple"
  }

  /// Keras's `readable_memory_size`: `2.47 MB`, `120.00 Byte`.
  static func readableSize(_ bytes: Int) -> String {
    var size = Double(bytes)
    for unit in ["Byte", "KB", "MB", "GB", "TB", "PB"] {
      if size / 1024 < 1 { return String(format: "%.2f %@", size, unit) }
      size /= 1024
    }
    return String(format: "%.2f PB", size)
  }
}
