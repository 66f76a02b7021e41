// Random ops: RandomUniform, RandomStandardNormal, TruncatedNormal, with
// TensorFlow 1.x graph-mode seeding. Kernels (Philox4x32-10, laid out as
// TensorFlow's) are in Runtime/Kernels/RandomKernels.swift.

// MARK: - Definitions

extension StandardOps {
  /// The definition shared by the three random ops.
  static func randomOp(
    _ name: String, _ distribution: RandomDistribution, costPerElement: Double, _ summary: String
  ) -> OpDef {
    OpDef(
      name, inputs: ["shape: T"], outputs: ["output: dtype"],
      attrs: ["seed: int = 0", "seed2: int = 0", "dtype: {float32, float64}", "T: {int32, int64}"],
      flags: .stateful, summary: summary,
      shape: { c in
        try c.requireVector(0, "shape")
        if let s = c.constantInts(0), let bad = s.firstIndex(where: { $0 < 0 }) {
          throw c.invalid("the requested shape \(s) has a negative dimension \(s[bad]) at axis \(bad)")
        }
        return [c.shapeInput(0)]
      },
      kernel: randomKernel(distribution),
      gradient: .notDifferentiable,
      cost: { c in
        let n = CostContext.elements(c.outputs[0].shape)
        return Cost(flops: costPerElement * n, bytes: Double(c.outputBytes))
      })
  }

  static let randomUniform = randomOp(
    "RandomUniform", .uniform, costPerElement: 3,
    "Uniform random values in [0, 1); seed and seed2 (both 0: nondeterministic) select the stream.")
  static let randomStandardNormal = randomOp(
    "RandomStandardNormal", .normal, costPerElement: 70,
    "Standard normal random values; seed and seed2 (both 0: nondeterministic) select the stream.")
  static let truncatedNormal = randomOp(
    "TruncatedNormal", .truncatedNormal, costPerElement: 90,
    "Standard normal random values redrawn until within two standard deviations of 0.")
}

// MARK: - Seeds

extension Graph {
  /// The `(seed, seed2)` attributes for a random op created now, as
  /// TensorFlow 1.x's `get_seed(op_seed)`: the graph's ``randomSeed`` and
  /// the op's seed if both are set; the graph seed and the number of nodes
  /// so far (TensorFlow's last op id) if only the graph seed is; 87654321
  /// and the op seed if only the op seed is; `(0, 0)` — a nondeterministic
  /// stream per session — if neither is. Seeds are reduced modulo 2³¹ − 1,
  /// and `(0, 0)` from set seeds becomes `(0, 2³¹ − 1)`.
  public func randomSeeds(opSeed: Int?) -> (seed: Int, seed2: Int) {
    let modulus = 2_147_483_647
    func truncate(_ s: Int) -> Int { (s % modulus + modulus) % modulus }
    let seeds: (Int, Int)
    if let graphSeed = randomSeed {
      seeds = (truncate(graphSeed), truncate(opSeed ?? nodeCount))
    } else if let opSeed {
      seeds = (87_654_321, truncate(opSeed))
    } else {
      return (0, 0)
    }
    return seeds == (0, 0) ? (0, modulus) : seeds
  }
}

// MARK: - Builders

extension Graph {
  /// Adds `op` drawing `shape` samples inside the current op scope, seeded
  /// by ``randomSeeds(opSeed:)`` after the scope's constants exist.
  private func randomNode(
    _ op: String, shape: Output, dtype: DType, seed: Int?, name: String, file: String, line: Int
  ) throws -> Output {
    let (s1, s2) = randomSeeds(opSeed: seed)
    return try build(
      op, [shape], attrs: ["dtype": .type(dtype), "seed": .int(s1), "seed2": .int(s2)], name: name, file: file,
      line: line)
  }

  private func shapeInput(_ shape: ShapeArgument, file: String, line: Int) throws -> Output {
    switch shape {
    case .dims(let dims): return try indexConstant(dims, name: "shape", file: file, line: line)
    case .tensor(let t): return t
    }
  }

  /// A shape given as dimensions or as an integer vector output.
  private enum ShapeArgument {
    case dims([Int])
    case tensor(Output)
  }

  private func uniform(
    _ shape: ShapeArgument, minval: Double, maxval: Double, dtype: DType, seed: Int?, name: String?, file: String,
    line: Int
  ) throws -> Output {
    try withOpScope(name ?? "random_uniform") { scope in
      let s = try shapeInput(shape, file: file, line: line)
      if minval == 0 && maxval == 1 {
        return try randomNode("RandomUniform", shape: s, dtype: dtype, seed: seed, name: "RandomUniform", file: file, line: line)
      }
      let lo = try constant(minval, dtype: dtype, name: "min", file: file, line: line)
      let hi = try constant(maxval, dtype: dtype, name: "max", file: file, line: line)
      let r = try randomNode("RandomUniform", shape: s, dtype: dtype, seed: seed, name: "RandomUniform", file: file, line: line)
      let range = try subtract(hi, lo, name: "sub", file: file, line: line)
      let scaled = try multiply(r, range, name: "mul", file: file, line: line)
      return try buildScoped("AddV2", [scaled, lo], scope: scope, file: file, line: line)
    }
  }

