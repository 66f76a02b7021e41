import Foundation

/// The seed programs: the Keras programs this module is measured against,
/// written with the same calls as their Python originals. Each takes its
/// data as the data-set loaders return it (``Dataset``: uint8 images,
/// uint8 labels), writes its output through `log` (the text a terminal
/// would get, progress bars included), and returns what it measured.
///
///     let data = try FashionMNIST.loadData()
///     let result = try KerasExamples.fashionMNISTClassifier(
///       data: KerasExamples.Dataset(train: data.train, test: data.test))
///     print(result.test["accuracy"]!)
public enum KerasExamples {
  /// Training and test arrays, as `loadData()` returns them.
  public struct Dataset: Sendable {
    /// Training images (uint8, batch first) and labels.
    public var train: (x: Tensor, y: Tensor)
    /// Test images and labels.
    public var test: (x: Tensor, y: Tensor)

    /// Creates a data set.
    public init(train: (x: Tensor, y: Tensor), test: (x: Tensor, y: Tensor)) {
      self.train = train
      self.test = test
    }
  }

  /// What a seed program returns.
  public struct Result {
    /// The trained model.
    public var model: Model
    /// The training history.
    public var history: History
    /// `evaluate` on the test set.
    public var test: Logs
    /// `predict` on the test set (or on its first rows, as the program does).
    public var predictions: Tensor
  }

  /// Random uint8 data shaped like a data set: images `[n] + imageShape`
  /// and labels in `0..<classes` shaped `[n] + labelShape` (CIFAR-10's
  /// labels are `[n, 1]`), for running the programs without the files.
  ///
  /// - Throws: ``TensorGraphError`` (`invalidArgument`) when a count or a
  ///   dimension is negative or `classes` is not in `1...256`.
  public static func synthetic(
    trainCount: Int, testCount: Int, imageShape: [Int], classes: Int = 10, labelShape: [Int] = [], seed: UInt64 = 1
  ) throws -> Dataset {
    guard trainCount >= 0, testCount >= 0, (imageShape + labelShape).allSatisfy({ $0 >= 0 }) else {
      throw TensorGraphError(
        .invalidArgument,
        "synthetic data needs non-negative counts and dimensions, not \(trainCount) and \(testCount) images of shape \(imageShape), labels \(labelShape)")
    }
    guard (1...256).contains(classes) else {
      throw TensorGraphError(.invalidArgument, "synthetic uint8 labels need 1 to 256 classes, not \(classes)")
    }
    var g = SplitMix64(seed: seed)
    func part(_ n: Int) throws -> (x: Tensor, y: Tensor) {
      let pixels = (0..<(imageShape.reduce(n, *))).map { _ in UInt8(truncatingIfNeeded: g.next()) }
      let labels = (0..<(labelShape.reduce(n, *))).map { _ in UInt8(g.next() % UInt64(classes)) }
      return (
        try Tensor(shape: [n] + imageShape, scalars: pixels), try Tensor(shape: [n] + labelShape, scalars: labels)
      )
    }
    return Dataset(train: try part(trainCount), test: try part(testCount))
  }

  /// A console that sends text to `log`.
  static func console(_ log: @escaping @Sendable (String) -> Void) -> Console {
    Console(write: log)
  }
}
