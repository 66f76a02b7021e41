import Foundation
import TensorGraph

/// Benchmarks of the graph passes: fused kernels against the nodes they
/// replace, and every graph of the benchmark set before and after the
/// default pipeline.
public enum PassBenchmarks {
  /// Every case in this group.
  public static func all(threads: Int?) -> [BenchmarkCase] {
    fusedMatMul(threads: threads) + elementwiseChain(threads: threads) + defaultPipeline(threads: threads)
      + [speedups(threads: threads)]
  }

  // MARK: - Graphs

  /// `relu(x · w + b)` as MatMul → BiasAdd → Relu on `[?, inputs]`, with
  /// constant weights.
  public static func denseLayer(inputs: Int, units: Int) throws -> (graph: Graph, x: Output, y: Output) {
    let g = Graph()
    let x = try g.placeholder(.float32, shape: [nil, inputs], name: "x")
    let w = try g.constant(Tensor.random([inputs, units], seed: 7), name: "w")
    let b = try g.constant(Tensor.random([units], seed: 8), name: "b")
    let y = try g.relu(try g.biasAdd(try g.matMul(x, w), b), name: "y")
    return (g, x, y)
  }

  /// A chain of ten elementwise ops on a `[count]` float vector:
  /// scale, shift, ReLU, scale, shift, square, clip to [-4, 4], negate and
  /// add the input back.
  public static func elementwiseChainGraph(count: Int) throws -> (graph: Graph, x: Output, y: Output) {
    let g = Graph()
    let x = try g.placeholder(.float32, shape: [count], name: "x")
    func c(_ v: Double) throws -> Output { try g.constant(v) }
    var y = try g.multiply(x, try c(1.5))
    y = try g.add(y, try c(0.25))
    y = try g.relu(y)
    y = try g.multiply(y, try c(0.75))
    y = try g.subtract(y, try c(0.125))
    y = try g.square(y)
    y = try g.minimum(y, try c(4))
    y = try g.maximum(y, try c(-4))
    y = try g.negate(y)
    y = try g.add(y, x, name: "y")
    return (g, x, y)
  }

  // MARK: - Cases

  /// `_FusedMatMul` against MatMul → BiasAdd → Relu at batch 32 and 128,
  /// for 784→512 and 512→512 layers.
  public static func fusedMatMul(threads: Int?) -> [BenchmarkCase] {
    var cases: [BenchmarkCase] = []
    for (inputs, units) in [(784, 512), (512, 512)] {
      for batch in [32, 128] {
        for fused in [false, true] {
          let label = "passes/matmul-bias-relu-\(inputs)x\(units)-b\(batch)/\(fused ? "fused" : "unfused")"
          cases.append(
            BenchmarkCase(label, flopsPerRun: 2 * Double(batch * inputs * units)) {
              let layer = try denseLayer(inputs: inputs, units: units)
              var graph = layer.graph
              let keep = KeepSet(fetches: [layer.y])
              if fused { graph = try PassManager([RemapperPass()]).run(graph, keep: keep).graph }
              let session = Session(graph: graph, options: SessionOptions(threads: threads))
              let x = try graph.output(named: "x"), y = try graph.output(named: "y")
              let feed = Tensor.random([batch, inputs], seed: 3)
              return { _ = try session.run(fetches: [y], feeds: [x: feed]) }
            })
        }
      }
    }
    return cases
  }

  /// The ten-op chain on 1,000,000 floats, unfused and fused.
  public static func elementwiseChain(threads: Int?) -> [BenchmarkCase] {
    let count = 1_000_000
    return [false, true].map { fused in
      BenchmarkCase(
        "passes/elementwise-chain-10-1M/\(fused ? "fused" : "unfused")", unitsPerRun: Double(count), unit: "element"
      ) {
        let chain = try elementwiseChainGraph(count: count)
        var graph = chain.graph
        if fused { graph = try PassManager([ElementwiseFusionPass()]).run(graph, keep: KeepSet(fetches: [chain.y])).graph }
        let session = Session(graph: graph, options: SessionOptions(threads: threads))
        let x = try graph.output(named: "x"), y = try graph.output(named: "y")
        let feed = Tensor.random([count], seed: 5)
        return { _ = try session.run(fetches: [y], feeds: [x: feed]) }
      }
    }
  }

