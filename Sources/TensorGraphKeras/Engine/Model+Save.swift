import Foundation

// Whole-model saving: a directory holding the Keras config (`keras.json`),
// the model's graph (`graph.json`, TensorGraph's graph format) and every
// variable — weights and optimizer state — in `graph.safetensors`. See
// Docs/keras.md.

/// The saved-model format's version (`keras.json`'s `format_version`).
public let kerasModelFormatVersion = 1

extension Model {
  /// Saves the whole model — architecture, weights and, when compiled, the
  /// optimizer's configuration and state — to the directory `url`.
  ///
  ///     try model.save(to: URL(fileURLWithPath: "fashion_mnist.model"))
  ///     let restored = try Model.load(from: URL(fileURLWithPath: "fashion_mnist.model"))
  ///
  /// The directory holds `keras.json` (the layers' configs and the compile
  /// settings), `graph.json` (the model's graph alone, built afresh from
  /// that config, with its training ops: TensorGraph's graph format) and
  /// `graph.safetensors` (every variable of that graph: `dense/kernel`,
  /// `dense/kernel/Adam`, `beta1_power`, …). The files are written into a
  /// temporary sibling directory and flushed to disk, which then replaces
  /// the old directory: ``load(from:registry:options:)`` finds the old
  /// model or the new one complete, even if the process dies mid-save (see
  /// Docs/keras.md, "Saved models", for each step).
  ///
  /// - Throws: ``TensorGraphError`` when the model is not built or a file
  ///   cannot be written.
  public func save(to url: URL) throws {
    _ = try requireNetwork("saving")
    let clone = try exportClone()
    try context.initializePendingVariables()
    try clone.context.initializePendingVariables()
    let originals = weights + (compiled?.optimizerVariables ?? [])
    let copies = clone.weights + (clone.compiled?.optimizerVariables ?? [])
    guard originals.count == copies.count else {
      throw TensorGraphError(
        .invalidArgument, "model '\(name)': its config re-creates \(copies.count) variables but it has \(originals.count)")
    }
    for (o, c) in zip(originals, copies) {
      try clone.context.assign(c, try context.value(of: o))
    }
    let document = try savedConfig()
    let json = try encodeConfig(document)
    try AtomicDirectory.write(to: url) { dir in
      try clone.graph.save(to: dir.appendingPathComponent("graph.json"), variables: clone.session)
      AtomicDirectory.crashPoint(.partiallyWritten)
      try AtomicFile.write(json, to: dir.appendingPathComponent("keras.json"))
    }
  }

  /// Loads a model saved by ``save(to:)`` into a new ``KerasContext``:
  /// the same layers (same names), the same weights, and — when it was
  /// compiled — compiled the same way with the optimizer's state restored,
  /// so training continues where it stopped.
  ///
  /// If a save to `url` was killed after it moved the old model aside and
  /// before it moved the new one in (possible only where
  /// `renameat2(RENAME_EXCHANGE)` is unavailable), `url` is missing and the
  /// old model is read from its backup sibling, `.NAME.previous-…`; the
  /// next save to `url` removes that.
  ///
  /// - Parameter registry: The layer classes the config may name (extend
  ///   it for your own layers).
  /// - Throws: ``TensorGraphError``: `io` when the files cannot be read,
  ///   `format` when they are malformed or of a newer format version,
  ///   `invalidArgument` when the weights do not fit the layers.
  public static func load(
    from url: URL, registry: LayerRegistry = .standard, options: SessionOptions = SessionOptions()
  ) throws -> Model {
    // A save killed between its two renames leaves the previous model
    // under a backup name: read that one.
    let url = AtomicDirectory.resolve(url)
    let configURL = url.appendingPathComponent("keras.json")
    let data: Data
    do {
      data = try Data(contentsOf: configURL)
    } catch {
      throw TensorGraphError(.io, "no saved model at \(url.path): cannot read \(configURL.lastPathComponent) (\(error.localizedDescription))")
    }
    let document: ConfigValue
    do {
      document = try JSONDecoder().decode(ConfigValue.self, from: data)
    } catch {
      throw TensorGraphError(.format, "\(configURL.path) is not valid JSON: \(error)")
    }
    let r = ConfigReader(document, context: configURL.lastPathComponent)
    let version = try r.int("format_version")
    guard version <= kerasModelFormatVersion else {
      throw TensorGraphError(
        .format,
        "\(configURL.path) was written by format version \(version); this build reads up to \(kerasModelFormatVersion): upgrade TensorGraph")
    }
    let context = KerasContext(seed: r.optional("random_seed")?.intValue, options: options)
    let model: Model = try context.run {
      guard let m = try registry.layer(from: try r.value("model")) as? Model else {
        throw TensorGraphError(.format, "\(configURL.path): 'model' does not describe a model")
      }
      return m
    }
    if let compileConfig = r.optional("compile_config") {
      let (optimizer, optimizerName, loss, metrics) = try Model.decodeCompile(compileConfig)
      try model.compile(optimizer: optimizer, optimizerName: optimizerName, loss: loss, metricSpecs: metrics)
    }
    try context.initializePendingVariables()
    let weightsFile = url.appendingPathComponent(try r.string("weights"))
    if !context.graph.globalVariables.isEmpty || FileManager.default.fileExists(atPath: weightsFile.path) {
      try context.session.restoreVariables(from: weightsFile, requireAll: true)
    }
    return model
  }

