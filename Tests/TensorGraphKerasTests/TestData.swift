import TensorGraphKeras
import TensorGraphTestSupport

/// Synthetic data sets for the Keras tests.
enum TestData {
  /// `n` points in `features` dimensions in `classes` well-separated
  /// clusters (cluster `k` centered at `3·e_(k mod features)` with sign
  /// alternating), labels as uint8 `[n]`.
  static func clusters(n: Int, features: Int = 4, classes: Int = 3, seed: UInt64 = 1) -> (x: Tensor, y: Tensor) {
    var rng = TestRandom(seed: seed)
    var xs: [Float] = []
    var ys: [UInt8] = []
    for i in 0..<n {
      let k = i % classes
      for f in 0..<features {
        let center: Double = f == k % features ? (k < features ? 3 : -3) : 0
        xs.append(Float(center + rng.uniform(1, in: -1...1)[0]))
      }
      ys.append(UInt8(k))
    }
    return (try! Tensor(shape: [n, features], scalars: xs), Tensor(ys))
  }

  /// Random uint8 "images" `[n] + shape` and uint8 labels in `0..<classes`,
  /// shaped like the data sets' loaders return them.
  static func images(n: Int, shape: [Int], classes: Int = 10, labelShape: [Int] = [], seed: UInt64 = 2)
    -> (x: Tensor, y: Tensor)
  {
    var rng = TestRandom(seed: seed)
    let count = shape.reduce(n, *)
    let pixels = (0..<count).map { _ in UInt8.random(in: 0...255, using: &rng) }
    let labels = (0..<n).map { _ in UInt8.random(in: 0..<UInt8(classes), using: &rng) }
    return (try! Tensor(shape: [n] + shape, scalars: pixels), try! Tensor(shape: [n] + labelShape, scalars: labels))
  }
}
