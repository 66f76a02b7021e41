/// The op catalog: every registered op with its signature, attributes and
/// defaults, gradient and summary, as Markdown. `Docs/ops.md` is this text
/// for ``StandardOps/sections`` (`tg ops --markdown` writes it; a test fails
/// when the file is stale), so the documented op set is the registered one.
public enum OpCatalog {
  /// The catalog of `sections` as a Markdown document.
  public static func markdown(_ sections: [OpSection] = StandardOps.sections) -> String {
    let count = sections.reduce(0) { $0 + $1.ops.count }
    var lines = [
      "# Op catalog",
      "",
      "Every op TensorGraph registers: \(count) ops. Generated from the op registry by",
      "`tg ops --markdown > Docs/ops.md`; `OpCatalogTests` fails when this file is stale.",
      "Signatures use TensorFlow's `REGISTER_OP` syntax and, wherever TensorFlow has the op,",
      "TensorFlow 2.21's names, attributes and defaults (`OpDefConformanceTests` checks them",
      "against TensorFlow's own registry). Type attributes list the dtypes our kernels run.",
      "\"Defined in\" is the file that defines the op and names its kernel factory; the kernels' loops",
      "are in `Sources/TensorGraph/Runtime/Kernels/`.",
      "",
    ]
    for section in sections where !section.ops.isEmpty {
      lines.append("- [\(section.title)](#\(anchor(section.title))) (\(section.ops.count))")
    }
    for section in sections where !section.ops.isEmpty {
      lines += ["", "## \(section.title)", ""]
      lines += ["| Op | dtypes | Gradient | Defined in | Summary |", "|---|---|---|---|---|"]
      for op in section.ops {
        let file = repositoryPath(op.sourceFile)
        let fileName = file.split(separator: "/").last.map(String.init) ?? file
        lines.append(
          "| [`\(op.name)`](#\(anchor(op.name))) | \(dtypeText(op)) | \(gradientText(op.gradient)) "
            + "| [\(fileName)](../\(file)) | \(cell(op.summary)) |")
      }
      for op in section.ops {
        lines += ["", entry(op)]
      }
    }
    return lines.joined(separator: "\n") + "\n"
  }

  /// One op's entry: heading, summary, signature, attributes and properties.
  public static func entry(_ op: OpDef) -> String {
    let inputs = op.inputs.map(\.spec).joined(separator: ", ")
    let outputs = op.outputs.map(\.spec).joined(separator: ", ")
    var lines = ["### \(op.name)", ""]
    if !op.summary.isEmpty { lines += [op.summary, ""] }
    lines.append("    \(op.name)(\(inputs)) -> (\(outputs))")
    for attr in op.attrs { lines.append("      attr \(attr.spec)") }
    lines.append("")
    var properties = ["Gradient: \(gradientText(op.gradient)).", "Defined in `\(repositoryPath(op.sourceFile))`."]
    let flags = flagNames(op.flags)
    if !flags.isEmpty { properties.append("Flags: \(flags.joined(separator: ", ")).") }
    lines.append(properties.joined(separator: " "))
    return lines.joined(separator: "\n")
  }

  /// The dtypes of the op's constrained type attributes, short names:
  /// `T: f32 f64`; "any" when no type attribute constrains them; "—" for an
  /// op with fixed dtypes only.
  private static func dtypeText(_ op: OpDef) -> String {
    let short: [DType: String] = [
      .float32: "f32", .float64: "f64", .int32: "i32", .int64: "i64", .uint8: "u8", .bool: "bool",
    ]
    let typeAttrs = op.attrs.filter { $0.kind == .type }
    guard !typeAttrs.isEmpty else { return "—" }
    return typeAttrs.map { attr in
      let names = attr.allowedTypes.map { allowed in
        DType.allCases.filter(allowed.contains).compactMap { short[$0] }.joined(separator: " ")
      } ?? "any"
      return typeAttrs.count == 1 ? names : "\(attr.name): \(names)"
    }.joined(separator: "; ")
  }

  /// `file` from `Sources/` on (a `#filePath`), so the text does not
  /// depend on where the repository was checked out.
  static func repositoryPath(_ file: String) -> String {
    let parts = file.split(separator: "/")
    guard let sources = parts.lastIndex(of: "Sources") else { return parts.last.map(String.init) ?? file }
    return parts[sources...].joined(separator: "/")
  }

  private static func gradientText(_ rule: GradientRule) -> String {
    switch rule {
    case .function: return "yes"
    case .notDifferentiable: return "none (stops gradients)"
    case .undefined: return "not registered"
    }
  }

  private static func flagNames(_ flags: OpFlags) -> [String] {
    let named: [(OpFlags, String)] = [
      (.stateful, "stateful"), (.elementwise, "elementwise"), (.commutative, "commutative"), (.cheap, "cheap"),
    ]
    return named.filter { flags.contains($0.0) }.map(\.1)
  }

  /// A table cell: pipes would end the cell, newlines the row.
  private static func cell(_ text: String) -> String {
    text.replacingAll("|", with: "\\|").replacingAll("\n", with: " ")
  }

  /// The anchor GitHub gives a heading: lowercased, spaces to hyphens,
  /// punctuation other than hyphens and underscores dropped.
  static func anchor(_ heading: String) -> String {
    var out = ""
    for ch in heading.lowercased() {
      if ch == " " { out.append("-") } else if ch.isLetter || ch.isNumber || ch == "-" || ch == "_" { out.append(ch) }
    }
    return out
  }
}

extension String {
  fileprivate func replacingAll(_ target: Character, with replacement: String) -> String {
    var out = ""
    for ch in self { if ch == target { out += replacement } else { out.append(ch) } }
    return out
  }
}
