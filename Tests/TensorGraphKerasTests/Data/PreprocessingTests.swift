import Foundation
import TensorGraphTestSupport
import Testing
import TensorGraphKeras

@Suite struct ToCategoricalTests {
  @Test func labelsOfShapeNAndNBy1GiveNByClasses() throws {
    let expected: [Double] = [1, 0, 0, 0, 0, 0, 1, 0, 0, 1, 0, 0, 0, 0, 0, 1]
    for y in [Tensor([0, 2, 1, 3] as [Int32]), try Tensor(shape: [4, 1], scalars: [0, 2, 1, 3] as [UInt8])] {
      let c = try toCategorical(y)
      #expect(c.dtype == .float32)
      expectClose(c, expected, shape: [4, 4], tolerance: 0)
    }
    expectClose(try toCategorical(Tensor([1, 0] as [Int64]), numClasses: 3), [0, 1, 0, 1, 0, 0], shape: [2, 3], tolerance: 0)
  }

  @Test func otherShapesKeepTheirAxes() throws {
    // [2, 2] → [2, 2, 3]; a trailing 1 on rank > 1 is replaced; a scalar
    // gives [classes]; [1] stays [1, classes] (rank 1 keeps its axis).
    let y = try Tensor(shape: [2, 2], scalars: [0, 1, 2, 0] as [Int32])
    expectClose(try toCategorical(y), [1, 0, 0, 0, 1, 0, 0, 0, 1, 1, 0, 0], shape: [2, 2, 3], tolerance: 0)
    #expect(try toCategorical(Tensor(zeros: [2, 3, 1], dtype: .int32), numClasses: 2).shape == [2, 3, 2])
    expectClose(try toCategorical(Tensor(Int32(2)), numClasses: 4), [0, 0, 1, 0], shape: [4], tolerance: 0)
    #expect(try toCategorical(Tensor([1] as [Int32])).shape == [1, 2])
    #expect(try toCategorical(Tensor([] as [Int32]), numClasses: 3).shape == [0, 3])
    // Whole-number floats are class indices.
    expectClose(try toCategorical(Tensor([2, 0] as [Float])), [0, 0, 1, 1, 0, 0], shape: [2, 3], tolerance: 0)
  }

  @Test func badLabelsAreClearErrors() {
    expectError(.invalidArgument, containing: ["label -1 at index 1", "must not be negative"]) {
      try toCategorical(Tensor([0, -1] as [Int32]))
    }
    expectError(.invalidArgument, containing: ["label 3 at index 2 is not a class in 0..<3", "numClasses is 3"]) {
      try toCategorical(Tensor([0, 1, 3] as [Int32]), numClasses: 3)
    }
    expectError(.invalidArgument, containing: ["1.5 at index 0 is not a whole number"]) {
      try toCategorical(Tensor([1.5] as [Double]))
    }
    expectError(.invalidArgument, containing: ["not a whole number"]) { try toCategorical(Tensor([Float.nan])) }
    expectError(.invalidArgument, containing: ["empty labels", "pass numClasses"]) { try toCategorical(Tensor([] as [Int32])) }
    expectError(.invalidArgument, containing: ["numClasses is 0"]) { try toCategorical(Tensor([0] as [Int32]), numClasses: 0) }
  }
}

@Suite struct NormalizationTests {
  @Test func pixelsMatchNumpysDivisionBy255() throws {
    let x = try Tensor(shape: [2, 128], scalars: (0..<256).map { UInt8($0) })
    let n = try normalizePixels(x)
    #expect(n.dtype == .float32 && n.shape == [2, 128])
    // numpy computes uint8 / 255.0 in float64; Keras then casts to float32.
    #expect(try n.scalars(as: Float.self) == (0..<256).map { Float(Double($0) / 255) })
    expectClose(try normalizePixels(Tensor([255, 51] as [Int32])), [1, 0.2], shape: [2])
  }

  @Test func normalizeDividesByTheNorm() throws {
    let x = Tensor.f32([3, 4, 0, 0, -1, 1], [3, 2])
    expectClose(try normalize(x), [0.6, 0.8, 0, 0, -0.5.squareRoot(), 0.5.squareRoot()], shape: [3, 2])
    expectClose(try normalize(x, axis: 0, order: 1), [0.75, 0.8, 0, 0, -0.25, 0.2], shape: [3, 2])
    expectClose(try normalize(Tensor.f64([1, 2, 2], [3]), order: 3), [1, 2, 2].map { $0 / pow(17, 1.0 / 3) }, shape: [3])
    #expect(try normalize(Tensor.f64([1], [1])).dtype == .float64)
    expectError(.invalidArgument, containing: ["axis 2"]) { try normalize(x, axis: 2) }
    expectError(.invalidArgument, containing: ["order 0"]) { try normalize(x, order: 0) }
  }

