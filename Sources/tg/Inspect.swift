import ArgumentParser
import Foundation
import TensorGraph

/// `tg inspect`: what is in a saved graph.
struct Inspect: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Summarize a saved graph: ops, placeholders, variables, fetchable outputs, estimated FLOPs.",
    discussion: """
      Lists the node count; an op histogram; the placeholders with their dtypes and shapes (what `tg run` \
      must --feed); the variables with their parameter counts; the fetchable outputs — sinks (outputs no \
      node reads) and outputs of nodes outside any name scope, such as probs or loss — with their inferred \
      dtypes and shapes and the FLOPs of computing each; and the targets (nodes such as init or Adam that \
      are run for their effect).

      FLOPs are estimated from the ops' cost functions with every unknown dimension (the batch) set to \
      --batch (default 1). A multiply-add counts as two.
      """)

  @OptionGroup var input: GraphInput

  @Flag(help: "Print the report as JSON.")
  var json = false

  @Flag(help: "Also list every output of every node.")
  var all = false

  @Option(help: "The size of unknown dimensions in the FLOP estimates.")
  var batch = 1

  func validate() throws {
    guard batch >= 1 else { throw ValidationError("--batch must be at least 1, not \(batch)") }
  }

  func run() throws {
    let loaded = try input.load(progress: Progress())
    let report = GraphReport(
      loaded.graph, file: input.graph, weights: input.weightsPath(loaded), batch: batch, includeAll: all)
    if json {
      let encoder = JSONEncoder()
      encoder.keyEncodingStrategy = .convertToSnakeCase
      encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
      print(String(decoding: try encoder.encode(report), as: UTF8.self))
    } else {
      print(report.text)
    }
  }
}
