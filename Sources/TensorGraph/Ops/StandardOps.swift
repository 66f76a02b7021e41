/// Namespace of the built-in op definitions. Each op is a static property
/// defined next to its builder method (`Ops/<Family>/<Name>.swift`); the
/// registry table lists them all in one place.
public enum StandardOps {
  /// Every built-in op, each exactly once: the table behind
  /// ``OpRegistry/standard``.
  public static var all: [OpDef] {
    [
      // MARK: Sources and pass-throughs
      const, placeholder, identity, stopGradient, noOp,
      // MARK: State
      variableV2, assign, assignAdd, assignSub,
      // MARK: Binary elementwise
      addV2, sub, mul, realDiv, maximum, minimum, squaredDifference, pow,
      // MARK: Matrix
      matMul, batchMatMulV2,
      // MARK: Shapes and arrays
      reshape, transpose, concatV2, pack, slice, tile, broadcastTo, fill, zerosLike, onesLike, shape, oneHot,
      // MARK: Sums and reductions
      addN, sum, mean, maxReduction, minReduction, prod, argMax,
      // MARK: Random
      randomUniform, randomStandardNormal, truncatedNormal,
    ]
  }
}