  /// Saves the weights alone (not the optimizer state) as a safetensors
  /// file, each under its variable's name (`dense/kernel`).
  public func saveWeights(to url: URL) throws {
    var tensors: [String: Tensor] = [:]
    for w in weights { tensors[w.node.name] = try context.value(of: w) }
    try SafeTensors.write(tensors, metadata: ["producer": GraphFormat.producer], to: url)
  }

  /// Loads weights saved by ``saveWeights(to:)`` by variable name; every
  /// weight of the model must be in the file, with the same shape.
  public func loadWeights(from url: URL) throws {
    let file = try SafeTensorsFile(contentsOf: url)
    var values: [(Variable, Tensor)] = []
    for w in weights {
      guard let t = try file.tensor(named: w.node.name) else {
        throw TensorGraphError(.invalidArgument, "\(url.lastPathComponent) has no value for weight '\(w.node.name)'")
      }
      guard t.dtype == w.ref.dtype, w.ref.shape.accepts(t.shape) else {
        throw TensorGraphError(
          .invalidArgument,
          "weight '\(w.node.name)' is \(w.ref.dtype)\(w.ref.shape) but \(url.lastPathComponent) holds \(t.dtype)\(PartialShape(t.shape))")
      }
      values.append((w, t))
    }
    for (w, t) in values { try context.assign(w, t) }
  }

  // MARK: - Internals

  /// `keras.json`'s content.
  func savedConfig() throws -> ConfigValue {
    var document: [String: ConfigValue] = [
      "format": .string("tensorgraph-keras"),
      "format_version": .int(kerasModelFormatVersion),
      "keras_api": .string("tf_keras 2.21"),
      "producer": .string(GraphFormat.producer),
      "model": layerConfig(self),
      "graph": .string("graph.json"),
      "weights": .string("graph.safetensors"),
    ]
    if let seed = graph.randomSeed { document["random_seed"] = .int(seed) }
    if let pending = pendingCompile {
      document["compile_config"] = .object([
        "optimizer": .object([
          "class_name": .string(pending.optimizer.className), "name": .string(pending.optimizerName),
          "config": .object(pending.optimizer.config),
        ]),
        "loss": pending.loss.config,
        "metrics": .array(pending.metricSpecs.map(Model.metricSpecConfig)),
      ])
    }
    return .object(document)
  }

  /// A copy of this model built from its config in a fresh context (and
  /// compiled the same way): the graph `save` writes. Cached until the
  /// model's layers or compile settings change.
  func exportClone() throws -> Model {
    let key = exportKey
    if let cached = exportCache, cached.key == key { return cached.model }
    let fresh = KerasContext(seed: graph.randomSeed)
    let config = layerConfig(self)
    let clone: Model = try fresh.run {
      guard let m = try LayerRegistry.standard.layer(from: config) as? Model else {
        throw TensorGraphError(.invalidArgument, "model '\(name)' could not be re-created from its config")
      }
      return m
    }
    if let pending = pendingCompile {
      try clone.compile(
        optimizer: pending.optimizer, optimizerName: pending.optimizerName, loss: pending.loss,
        metricSpecs: pending.metricSpecs)
      try clone.finishCompile()
    }
    exportCache = (key, clone)
    return clone
  }

  /// Identifies the model's structure and compile settings.
  private var exportKey: [ObjectIdentifier] {
    layers.map { ObjectIdentifier($0) } + (compiled.map { [ObjectIdentifier($0)] } ?? [])
  }

  static func metricSpecConfig(_ spec: any MetricConvertible) -> ConfigValue {
    if let s = spec as? String { return .string(s) }
    guard let m = spec as? any Metric else { return .null }
    var c: [String: ConfigValue] = ["class_name": .string(String(describing: type(of: m))), "name": .string(m.name)]
    if let b = m as? BinaryAccuracy { c["threshold"] = .double(b.threshold) }
    return .object(c)
  }

  static func decodeCompile(_ config: ConfigValue) throws
    -> (any KerasOptimizer, String, any Loss, [any MetricConvertible])
  {
    let r = ConfigReader(config, context: "compile_config")
    let o = ConfigReader(try r.value("optimizer"), context: "compile_config.optimizer")
    let optimizer = try optimizerFromConfig(className: try o.string("class_name"), config: try o.value("config"))
    let loss = try lossFromConfig(try r.value("loss"))
    let metrics: [any MetricConvertible] = try (r.optional("metrics")?.arrayValue ?? []).map { v in
      if let s = v.stringValue { return s }
      let m = ConfigReader(v, context: "compile_config.metrics")
      let name = try m.string("name")
      switch try m.string("class_name") {
      case "BinaryAccuracy": return BinaryAccuracy(name: name, threshold: m.optional("threshold")?.doubleValue ?? 0.5)
      case "CategoricalAccuracy": return CategoricalAccuracy(name: name)
      case "SparseCategoricalAccuracy": return SparseCategoricalAccuracy(name: name)
      case "MeanAbsoluteErrorMetric": return MeanAbsoluteErrorMetric(name: name)
      case "MeanSquaredErrorMetric": return MeanSquaredErrorMetric(name: name)
      case let other:
        throw unknownNameError(
          "metric class", other,
          known: ["BinaryAccuracy", "CategoricalAccuracy", "SparseCategoricalAccuracy", "MeanAbsoluteErrorMetric",
                  "MeanSquaredErrorMetric"])
      }
    }
    return (optimizer, try o.string("name"), loss, metrics)
  }
}

/// Pretty, key-sorted JSON for `keras.json`.
func encodeConfig(_ value: ConfigValue) throws -> Data {
  let encoder = JSONEncoder()
  encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
  var data = try encoder.encode(value)
  data.append(0x0A)
  return data
}
