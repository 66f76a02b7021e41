// Cast between every pair of dtypes, one specialized loop per pair. The
// conversions follow TensorFlow's `static_cast` where that is defined and
// never trap where it is not:
// - integer → integer wraps (keeps the low bits), as `static_cast` does;
// - integer → float rounds to nearest;
// - float → integer truncates toward zero and saturates at the bounds;
//   NaN gives 0 (C++ leaves these undefined; Swift would trap);
// - float64 → float32 rounds to nearest, or with `Truncate` drops the low
//   29 significand bits first (TensorFlow's `LSBZeroSetter`; NaN untouched);
// - anything → bool is `!= 0` (NaN is true); bool → number is 0 or 1.

let castKernel: KernelFactory = { b in
  let src = b.inputs[0].dtype, dst = b.type("DstT")
  if src == dst {
    return { ctx in ctx.setOutput(0, ctx.input(0)) }
  }
  switch src {
  case .float32: return castFromFloat(Float.self, to: dst, truncate: false)
  case .float64: return castFromFloat(Double.self, to: dst, truncate: b.bool("Truncate"))
  case .int32: return castFromInteger(Int32.self, to: dst)
  case .int64: return castFromInteger(Int64.self, to: dst)
  case .uint8: return castFromInteger(UInt8.self, to: dst)
  case .bool: return castFromBool(to: dst)
  }
}

/// Kernels converting from float32 or float64 (`dst` differs from `S`).
func castFromFloat<S: TensorFloatScalar>(_: S.Type, to dst: DType, truncate: Bool) -> KernelFunction {
  switch dst {
  case .float32:
    if truncate {
      return { ctx in
        runUnary(ctx) { (x: S) -> Float in
          let d = x.doubleValue
          return d.isNaN ? Float(d) : Float(Double(bitPattern: d.bitPattern & ~((1 << 29) - 1)))
        }
      }
    }
    return { ctx in runUnary(ctx) { (x: S) -> Float in Float(converting: x.doubleValue) } }
  case .float64: return { ctx in runUnary(ctx) { (x: S) -> Double in x.doubleValue } }
  case .int32: return { ctx in runUnary(ctx) { (x: S) -> Int32 in Int32(converting: x.doubleValue) } }
  case .int64: return { ctx in runUnary(ctx) { (x: S) -> Int64 in Int64(converting: x.doubleValue) } }
  case .uint8: return { ctx in runUnary(ctx) { (x: S) -> UInt8 in UInt8(converting: x.doubleValue) } }
  case .bool: return { ctx in runUnary(ctx) { (x: S) -> Bool in x != 0 } }
  }
}

/// Kernels converting from an integer dtype (`dst` differs from `S`).
func castFromInteger<S: TensorNumericScalar & FixedWidthInteger>(_: S.Type, to dst: DType) -> KernelFunction {
  switch dst {
  case .float32: return { ctx in runUnary(ctx) { (x: S) -> Float in Float(x) } }
  case .float64: return { ctx in runUnary(ctx) { (x: S) -> Double in Double(x) } }
  case .int32: return { ctx in runUnary(ctx) { (x: S) -> Int32 in Int32(truncatingIfNeeded: x) } }
  case .int64: return { ctx in runUnary(ctx) { (x: S) -> Int64 in Int64(truncatingIfNeeded: x) } }
  case .uint8: return { ctx in runUnary(ctx) { (x: S) -> UInt8 in UInt8(truncatingIfNeeded: x) } }
  case .bool: return { ctx in runUnary(ctx) { (x: S) -> Bool in x != 0 } }
  }
}

/// Kernels converting from bool: `true` is 1, `false` 0.
func castFromBool(to dst: DType) -> KernelFunction {
  func make<D: TensorNumericScalar>(_: D.Type) -> KernelFunction {
    { ctx in runUnary(ctx) { (x: Bool) -> D in x ? 1 : 0 } }
  }
  switch dst {
  case .float32: return make(Float.self)
  case .float64: return make(Double.self)
  case .int32: return make(Int32.self)
  case .int64: return make(Int64.self)
  case .uint8: return make(UInt8.self)
  case .bool: return { ctx in ctx.setOutput(0, ctx.input(0)) }
  }
}
