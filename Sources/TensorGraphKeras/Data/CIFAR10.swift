import Foundation

/// CIFAR-10 (32×32 color images in 10 classes, 50,000 for training and
/// 10,000 for testing) from its binary version, as
/// `keras.datasets.cifar10.load_data()` returns it.
///
/// The files are `data_batch_1.bin` … `data_batch_5.bin` and
/// `test_batch.bin`. Each holds records of 3073 bytes: the label, then the
/// 1024 red, 1024 green and 1024 blue values of the image (row-major
/// planes). They are read from the `directory` argument or else the
/// directory in the environment variable `TENSORGRAPH_CIFAR10`, either
/// directly or in its subdirectory `cifar-10-batches-bin` (what the
/// archive `cifar-10-binary.tar.gz` extracts to). Debian packages no
/// CIFAR-10, so there is no default directory.
///
///     let (train, test) = try CIFAR10.loadData(directory: "/data/cifar10")
///     train.x   // uint8 [50000, 32, 32, 3], channels last as Keras gives them
///     train.y   // uint8 [50000, 1]
public enum CIFAR10 {
  /// The environment variable naming the directory of the files.
  public static let environmentVariable = "TENSORGRAPH_CIFAR10"
  /// The subdirectory the binary archive extracts to, also searched.
  public static let archiveDirectory = "cifar-10-batches-bin"
  /// The training files, in the order their records are concatenated.
  public static let trainFiles = (1...5).map { "data_batch_\($0).bin" }
  /// The test file.
  public static let testFile = "test_batch.bin"
  /// The names of the ten classes, by label.
  public static let classNames = [
    "airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck",
  ]
  /// Image side in pixels.
  public static let side = 32
  /// Bytes per record: one label byte and 3 × 32 × 32 pixel bytes.
  public static let recordSize = 1 + 3 * 32 * 32

  static let location = DatasetLocation(
    name: "CIFAR-10", environmentVariable: environmentVariable, systemDirectory: nil,
    installHint:
      "Debian has no CIFAR-10 package, so there is no default directory: download the binary version (cifar-10-binary.tar.gz, from https://www.cs.toronto.edu/~kriz/cifar.html), extract it, and set \(environmentVariable) to the directory holding \(archiveDirectory) (or the .bin files) or pass it as loadData(directory:)."
  )

  /// Loads the training set (the five training batches in order) and the
  /// test set: images uint8 `[n, 32, 32, 3]` (transposed from the files'
  /// channel planes to channels last), labels uint8 `[n, 1]` in 0..<10.
  ///
  /// - Parameter directory: where the `.bin` files are (or its
  ///   `cifar-10-batches-bin` subdirectory); `nil` uses `$TENSORGRAPH_CIFAR10`.
  /// - Throws: ``TensorGraphError``: `io` when files are missing (the
  ///   message lists the paths tried and how to get the data); `format`
  ///   when a file is empty or ends inside a record, or a label is not
  ///   below 10, with the byte offset.
  public static func loadData(directory: String? = nil) throws -> (
    train: (x: Tensor, y: Tensor), test: (x: Tensor, y: Tensor)
  ) {
    let paths = try locateFiles(directory: directory)
    let train = try readBatches(Array(paths.dropLast()))
    let test = try readBatches([paths.last!])
    return (train, test)
  }

  /// The six files ``loadData(directory:)`` reads (the five training
  /// batches, then the test batch), found as it finds them, with
  /// `environment` in place of the process's environment.
  ///
  /// - Throws: ``TensorGraphError`` (`io`) listing the paths tried and how
  ///   to get the data when a file is missing.
  public static func locateFiles(
    directory: String? = nil, environment: [String: String] = ProcessInfo.processInfo.environment
  ) throws -> [String] {
    try location.files(
      (trainFiles + [testFile]).map { [$0, (archiveDirectory as NSString).appendingPathComponent($0)] },
      directory: directory, environment: environment)
  }

  /// Reads CIFAR-10 binary batch files and concatenates their records in
  /// order: images uint8 `[n, 32, 32, 3]`, labels uint8 `[n, 1]`.
  ///
  /// - Throws: ``TensorGraphError`` as ``loadData(directory:)`` does.
  public static func readBatches(_ paths: [String]) throws -> (x: Tensor, y: Tensor) {
    let inputs = try paths.map { try FileReader(path: $0) }
    // Sizes come from the files themselves, so nothing is allocated that
    // the files do not hold.
    for input in inputs {
      guard input.size > 0 else {
        throw TensorGraphError(.format, "CIFAR-10 file '\(input.path)' is empty: it holds no records")
      }
      let whole = input.size / recordSize
      guard input.size % recordSize == 0 else {
        throw TensorGraphError(
          .format,
          "CIFAR-10 file '\(input.path)' is truncated: record \(whole) starts at byte \(whole * recordSize) but the file ends at byte \(input.size), \(input.size - whole * recordSize) bytes into it (records are \(recordSize) bytes: a label and 3 × 32 × 32 pixels)")
      }
    }
    let total = inputs.reduce(0) { $0 + $1.size / recordSize }
    let pixels = recordSize - 1
    let x = TensorBuffer(byteCapacity: total * pixels)
    let y = TensorBuffer(byteCapacity: total)
    // A few hundred records at a time: the staging buffer stays in cache.
    let recordsPerChunk = 512
    let staging = UnsafeMutableRawPointer.allocate(byteCount: recordsPerChunk * recordSize, alignment: 64)
    defer { staging.deallocate() }
    var record = 0
    for input in inputs {
      let records = input.size / recordSize
      var first = 0
      while first < records {
        let n = Swift.min(recordsPerChunk, records - first)
        try input.read(into: staging, offset: first * recordSize, count: n * recordSize)
        let src = staging.assumingMemoryBound(to: UInt8.self)
        for r in 0..<n {
          let rec = src + r * recordSize
          guard rec[0] < 10 else {
            throw TensorGraphError(
              .format,
              "CIFAR-10 file '\(input.path)': the label of record \(first + r) (byte \((first + r) * recordSize)) is \(rec[0]), not a class in 0..<10")
          }
          (y.data + record).storeBytes(of: rec[0], as: UInt8.self)
          transposeToChannelsLast(rec + 1, (x.data + record * pixels).assumingMemoryBound(to: UInt8.self))
          record += 1
        }
        first += n
      }
    }
    return (
      Tensor(dtype: .uint8, shape: [total, side, side, 3], buffer: x),
      Tensor(dtype: .uint8, shape: [total, 1], buffer: y)
    )
  }

  /// R, G and B planes of 32 × 32 → 32 × 32 pixels of (R, G, B).
  @inline(__always)
  private static func transposeToChannelsLast(_ src: UnsafePointer<UInt8>, _ dst: UnsafeMutablePointer<UInt8>) {
    let plane = side * side
    for p in 0..<plane {
      dst[3 * p] = src[p]
      dst[3 * p + 1] = src[plane + p]
      dst[3 * p + 2] = src[2 * plane + p]
    }
  }
}