  /// A graph of the benchmark set: how to build it, what a run fetches,
  /// targets and feeds.
  struct SetGraph: Sendable {
    var name: String
    var build: @Sendable () throws -> (graph: Graph, keep: KeepSet, feeds: [String: Tensor])
  }

  /// The runtime and MLP benchmark graphs.
  static func benchmarkSet() -> [SetGraph] {
    var set: [SetGraph] = [
      SetGraph(name: "overhead-chain-10000") {
        let g = Graph()
        let one = try g.constant(Tensor(Float(1)), name: "one")
        var x = try g.placeholder(.float32, shape: [], name: "x")
        for _ in 0..<10_000 { x = try g.add(x, one) }
        return (g, KeepSet(fetches: [x]), ["x": Tensor(Float(0))])
      },
      SetGraph(name: "overhead-100-chains-of-100") {
        let g = Graph()
        let one = try g.constant(Tensor(Float(1)), name: "one")
        let input = try g.placeholder(.float32, shape: [], name: "x")
        var ends: [Output] = []
        for _ in 0..<100 {
          var x = input
          for _ in 0..<100 { x = try g.add(x, one) }
          ends.append(x)
        }
        return (g, KeepSet(fetches: ends), ["x": Tensor(Float(0))])
      },
      SetGraph(name: "overhead-run-one-node") {
        let g = Graph()
        let x = try g.placeholder(.float32, shape: [], name: "x")
        let y = try g.add(x, x)
        return (g, KeepSet(fetches: [y]), ["x": Tensor(Float(1))])
      },
      SetGraph(name: "matmul-128x784x512") {
        let g = Graph()
        let x = try g.placeholder(.float32, shape: [128, 784], name: "a")
        let y = try g.matMul(x, try g.constant(Tensor.random([784, 512], seed: 2), name: "b"))
        return (g, KeepSet(fetches: [y]), ["a": Tensor.random([128, 784], seed: 1)])
      },
    ]
    for (hidden, batch) in [([512, 512], 128), ([512, 512], 32), ([128], 32)] {
      let label = "784-" + hidden.map(String.init).joined(separator: "-") + "-10"
      set.append(
        SetGraph(name: "mlp-train-\(label)-b\(batch)") {
          let m = try MLPBenchmarks.build(hidden: hidden)
          let (x, labels) = MLPBenchmarks.batch(batch)
          return (m.graph, KeepSet(fetches: [], targets: [m.train]), ["x": x, "labels": labels])
        })
    }
    for batch in [1, 128] {
      set.append(
        SetGraph(name: "mlp-forward-784-512-512-10-b\(batch)") {
          let m = try MLPBenchmarks.build(hidden: [512, 512])
          return (m.graph, KeepSet(fetches: [m.logits]), ["x": MLPBenchmarks.batch(batch).0])
        })
    }
    return set
  }

  /// Every graph of the benchmark set, before and after the default
  /// pipeline (both sessions start from the same variable values).
  public static func defaultPipeline(threads: Int?) -> [BenchmarkCase] {
    benchmarkSet().flatMap { entry in
      [false, true].map { optimized in
        BenchmarkCase("passes/default/\(entry.name)/\(optimized ? "after" : "before")") {
          let (graph, keep, feeds) = try entry.build()
          let original = Session(graph: graph, options: SessionOptions(threads: threads))
          try original.run(targets: graph.nodes.filter { $0.op == "Assign" && $0.name.hasSuffix("/Assign") })
          var session = original
          if optimized {
            let optimizedGraph = try PassManager.default.run(graph, keep: keep).graph
            session = Session(graph: optimizedGraph, options: SessionOptions(threads: threads))
            let values = try original.variableValues()
            try session.restoreVariables(values.filter { optimizedGraph.node(named: $0.key) != nil }, requireAll: false)
          }
          let g = session.graph
          let fetches = try keep.outputs.sorted().map { try g.output(named: $0) }
          let targets = try keep.nodes.sorted().map { try g.requireNode(named: $0) }
          var feedValues: [Output: Tensor] = [:]
          for (name, value) in feeds { feedValues[try g.output(named: name)] = value }
          let s = session, f = feedValues
          return { _ = try s.run(fetches: fetches, feeds: f, targets: targets) }
        }
      }
    }
  }

