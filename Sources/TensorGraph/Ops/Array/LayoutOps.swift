extension StandardOps {
  /// Reshuffles of whole tensors (ReverseV2, Roll, MirrorPad, PadV2):
  /// one family of the registry table, listed in ``all``.
  static var layoutOps: [OpDef] {
    [reverseV2, roll, mirrorPad, mirrorPadGrad, padV2]
  }
}
