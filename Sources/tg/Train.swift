import ArgumentParser
import Foundation
import TensorGraph
import TensorGraphKeras

/// `tg train`: the seed Keras programs as presets.
struct Train: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Train one of the seed Keras programs, with Keras's progress bar.",
    discussion: """
      Presets (each the Keras program it is named after, written with TensorGraphKeras):
        fashion-mlp  Flatten → Dense 128 relu → Dense 10 softmax on Fashion-MNIST; Adam, 5 epochs, batch 32
        mnist-mlp    Dense 512 relu → Dense 512 relu → Dense 10 softmax; RMSprop, 10 epochs, batch 128,
                     validation on the test set (MNIST from --data or $TENSORGRAPH_MNIST, else Fashion-MNIST)
        cifar-mlp    Flatten → Dense 200 relu → Dense 150 relu → Dense 10 softmax on CIFAR-10 (--data or
                     $TENSORGRAPH_CIFAR10); Adam 0.0005, 10 epochs, batch 32
        fashion-cnn  Conv2D 32 3×3 relu → MaxPool 2 → Conv2D 64 3×3 relu → MaxPool 2 → Flatten → Dense 128 relu
                     → Dropout 0.5 → Dense 10 softmax on Fashion-MNIST; Adam, 5 epochs, batch 32
        quickstart   the TensorFlow quickstart: Flatten → Dense 128 relu → Dropout 0.2 → Dense 10 logits,
                     then a Softmax probability model (MNIST as mnist-mlp finds it, else Fashion-MNIST)

      Fashion-MNIST is read from --data, $TENSORGRAPH_FASHION_MNIST, or /usr/share/datasets/fashion-mnist \
      (Debian's dataset-fashion-mnist). --synthetic N trains on N random images of the right shape instead \
      (for trying the command without the data; the accuracy means nothing).

      --save writes the whole model (keras.json, graph.json, graph.safetensors) into a directory, which \
      `Model.load` reads back; --plot writes an SVG chart of loss and accuracy per epoch.
      """)

  /// The seed programs.
  enum Preset: String, CaseIterable, ExpressibleByArgument {
    case fashionMLP = "fashion-mlp", fashionCNN = "fashion-cnn", mnistMLP = "mnist-mlp", cifarMLP = "cifar-mlp"
    case quickstart

    var title: String {
      switch self {
      case .fashionMLP: "Fashion-MNIST classifier"
      case .fashionCNN: "Fashion-MNIST CNN"
      case .mnistMLP: "MNIST-style MLP"
      case .cifarMLP: "CIFAR-10 MLP"
      case .quickstart: "TensorFlow quickstart"
      }
    }
  }

  @Argument(help: "The program: \(Preset.allCases.map(\.rawValue).joined(separator: ", ")).")
  var preset: Preset = .fashionMLP

  @Option(help: "Training epochs (default: the program's).")
  var epochs: Int?

  @Option(help: "Batch size (default: the program's).")
  var batchSize: Int?

  @Option(help: "Directory holding the data set's files.")
  var data: String?

  @Option(help: "Train and test on this many random images instead of the data set.")
  var synthetic: Int?

  @Option(help: "Seed for initialization and shuffling.")
  var seed: Int = 42

  @Option(help: "fit's verbosity: 0 silent, 1 progress bar, 2 one line per epoch.")
  var verbose: Int = 1

  @Option(help: "Directory to save the trained model into (replaced if it exists).")
  var save: String?

  @Option(help: "SVG file for a chart of loss and accuracy per epoch.")
  var plot: String?

  func validate() throws {
    if let epochs, epochs < 1 { throw ValidationError("--epochs must be at least 1, not \(epochs)") }
    if let batchSize, batchSize < 1 { throw ValidationError("--batch-size must be at least 1, not \(batchSize)") }
    if let synthetic, synthetic < 1 { throw ValidationError("--synthetic must be at least 1, not \(synthetic)") }
    guard (0...2).contains(verbose) else { throw ValidationError("--verbose must be 0, 1 or 2, not \(verbose)") }
    if let plot, !plot.lowercased().hasSuffix(".svg") {
      throw ValidationError("--plot writes SVG: give a file name ending in .svg, not '\(plot)'")
    }
    if data != nil && synthetic != nil { throw ValidationError("--data and --synthetic exclude each other") }
  }

  func run() throws {
    // Fail before training, not after: the output places must be writable.
    for path in [save, plot].compactMap({ $0 }) { try Self.checkParentDirectory(of: path) }
    let dataset = try loadDataset()
    let log: @Sendable (String) -> Void = Console.standard.write
    let result: KerasExamples.Result
    switch preset {
    case .fashionMLP:
      result = try KerasExamples.fashionMNISTClassifier(
        data: dataset, epochs: epochs ?? 5, batchSize: batchSize ?? 32, seed: seed, verbose: verbose, log: log)
    case .fashionCNN:
      result = try KerasExamples.fashionMNISTCNN(
        data: dataset, epochs: epochs ?? 5, batchSize: batchSize ?? 32, seed: seed, verbose: verbose, log: log)
    case .mnistMLP:
      result = try KerasExamples.mnistMLP(
        data: dataset, epochs: epochs ?? 10, batchSize: batchSize ?? 128, seed: seed, verbose: verbose, log: log)
    case .cifarMLP:
      result = try KerasExamples.cifar10MLP(
        data: dataset, functional: false, epochs: epochs ?? 10, batchSize: batchSize ?? 32, seed: seed,
        verbose: verbose, log: log)
    case .quickstart:
      result = try KerasExamples.quickstart(
        data: dataset, epochs: epochs ?? 5, batchSize: batchSize ?? 32, seed: seed, verbose: verbose, log: log)
    }
    if let save {
      try result.model.save(to: URL(fileURLWithPath: save))
      print("Saved the trained model to \(save)/ (keras.json, graph.json, graph.safetensors).")
    }
    if let plot {
      let svg = result.history.svgPlot(title: "\(preset.title): \(dataDescription)")
      try AtomicFile.write(Data(svg.utf8), to: URL(fileURLWithPath: plot))
      print("Wrote the training curves to \(plot).")
    }
  }

  /// What the run trains on, for the plot's title.
  private var dataDescription: String {
    if let synthetic { return "\(synthetic) synthetic images" }
    return dataName
  }

  private var dataName: String {
    switch preset {
    case .fashionMLP, .fashionCNN: "Fashion-MNIST"
    case .cifarMLP: "CIFAR-10"
    case .mnistMLP, .quickstart: mnistDirectory == nil ? "Fashion-MNIST" : "MNIST"
    }
  }

  /// Where MNIST itself is, when the user gave it.
  private var mnistDirectory: String? {
    data ?? ProcessInfo.processInfo.environment[MNIST.environmentVariable]
  }

  private func loadDataset() throws -> KerasExamples.Dataset {
    let progress = Progress()
    if let synthetic {
      let cifar = preset == .cifarMLP
      return try KerasExamples.synthetic(
        trainCount: synthetic, testCount: max(1, synthetic / 6), imageShape: cifar ? [32, 32, 3] : [28, 28],
        labelShape: cifar ? [1] : [], seed: UInt64(truncatingIfNeeded: seed))
    }
    progress.note("loading \(dataName)")
    let loaded: (train: (x: Tensor, y: Tensor), test: (x: Tensor, y: Tensor))
    switch preset {
    case .fashionMLP, .fashionCNN: loaded = try FashionMNIST.loadData(directory: data)
    case .cifarMLP: loaded = try CIFAR10.loadData(directory: data)
    case .mnistMLP, .quickstart:
      if let mnistDirectory {
        loaded = try MNIST.loadData(directory: mnistDirectory)
      } else {
        // The programs are MNIST's; Debian packages only Fashion-MNIST,
        // whose files have the same format.
        print("MNIST not given (--data or $\(MNIST.environmentVariable)): training on Fashion-MNIST.")
        loaded = try FashionMNIST.loadData()
      }
    }
    progress.note("loaded \(loaded.train.x.shape[0]) training and \(loaded.test.x.shape[0]) test images")
    return KerasExamples.Dataset(train: loaded.train, test: loaded.test)
  }

  /// Throws when the directory that would hold `path` does not exist.
  static func checkParentDirectory(of path: String) throws {
    let parent = URL(fileURLWithPath: path).deletingLastPathComponent().path
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: parent, isDirectory: &isDirectory), isDirectory.boolValue else {
      throw UserError("cannot write '\(path)': the directory '\(parent)' does not exist (create it first)")
    }
  }
}
