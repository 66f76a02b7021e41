extension StandardOps {
  /// Reshuffles of whole tensors (Split, ReverseV2, MirrorPad, PadV2, Roll):
  /// one family of the registry table, listed in ``all``.
  static var layoutOps: [OpDef] {
    []
  }
}
