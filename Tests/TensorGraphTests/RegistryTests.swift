import Testing
import TensorGraph

@Suite struct RegistryTests {
  /// The ops the foundation issue names; each must be registered.
  static let required = [
    "Const", "Placeholder", "Identity", "StopGradient", "VariableV2", "Assign", "AssignAdd", "AssignSub", "AddV2",
    "Sub", "Mul", "RealDiv", "Maximum", "Minimum", "SquaredDifference", "Neg", "Abs", "Exp", "Log", "Sqrt", "Rsqrt",
    "Reciprocal", "Square", "Pow", "Relu", "Relu6", "Elu", "Softplus", "Sigmoid", "Tanh", "Softmax", "LogSoftmax",
    "MatMul", "BatchMatMulV2", "BiasAdd", "AddN", "Sum", "Mean", "Max", "Min", "Prod", "ArgMax", "Equal", "NotEqual",
    "Less", "Greater", "Select", "Cast", "Reshape", "Transpose", "ConcatV2", "Slice", "Pack", "Tile", "BroadcastTo",
    "Fill", "ZerosLike", "OnesLike", "Shape", "OneHot", "RandomUniform", "RandomStandardNormal", "TruncatedNormal",
    "SoftmaxCrossEntropyWithLogits", "SparseSoftmaxCrossEntropyWithLogits",
  ]

  @Test func everyOpHasAKernel() {
    for op in OpRegistry.standard.ops {
      #expect(op.kernel != nil, "\(op.name) has no kernel")
    }
  }

  @Test(arguments: required)
  func requiredOpIsRegistered(_ name: String) {
    #expect(OpRegistry.standard.op(named: name) != nil, "\(name) is not registered")
  }

  @Test func typeAttributesReferToDeclaredAttributes() {
    for op in OpRegistry.standard.ops {
      for arg in op.inputs + op.outputs {
        if case .attr(let t) = arg.type {
          #expect(op.attr(named: t)?.kind == .type, "\(op.name).\(arg.name) uses undeclared type attr \(t)")
        }
        if let n = arg.countAttr {
          #expect(op.attr(named: n)?.kind == .int, "\(op.name).\(arg.name) uses undeclared count attr \(n)")
        }
      }
    }
  }
}

@Suite struct RegistryGradientTests {
  /// Every op either has a gradient function or is explicitly marked as not
  /// differentiable.
  @Test func everyOpHasAGradientRule() {
    let undefined = OpRegistry.standard.ops.filter {
      if case .undefined = $0.gradient { return true }
      return false
    }.map(\.name)
    #expect(undefined.isEmpty, "ops without a gradient rule: \(undefined)")
  }
}
