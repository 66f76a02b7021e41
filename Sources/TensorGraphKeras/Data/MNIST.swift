import Foundation

/// Fashion-MNIST (Zalando's 28×28 grayscale images of clothing in 10
/// classes, 60,000 for training and 10,000 for testing), as
/// `keras.datasets.fashion_mnist.load_data()` returns it.
///
/// The files are `train-images-idx3-ubyte.gz`, `train-labels-idx1-ubyte.gz`,
/// `t10k-images-idx3-ubyte.gz` and `t10k-labels-idx1-ubyte.gz` (IDX format,
/// gzip-compressed or not, then without `.gz`), read from the first of:
///
/// 1. the `directory` argument;
/// 2. the directory in the environment variable `TENSORGRAPH_FASHION_MNIST`;
/// 3. `/usr/share/datasets/fashion-mnist`, where Debian's package
///    `dataset-fashion-mnist` installs them (`apt-get install dataset-fashion-mnist`).
///
///     let (train, test) = try FashionMNIST.loadData()
///     train.x   // uint8 [60000, 28, 28]
///     train.y   // uint8 [60000], labels 0..<10
public enum FashionMNIST {
  /// The environment variable naming the directory of the files.
  public static let environmentVariable = "TENSORGRAPH_FASHION_MNIST"
  /// Where Debian's package `dataset-fashion-mnist` installs the files.
  public static let defaultDirectory = "/usr/share/datasets/fashion-mnist"
  /// The names of the ten classes, by label.
  public static let classNames = [
    "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot",
  ]

  static let location = DatasetLocation(
    name: "Fashion-MNIST", environmentVariable: environmentVariable, systemDirectory: defaultDirectory,
    installHint:
      "Install it with `apt-get install dataset-fashion-mnist` (Debian's package puts the files in \(defaultDirectory)), or put \(MNISTFiles.names.joined(separator: ", ")) in a directory and set \(environmentVariable) to it or pass it as loadData(directory:)."
  )

  /// Loads the training and test sets: images uint8 `[n, 28, 28]` with
  /// pixels 0…255, labels uint8 `[n]` in 0..<10.
  ///
  /// - Parameter directory: where the four files are; `nil` looks in
  ///   `$TENSORGRAPH_FASHION_MNIST`, then in `/usr/share/datasets/fashion-mnist`.
  /// - Throws: ``TensorGraphError``: `io` when files are missing (the
  ///   message lists the paths tried and how to install the data);
  ///   `format` when a file is corrupt, the image and label counts differ,
  ///   or a label is not below 10.
  public static func loadData(directory: String? = nil) throws -> (
    train: (x: Tensor, y: Tensor), test: (x: Tensor, y: Tensor)
  ) {
    try MNISTFiles.load(locateFiles(directory: directory), name: location.name)
  }

  /// The four files ``loadData(directory:)`` reads (training images and
  /// labels, test images and labels), found as it finds them, with
  /// `environment` in place of the process's environment.
  ///
  /// - Throws: ``TensorGraphError`` (`io`) listing the paths tried and how
  ///   to install the data when a file is missing.
  public static func locateFiles(
    directory: String? = nil, environment: [String: String] = ProcessInfo.processInfo.environment
  ) throws -> [String] {
    try MNISTFiles.locate(location, directory: directory, environment: environment)
  }
}

/// MNIST (handwritten digits, 28×28 grayscale, 60,000 training and 10,000
/// test images), as `keras.datasets.mnist.load_data()` returns it.
///
/// The files are those of the MNIST database: `train-images-idx3-ubyte.gz`,
/// `train-labels-idx1-ubyte.gz`, `t10k-images-idx3-ubyte.gz`,
/// `t10k-labels-idx1-ubyte.gz` (gzip-compressed or not), read from the
/// `directory` argument or else the directory in the environment variable
/// `TENSORGRAPH_MNIST`. Debian packages no MNIST, so there is no default
/// directory. Fashion-MNIST has the same format and shapes:
/// ``FashionMNIST/loadData(directory:)``.
public enum MNIST {
  /// The environment variable naming the directory of the files.
  public static let environmentVariable = "TENSORGRAPH_MNIST"

  static let location = DatasetLocation(
    name: "MNIST", environmentVariable: environmentVariable, systemDirectory: nil,
    installHint:
      "Debian has no MNIST package, so there is no default directory: put the MNIST database's files (\(MNISTFiles.names.joined(separator: ", "))) in a directory and set \(environmentVariable) to it or pass it as loadData(directory:). Fashion-MNIST has the same format and installs with `apt-get install dataset-fashion-mnist` (FashionMNIST.loadData())."
  )

