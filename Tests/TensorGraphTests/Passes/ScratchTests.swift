import Testing
import TensorGraph
import TensorGraphBench

@Suite struct ScratchTests {
  @Test func mlpPipeline() throws {
    let m = try MLPBenchmarks.build(hidden: [512, 512])
    let keep = KeepSet(fetches: [m.loss, m.logits], targets: [m.train])
    var manager = PassManager.default
    manager.instruments.append(PassHooks.printDiffs())
    let result = try manager.run(m.graph, keep: keep)
    print(result.report.table())
    print(result.report.json().prefix(800))
    let report = try DifferentialCheck(steps: 3).run(original: m.graph, transformed: result.graph, keep: keep)
    print(report)
  }
}
