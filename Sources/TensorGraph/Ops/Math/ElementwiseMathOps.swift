extension StandardOps {
  /// The rest of TensorFlow's elementwise math (rounding, trigonometric
  /// and hyperbolic functions, Log1p, Expm1, the special functions, …): one
  /// family of the registry table, listed in ``all``.
  static var elementwiseMathOps: [OpDef] {
    [floorOp, ceilOp, rint, roundOp, sinOp, cosOp, tanOp, asinOp, acosOp, atanOp, sinhOp, coshOp, asinhOp, acoshOp,
     atanhOp, log1p, expm1, erfOp, erfcOp, lgammaOp, digammaOp]
  }
}
