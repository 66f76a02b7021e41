extension StandardOps {
  /// Image ops (the resizes of tf.compat.v1.image and their gradients):
  /// one family of the registry table, listed in ``all``.
  static var imageOps: [OpDef] {
    [resizeBilinear, resizeBilinearGrad, resizeNearestNeighbor, resizeNearestNeighborGrad, resizeBicubic, resizeBicubicGrad]
  }
}
