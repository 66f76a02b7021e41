import Testing
import TensorGraph
import TensorGraphTestSupport

/// What one fetched output of a ``KernelCheck`` must be: its dtype, its
/// shape, and either its values (computed without the kernel) or, for
/// random ops, a property of them.
struct ExpectedOutput: @unchecked Sendable {
  enum Check {
    /// Every element within `tolerance` (absolute, plus the same relative
    /// to the expected magnitude, as `expectClose`); NaN matches only NaN.
    case values([Double], tolerance: Double)
    /// A property the elements must have, named for the failure message.
    case property(String, ([Double]) -> Bool)
  }

  let dtype: DType
  let shape: [Int]
  let check: Check

  /// The values of `dtype` and `shape`; `tolerance` 0 asks for exact values.
  static func values(_ dtype: DType, _ shape: [Int], _ values: [Double], tolerance: Double = 0) -> ExpectedOutput {
    ExpectedOutput(dtype: dtype, shape: shape, check: .values(values, tolerance: tolerance))
  }

  /// Elements of `dtype` and `shape` that satisfy `holds`.
  static func property(_ dtype: DType, _ shape: [Int], _ name: String, _ holds: @escaping ([Double]) -> Bool)
    -> ExpectedOutput
  {
    ExpectedOutput(dtype: dtype, shape: shape, check: .property(name, holds))
  }

  func verify(_ actual: Tensor, _ what: String, sourceLocation: Testing.SourceLocation) {
    #expect(actual.dtype == dtype, "\(what): dtype \(actual.dtype), expected \(dtype)", sourceLocation: sourceLocation)
    #expect(actual.shape == shape, "\(what): shape \(actual.shape), expected \(shape)", sourceLocation: sourceLocation)
    switch check {
    case .values(let values, let tolerance):
      expectClose(actual, values, tolerance: tolerance, sourceLocation: sourceLocation)
    case .property(let name, let holds):
      #expect(holds(actual.doubles()), "\(what): not \(name)", sourceLocation: sourceLocation)
    }
  }
}

/// A built kernel check: what to run, with what, and what it must give.
struct KernelProgram {
  /// The outputs to fetch, one per entry of `expected`.
  var fetches: [Output]
  var expected: [ExpectedOutput]
  var feeds: [Output: Tensor] = [:]
  /// Target lists run in order, with `feeds`, before the fetch: variable
  /// initializers and updates.
  var setup: [[Node]] = []

  init(_ fetches: [Output], _ expected: [ExpectedOutput], feeds: [Output: Tensor] = [:], setup: [[Node]] = []) {
    self.fetches = fetches
    self.expected = expected
    self.feeds = feeds
    self.setup = setup
  }

  /// One fetch.
  init(_ fetch: Output, _ expected: ExpectedOutput, feeds: [Output: Tensor] = [:], setup: [[Node]] = []) {
    self.init([fetch], [expected], feeds: feeds, setup: setup)
  }

  /// Runs the setup, then the fetches, in `session`.
  func run(in session: Session) throws -> [Tensor] {
    for targets in setup { try session.run(targets: targets, feeds: feeds) }
    return try session.run(fetches: fetches, feeds: feeds)
  }

  /// The same run on `copy`, a reloaded graph, by names.
  func run(onCopy copy: Graph) throws -> [Tensor] {
    let session = Session(graph: copy)
    let named = Dictionary(uniqueKeysWithValues: feeds.map { ($0.key.name, $0.value) })
    for targets in setup { _ = try session.run(fetches: [], feeds: named, targets: targets.map(\.name)) }
    return try session.run(fetches: fetches.map(\.name), feeds: named)
  }
}

/// One numeric check of one op's kernel: a builder of a graph that runs the
/// op, and the values it must give, computed independently of the kernel
/// (by hand, a Double reference closure, an identity or nested loops).
///
/// ``KernelCheckTable/rows`` holds every row; ``KernelCoverageTests`` runs
/// them and fails for any op with a kernel and no row.
struct KernelCheck: Sendable, CustomTestStringConvertible {
  /// The op whose kernel this row checks; the run must include a node of
  /// it (so a row cannot check something else).
  let op: String
  /// What distinguishes this row from the op's other rows (dtype, shape, attrs).
  var label = ""
  /// Builds the graph and says what to run and expect.
  let build: @Sendable (Graph) throws -> KernelProgram

  var testDescription: String { label.isEmpty ? op : "\(op) \(label)" }

  /// Builds the row's graph and checks that what runs includes a node of
  /// the op.
  func program(in g: Graph, sourceLocation: Testing.SourceLocation = #_sourceLocation) throws -> KernelProgram {
    let p = try build(g)
    let ran = Set(g.subgraph(fetches: p.fetches, targets: p.setup.flatMap { $0 }))
    #expect(g.nodes.contains { $0.op == op && ran.contains($0.id) }, "the row for \(op) runs no \(op) node",
      sourceLocation: sourceLocation)
    #expect(p.fetches.count == p.expected.count, "\(testDescription): \(p.fetches.count) fetches, \(p.expected.count) expectations",
      sourceLocation: sourceLocation)
    return p
  }

  /// Runs the check: the graph runs the op, and every fetch has the
  /// expected dtype, shape and values.
  func run(sourceLocation: Testing.SourceLocation = #_sourceLocation) throws {
    let g = Graph()
    let p = try program(in: g, sourceLocation: sourceLocation)
    let got = try p.run(in: Session(graph: g))
    for (k, (t, e)) in zip(got, p.expected).enumerated() {
      e.verify(t, "\(testDescription) fetch \(k) (\(p.fetches[k].name))", sourceLocation: sourceLocation)
    }
  }
}
