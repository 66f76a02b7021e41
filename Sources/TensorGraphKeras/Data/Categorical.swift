/// Keras's `to_categorical`: class labels to one-hot rows, float32.
///
/// The result has the labels' shape with a trailing axis of `numClasses`
/// added — except that a trailing axis of size 1 is replaced, as Keras
/// does, so labels `[n]` and `[n, 1]` both give `[n, numClasses]`:
///
///     let y = Tensor([0, 2, 1] as [Int32])
///     try toCategorical(y, numClasses: 3)
///     // [[1., 0., 0.],
///     //  [0., 0., 1.],
///     //  [0., 1., 0.]]
///
/// - Parameters:
///   - y: integer labels of any integer dtype (or bool, or floats holding
///     whole numbers).
///   - numClasses: the number of classes; `nil` uses the largest label + 1.
/// - Throws: ``TensorGraphError`` (`invalidArgument`) when a label is
///   negative, not below `numClasses`, or not a whole number, when
///   `numClasses` is less than 1, or when it must be inferred from no
///   labels at all.
public func toCategorical(_ y: Tensor, numClasses: Int? = nil) throws -> Tensor {
  var outerShape = y.shape
  if outerShape.count > 1 && outerShape.last == 1 { outerShape.removeLast() }
  let labels = try classIndices(y)
  let classes: Int
  if let numClasses {
    guard numClasses >= 1 else {
      throw TensorGraphError(.invalidArgument, "toCategorical: numClasses is \(numClasses); it must be at least 1")
    }
    classes = numClasses
  } else {
    guard let largest = labels.max() else {
      throw TensorGraphError(
        .invalidArgument, "toCategorical: cannot infer the number of classes from empty labels of shape \(y.shape); pass numClasses")
    }
    classes = largest + 1
  }
  if let bad = labels.firstIndex(where: { $0 < 0 || $0 >= classes }) {
    throw TensorGraphError(
      .invalidArgument,
      "toCategorical: label \(labels[bad]) at index \(bad) is not a class in 0..<\(classes)"
        + (labels[bad] < 0 ? " (labels must not be negative)" : numClasses == nil ? "" : " (numClasses is \(classes))"))
  }
  var out = try Tensor(zeros: outerShape + [classes], dtype: .float32)
  out.withUnsafeMutableBufferPointer(as: Float.self) { p in
    for (i, label) in labels.enumerated() { p[i * classes + label] = 1 }
  }
  return out
}

/// The labels as `Int`s, rejecting floats that are not whole numbers
/// (Keras would truncate them silently).
private func classIndices(_ y: Tensor) throws -> [Int] {
  guard y.dtype.isFloatingPoint else { return y.integers() }
  let values = y.doubles()
  if let bad = values.firstIndex(where: { $0.rounded(.towardZero) != $0 || abs($0) > 0x1p53 }) {
    throw TensorGraphError(
      .invalidArgument, "toCategorical: label \(values[bad]) at index \(bad) is not a whole number, so not a class index")
  }
  return values.map { Int($0) }
}
