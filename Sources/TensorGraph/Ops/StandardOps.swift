/// Namespace of the built-in op definitions. Each op is a static property
/// defined next to its builder method (`Ops/<Family>/<Name>.swift`); the
/// registry table lists them all in one place.
public enum StandardOps {
  /// Every built-in op, each exactly once: the table behind
  /// ``OpRegistry/standard``.
  public static var all: [OpDef] { sections.flatMap(\.ops) }

  /// The built-in ops in the groups the op catalog (`Docs/ops.md`,
  /// `tg ops`) lists them under. Each op family of `Ops/<Family>/` keeps its
  /// own list, so ops of different families land without editing this one.
  public static var sections: [OpSection] {
    [
      OpSection("Sources and pass-throughs", [const, placeholder, identity, stopGradient, noOp]),
      OpSection("State", [variableV2, assign, assignAdd, assignSub]),
      OpSection("Optimizer updates", [applyGradientDescent, applyMomentum, applyAdam, applyRMSProp]),
      OpSection("Binary elementwise", [addV2, sub, mul, realDiv, maximum, minimum, squaredDifference, powOp]),
      OpSection("Matrix", [matMul, batchMatMulV2]),
      OpSection("Gradient support", [broadcastGradientArgs, expandDims]),
      OpSection("Unary elementwise", [neg, absOp, square, sign, expOp, logOp, sqrtOp, rsqrt, reciprocal]),
      OpSection("Activations", [relu, relu6, elu, softplus, sigmoid, tanhOp]),
      OpSection(
        "Comparisons and logical",
        [equal, notEqual, less, lessEqual, greater, greaterEqual, logicalNot, logicalAnd, logicalOr]),
      OpSection("Select and Cast", [select, selectV2, cast]),
      OpSection(
        "Neural network",
        [biasAdd, softmax, logSoftmax, softmaxCrossEntropyWithLogits, sparseSoftmaxCrossEntropyWithLogits]),
      OpSection(
        "Shapes and arrays",
        [reshape, transpose, concatV2, pack, slice, tile, broadcastTo, fill, zerosLike, onesLike, shape, oneHot]),
      OpSection("Sums and reductions", [addN, sum, mean, maxReduction, minReduction, prod, argMax]),
      OpSection("Random", [randomUniform, randomStandardNormal, truncatedNormal]),
      OpSection(
        "Array ops for gradients", [pad, unpack, splitV, concatOffset, squeeze, invertPermutation, range]),
      OpSection(
        "Gradient ops",
        [reluGrad, relu6Grad, eluGrad, softplusGrad, sigmoidGrad, tanhGrad, sqrtGrad, rsqrtGrad, reciprocalGrad,
         biasAddGrad]),
      OpSection(
        "Convolutions, pooling and normalization",
        [conv2D, conv2DBackpropInput, conv2DBackpropFilter, depthwiseConv2dNative,
         depthwiseConv2dNativeBackpropInput, depthwiseConv2dNativeBackpropFilter, maxPool, maxPoolGrad,
         maxPoolGradGrad, avgPool, avgPoolGrad, fusedBatchNormV3, fusedBatchNormGradV3]),
      OpSection(
        "Fused ops (made by the remapper and elementwise fusion passes)", [fusedMatMul, fusedElementwise, fusedConv2D]),
      OpSection("Indexing, gather, scatter and segments", indexingOps),
      OpSection("Layout", layoutOps),
      OpSection("Scans and selection", scanOps),
      OpSection("Elementwise math", elementwiseMathOps),
      OpSection("Neural network layers and activations", neuralNetworkOps),
      OpSection("Image", imageOps),
      OpSection("Linear algebra", linalgOps),
    ]
  }
}

/// A titled group of ops: one section of the op catalog.
public struct OpSection: Sendable {
  /// The section heading.
  public let title: String
  /// The ops, in catalog order.
  public let ops: [OpDef]

  /// Creates a section.
  public init(_ title: String, _ ops: [OpDef]) {
    self.title = title
    self.ops = ops
  }
}
