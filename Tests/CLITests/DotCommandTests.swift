import Foundation
import Testing
import TensorGraph

/// `tg dot`: DOT text with scopes as clusters and typed edges; rendering
/// through Graphviz; a clear error without it.
@Suite struct DotCommandTests {
  static let fashion = RunCommandTests.fashion
  static let hasGraphviz = ["/usr/bin/dot", "/usr/local/bin/dot"].contains { FileManager.default.isExecutableFile(atPath: $0) }

  @Test(arguments: InspectCommandTests.files)
  func dotHasEveryNodeEdgeAndScope(_ name: String) throws {
    let path = InspectCommandTests.path(name)
    let result = try TGProcess.run(["dot", path])
    #expect(result.status == 0, "\(result)")
    let dot = result.stdout
    #expect(dot.hasPrefix("digraph \"\(name)\" {"))
    #expect(dot.hasSuffix("}\n"))
    let graph = try GraphSerializer().load(from: URL(fileURLWithPath: path)).graph
    for node in graph.nodes {
      #expect(dot.contains("\"\(node.name)\" [label="), "\(node.name) is not drawn")
    }
    let edges = dot.split(separator: "\n").filter { $0.contains(" -> ") }
    let dataEdges = graph.nodes.reduce(0) { $0 + $1.inputs.count }
    let controlEdges = graph.nodes.reduce(0) { $0 + $1.controlInputs.count }
    #expect(edges.count == dataEdges + controlEdges)
    #expect(edges.filter { $0.contains("style=dashed") }.count == controlEdges)
    #expect(dot.contains("subgraph \"cluster_dense\" {"))
    #expect(dot.contains("subgraph \"cluster_dense/kernel\" {"), "scopes nest")
    let matMul = try #require(graph.node(named: "dense/MatMul")).outputs[0]
    #expect(matMul.shape.dims?.first == .unknown)
    #expect(dot.contains("\"dense/MatMul\" -> \"dense/BiasAdd\" [label=\"float32 \(matMul.shape)\"]"))
  }

  @Test func dotFileIsWhatStdoutShows() throws {
    let dir = try TGProcess.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let printed = try TGProcess.run(["dot", Self.fashion])
    let written = try TGProcess.run(["dot", Self.fashion, "-o", "g.dot"], in: dir)
    #expect(written.status == 0 && written.stdout.isEmpty, "\(written)")
    #expect(try String(contentsOf: dir.appendingPathComponent("g.dot"), encoding: .utf8) == printed.stdout)
  }

  @Test(.enabled(if: hasGraphviz), arguments: ["svg", "png"])
  func rendersWithGraphviz(_ format: String) throws {
    let dir = try TGProcess.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let result = try TGProcess.run(["dot", RunCommandTests.train, "-o", "g.\(format)"], in: dir)
    #expect(result.status == 0, "\(result)")
    let bytes = try Data(contentsOf: dir.appendingPathComponent("g.\(format)"))
    if format == "png" {
      #expect(bytes.prefix(8) == Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]))
    } else {
      let text = String(decoding: bytes, as: UTF8.self)
      #expect(text.contains("<svg") && text.contains("</svg>"))
      #expect(text.contains("ApplyAdam"))
    }
    #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path) == ["g.\(format)"], "no temporary files left")
  }

  @Test func missingGraphvizIsAClearError() throws {
    let dir = try TGProcess.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let result = try TGProcess.run(["dot", Self.fashion, "-o", "g.svg"], in: dir, environment: ["PATH": dir.path])
    expectUserError(result, ["g.svg", "`dot` is not on PATH", "graphviz"])
    #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).isEmpty)
  }

  @Test func errors() throws {
    expectUserError(try TGProcess.run(["dot", "nope.json"]), ["cannot open", "nope.json"])
    expectUserError(try TGProcess.run(["dot", Self.fashion, "-o", "/nonexistent/g.dot"]), ["no directory '/nonexistent'"])
    expectUsageError(try TGProcess.run(["dot", Self.fashion, "-o", "g.bmp"]), [".dot, .gv, .svg, .png or .pdf"])
  }
}
