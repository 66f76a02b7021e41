import Foundation

/// Timings of graph and weight serialization, for `tg bench` and
/// `tg-bench-serial` (`Docs/benchmarks.md` records the figures).
///
///     for result in try SerializationBenchmarks.run() { print(result) }
public enum SerializationBenchmarks {
  /// One measurement: the best of several repetitions.
  public struct Result: Sendable, CustomStringConvertible {
    /// What was measured.
    public var name: String
    /// The fastest repetition, in seconds.
    public var seconds: Double
    /// Bytes moved per repetition (file size), if meaningful.
    public var bytes: Int?

    /// Bytes per second, when ``bytes`` is known.
    public var bytesPerSecond: Double? { bytes.map { Double($0) / seconds } }

    /// `name: 12.3 ms (2.9 MB, 0.24 GB/s)`.
    public var description: String {
      var s = "\(name): \(String(format: "%.1f", seconds * 1000)) ms"
      if let bytes, let rate = bytesPerSecond {
        s += String(format: " (%.1f MB, %.2f GB/s)", Double(bytes) / 1e6, rate / 1e9)
      }
      return s
    }
  }

  /// A graph of `nodeCount` nodes shaped like a deep network: a
  /// placeholder, then blocks of a small constant (inline in the JSON), a
  /// `MatMul`, an `AddV2` and a `Mul`, each reading the previous block.
  public static func syntheticGraph(nodeCount: Int) throws -> Graph {
    let g = Graph()
    var h = try g.placeholder(.float32, shape: [nil, 8], name: "x")
    var block = 0
    while g.nodeCount + 5 <= nodeCount {
      try g.withNameScope("block\(block)") {
        let w = try g.constant(try Tensor(shape: [8, 8], repeating: Float(block % 7) * 0.01), name: "w")
        let b = try g.constant(try Tensor(shape: [8], repeating: Float(0.5)), name: "b")
        let m = try g.matMul(h, w)
        h = try g.multiply(try g.add(m, b), b)
      }
      block += 1
    }
    while g.nodeCount < nodeCount { h = try g.identity(h) }
    return g
  }

  /// Runs every measurement.
  ///
  /// - Parameters:
  ///   - nodeCount: Nodes in the graph saved and loaded.
  ///   - weightBytes: Total bytes of the variables saved and loaded, in
  ///     four float32 tensors.
  ///   - repetitions: Runs per measurement; the fastest counts (the files
  ///     are in the page cache after the first).
  ///   - directory: Where to write the files (a temporary directory by
  ///     default, removed afterwards).
  public static func run(
    nodeCount: Int = 10_000, weightBytes: Int = 100 << 20, repetitions: Int = 5, directory: URL? = nil
  ) throws -> [Result] {
    let dir = directory ?? FileManager.default.temporaryDirectory.appendingPathComponent("tg-bench-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { if directory == nil { try? FileManager.default.removeItem(at: dir) } }

    func best(_ body: () throws -> Void) rethrows -> Double {
      var fastest = Double.infinity
      for _ in 0..<repetitions {
        let start = DispatchTime.now().uptimeNanoseconds
        try body()
        fastest = min(fastest, Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
      }
      return fastest
    }

    var results: [Result] = []
    // Graph JSON.
    let graph = try syntheticGraph(nodeCount: nodeCount)
    let graphURL = dir.appendingPathComponent("graph.json")
    let save = try best { try graph.save(to: graphURL) }
    let graphSize = try FileReader(graphURL).size
    results.append(Result(name: "save \(nodeCount)-node graph", seconds: save, bytes: graphSize))
    var loaded: Graph?
    let load = try best { loaded = try Graph.load(from: graphURL) }
    results.append(Result(name: "load \(nodeCount)-node graph", seconds: load, bytes: graphSize))
    precondition(loaded?.nodeCount == nodeCount)
    let serialize = best { _ = graph.serialize() }
    results.append(Result(name: "serialize \(nodeCount)-node graph (in memory)", seconds: serialize, bytes: graphSize))
    let json = graph.serialize()
    let deserialize = try best { _ = try Graph.deserialize(json) }
    results.append(Result(name: "deserialize \(nodeCount)-node graph (in memory)", seconds: deserialize, bytes: graphSize))

    // Weights.
    let perTensor = weightBytes / 4 / 4
    var tensors: [String: Tensor] = [:]
    for i in 0..<4 {
      var t = try Tensor(zeros: [perTensor], dtype: .float32)
      t.withUnsafeMutableBufferPointer(as: Float.self) { p in
        for k in 0..<p.count { p[k] = Float(k % 1000) * 0.001 + Float(i) }
      }
      tensors["layer\(i)/kernel"] = t
    }
    let weightsURL = dir.appendingPathComponent("weights.safetensors")
    let write = try best { try SafeTensors.write(tensors, to: weightsURL) }
    let weightsSize = try FileReader(weightsURL).size
    results.append(Result(name: "write \(weightsSize >> 20) MiB safetensors (with fsync)", seconds: write, bytes: weightsSize))
    var back: [String: Tensor] = [:]
    let read = try best { back = try SafeTensors.read(from: weightsURL) }
    precondition(back == tensors)
    results.append(Result(name: "read \(weightsSize >> 20) MiB safetensors", seconds: read, bytes: weightsSize))
    return results
  }
}
