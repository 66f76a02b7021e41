import Testing
import TensorGraph
import TensorGraphTestSupport

@Suite struct TensorTests {
  @Test func initializersCheckShapes() throws {
    let t = try Tensor(shape: [2, 3], scalars: [1, 2, 3, 4, 5, 6] as [Float])
    #expect(t.shape == [2, 3])
    #expect(t.rank == 2)
    #expect(t.scalarCount == 6)
    #expect(t.dtype == .float32)
    #expect(try t.scalars(as: Float.self) == [1, 2, 3, 4, 5, 6])
    expectError(.invalidArgument, containing: ["[2, 2] holds 4 elements but 3 scalars"]) {
      try Tensor(shape: [2, 2], scalars: [1, 2, 3] as [Float])
    }
    expectError(.invalidArgument, containing: ["negative dimension -1 at axis 1"]) {
      try Tensor(shape: [2, -1], repeating: Float(0))
    }
    expectError(.invalidArgument, containing: ["row 1 has 1 elements but row 0 has 2"]) {
      try Tensor([[1, 2], [3]] as [[Int32]])
    }
  }

  @Test func everyDTypeRoundTrips() throws {
    #expect(try Tensor([1.5, -2] as [Double]).scalars(as: Double.self) == [1.5, -2])
    #expect(try Tensor([Int32.min, 7]).scalars(as: Int32.self) == [Int32.min, 7])
    #expect(try Tensor([Int64.max]).scalars(as: Int64.self) == [Int64.max])
    #expect(try Tensor([UInt8(255), 0]).scalars(as: UInt8.self) == [255, 0])
    #expect(try Tensor([true, false]).scalars(as: Bool.self) == [true, false])
    #expect(try Tensor(Float(3)).scalar(as: Float.self) == 3)
    #expect(Tensor(Float(3)).shape == [])
    expectError(.dtypeMismatch, containing: ["holds float32 but Double"]) { try Tensor(Float(1)).scalars(as: Double.self) }
    expectError(.invalidArgument, containing: ["not a single scalar"]) { try Tensor([Float(1), 2]).scalar(as: Float.self) }
  }

  @Test func storageIsAlignedAndZerosAreZero() throws {
    let t = try Tensor(zeros: [3, 5], dtype: .float64)
    #expect(Int(bitPattern: t.storage.data) % 64 == 0)
    #expect(t.doubles() == Array(repeating: 0, count: 15))
    let empty = try Tensor(zeros: [0, 4])
    #expect(empty.scalarCount == 0)
    #expect(try empty.scalars(as: Float.self) == [])
  }

  @Test func copyOnWrite() throws {
    let a = try Tensor(shape: [2], scalars: [1, 2] as [Float])
    var b = a
    #expect(a.storage === b.storage)
    b.withUnsafeMutableBufferPointer(as: Float.self) { $0[0] = 10 }
    #expect(a.storage !== b.storage)
    #expect(try a.scalars(as: Float.self) == [1, 2])
    #expect(try b.scalars(as: Float.self) == [10, 2])
    // A unique tensor is written in place.
    let before = ObjectIdentifier(b.storage)
    b.withUnsafeMutableBufferPointer(as: Float.self) { $0[1] = 20 }
    #expect(ObjectIdentifier(b.storage) == before)
  }

  @Test func reshapeSharesStorage() throws {
    let a = try Tensor(shape: [2, 3], scalars: Array(0..<6).map(Float.init))
    let b = try a.reshaped(to: [3, 2])
    #expect(b.storage === a.storage)
    #expect(b.shape == [3, 2])
    expectError(.shapeMismatch, containing: ["[2, 3] (6 elements) to [4, 2] (8 elements)"]) { try a.reshaped(to: [4, 2]) }
  }

  @Test func equalityIsBitwise() throws {
    let a = try Tensor(shape: [2], scalars: [1, Float.nan])
    let b = try Tensor(shape: [2], scalars: [1, Float.nan])
    #expect(a == b)
    #expect(Tensor(Float(0)) != Tensor(Float(-0.0)))
    #expect(try Tensor(shape: [2, 1], scalars: [1, 2] as [Float]) != Tensor([1, 2] as [Float]))
  }

  @Test func numpyLikeDescription() throws {
    let m = try Tensor(shape: [2, 3], scalars: [1, 2.5, 3, 4, 5, 6] as [Float])
    #expect(m.description == "Tensor([[1. , 2.5, 3. ],\n        [4. , 5. , 6. ]], dtype=float32)")
    #expect(Tensor([Float(-1.25), 10]).description == "Tensor([-1.25, 10.  ], dtype=float32)")
    #expect(Tensor([Int32(1), -20, 3]).description == "Tensor([  1, -20,   3], dtype=int32)")
    #expect(Tensor([true, false]).description == "Tensor([ True, False], dtype=bool)")
    #expect(Tensor(Double(0.5)).description == "Tensor(0.5, dtype=float64)")
    let cube = try Tensor(shape: [2, 1, 2], scalars: [1, 2, 3, 4] as [Int64])
    #expect(cube.description == "Tensor([[[1, 2]],\n\n        [[3, 4]]], dtype=int64)")
    // numpy summarizes past 1000 elements with 3 edge items.
    let big = try Tensor(shape: [2000], scalars: Array(0..<2000).map(Int32.init))
    #expect(big.description == "Tensor([   0,    1,    2, ..., 1997, 1998, 1999], dtype=int32)")
  }
}