  // MARK: - Interleaved comparisons

  /// Prints, when set up, a table of speed-ups measured with
  /// ``PassExperiment`` — runs of the graph before and after alternate, so
  /// load from other processes hits both alike — for the fused kernels
  /// against their unfused nodes and for every graph of the benchmark set
  /// under the default pipeline. Its timed body does nothing.
  public static func speedups(threads: Int?) -> BenchmarkCase {
    BenchmarkCase("passes/speedups") {
      print(try speedupTable(threads: threads))
      return {}
    }
  }

  /// The table ``speedups(threads:)`` prints.
  public static func speedupTable(threads: Int?) throws -> String {
    let options = SessionOptions(threads: threads)
    var rows: [[String]] = [["graph", "pipeline", "nodes", "before (median)", "after (median)", "speed-up", "min before / after"]]
    func add(_ name: String, _ pipeline: String, _ r: ExperimentResult) {
      let nodes = r.report.map { "\($0.initial.nodes) → \($0.final.nodes)" } ?? ""
      rows.append([
        name, pipeline, nodes, formatDuration(r.before.median), formatDuration(r.after.median),
        String(format: "%.2f×", r.speedup), "\(formatDuration(r.before.min)) / \(formatDuration(r.after.min))",
      ])
    }
    for (inputs, units) in [(784, 512), (512, 512)] {
      for batch in [32, 128] {
        let layer = try denseLayer(inputs: inputs, units: units)
        let experiment = PassExperiment(
          manager: PassManager([RemapperPass()]), keep: KeepSet(fetches: [layer.y]),
          feeds: ["x": Tensor.random([batch, inputs], seed: 3)], repetitions: 400, sessionOptions: options)
        add("MatMul+BiasAdd+Relu \(inputs)→\(units), batch \(batch)", "remap", try experiment.run(layer.graph))
      }
    }
    let chain = try elementwiseChainGraph(count: 1_000_000)
    let chainExperiment = PassExperiment(
      manager: PassManager([ElementwiseFusionPass()]), keep: KeepSet(fetches: [chain.y]),
      feeds: ["x": Tensor.random([1_000_000], seed: 5)], repetitions: 60, sessionOptions: options)
    add("10 elementwise ops on 1,000,000 floats", "elementwise_fusion", try chainExperiment.run(chain.graph))
    for entry in benchmarkSet() {
      let (graph, keep, feeds) = try entry.build()
      let experiment = PassExperiment(
        keep: keep, feeds: feeds, repetitions: entry.name.contains("train-784-512-512") ? 60 : 200,
        sessionOptions: options)
      add(entry.name, "default", try experiment.run(graph))
    }
    let widths = (0..<rows[0].count).map { col in rows.map { $0[col].count }.max() ?? 0 }
    func line(_ cells: [String]) -> String {
      "| " + zip(cells, widths).map { $0 + String(repeating: " ", count: $1 - $0.count) }.joined(separator: " | ") + " |"
    }
    var out = ["Speed-ups (interleaved runs, PassExperiment):", line(rows[0])]
    out.append("|" + widths.map { String(repeating: "-", count: $0 + 2) }.joined(separator: "|") + "|")
    out += rows.dropFirst().map(line)
    return out.joined(separator: "\n")
  }
}
