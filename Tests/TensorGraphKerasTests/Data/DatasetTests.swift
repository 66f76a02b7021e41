import Foundation
import TensorGraphTestSupport
import Testing
import TensorGraphKeras

@Suite struct FashionMNISTTests {
  /// The real files, installed by scripts/install-deps.sh (Debian's
  /// dataset-fashion-mnist): never skipped.
  @Test func loadsTheInstalledDataset() throws {
    let start = Date()
    let (train, test) = try FashionMNIST.loadData()
    let seconds = Date().timeIntervalSince(start)
    print("Fashion-MNIST loaded in \(String(format: "%.3f", seconds)) s")
    #expect(train.x.shape == [60000, 28, 28] && train.x.dtype == .uint8)
    #expect(train.y.shape == [60000] && train.y.dtype == .uint8)
    #expect(test.x.shape == [10000, 28, 28] && test.x.dtype == .uint8)
    #expect(test.y.shape == [10000] && test.y.dtype == .uint8)

    func histogram(_ y: Tensor) -> [Int] {
      var h = [Int](repeating: 0, count: 10)
      for v in try! y.scalars(as: UInt8.self) { h[Int(v)] += 1 }
      return h
    }
    #expect(histogram(train.y) == Array(repeating: 6000, count: 10))
    #expect(histogram(test.y) == Array(repeating: 1000, count: 10))
    #expect(try train.y.rows(0..<10).scalars(as: UInt8.self) == [9, 0, 0, 3, 0, 2, 7, 2, 5, 5])
    #expect(try test.y.rows(0..<10).scalars(as: UInt8.self) == [9, 2, 1, 1, 6, 1, 4, 6, 5, 7])

    // Checksums computed once with Python (gzip + numpy) from the same
    // files: the sum of all pixels, and Σ ((i mod 9973) + 1) · pixel[i]
    // over the flat index, which also catches reordering.
    func checksums(_ x: Tensor) -> (sum: UInt64, weighted: UInt64) {
      x.withUnsafeBufferPointer(as: UInt8.self) { p in
        var sum: UInt64 = 0, weighted: UInt64 = 0
        for i in 0..<p.count {
          sum += UInt64(p[i])
          weighted += UInt64(i % 9973 + 1) * UInt64(p[i])
        }
        return (sum, weighted)
      }
    }
    let trainSums = checksums(train.x), testSums = checksums(test.x)
    #expect(trainSums.sum == 3_431_114_169)
    #expect(trainSums.weighted == 17_125_544_523_972)
    #expect(testSums.sum == 573_469_082)
    #expect(testSums.weighted == 2_850_121_722_075)
    #expect(
      try train.x.rows(0..<1).reshaped(to: [28, 28]).rows(14..<15).scalars(as: UInt8.self)
        == [0, 0, 1, 4, 6, 7, 2, 0, 0, 0, 0, 0, 237, 226, 217, 223, 222, 219, 222, 221, 216, 223, 229, 215, 218, 255, 77, 0])
  }

  @Test func loadsAGivenDirectoryWithMixedCompression() throws {
    let dir = DataFixtures.path("mini-mnist")
    for (train, test) in [try FashionMNIST.loadData(directory: dir), try MNIST.loadData(directory: dir)] {
      #expect(train.x.shape == [5, 28, 28] && test.x.shape == [3, 28, 28])
      #expect(try train.y.scalars(as: UInt8.self) == [3, 1, 4, 1, 5])
      #expect(try test.y.scalars(as: UInt8.self) == [9, 2, 6])
      let all = try train.x.scalars(as: UInt8.self) + test.x.scalars(as: UInt8.self)
      var expected: [UInt8] = []
      for k in 0..<8 {
        for r in 0..<28 { for c in 0..<28 { expected.append(UInt8((k * 37 + r * 5 + c * 11) % 256)) } }
      }
      #expect(all == expected)
    }
  }

  @Test func missingFilesSayHowToInstall() throws {
    let dir = try DataFixtures.temporaryDirectory()
    defer { DataFixtures.remove(dir) }
    let e = expectError(
      .io,
      containing: [
        "Fashion-MNIST was not found in '\(dir)' (the directory passed to loadData)",
        "apt-get install dataset-fashion-mnist", "TENSORGRAPH_FASHION_MNIST",
        "'\(dir)/train-images-idx3-ubyte.gz'", "'\(dir)/train-images-idx3-ubyte'", "'\(dir)/t10k-labels-idx1-ubyte.gz'",
      ]) { try FashionMNIST.loadData(directory: dir) }
    print(e?.description ?? "")
  }

  @Test func countMismatchAndBadLabelsAreReported() throws {
    let dir = try DataFixtures.temporaryDirectory()
    defer { DataFixtures.remove(dir) }
    let images = DataFixtures.idx([2, 28, 28], Array(repeating: 7, count: 2 * 784))
    try DataFixtures.write(images, to: dir + "/train-images-idx3-ubyte")
    try DataFixtures.write(images, to: dir + "/t10k-images-idx3-ubyte")
    try DataFixtures.write(DataFixtures.idx([2], [1, 2]), to: dir + "/t10k-labels-idx1-ubyte")
    try DataFixtures.write(DataFixtures.idx([3], [1, 2, 3]), to: dir + "/train-labels-idx1-ubyte")
    expectError(.format, containing: ["holds 2 images", "holds 3 labels"]) { try FashionMNIST.loadData(directory: dir) }
    try DataFixtures.write(Gzip.compress(DataFixtures.idx([2], [1, 10])), to: dir + "/train-labels-idx1-ubyte.gz")
    expectError(.format, containing: ["label 1", "byte 9", "is 10, not a class in 0..<10"]) {
      try FashionMNIST.loadData(directory: dir)
    }
    try DataFixtures.write(DataFixtures.idx([2, 784], Array(repeating: 7, count: 2 * 784)), to: dir + "/t10k-images-idx3-ubyte")
    try DataFixtures.write(DataFixtures.idx([2], [1, 2]), to: dir + "/train-labels-idx1-ubyte.gz")
    expectError(.format, containing: ["shape [2, 784]", "not images"]) { try FashionMNIST.loadData(directory: dir) }
  }
}

