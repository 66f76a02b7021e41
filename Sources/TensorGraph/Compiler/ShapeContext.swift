/// What a shape function sees: the node's attributes, its inputs' dtypes and
/// partial shapes, and — for inputs that are constants or shapes of other
/// tensors — their values.
public struct ShapeContext: AttributeReading {
  /// The op type.
  public let op: String
  /// Attributes, validated, defaults filled in.
  public let attrs: [String: AttrValue]
  /// Dtype and partial shape of every data input.
  public let inputs: [TensorType]
  let inputRefs: [TensorRef]
  let graph: Graph

  /// The partial shape of input `i`.
  @inlinable public func shape(_ i: Int) -> PartialShape { inputs[i].shape }
  /// The dtype of input `i`.
  @inlinable public func dtype(_ i: Int) -> DType { inputs[i].dtype }

  /// The value of input `i` when its producer is a `Const` node.
  public func constantValue(_ i: Int) -> Tensor? {
    graph.constantValue(of: inputRefs[i])
  }

  /// Input `i`, a rank-1 integer tensor holding a shape, read as a partial
  /// shape (TensorFlow's `MakeShapeFromShapeTensor`): a constant gives its
  /// values (`-1` unknown), `Shape(x)` gives x's partial shape, `Pack` of
  /// scalars gives one dimension per scalar; otherwise the rank is the
  /// input's length when that is known.
  public func inputAsShape(_ i: Int) -> PartialShape {
    graph.shapeValue(of: inputRefs[i])
  }

  /// An error about this node's shapes; the graph adds node, op and site.
  public func error(_ message: String) -> TensorGraphError {
    TensorGraphError(.shapeMismatch, message)
  }

  /// An error about an invalid attribute or argument value.
  public func invalid(_ message: String) -> TensorGraphError {
    TensorGraphError(.invalidArgument, message)
  }
}

// MARK: - Shape rules shared by many ops

extension PartialShape {
  /// numpy/TensorFlow broadcasting of two shapes: align from the right; a
  /// dimension of 1 stretches; unknown dimensions stay unknown unless the
  /// other is known and not 1. `nil` when two known dimensions differ and
  /// neither is 1.
  public static func broadcast(_ a: PartialShape, _ b: PartialShape) -> PartialShape? {
    guard let x = a.dims, let y = b.dims else { return .unknown }
    let n = Swift.max(x.count, y.count)
    var out = [Dimension](repeating: .unknown, count: n)
    for i in 0..<n {
      let dx: Dimension = i < n - x.count ? 1 : x[i - (n - x.count)]
      let dy: Dimension = i < n - y.count ? 1 : y[i - (n - y.count)]
      switch (dx, dy) {
      case (.known(let p), .known(let q)):
        if p == q || q == 1 { out[i] = dx } else if p == 1 { out[i] = dy } else { return nil }
      case (.known(let p), .unknown):
        out[i] = p == 1 ? .unknown : dx
      case (.unknown, .known(let q)):
        out[i] = q == 1 ? .unknown : dy
      case (.unknown, .unknown):
        out[i] = .unknown
      }
    }
    return PartialShape(dims: out)
  }
}

/// Concrete broadcasting: the result shape of two concrete shapes, or `nil`.
public func broadcastShapes(_ a: [Int], _ b: [Int]) -> [Int]? {
  let n = max(a.count, b.count)
  var out = [Int](repeating: 1, count: n)
  for i in 0..<n {
    let p = i < n - a.count ? 1 : a[i - (n - a.count)]
    let q = i < n - b.count ? 1 : b[i - (n - b.count)]
    if p == q || q == 1 { out[i] = p } else if p == 1 { out[i] = q } else { return nil }
  }
  return out
}

/// Shape functions used by several ops.
public enum ShapeRules {
  /// Output 0 has input 0's shape (unary elementwise ops).
  public static let unchanged: ShapeFunction = { c in [c.shape(0)] }

  /// Output 0 is the broadcast of inputs 0 and 1 (binary elementwise ops).
  public static let broadcastBinary: ShapeFunction = { c in
    guard let s = PartialShape.broadcast(c.shape(0), c.shape(1)) else {
      throw c.error("incompatible shapes for broadcasting: \(c.shape(0)) and \(c.shape(1))")
    }
    return [s]
  }

  /// Output 0 is a scalar.
  public static let scalar: ShapeFunction = { _ in [.scalar] }

  /// No outputs.
  public static let none: ShapeFunction = { _ in [] }
}
