extension StandardOps {
  /// The rest of TensorFlow's elementwise math (rounding, trigonometric
  /// functions, Log1p, Expm1, Erf, …): one family of the registry table,
  /// listed in ``all``.
  static var elementwiseMathOps: [OpDef] {
    [floorOp, ceilOp, rint, sinOp, cosOp, log1p, expm1, erfOp]
  }
}
