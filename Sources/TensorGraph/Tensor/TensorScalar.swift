import Foundation
import RealModule

/// A Swift type that can be the element type of a ``Tensor``.
///
/// `Float`, `Double`, `Int32`, `Int64`, `UInt8` and `Bool` conform; each maps
/// to exactly one ``DType``.
public protocol TensorScalar: Sendable, Equatable {
  /// The dtype of tensors holding this type.
  static var dtype: DType { get }
  /// The element used for zero-filled tensors.
  static var zero: Self { get }
}

extension Float: TensorScalar {
  public static var dtype: DType { .float32 }
}
extension Double: TensorScalar {
  public static var dtype: DType { .float64 }
}
extension Int32: TensorScalar {
  public static var dtype: DType { .int32 }
}
extension Int64: TensorScalar {
  public static var dtype: DType { .int64 }
}
extension UInt8: TensorScalar {
  public static var dtype: DType { .uint8 }
}
extension Bool: TensorScalar {
  public static var dtype: DType { .bool }
  public static var zero: Bool { false }
}

/// Scalars with arithmetic and ordering: every dtype but `bool`.
public protocol TensorNumericScalar: TensorScalar, Numeric, Comparable {
  /// Addition that wraps around on integer overflow (as TensorFlow's
  /// kernels do) instead of trapping; plain IEEE addition for floats.
  static func wrappedAdd(_ lhs: Self, _ rhs: Self) -> Self
  /// Subtraction that wraps on integer overflow.
  static func wrappedSub(_ lhs: Self, _ rhs: Self) -> Self
  /// Multiplication that wraps on integer overflow.
  static func wrappedMul(_ lhs: Self, _ rhs: Self) -> Self
  /// Converts from `Double`: integers truncate toward zero and saturate at
  /// their bounds; NaN becomes 0 (Swift's own conversion would trap).
  init(converting value: Double)
  /// The value as a `Double`.
  var doubleValue: Double { get }
}

/// Signed numeric scalars: `float32`, `float64`, `int32`, `int64`.
public protocol TensorSignedScalar: TensorNumericScalar, SignedNumeric {}

/// Floating-point scalars: `float32` and `float64`, with the elementary
/// functions of swift-numerics' `Real`.
public protocol TensorFloatScalar: TensorSignedScalar, Real, BinaryFloatingPoint {
  /// C's `pow`, defined for negative bases with integral exponents (which
  /// `Real.pow` is not).
  static func cPow(_ x: Self, _ y: Self) -> Self
}

extension Float: TensorFloatScalar {
  @inlinable public static func wrappedAdd(_ lhs: Float, _ rhs: Float) -> Float { lhs + rhs }
  @inlinable public static func wrappedSub(_ lhs: Float, _ rhs: Float) -> Float { lhs - rhs }
  @inlinable public static func wrappedMul(_ lhs: Float, _ rhs: Float) -> Float { lhs * rhs }
  @inlinable public static func cPow(_ x: Float, _ y: Float) -> Float { Foundation.powf(x, y) }
  @inlinable public init(converting value: Double) { self = Float(value) }
  @inlinable public var doubleValue: Double { Double(self) }
}
extension Double: TensorFloatScalar {
  @inlinable public static func wrappedAdd(_ lhs: Double, _ rhs: Double) -> Double { lhs + rhs }
  @inlinable public static func wrappedSub(_ lhs: Double, _ rhs: Double) -> Double { lhs - rhs }
  @inlinable public static func wrappedMul(_ lhs: Double, _ rhs: Double) -> Double { lhs * rhs }
  @inlinable public static func cPow(_ x: Double, _ y: Double) -> Double { Foundation.pow(x, y) }
  @inlinable public init(converting value: Double) { self = value }
  @inlinable public var doubleValue: Double { self }
}
extension Int32: TensorSignedScalar {
  @inlinable public static func wrappedAdd(_ lhs: Int32, _ rhs: Int32) -> Int32 { lhs &+ rhs }
  @inlinable public static func wrappedSub(_ lhs: Int32, _ rhs: Int32) -> Int32 { lhs &- rhs }
  @inlinable public static func wrappedMul(_ lhs: Int32, _ rhs: Int32) -> Int32 { lhs &* rhs }
  @inlinable public init(converting value: Double) {
    self = value.isNaN ? 0 : value >= 2147483647 ? .max : value <= -2147483648 ? .min : Int32(value)
  }
  @inlinable public var doubleValue: Double { Double(self) }
}
extension Int64: TensorSignedScalar {
  @inlinable public static func wrappedAdd(_ lhs: Int64, _ rhs: Int64) -> Int64 { lhs &+ rhs }
  @inlinable public static func wrappedSub(_ lhs: Int64, _ rhs: Int64) -> Int64 { lhs &- rhs }
  @inlinable public static func wrappedMul(_ lhs: Int64, _ rhs: Int64) -> Int64 { lhs &* rhs }
  @inlinable public init(converting value: Double) {
    self = value.isNaN ? 0 : value >= 0x1p63 ? .max : value <= -0x1p63 ? .min : Int64(value)
  }
  @inlinable public var doubleValue: Double { Double(self) }
}
extension UInt8: TensorNumericScalar {
  @inlinable public static func wrappedAdd(_ lhs: UInt8, _ rhs: UInt8) -> UInt8 { lhs &+ rhs }
  @inlinable public static func wrappedSub(_ lhs: UInt8, _ rhs: UInt8) -> UInt8 { lhs &- rhs }
  @inlinable public static func wrappedMul(_ lhs: UInt8, _ rhs: UInt8) -> UInt8 { lhs &* rhs }
  @inlinable public init(converting value: Double) {
    self = value.isNaN ? 0 : value >= 255 ? .max : value <= 0 ? 0 : UInt8(value)
  }
  @inlinable public var doubleValue: Double { Double(self) }
}
