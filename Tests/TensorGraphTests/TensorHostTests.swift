import Testing
import TensorGraph
import TensorGraphTestSupport

@Suite struct TensorHostTests {
  let m = try! Tensor(shape: [4, 2], scalars: (0..<8).map { Int32($0) })

  @Test func rowsAndGather() throws {
    #expect(try m.rows(1..<3).scalars(as: Int32.self) == [2, 3, 4, 5])
    #expect(try m.rows(1..<3).shape == [2, 2])
    #expect(try m.gatherRows([3, 0, 3]).scalars(as: Int32.self) == [6, 7, 0, 1, 6, 7])
    #expect(try m.rows(0..<0).shape == [0, 2])
    expectError(.invalidArgument, containing: ["out of bounds"]) { try m.rows(3..<5) }
    expectError(.invalidArgument, containing: ["row index 4"]) { try m.gatherRows([0, 4]) }
    expectError(.invalidArgument, containing: ["scalar"]) { try Tensor(Float(1)).rows(0..<1) }
  }

  @Test func conversionsFollowCast() throws {
    let f = try Tensor(shape: [4], scalars: [1.9, -1.9, .nan, 3e10] as [Float])
    #expect(try f.converted(to: .int32).scalars(as: Int32.self) == [1, -1, 0, Int32.max])
    #expect(try f.converted(to: .bool).scalars(as: Bool.self) == [true, true, true, true])
    #expect(try Tensor([Int64.max]).converted(to: .int64).scalars(as: Int64.self) == [Int64.max])
    #expect(try Tensor([Int32(-5)]).converted(to: .int64).scalars(as: Int64.self) == [-5])
    #expect(try Tensor([UInt8(255)]).converted(to: .float64).scalars(as: Double.self) == [255])
  }

  @Test func scalingPixels() throws {
    let pixels = Tensor([UInt8(0), 51, 255])
    expectClose(try pixels.scaled(by: 1.0 / 255), [0, 0.2, 1])
    #expect(try pixels.scaled(by: 2, offset: -1, dtype: .float64).scalars(as: Double.self) == [-1, 101, 509])
    expectError(.dtypeMismatch) { try pixels.scaled(by: 1, dtype: .int32) }
  }
}

@Suite struct TensorScalingRoundingTests {
  /// `pixels / 255.0` in numpy computes in float64 and rounds once to
  /// float32; every uint8 value must match that.
  @Test func uint8ScalingRoundsLikeNumpy() throws {
    let all = Tensor((0...255).map { UInt8($0) })
    let scaled = try all.scaled(by: 1.0 / 255).scalars(as: Float.self)
    #expect(scaled == (0...255).map { Float(Double($0) / 255) })
    let viaInt = try Tensor((0...255).map { Int32($0) }).scaled(by: 1.0 / 255).scalars(as: Float.self)
    #expect(viaInt == scaled)
  }
}
