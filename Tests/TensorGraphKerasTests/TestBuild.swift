/// Build facts tests condition on.
enum TestBuild {
  /// Whether this is an optimized build: numeric-heavy tests (real data
  /// sets) run only there (`make test` and CI use `-c release`).
  static var isRelease: Bool {
    #if DEBUG
      false
    #else
      true
    #endif
  }
}
