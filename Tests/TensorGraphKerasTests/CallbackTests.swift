import Foundation
import Testing
import TensorGraphKeras
import TensorGraphTestSupport

@Suite struct KerasCallbackTests {
  /// Runs `callback` over epochs whose `val_loss` is `values` (a fit with
  /// the epoch logs replaced), returning the epochs run.
  func drive(_ callback: EarlyStopping, _ values: [Double], model: Model) -> Int {
    callback.setModel(model, params: TrainingParams(verbose: 0, epochs: values.count, steps: 1))
    callback.onTrainBegin(logs: Logs())
    var ran = 0
    model.stopTraining = false
    for (epoch, v) in values.enumerated() {
      // Change the weights each epoch so restoring is visible.
      try? model.layers[0].setWeights([Tensor.f32([Double(epoch)], [1, 1]), Tensor.f32([0], [1])])
      callback.onEpochEnd(epoch, logs: Logs(names: ["loss", "val_loss"], values: [1, v]))
      ran += 1
      if model.stopTraining { break }
    }
    callback.onTrainEnd(logs: Logs())
    return ran
  }

  @Test func earlyStoppingPatienceAndRestore() throws {
    try KerasContext().run {
      let model = try Sequential([Dense(1, inputShape: [1])])
      let stop = EarlyStopping(monitor: "val_loss", patience: 2, restoreBestWeights: true)
      // Best at epoch 1 (0.5); epochs 2 and 3 do not improve: stop after epoch 3.
      #expect(drive(stop, [1.0, 0.5, 0.6, 0.55, 0.1], model: model) == 4)
      #expect(stop.stoppedEpoch == 3 && stop.bestEpoch == 1)
      #expect(try model.layers[0].getWeights()[0].doubles() == [1])
    }
  }

  @Test func earlyStoppingMinDeltaAndMaxMode() throws {
    try KerasContext().run {
      let model = try Sequential([Dense(1, inputShape: [1])])
      // Improvements smaller than minDelta do not count.
      let stop = EarlyStopping(minDelta: 0.1, patience: 1)
      #expect(drive(stop, [1.0, 0.95, 0.92, 0.5], model: model) == 2)
      // "accuracy" is maximized in auto mode.
      model.stopTraining = false
      let acc = EarlyStopping(monitor: "val_accuracy", patience: 1)
      acc.setModel(model, params: TrainingParams(verbose: 0, epochs: 3, steps: 1))
      acc.onTrainBegin(logs: Logs())
      acc.onEpochEnd(0, logs: Logs(names: ["val_accuracy"], values: [0.5]))
      acc.onEpochEnd(1, logs: Logs(names: ["val_accuracy"], values: [0.7]))
      #expect(acc.best == 0.7 && !model.stopTraining)
    }
  }

  @Test func earlyStoppingStopsFit() throws {
    try KerasContext(seed: 1).run {
      let data = TestData.clusters(n: 64)
      let model = try Sequential([Dense(3, activation: "softmax", inputShape: [4])])
      try model.compile(optimizer: SGD(learningRate: 0), loss: "sparse_categorical_crossentropy")
      // A zero learning rate never improves the loss: patience 2 stops after 3 epochs.
      let history = try model.fit(
        data.x, data.y, epochs: 20, verbose: 0, callbacks: [EarlyStopping(monitor: "loss", patience: 2)])
      #expect(history.epoch == [0, 1, 2])
    }
  }

  @Test func modelCheckpointSavesBestOnly() throws {
    let dir = try temporaryDirectory("ckpt")
    defer { try? FileManager.default.removeItem(at: dir) }
    try KerasContext(seed: 2).run {
      let data = TestData.clusters(n: 90)
      let model = try Sequential([Dense(3, activation: "softmax", inputShape: [4])])
      try model.compile(optimizer: Adam(learningRate: 0.05), loss: "sparse_categorical_crossentropy", metrics: ["accuracy"])
      let t = FakeTerminal()
      model.console = t.console
      let every = ModelCheckpoint(dir.appendingPathComponent("m-{epoch:02d}-{loss:.2f}").path)
      let best = ModelCheckpoint(
        dir.appendingPathComponent("best").path, monitor: "val_loss", verbose: 1, saveBestOnly: true)
      let history = try model.fit(
        data.x, data.y, epochs: 3, verbose: 0, callbacks: [every, best], validationSplit: 0.2)
      #expect(every.savedPaths.count == 3)
      #expect(every.savedPaths[0].hasSuffix(String(format: "m-01-%.2f", history["loss"][0])))
      #expect(!best.savedPaths.isEmpty)
      #expect(t.output.contains("Epoch 1: val_loss improved from inf to "))
      let saved = try Model.load(from: dir.appendingPathComponent("best"))
      let bestLoss = history["val_loss"].min()!
      let (vx, vy) = (try data.x.rows(72..<90), try data.y.rows(72..<90))
      let reloaded = try saved.evaluate(vx, vy, verbose: 0)
      #expect(Swift.abs(reloaded["loss"]! - bestLoss) < 1e-6)
    }
  }

  @Test func checkpointFilenamePlaceholders() {
    let logs = Logs(names: ["loss", "val_loss"], values: [0.12345, 0.6789])
    #expect(ModelCheckpoint.format("w.{epoch:02d}-{val_loss:.2f}", epoch: 3, logs: logs) == "w.03-0.68")
    #expect(ModelCheckpoint.format("e{epoch}_{loss:.4f}_{other}", epoch: 12, logs: logs) == "e12_0.1235_{other}")
  }
}