  private func normal(
    _ op: String, _ defaultName: String, _ shape: ShapeArgument, mean: Double, stddev: Double, dtype: DType,
    seed: Int?, name: String?, file: String, line: Int
  ) throws -> Output {
    try withOpScope(name ?? defaultName) { scope in
      let s = try shapeInput(shape, file: file, line: line)
      let m = try constant(mean, dtype: dtype, name: "mean", file: file, line: line)
      let sd = try constant(stddev, dtype: dtype, name: "stddev", file: file, line: line)
      let r = try randomNode(op, shape: s, dtype: dtype, seed: seed, name: op, file: file, line: line)
      let scaled = try multiply(r, sd, name: "mul", file: file, line: line)
      return try buildScoped("AddV2", [scaled, m], scope: scope, file: file, line: line)
    }
  }

  /// Uniform random values in `[minval, maxval)` (`tf.random.uniform`): a
  /// `RandomUniform` node in [0, 1), scaled and shifted unless the range is
  /// the default. `seed` (with the graph's ``randomSeed``) fixes the stream;
  /// each run of a session draws new values, and a new session with the
  /// same seeds repeats them.
  public func randomUniform(
    shape: [Int], minval: Double = 0, maxval: Double = 1, dtype: DType = .float32, seed: Int? = nil,
    name: String? = nil, file: String = #fileID, line: Int = #line
  ) throws -> Output {
    try uniform(.dims(shape), minval: minval, maxval: maxval, dtype: dtype, seed: seed, name: name, file: file, line: line)
  }

  /// Uniform random values of the shape held by the integer vector `shape`.
  public func randomUniform(
    shape: Output, minval: Double = 0, maxval: Double = 1, dtype: DType = .float32, seed: Int? = nil,
    name: String? = nil, file: String = #fileID, line: Int = #line
  ) throws -> Output {
    try uniform(.tensor(shape), minval: minval, maxval: maxval, dtype: dtype, seed: seed, name: name, file: file, line: line)
  }

  /// Normal random values (`tf.random.normal`): `RandomStandardNormal`
  /// times `stddev` plus `mean`, built as TensorFlow builds it.
  public func randomNormal(
    shape: [Int], mean: Double = 0, stddev: Double = 1, dtype: DType = .float32, seed: Int? = nil,
    name: String? = nil, file: String = #fileID, line: Int = #line
  ) throws -> Output {
    try normal(
      "RandomStandardNormal", "random_normal", .dims(shape), mean: mean, stddev: stddev, dtype: dtype, seed: seed,
      name: name, file: file, line: line)
  }

  /// Normal random values of the shape held by the integer vector `shape`.
  public func randomNormal(
    shape: Output, mean: Double = 0, stddev: Double = 1, dtype: DType = .float32, seed: Int? = nil,
    name: String? = nil, file: String = #fileID, line: Int = #line
  ) throws -> Output {
    try normal(
      "RandomStandardNormal", "random_normal", .tensor(shape), mean: mean, stddev: stddev, dtype: dtype, seed: seed,
      name: name, file: file, line: line)
  }

  /// Truncated normal random values (`tf.random.truncated_normal`): normal
  /// samples beyond two standard deviations are redrawn, then scaled by
  /// `stddev` and shifted by `mean`.
  public func truncatedNormal(
    shape: [Int], mean: Double = 0, stddev: Double = 1, dtype: DType = .float32, seed: Int? = nil,
    name: String? = nil, file: String = #fileID, line: Int = #line
  ) throws -> Output {
    try normal(
      "TruncatedNormal", "truncated_normal", .dims(shape), mean: mean, stddev: stddev, dtype: dtype, seed: seed,
      name: name, file: file, line: line)
  }

  /// Truncated normal random values of the shape held by `shape`.
  public func truncatedNormal(
    shape: Output, mean: Double = 0, stddev: Double = 1, dtype: DType = .float32, seed: Int? = nil,
    name: String? = nil, file: String = #fileID, line: Int = #line
  ) throws -> Output {
    try normal(
      "TruncatedNormal", "truncated_normal", .tensor(shape), mean: mean, stddev: stddev, dtype: dtype, seed: seed,
      name: name, file: file, line: line)
  }
}
