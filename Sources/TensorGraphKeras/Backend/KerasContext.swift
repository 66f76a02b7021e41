import Foundation

/// Where Keras models live: one TensorGraph graph, the session that holds
/// its variables, and Keras's per-graph bookkeeping (layer-name counters,
/// the learning-phase flag, variables still to initialize).
///
/// This is Keras 2's backend graph and session (`keras.backend.get_session()`):
/// every layer, model and optimizer created while a context is current
/// builds into its graph, and models built in one context share weights
/// through its session — which is what lets a model be nested in another
/// (`Sequential([model, Softmax()])`) and see the weights `fit` trained.
///
///     let context = KerasContext()
///     try context.run {
///       let model = Sequential([Dense(3, inputShape: [4])])   // named "sequential", "dense"
///       …
///     }
///
/// Code that never creates a context uses a process-wide default one, which
/// ``clearSession()`` replaces (as `keras.backend.clear_session()` does).
/// ``run(_:)`` binds a context to the current task and its child tasks, so
/// tests running in parallel each get their own names and weights.
public final class KerasContext: @unchecked Sendable {
  /// The graph models of this context are built in.
  public let graph: Graph
  /// The session holding the variables of every model in this context.
  public let session: Session

  private let lock = NSRecursiveLock()
  private var pendingInitializers: [Node] = []
  private var phase: Output?
  private var shuffleSeed: UInt64?

  /// Creates an empty context with its own graph and session.
  ///
  /// - Parameter seed: The random seed (``setRandomSeed(_:)``); `nil`
  ///   leaves initializers, dropout and shuffling nondeterministic.
  public init(seed: Int? = nil, options: SessionOptions = SessionOptions()) {
    graph = Graph()
    session = Session(graph: graph, options: options)
    if let seed { setRandomSeed(seed) }
  }

  // MARK: - The current context

  @TaskLocal static var bound: KerasContext?
  nonisolated(unsafe) private static var defaultContext = KerasContext()
  private static let defaultLock = NSLock()

  /// The context new layers and models use: the one bound by ``run(_:)``,
  /// else the process-wide default.
  public static var current: KerasContext {
    if let bound { return bound }
    defaultLock.lock()
    defer { defaultLock.unlock() }
    return defaultContext
  }

  /// Replaces the process-wide default context with a fresh one: layer
  /// names start again at `dense`, and models built before keep their own
  /// (old) context (`keras.backend.clear_session()`).
  public static func clearSession() {
    defaultLock.lock()
    defer { defaultLock.unlock() }
    defaultContext = KerasContext()
  }

  /// Runs `body` with this context current (for this task and the tasks it
  /// starts).
  public func run<R>(_ body: () throws -> R) rethrows -> R {
    try KerasContext.$bound.withValue(self) { try body() }
  }

  /// Runs `body` with this context current, for asynchronous code.
  public func run<R>(_ body: () async throws -> R) async rethrows -> R {
    try await KerasContext.$bound.withValue(self) { try await body() }
  }

  // MARK: - Seeds

  /// Seeds everything random in this context, as
  /// `keras.utils.set_random_seed(seed)` does: weight initializers and
  /// dropout masks (through the graph's random seed; ops created before the
  /// call keep their seeds) and the shuffling of `fit`.
  public func setRandomSeed(_ seed: Int) {
    locked {
      graph.randomSeed = seed
      shuffleSeed = UInt64(truncatingIfNeeded: seed)
    }
  }

  /// A generator for one `fit` call's shuffling: seeded from
  /// ``setRandomSeed(_:)`` (advancing, so successive fits shuffle
  /// differently but reproducibly), else from the system.
  func makeShuffleGenerator() -> SplitMix64 {
    locked {
      guard let s = shuffleSeed else { return SplitMix64(seed: UInt64.random(in: 0...UInt64.max)) }
      var g = SplitMix64(seed: s)
      shuffleSeed = g.next()
      return g
    }
  }

  // MARK: - Variables

  /// Queues a variable's initializer; it runs before the next model run.
  func registerInitializer(_ node: Node) {
    locked { pendingInitializers.append(node) }
  }

  /// Runs the initializers of variables created since the last call.
  func initializePendingVariables() throws {
    try locked {
      guard !pendingInitializers.isEmpty else { return }
      try session.run(targets: pendingInitializers)
      pendingInitializers.removeAll()
    }
  }

  /// The current value of `variable` (a copy).
  func value(of variable: Variable) throws -> Tensor {
    try initializePendingVariables()
    guard let value = session.resources.variable(for: variable.node).value else {
      throw variable.node.error(.uninitializedVariable, "variable '\(variable.node.name)' has no value")
    }
    return value.copy()
  }

  /// Sets `variable` to `value` (same dtype and shape).
  func assign(_ variable: Variable, _ value: Tensor) throws {
    try initializePendingVariables()
    let declared = variable.ref.shape
    guard value.dtype == variable.ref.dtype, declared.accepts(value.shape) else {
      throw variable.node.error(
        .invalidArgument,
        "weight '\(variable.node.name)' is \(variable.ref.dtype)\(declared) but the value is \(value.dtype)\(PartialShape(value.shape))")
    }
    session.resources.variable(for: variable.node).assign(value)
  }

  // MARK: - Learning phase

  /// The scalar boolean placeholder `keras_learning_phase`: `true` while
  /// `fit` trains, `false` in `evaluate`, `predict` and calls. Layers that
  /// behave differently in training (Dropout) select on it; models whose
  /// graph reads it get it fed by every run.
  public var learningPhase: Output {
    get throws {
      try locked {
        if let phase { return phase }
        let p = try graph.withNameScope("/") {
          try graph.placeholder(.bool, shape: [], name: "keras_learning_phase")
        }
        phase = p
        return p
      }
    }
  }

  /// The learning phase if some layer has used it.
  var existingLearningPhase: Output? { locked { phase } }

  private func locked<R>(_ body: () throws -> R) rethrows -> R {
    lock.lock()
    defer { lock.unlock() }
    return try body()
  }
}