  @Test func standardizerPerFeature() throws {
    let data = Tensor.f32([1, 2, 3, 4, 5, 6], [3, 2])
    let s = try Standardizer(adaptingTo: data)
    #expect(s.axes == [1])
    expectClose(s.mean, [3, 4], shape: [1, 2])
    expectClose(s.variance, [8.0 / 3, 8.0 / 3], shape: [1, 2])
    let d = (8.0 / 3).squareRoot()
    expectClose(try s(data), [-2 / d, -2 / d, 0, 0, 2 / d, 2 / d], shape: [3, 2])
    // Other batch sizes, float64 output.
    let out = try s(Tensor.f32([3, 8], [1, 2]), dtype: .float64)
    #expect(out.dtype == .float64)
    expectClose(out, [0, 4 / d], shape: [1, 2])
  }

  @Test func standardizerScalarAndMiddleAxes() throws {
    let data = Tensor.f64([1, 2, 3, 4, 5, 6, 7, 8], [2, 2, 2])
    let scalar = try Standardizer(adaptingTo: data, axis: nil)
    expectClose(scalar.mean, [4.5], shape: [1, 1, 1])
    expectClose(scalar.variance, [5.25], shape: [1, 1, 1])
    // Axis 1 kept: index 0 holds 1, 2, 5, 6 (mean 3.5), index 1 holds
    // 3, 4, 7, 8 (mean 5.5); both variances 4.25.
    let middle = try Standardizer(adaptingTo: data, axis: 1)
    expectClose(middle.mean, [3.5, 5.5], shape: [1, 2, 1])
    expectClose(middle.variance, [4.25, 4.25], shape: [1, 2, 1])
    let d = 4.25.squareRoot()
    expectClose(try middle(data), [-2.5, -1.5, -2.5, -1.5, 1.5, 2.5, 1.5, 2.5].map { $0 / d }, shape: [2, 2, 2])
    // Both feature axes kept: per-pixel statistics.
    let both = try Standardizer(adaptingTo: data, axes: [-1, 1])
    #expect(both.axes == [1, 2])
    expectClose(both.mean, [3, 4, 5, 6], shape: [1, 2, 2])
  }

  @Test func standardizerConstantFeaturesAndErrors() throws {
    let data = Tensor.f32([5, 1, 5, 3], [2, 2])
    let s = try Standardizer(adaptingTo: data)
    // Variance 0: divided by 1e-7, so the constant feature becomes 0.
    expectClose(try s(data), [0, -1, 0, 1], shape: [2, 2])
    expectError(.invalidArgument, containing: ["sample axis"]) { try Standardizer(adaptingTo: data, axis: 0) }
    expectError(.invalidArgument, containing: ["axis 3"]) { try Standardizer(adaptingTo: data, axis: 3) }
    expectError(.invalidArgument, containing: ["empty data"]) { try Standardizer(adaptingTo: Tensor(zeros: [0, 2])) }
    expectError(.shapeMismatch, containing: ["[2, 3]", "[1, 2]"]) { try s(Tensor(zeros: [2, 3])) }
    expectError(.dtypeMismatch, containing: ["int32"]) { try s(data, dtype: .int32) }
  }
}

@Suite struct BatchingTests {
  @Test func splitMix64MatchesTheReferenceSequence() {
    var g = SplitMix64(seed: 0)
    #expect(g.next() == 0xE220_A839_7B1D_CDAF)
    #expect(g.next() == 0x6E78_9E6A_A1B9_65F4)
  }

  @Test func shuffledIndicesAreFixedPermutations() {
    // Computed with an independent Python implementation of the same
    // generator and Fisher–Yates.
    #expect(shuffledIndices(count: 10, seed: 42) == [8, 3, 6, 5, 4, 0, 9, 2, 1, 7])
    #expect(shuffledIndices(count: 10, seed: 7) == [9, 5, 8, 6, 1, 2, 4, 7, 0, 3])
    #expect(shuffledIndices(count: 0, seed: 1) == [])
    #expect(shuffledIndices(count: 1, seed: 1) == [0])
    let big = shuffledIndices(count: 10_000, seed: 3)
    #expect(big.sorted() == Array(0..<10_000))
    // Successive epochs from one generator differ.
    var g = SplitMix64(seed: 5)
    #expect(shuffledIndices(count: 100, using: &g) != shuffledIndices(count: 100, using: &g))
  }

