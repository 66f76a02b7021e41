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
      // MARK: Optimizer updates
      applyGradientDescent, applyMomentum, applyAdam, applyRMSProp,
      // MARK: Binary elementwise
      addV2, sub, mul, realDiv, maximum, minimum, squaredDifference, powOp,
      // MARK: Matrix
      matMul, batchMatMulV2,
      // MARK: Gradient support
      broadcastGradientArgs, expandDims,
      // MARK: Unary elementwise
      neg, absOp, square, sign, expOp, logOp, sqrtOp, rsqrt, reciprocal,
      // MARK: Activations
      relu, relu6, elu, softplus, sigmoid, tanhOp,
      // MARK: Comparisons and logical
      equal, notEqual, less, lessEqual, greater, greaterEqual, logicalNot, logicalAnd, logicalOr,
      // MARK: Select and Cast
      select, selectV2, cast,
      // MARK: Neural network
      biasAdd, softmax, logSoftmax, softmaxCrossEntropyWithLogits, sparseSoftmaxCrossEntropyWithLogits,
      // MARK: Shapes and arrays
      reshape, transpose, concatV2, pack, slice, tile, broadcastTo, fill, zerosLike, onesLike, shape, oneHot,
      // MARK: Sums and reductions
      addN, sum, mean, maxReduction, minReduction, prod, argMax,
      // MARK: Random
      randomUniform, randomStandardNormal, truncatedNormal,
      // MARK: Array ops for gradients
      pad, unpack, splitV, concatOffset, squeeze, invertPermutation, range,
      // MARK: Gradient ops
      reluGrad, relu6Grad, eluGrad, softplusGrad, sigmoidGrad, tanhGrad, sqrtGrad, rsqrtGrad, reciprocalGrad,
      biasAddGrad,
      // MARK: Convolutions
      conv2D, conv2DBackpropInput, conv2DBackpropFilter, depthwiseConv2dNative, depthwiseConv2dNativeBackpropInput,
      depthwiseConv2dNativeBackpropFilter, maxPool, maxPoolGrad, maxPoolGradGrad, avgPool, avgPoolGrad,
      fusedBatchNormV3, fusedBatchNormGradV3,
      // MARK: Fused ops (made by the remapper and elementwise fusion passes)
      fusedMatMul, fusedElementwise, fusedConv2D,
    ] + indexingOps + layoutOps + scanOps + elementwiseMathOps + neuralNetworkOps
  }
}
