extension StandardOps {
  /// Scans and selections (Cumsum, Cumprod, TopKV2, ArgMin, All, Any, InTopKV2): one family of the registry table, listed in all.
  static var scanOps: [OpDef] {
    [cumsum, cumprod, topKV2, argMin, allOp, anyOp, inTopKV2]
  }
}
