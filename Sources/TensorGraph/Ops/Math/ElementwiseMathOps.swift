extension StandardOps {
  /// The rest of TensorFlow's elementwise math (rounding, trigonometric
  /// and hyperbolic functions, Log1p, Expm1, the special functions, the integer and safe
  /// divisions, the float classes, ClipByValue, L2Loss, BiasAddV1, …): one
  /// family of the registry table, listed in ``all``.
  static var elementwiseMathOps: [OpDef] {
    [floorOp, ceilOp, rint, roundOp, sinOp, cosOp, tanOp, asinOp, acosOp, atanOp, sinhOp, coshOp, asinhOp, acoshOp,
     atanhOp, log1p, expm1, erfOp, erfcOp, lgammaOp, digammaOp, floorDiv, floorMod, truncateDiv, atan2Op, divNoNan, xlogy,
     xdivy, isNan, isInf, isFinite, clipByValue, l2Loss, biasAddV1, polygammaOp]
  }
}