  @Test func nextBelowIsUniform() {
    var g = SplitMix64(seed: 9)
    var counts = [Int](repeating: 0, count: 6)
    for _ in 0..<60_000 { counts[g.next(below: 6)] += 1 }
    #expect(counts.allSatisfy { abs($0 - 10_000) < 400 }, "\(counts)")
  }

  @Test func shuffledKeepsSamplesPaired() throws {
    let x = try Tensor(shape: [5, 2], scalars: (0..<10).map { Float($0) })
    let y = Tensor([0, 1, 2, 3, 4] as [Int32])
    let s = try shuffled([x, y], seed: 42)
    let order = shuffledIndices(count: 5, seed: 42)
    #expect(try s[1].scalars(as: Int32.self) == order.map { Int32($0) })
    #expect(try s[0].scalars(as: Float.self) == order.flatMap { [Float(2 * $0), Float(2 * $0 + 1)] })
    expectError(.invalidArgument, containing: ["different numbers of samples: 5, 4"]) {
      try shuffled([x, Tensor([1, 2, 3, 4] as [Int32])], seed: 1)
    }
    expectError(.invalidArgument, containing: ["scalar"]) { try shuffled([Tensor(Float(1))], seed: 1) }
  }

  @Test func batchesCoverTheSamplesInOrder() throws {
    #expect(try batches(count: 10, batchSize: 4) == [0..<4, 4..<8, 8..<10])
    #expect(try batches(count: 8, batchSize: 4) == [0..<4, 4..<8])
    #expect(try batches(count: 3, batchSize: 32) == [0..<3])
    #expect(try batches(count: 0, batchSize: 32) == [])
    #expect(try batches(count: 60_000, batchSize: 32).count == 1875)
    expectError(.invalidArgument, containing: ["batch size 0"]) { try batches(count: 10, batchSize: 0) }
    expectError(.invalidArgument, containing: ["batch size -3"]) { try batches(count: 10, batchSize: -3) }
    expectError(.invalidArgument, containing: ["negative"]) { try batches(count: -1, batchSize: 3) }
  }

  @Test func validationSplitTakesTheLastFractionAsKerasDoes() throws {
    let x = try Tensor(shape: [10, 1], scalars: (0..<10).map { Float($0) })
    let y = Tensor((0..<10).map { Int32($0) })
    let (train, val) = try trainValidationSplit([x, y], validationSplit: 0.2)
    #expect(train[0].shape == [8, 1] && val[0].shape == [2, 1])
    #expect(try train[1].scalars(as: Int32.self) == Array(0..<8))
    #expect(try val[1].scalars(as: Int32.self) == [8, 9])
    // ⌊5 × 0.9⌋ = 4; ⌊60000 × 0.9⌋ = 54000; ⌊3 × (1 − 1/3)⌋ = 2.
    #expect(try trainValidationSplit([Tensor([1, 2, 3, 4, 5] as [Int32])], validationSplit: 0.1).train[0].shape == [4])
    #expect(try trainValidationSplit([Tensor(zeros: [60000])], validationSplit: 0.1).validation[0].shape == [6000])
    #expect(try trainValidationSplit([Tensor(zeros: [3])], validationSplit: 1.0 / 3).train[0].shape == [2])
    expectError(.invalidArgument, containing: ["contains 1 samples", "not sufficient"]) {
      try trainValidationSplit([Tensor(zeros: [1])], validationSplit: 0.5)
    }
    expectError(.invalidArgument, containing: ["contains 10 samples"]) {
      try trainValidationSplit([x], validationSplit: 1e-17)
    }
    for bad in [0.0, 1.0, -0.1, .nan] {
      expectError(.invalidArgument, containing: ["strictly between 0 and 1"]) { try trainValidationSplit([x], validationSplit: bad) }
    }
    expectError(.invalidArgument, containing: ["different numbers of samples"]) {
      try trainValidationSplit([x, Tensor(zeros: [9])], validationSplit: 0.5)
    }
  }
}
