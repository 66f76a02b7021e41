import Foundation
import Testing
import TensorGraph

/// `tg inspect` on every graph in Graphs/, checked against the graph loaded
/// through the Swift API.
@Suite struct InspectCommandTests {
  static let files = ["fashion_mlp", "mnist_mlp", "cifar_mlp", "fashion_mlp_train"]

  static func path(_ name: String) -> String { TGProcess.graphs.appendingPathComponent(name + ".json").path }

  static func json(_ arguments: [String]) throws -> [String: Any] {
    let result = try TGProcess.run(["inspect", "--json"] + arguments)
    #expect(result.status == 0, "\(result)")
    return try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
  }

  @Test(arguments: files)
  func jsonReportMatchesTheGraph(_ name: String) throws {
    let report = try Self.json([Self.path(name)])
    let graph = try GraphSerializer().load(from: URL(fileURLWithPath: Self.path(name))).graph
    #expect(report["node_count"] as? Int == graph.nodeCount)
    let ops = try #require(report["ops"] as? [String: Int])
    #expect(ops.values.reduce(0, +) == graph.nodeCount)
    #expect(ops["MatMul"] == graph.nodes.filter { $0.op == "MatMul" }.count)
    let parameters = graph.nodes.filter { $0.op == "VariableV2" }.reduce(0) { $0 + $1.outputs[0].shape.elementCount! }
    #expect(report["parameter_count"] as? Int == parameters)
    let trainable = graph.trainableVariables.reduce(0) { $0 + $1.outputs[0].shape.elementCount! }
    #expect(report["trainable_parameter_count"] as? Int == trainable)
    let placeholders = try #require(report["placeholders"] as? [[String: Any]])
    #expect(placeholders.map { $0["name"] as? String } == graph.nodes.filter { $0.op == "Placeholder" }.map(\.name))
    let x = try #require(placeholders.first)
    #expect(x["dtype"] as? String == "float32")
    #expect((x["shape"] as? [Any])?.first is NSNull, "the batch dimension is unknown")
    let outputs = try #require(report["outputs"] as? [[String: Any]])
    let probs = try #require(outputs.first { $0["name"] as? String == "probs" })
    let probsShape = try #require(probs["shape"] as? [Any], "\(probs)")
    #expect(probsShape.count == 2 && probsShape.first is NSNull && probsShape.last as? Int == 10, "\(probsShape)")
    #expect(probs["sink"] as? Bool == true)
    let targets = (report["targets"] as? [[String: Any]] ?? []).compactMap { $0["name"] as? String }
    #expect(targets == (name.hasSuffix("train") ? ["Adam", "init"] : ["init"]))
  }

  @Test func trainingGraphListsLossAndBothCrossEntropyOutputs() throws {
    let report = try Self.json([Self.path("fashion_mlp_train")])
    let outputs = (report["outputs"] as? [[String: Any]] ?? []).compactMap { $0["name"] as? String }
    for name in ["probs", "loss", "SparseSoftmaxCrossEntropyWithLogits", "SparseSoftmaxCrossEntropyWithLogits:1"] {
      #expect(outputs.contains(name), "\(name) is not listed: \(outputs)")
    }
  }

  /// Forward FLOPs of the Fashion MLP: two matrix products (2·m·k·n each)
  /// dominate; bias, ReLU and softmax add well under 1%.
  @Test(arguments: [1, 32])
  func flopsOfTheForwardPassScaleWithBatch(_ batch: Int) throws {
    let report = try Self.json([Self.path("fashion_mlp"), "--batch", String(batch)])
    #expect(report["batch"] as? Int == batch)
    let outputs = try #require(report["outputs"] as? [[String: Any]])
    let flops = try #require(outputs.first { $0["name"] as? String == "probs" }?["flops"] as? Double)
    let matmuls = Double(2 * batch * (784 * 128 + 128 * 10))
    #expect(flops >= matmuls && flops < matmuls * 1.01, "\(flops) vs \(matmuls)")
    #expect((report["total_flops"] as? Double ?? 0) > flops, "the initializers count in the total")
  }

  @Test func textReport() throws {
    let result = try TGProcess.run(["inspect", Self.path("fashion_mlp")])
    #expect(result.status == 0, "\(result)")
    #expect(result.stderr.isEmpty)
    for line in [
      "nodes: 42", "  x  float32  [?, 28, 28]", "variables: 4, 101,770 parameters (101,770 trainable)",
      "  dense/kernel    float32  [784, 128]  100,352", "  probs  Softmax  float32  [?, 10]  sink  203.8 KFLOP",
      "  init  NoOp",
    ] {
      #expect(result.stdout.contains(line), "missing '\(line)' in\n\(result.stdout)")
    }
  }

  @Test func allListsEveryOutput() throws {
    let report = try Self.json([Self.path("fashion_mlp"), "--all"])
    let graph = try GraphSerializer().load(from: URL(fileURLWithPath: Self.path("fashion_mlp"))).graph
    let all = try #require(report["all_outputs"] as? [[String: Any]])
    #expect(all.count == graph.nodes.reduce(0) { $0 + $1.outputs.count })
  }

  @Test func errors() throws {
    expectUserError(try TGProcess.run(["inspect", "nope.json"]), ["cannot open", "nope.json"])
    expectUserError(try TGProcess.run(["inspect", TGProcess.graphs.path]), ["not a regular file"])
    let dir = try RunErrorTests.scratch()
    defer { try? FileManager.default.removeItem(at: dir) }
    expectUserError(try TGProcess.run(["inspect", "unknown_op.json"], in: dir), ["Frobnicate"])
    expectUserError(try TGProcess.run(["inspect", "truncated.json"], in: dir), ["truncated.json"])
    expectUsageError(try TGProcess.run(["inspect", Self.path("fashion_mlp"), "--batch", "0"]), ["--batch"])
    expectUsageError(try TGProcess.run(["inspect"]), ["<graph>"])
  }
}
