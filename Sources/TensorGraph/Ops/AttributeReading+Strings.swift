extension AttributeReading {
  /// The `list(string)` attribute `name` (empty when unset).
  public func strings(_ name: String) -> [String] {
    if case .strings(let v)? = attrs[name] { return v }
    return []
  }
}
