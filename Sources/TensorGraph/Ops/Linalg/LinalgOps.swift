extension StandardOps {
  /// Linear algebra beyond MatMul (Einsum): one family of the registry
  /// table, listed in ``all``.
  static var linalgOps: [OpDef] { [einsum] }
}
