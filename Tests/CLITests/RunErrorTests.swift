import Foundation
import Testing
import TensorGraph

/// Every way `tg run` can be asked something wrong: exit 1 with one line
/// for user errors, exit 2 with the usage for usage errors, and no files
/// written either way.
@Suite struct RunErrorTests {
  static let fashion = RunCommandTests.fashion
  static let x = "x=" + RunCommandTests.fixture("fashion_x.npy")

  /// Bad inputs written with the Swift API into a scratch directory: an
  /// array of the wrong dtype, one of the wrong shape, a file that is not
  /// .npy, and graphs that are malformed.
  static func scratch() throws -> URL {
    let dir = try TGProcess.temporaryDirectory()
    try Tensor(shape: [1, 2], scalars: [1.0, 2.0] as [Double]).writeNPY(to: dir.appendingPathComponent("f64.npy"))
    try Tensor(zeros: [1, 28, 27]).writeNPY(to: dir.appendingPathComponent("narrow.npy"))
    try Data("just text\n".utf8).write(to: dir.appendingPathComponent("text.npy"))
    try Data("{\"format_version\": 1, \"producer\": \"x\", \"node\": [{\"name\": \"a\", \"op\": \"Frobnicate\"}]}".utf8)
      .write(to: dir.appendingPathComponent("unknown_op.json"))
    try Data("{\"format_version\": 1, \"node\": [".utf8).write(to: dir.appendingPathComponent("truncated.json"))
    return dir
  }

  /// (arguments after `run`, fragments of the one stderr line).
  static let userErrors: [([String], [String])] = [
    (["missing.json", "--fetch", "probs"], ["cannot open", "missing.json", "No such file or directory"]),
    ([fashion, "--feed", "x=missing.npy", "--fetch", "probs"], ["cannot open", "missing.npy"]),
    ([fashion, "--feed", "x=text.npy", "--fetch", "probs"], ["text.npy", "not a .npy file"]),
    ([fashion, "--feed", x, "--fetch", "prob"], ["no node named 'prob'", "did you mean 'probs'?"]),
    ([fashion, "--feed", x, "--fetch", "probs:1"], ["'probs:1' names output 1 but the node has 1 output(s)"]),
    ([fashion, "--feed", "y=text.npy", "--fetch", "probs"], ["no node named 'y'", "did you mean 'x'?"]),
    ([fashion, "--feed", x, "--target", "nit"], ["no node named 'nit'", "did you mean 'init'?"]),
    ([fashion, "--fetch", "init"], ["'init' (NoOp) has no outputs to fetch; run it with --target init"]),
    ([fashion, "--feed", "x=f64.npy", "--fetch", "probs"],
     ["feed 'x'", "holds float64 [1, 2] but x:0 is float32 [?, 28, 28]", ".astype(np.float32)"]),
    ([fashion, "--feed", "x=narrow.npy", "--fetch", "probs"], ["feed 'x'", "shape [1, 28, 27]", "[?, 28, 28]"]),
    ([fashion, "--fetch", "probs"], ["placeholder 'x'", "must be fed", "--feed x=FILE.npy"]),
    (["unknown_op.json", "--target", "a"], ["unknown_op.json", "Frobnicate"]),
    (["truncated.json", "--target", "a"], ["truncated.json", "JSON"]),
    ([fashion, "--weights", "missing.safetensors", "--target", "init"], ["cannot open", "missing.safetensors"]),
    ([fashion, "--weights", RunCommandTests.mnist.replacingOccurrences(of: ".json", with: ".safetensors"),
      "--feed", x, "--fetch", "probs"], ["dense/kernel", "shape differs"]),
    ([fashion, "--feed", x, "--fetch", "probs", "--out", "text.npy"], ["text.npy", "not a directory"]),
  ]

  @Test(arguments: userErrors.indices)
  func userErrorExitsOneWithOneLine(_ k: Int) throws {
    let dir = try Self.scratch()
    defer { try? FileManager.default.removeItem(at: dir) }
    let before = try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted()
    let (arguments, fragments) = Self.userErrors[k]
    expectUserError(try TGProcess.run(["run", "--out", "out"] + arguments, in: dir), fragments)
    #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted() == before, "nothing is written")
  }

  static let usageErrors: [([String], [String])] = [
    ([fashion], ["nothing to run"]),
    ([fashion, "--feed", "x", "--fetch", "probs"], ["--feed <name=file.npy>"]),
    ([fashion, "--feed", "=x.npy", "--fetch", "probs"], ["--feed"]),
    ([fashion, "--feed", x, "--fetch", "probs", "--threads", "0"], ["--threads must be at least 1"]),
    ([fashion, "--feed", x, "--fetch", "probs", "--fetch", "probs"], ["given twice"]),
    ([fashion, "--feed", x, "--feed", x, "--fetch", "probs"], ["given twice"]),
    ([fashion, "--fetch", "a/b", "--fetch", "a-b"], ["both be written to a-b.npy"]),
    ([fashion, "--target", "init", "--frobnicate"], ["Unknown option '--frobnicate'"]),
    ([], ["Missing expected argument '<graph>'"]),
  ]

  @Test(arguments: usageErrors.indices)
  func usageErrorExitsTwo(_ k: Int) throws {
    let (arguments, fragments) = Self.usageErrors[k]
    expectUsageError(try TGProcess.run(["run"] + arguments), fragments)
  }

  @Test func unknownSubcommandIsAUsageError() throws {
    let result = try TGProcess.run(["frobnicate"])
    #expect(result.status == 2, "\(result)")
    #expect(result.stderr.contains("Unexpected argument 'frobnicate'"))
  }

  @Test func failedWriteLeavesNoFileBehind() throws {
    let dir = try TGProcess.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    // A directory where probs.npy would go: dense-Relu.npy could be written, but must not be.
    try FileManager.default.createDirectory(
      at: dir.appendingPathComponent("out/probs.npy"), withIntermediateDirectories: true)
    let result = try TGProcess.run(
      ["run", Self.fashion, "--feed", Self.x, "--fetch", "dense/Relu", "--fetch", "probs", "--out", "out"], in: dir)
    expectUserError(result, ["probs.npy", "a directory is in the way"])
    #expect(try FileManager.default.contentsOfDirectory(atPath: dir.appendingPathComponent("out").path) == ["probs.npy"])
  }

  @Test func failedRunDoesNotCreateTheOutputDirectory() throws {
    let dir = try TGProcess.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let result = try TGProcess.run(
      ["run", Self.fashion, "--feed", "x=\(RunCommandTests.fixture("mnist_x.npy"))", "--fetch", "probs", "--out",
       "out/deeper"], in: dir)
    expectUserError(result, ["feed 'x'"])
    #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).isEmpty)
  }

  @Test func rerunReplacesOldOutputsWhole() throws {
    let dir = try TGProcess.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let old = dir.appendingPathComponent("probs.npy")
    try Data("old".utf8).write(to: old)
    let result = try TGProcess.run(["run", Self.fashion, "--feed", Self.x, "--fetch", "probs", "--out", "."], in: dir)
    #expect(result.status == 0, "\(result)")
    #expect(try Tensor(npyFile: old).shape == [2, 10])
    #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path) == ["probs.npy"], "no staging files left")
  }
}