/// Where the loaders look, with the environment passed in (setting the
/// process's variables would race with tests running in parallel).
@Suite struct DatasetLocationTests {
  @Test func fashionMNISTPrefersTheArgumentThenTheVariableThenTheSystemDirectory() throws {
    let mini = DataFixtures.path("mini-mnist")
    let variable = [FashionMNIST.environmentVariable: mini]
    #expect(try FashionMNIST.locateFiles(environment: [:]).first == "/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz")
    #expect(try FashionMNIST.locateFiles(environment: variable).first == mini + "/train-images-idx3-ubyte.gz")
    #expect(try FashionMNIST.locateFiles(directory: mini, environment: [FashionMNIST.environmentVariable: "/x"]).last == mini + "/t10k-labels-idx1-ubyte")
    // A variable that names the wrong place is an error, not a fallback.
    expectError(.io, containing: ["'/nonexistent/f' ($TENSORGRAPH_FASHION_MNIST)", "apt-get install dataset-fashion-mnist"]) {
      try FashionMNIST.locateFiles(environment: [FashionMNIST.environmentVariable: "/nonexistent/f"])
    }
  }

  @Test func mnistHasNoDefaultDirectoryAndReadsItsVariable() throws {
    expectError(
      .io,
      containing: [
        "MNIST was not found", "$TENSORGRAPH_MNIST is not set", "no default system directory", "Debian has no MNIST package",
        "apt-get install dataset-fashion-mnist",
      ]) { try MNIST.locateFiles(environment: [:]) }
    let mini = DataFixtures.path("mini-mnist")
    #expect(try MNIST.locateFiles(environment: [MNIST.environmentVariable: mini]).count == 4)
    expectError(.io, containing: ["'/nonexistent/mnist' ($TENSORGRAPH_MNIST)", "'/nonexistent/mnist/train-images-idx3-ubyte.gz'"]) {
      try MNIST.locateFiles(environment: [MNIST.environmentVariable: "/nonexistent/mnist"])
    }
  }

  @Test func cifarReadsItsVariableAndExplainsWhereToGetIt() throws {
    expectError(.io, containing: ["CIFAR-10 was not found", "TENSORGRAPH_CIFAR10", "cifar-10-binary.tar.gz"]) {
      try CIFAR10.locateFiles(environment: [:])
    }
    let dir = try DataFixtures.temporaryDirectory()
    defer { DataFixtures.remove(dir) }
    try CIFARFiles.writeDataset(in: dir + "/cifar-10-batches-bin", trainCounts: [1, 1, 1, 1, 1], testCount: 2)
    let paths = try CIFAR10.locateFiles(environment: [CIFAR10.environmentVariable: dir])
    #expect(paths == (CIFAR10.trainFiles + [CIFAR10.testFile]).map { dir + "/cifar-10-batches-bin/" + $0 })
  }
}

// MARK: - CIFAR-10

