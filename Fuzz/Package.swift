// swift-tools-version: 6.0
// libFuzzer harnesses for TensorGraph's readers of untrusted files. See
// Docs/fuzzing.md: build with `swift build -c release --sanitize=fuzzer
// --sanitize=address` from this directory, then run e.g.
// `.build/release/fuzz-graph corpus/graph -max_total_time=600`.
import PackageDescription

let package = Package(
  name: "TensorGraphFuzz",
  platforms: [.macOS(.v15)],
  dependencies: [.package(name: "TensorGraph", path: "..")],
  targets: [
    .executableTarget(
      name: "fuzz-graph", dependencies: [.product(name: "TensorGraph", package: "TensorGraph")],
      swiftSettings: [.unsafeFlags(["-parse-as-library"])]),
    .executableTarget(
      name: "fuzz-safetensors", dependencies: [.product(name: "TensorGraph", package: "TensorGraph")],
      swiftSettings: [.unsafeFlags(["-parse-as-library"])]),
    .executableTarget(
      name: "fuzz-npy", dependencies: [.product(name: "TensorGraph", package: "TensorGraph")],
      swiftSettings: [.unsafeFlags(["-parse-as-library"])]),
  ]
)
