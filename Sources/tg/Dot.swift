import ArgumentParser
import Foundation
import TensorGraph

/// `tg dot`: a Graphviz drawing of a saved graph.
struct Dot: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Draw a saved graph with Graphviz: DOT on stdout, or .dot/.svg/.png/.pdf with -o.",
    discussion: """
      Name scopes (dense/, gradients/, …) become nested clusters; each node shows the last part of its \
      name and its op; data edges are labelled with the value's dtype and shape ([?, 784]: ? is the batch), \
      variable references are bold and control dependencies dashed. Placeholders are ellipses, variables \
      cylinders, constants grey, nodes without outputs (init, Adam) octagons.

      .svg, .png and .pdf are rendered by Graphviz's `dot` (Debian package graphviz, installed by \
      scripts/install-deps.sh); files are replaced only once complete.

      Examples:
        tg dot Graphs/fashion_mlp.json -o mlp.svg
        tg dot Graphs/fashion_mlp.json | dot -Tpng > mlp.png
      """)

  @OptionGroup var input: GraphInput

  @Option(
    name: .shortAndLong,
    help: ArgumentHelp("Write to FILE (.dot or .gv: DOT; .svg, .png, .pdf: rendered) instead of stdout.", valueName: "file"))
  var output: String?

  func validate() throws {
    guard let output else { return }
    let ext = URL(fileURLWithPath: output).pathExtension.lowercased()
    guard ["dot", "gv"].contains(ext) || Graphviz.renderedFormats.contains(ext) else {
      throw ValidationError("-o '\(output)': the extension must be .dot, .gv, .svg, .png or .pdf")
    }
  }

  func run() throws {
    let progress = Progress()
    let loaded = try input.load(progress: progress)
    let title = URL(fileURLWithPath: input.graph).deletingPathExtension().lastPathComponent
    let source = DotWriter.dot(loaded.graph, title: title)
    guard let output else { return print(source, terminator: "") }
    let url = URL(fileURLWithPath: output)
    let ext = url.pathExtension.lowercased()
    var isDirectory: ObjCBool = false
    let directory = url.deletingLastPathComponent().path
    guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
      throw UserError("cannot write '\(output)': there is no directory '\(directory)'")
    }
    if Graphviz.renderedFormats.contains(ext) {
      progress.note("rendering \(output) with dot…")
      try Graphviz.render(source, format: ext, to: url)
    } else {
      try AtomicFile.write(Data(source.utf8), to: url)
    }
    progress.note("wrote \(output)")
  }
}