/// CIFAR-10 binary files written the way the dataset's are: per record a
/// label byte, then the R, G and B planes of 32 × 32.
enum CIFARFiles {
  /// Pixel (record r, channel c, row h, column w) of the generated data.
  static func pixel(_ r: Int, _ c: Int, _ h: Int, _ w: Int) -> UInt8 { UInt8((r * 31 + c * 101 + h * 7 + w * 3) % 256) }
  static func label(_ r: Int) -> UInt8 { UInt8((r * 3 + 1) % 10) }

  static func records(_ range: Range<Int>) -> [UInt8] {
    var out: [UInt8] = []
    for r in range {
      out.append(label(r))
      for c in 0..<3 { for h in 0..<32 { for w in 0..<32 { out.append(pixel(r, c, h, w)) } } }
    }
    return out
  }

  /// Writes the five training batches and the test batch; record numbers
  /// run on from one file to the next.
  static func writeDataset(in dir: String, trainCounts: [Int], testCount: Int) throws {
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    var r = 0
    for (i, n) in trainCounts.enumerated() {
      try DataFixtures.write(records(r..<(r + n)), to: dir + "/data_batch_\(i + 1).bin")
      r += n
    }
    try DataFixtures.write(records(r..<(r + testCount)), to: dir + "/test_batch.bin")
  }

  /// Checks every pixel of `x` (NHWC) and every label against records
  /// `first`…
  static func check(_ x: Tensor, _ y: Tensor, first: Int, count: Int) throws {
    #expect(x.shape == [count, 32, 32, 3] && x.dtype == .uint8)
    #expect(y.shape == [count, 1] && y.dtype == .uint8)
    let pixels = try x.scalars(as: UInt8.self)
    var mismatches = 0
    for n in 0..<count {
      for h in 0..<32 {
        for w in 0..<32 {
          for c in 0..<3 where pixels[((n * 32 + h) * 32 + w) * 3 + c] != pixel(first + n, c, h, w) { mismatches += 1 }
        }
      }
    }
    #expect(mismatches == 0)
    #expect(try y.scalars(as: UInt8.self) == (first..<(first + count)).map(label))
  }
}

@Suite struct CIFAR10Tests {
  @Test func readsGeneratedBatchesPixelByPixel() throws {
    let dir = try DataFixtures.temporaryDirectory()
    defer { DataFixtures.remove(dir) }
    try CIFARFiles.writeDataset(in: dir, trainCounts: [2, 3, 1, 2, 4], testCount: 3)
    let (train, test) = try CIFAR10.loadData(directory: dir)
    try CIFARFiles.check(train.x, train.y, first: 0, count: 12)
    try CIFARFiles.check(test.x, test.y, first: 12, count: 3)
  }

  @Test func findsTheArchiveSubdirectory() throws {
    let dir = try DataFixtures.temporaryDirectory()
    defer { DataFixtures.remove(dir) }
    try CIFARFiles.writeDataset(in: dir + "/cifar-10-batches-bin", trainCounts: [1, 1, 1, 1, 600], testCount: 1)
    let (train, test) = try CIFAR10.loadData(directory: dir)
    // 604 training records: more than one 512-record read.
    try CIFARFiles.check(train.x, train.y, first: 0, count: 604)
    try CIFARFiles.check(test.x, test.y, first: 604, count: 1)
  }

  @Test func truncatedEmptyAndBadLabelFilesAreReported() throws {
    let dir = try DataFixtures.temporaryDirectory()
    defer { DataFixtures.remove(dir) }
    try CIFARFiles.writeDataset(in: dir, trainCounts: [2, 2, 2, 2, 2], testCount: 2)
    let path = dir + "/data_batch_3.bin"
    try DataFixtures.write(Array(CIFARFiles.records(0..<2).dropLast(100)), to: path)
    expectError(
      .format,
      containing: ["'\(path)' is truncated", "record 1 starts at byte 3073", "ends at byte 6046", "2973 bytes into it"]
    ) { try CIFAR10.loadData(directory: dir) }
    try DataFixtures.write([], to: path)
    expectError(.format, containing: ["'\(path)' is empty"]) { try CIFAR10.loadData(directory: dir) }
    var bad = CIFARFiles.records(0..<2)
    bad[3073] = 10
    try DataFixtures.write(bad, to: path)
    expectError(.format, containing: ["label of record 1 (byte 3073) is 10"]) { try CIFAR10.loadData(directory: dir) }
    DataFixtures.remove(path)
    expectError(.io, containing: ["'\(path)'", "'\(dir)/cifar-10-batches-bin/data_batch_3.bin'"]) {
      try CIFAR10.loadData(directory: dir)
    }
  }
}
