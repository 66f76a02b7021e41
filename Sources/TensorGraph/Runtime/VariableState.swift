import Foundation

/// The value of one variable in one session.
///
/// Reading gives a tensor that aliases the variable's (pinned) buffer, as
/// TensorFlow's ref-typed `VariableV2` output does; update kernels (`Assign`,
/// `ApplyAdam`, …) write that buffer in place without locking, as
/// TensorFlow's non-locking optimizers do, unless their `use_locking`
/// attribute is set: then they hold the variable's update lock, and
/// concurrent updates of one variable from several `run` calls do not lose
/// each other's writes. Replacing the buffer (first
/// assignment, a new shape) happens under a lock, so readers never see a
/// torn shape. Values leaving a session run are copied out of pinned buffers.
public final class VariableState: @unchecked Sendable {
  /// The variable node's name.
  public let name: String
  private let lock = NSLock()
  private var current: Tensor?
  /// Held by updates with `use_locking` for their whole read-modify-write.
  private let updateLock = NSLock()

  init(name: String) {
    self.name = name
  }

  /// The current value (aliasing the variable's storage), or `nil` before
  /// the variable is initialized.
  public var value: Tensor? {
    lock.lock()
    defer { lock.unlock() }
    return current
  }

  /// Sets the value. Copies into the existing buffer when the element count
  /// and dtype are unchanged (TensorFlow's `Assign`), so aliases see the new
  /// value; otherwise installs a new pinned buffer.
  @discardableResult
  public func assign(_ newValue: Tensor) -> Tensor {
    lock.lock()
    defer { lock.unlock() }
    if let old = current, old.dtype == newValue.dtype, old.byteCount == newValue.byteCount {
      if old.storage !== newValue.storage {
        old.storage.data.copyMemory(from: newValue.storage.data, byteCount: newValue.byteCount)
      }
      current = Tensor(dtype: old.dtype, shape: newValue.shape, buffer: old.storage)
    } else {
      let buffer = newValue.copiedBuffer()
      buffer.isPinned = true
      current = Tensor(dtype: newValue.dtype, shape: newValue.shape, buffer: buffer)
    }
    return current!
  }

  /// Runs `body` holding the variable's update lock (TensorFlow's
  /// `use_locking`). Separate from the lock that guards the buffer, which
  /// `body` may take through ``value`` or ``assign(_:)``.
  func withUpdateLock<R>(_ body: () throws -> R) rethrows -> R {
    updateLock.lock()
    defer { updateLock.unlock() }
    return try body()
  }

  /// Forgets the value (the variable becomes uninitialized).
  public func reset() {
    lock.lock()
    defer { lock.unlock() }
    current = nil
  }
}

/// `kernel`, holding the update lock of the variable behind input 0 when
/// the node's `use_locking` attribute is set (AssignAdd, AssignSub, the
/// Apply* optimizer updates).
func lockingWhenAsked(_ b: KernelBuildContext, _ kernel: @escaping KernelFunction) -> KernelFunction {
  guard b.bool("use_locking") else { return kernel }
  return { ctx in try ctx.variable(0).withUpdateLock { try kernel(ctx) } }
}
