import Foundation

/// A value guarded by a pthread mutex (through `NSLock`).
///
/// Used instead of the Synchronization module's `Mutex`, whose futex-based
/// implementation ThreadSanitizer cannot see: with this lock, TSan runs of
/// the scheduler are meaningful.
final class Locked<Value>: @unchecked Sendable {
  private let lock = NSLock()
  private var value: Value

  init(_ value: Value) { self.value = value }

  /// Runs `body` with exclusive access to the value.
  @inline(__always)
  func withLock<R>(_ body: (inout Value) throws -> R) rethrows -> R {
    lock.lock()
    defer { lock.unlock() }
    return try body(&value)
  }
}
