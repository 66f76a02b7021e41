import ArgumentParser
import Foundation
import TensorGraph

/// `tg ops`: the registered ops, their signatures and defaults.
struct Ops: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "List the registered ops, or show the signature, attributes and defaults of some.",
    discussion: """
      With no names: one line per op, by section. With names: each op's entry (inputs, outputs, attributes \
      with defaults, gradient). --markdown prints the whole catalog, the text of Docs/ops.md \
      (tg ops --markdown > Docs/ops.md regenerates it).
      """)

  @Argument(help: "Op names (TensorFlow's spelling, e.g. MatMul).")
  var names: [String] = []

  @Flag(help: "Print the whole catalog as Markdown (Docs/ops.md).")
  var markdown = false

  func run() throws {
    if markdown {
      guard names.isEmpty else { throw ValidationError("--markdown prints every op; give no op names with it") }
      print(OpCatalog.markdown(), terminator: "")
      return
    }
    guard !names.isEmpty else {
      for section in StandardOps.sections where !section.ops.isEmpty {
        print("\(section.title):")
        for op in section.ops {
          print("  \(op.name.padding(toLength: max(32, op.name.count), withPad: " ", startingAt: 0)) \(op.summary)")
        }
      }
      return
    }
    let entries = try names.map { name -> String in
      guard let op = OpRegistry.standard.op(named: name) else {
        let hint = OpRegistry.standard.suggestion(for: name)
        throw UserError("no op named '\(name)' is registered\(hint); `tg ops` lists them all")
      }
      return OpCatalog.entry(op)
    }
    print(entries.joined(separator: "\n\n"))
  }
}