  /// Loads the training and test sets: images uint8 `[n, 28, 28]`, labels
  /// uint8 `[n]` in 0..<10.
  ///
  /// - Parameter directory: where the four files are; `nil` uses
  ///   `$TENSORGRAPH_MNIST`.
  /// - Throws: ``TensorGraphError``: `io` when files are missing (listing
  ///   the paths tried); `format` when a file is corrupt, counts differ or
  ///   a label is not below 10.
  public static func loadData(directory: String? = nil) throws -> (
    train: (x: Tensor, y: Tensor), test: (x: Tensor, y: Tensor)
  ) {
    try MNISTFiles.load(locateFiles(directory: directory), name: location.name)
  }

  /// The four files ``loadData(directory:)`` reads (training images and
  /// labels, test images and labels), found as it finds them, with
  /// `environment` in place of the process's environment.
  ///
  /// - Throws: ``TensorGraphError`` (`io`) listing the paths tried and how
  ///   to install the data when a file is missing.
  public static func locateFiles(
    directory: String? = nil, environment: [String: String] = ProcessInfo.processInfo.environment
  ) throws -> [String] {
    try MNISTFiles.locate(location, directory: directory, environment: environment)
  }
}

/// The four files of an MNIST-style dataset and their checks.
enum MNISTFiles {
  static let names = [
    "train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz", "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz",
  ]

  /// Each file compressed, else uncompressed under the same name.
  static func locate(_ location: DatasetLocation, directory: String?, environment: [String: String]) throws -> [String] {
    try location.files(names.map { [$0, String($0.dropLast(3))] }, directory: directory, environment: environment)
  }

  static func load(_ paths: [String], name: String) throws -> (
    train: (x: Tensor, y: Tensor), test: (x: Tensor, y: Tensor)
  ) {
    let tensors = try readConcurrently(paths)
    let train = try pair(images: tensors[0], labels: tensors[1], paths[0], paths[1], name)
    let test = try pair(images: tensors[2], labels: tensors[3], paths[2], paths[3], name)
    return (train, test)
  }

  /// Reads the IDX files on up to two threads, the largest first (the
  /// training images are 85% of the work), so the small ones overlap it.
  static func readConcurrently(_ paths: [String]) throws -> [Tensor] {
    let results = ResultBox(count: paths.count)
    let order = [0, 2, 1, 3].filter { $0 < paths.count }
    let next = ResultBox.Counter()
    DispatchQueue.concurrentPerform(iterations: Swift.min(2, paths.count)) { _ in
      while let k = next.take(limit: order.count) {
        let i = order[k]
        results.set(i, Result { try IDX.read(path: paths[i]) })
      }
    }
    return try results.values().map { try $0.get() }
  }

  static func pair(
    images: Tensor, labels: Tensor, _ imagePath: String, _ labelPath: String, _ name: String
  ) throws -> (x: Tensor, y: Tensor) {
    guard images.rank == 3 else {
      throw TensorGraphError(.format, "\(name): '\(imagePath)' holds shape \(images.shape), not images [n, rows, columns]")
    }
    guard labels.rank == 1 else {
      throw TensorGraphError(.format, "\(name): '\(labelPath)' holds shape \(labels.shape), not labels [n]")
    }
    guard images.shape[0] == labels.shape[0] else {
      throw TensorGraphError(
        .format, "\(name): '\(imagePath)' holds \(images.shape[0]) images but '\(labelPath)' holds \(labels.shape[0]) labels")
    }
    try checkLabels(labels, classes: 10, path: labelPath, headerSize: 8, name: name)
    return (images, labels)
  }

  /// Checks that every uint8 label is below `classes`, naming the first
  /// that is not and its byte in the (decompressed) file.
  static func checkLabels(_ labels: Tensor, classes: Int, path: String, headerSize: Int, name: String) throws {
    let bad = labels.withUnsafeBufferPointer(as: UInt8.self) { p in p.firstIndex { Int($0) >= classes } }
    if let bad {
      let value = labels.withUnsafeBufferPointer(as: UInt8.self) { $0[bad] }
      throw TensorGraphError(
        .format,
        "\(name): label \(bad) in '\(path)' (byte \(headerSize + bad) of its IDX data) is \(value), not a class in 0..<\(classes)")
    }
  }
}

/// Per-index results filled in from several threads.
final class ResultBox: @unchecked Sendable {
  private let lock = NSLock()
  private var slots: [Result<Tensor, any Error>?]

  init(count: Int) { slots = Array(repeating: nil, count: count) }

  func set(_ i: Int, _ r: Result<Tensor, any Error>) {
    lock.lock()
    slots[i] = r
    lock.unlock()
  }

  func values() -> [Result<Tensor, any Error>] {
    lock.lock()
    defer { lock.unlock() }
    return slots.map { $0! }
  }

  /// Hands out 0, 1, 2, … to whichever thread asks next.
  final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var value = 0

    func take(limit: Int) -> Int? {
      lock.lock()
      defer { lock.unlock() }
      guard value < limit else { return nil }
      value += 1
      return value - 1
    }
  }
}
