// swift-tools-version: 6.0
import PackageDescription

let package = Package(
  name: "TensorGraph",
  platforms: [.macOS(.v15)],
  // MARK: - Products
  products: [
    .library(name: "TensorGraph", targets: ["TensorGraph"]),
    .library(name: "TensorGraphKeras", targets: ["TensorGraphKeras"]),
    .executable(name: "tg", targets: ["tg"]),
  ],
  // MARK: - Dependencies
  dependencies: [
    .package(url: "https://github.com/apple/swift-numerics", from: "1.1.1"),
    .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
  ],
  // MARK: - Targets
  targets: [
    .systemLibrary(
      name: "COpenBLAS",
      pkgConfig: "openblas",
      providers: [.apt(["libopenblas-dev"])]
    ),
    .systemLibrary(
      name: "CZlib",
      pkgConfig: "zlib",
      providers: [.apt(["zlib1g-dev"])]
    ),
    // C kernels: the float32 GEMM for AVX-512 CPUs, and optimizer loops
    // compiled per x86-64 ISA level, the level an argument.
    .target(name: "CTensorKernels"),
    .target(
      name: "TensorGraph",
      dependencies: [
        "COpenBLAS",
        "CTensorKernels",
        .product(name: "RealModule", package: "swift-numerics"),
      ]
    ),
    .target(
      name: "TensorGraphKeras",
      dependencies: ["TensorGraph", "CZlib"]
    ),
    .target(
      name: "TensorGraphTestSupport",
      dependencies: ["TensorGraph"]
    ),
    .target(
      name: "TensorGraphExamples",
      dependencies: ["TensorGraph"]
    ),
    .target(
      name: "TensorGraphBench",
      dependencies: ["TensorGraph", "TensorGraphKeras", "COpenBLAS"]
    ),
    .executableTarget(
      name: "tg",
      dependencies: [
        "TensorGraph",
        "TensorGraphBench",
        "TensorGraphExamples",
        "TensorGraphKeras",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ]
    ),
    // MARK: - Tests
    .testTarget(
      name: "TensorGraphTests",
      dependencies: [
        "TensorGraph", "TensorGraphTestSupport", "TensorGraphExamples", "TensorGraphBench",
        // The ISA-path tests call the C kernels at every level directly.
        "CTensorKernels",
      ],
      resources: [.copy("Fixtures")]
    ),
    .testTarget(
      name: "TensorGraphKerasTests",
      dependencies: ["TensorGraphKeras", "TensorGraphTestSupport"],
      resources: [.copy("Data/Fixtures")]
    ),
    // Runs the built `tg` as a subprocess. Depending on the executable
    // target makes SwiftPM build it before the tests, whichever subset is
    // built; the tests find it beside the test bundle.
    .testTarget(
      name: "CLITests",
      dependencies: ["TensorGraph", "TensorGraphTestSupport", "tg"],
      exclude: ["Fixtures"]
    ),
  ]
)
