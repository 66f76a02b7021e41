import Foundation

/// Options of a ``Session``.
public struct SessionOptions: Sendable {
  /// Threads one run may keep busy (the caller included); `nil` uses the
  /// whole ``ComputePool`` (`TENSORGRAPH_NUM_THREADS` or every core). `1`
  /// runs every node on the calling thread, in plan order.
  public var threads: Int?
  /// Whether buffers are recycled as soon as their last consumer has run
  /// and elementwise ops write in place into dying inputs. Turn off only to
  /// measure what planning saves.
  public var memoryPlanning: Bool

  /// Creates options.
  public init(threads: Int? = nil, memoryPlanning: Bool = true) {
    self.threads = threads
    self.memoryPlanning = memoryPlanning
  }
}

/// Per-call options of ``Session/run(fetches:feeds:targets:options:)``.
public struct RunOptions: Sendable {
  /// Record when and where every node ran (see ``RunTrace``).
  public var trace: Bool
  /// Stop at the first node whose floating-point output holds NaN or Inf
  /// and throw an error naming it, its op, its creation site and the ranges
  /// of its inputs.
  public var checkNumerics: Bool

  /// Creates options.
  public init(trace: Bool = false, checkNumerics: Bool = false) {
    self.trace = trace
    self.checkNumerics = checkNumerics
  }
}

/// What a run reports besides its fetches.
public struct RunMetadata: Sendable {
  /// The trace, when ``RunOptions/trace`` was set.
  public var trace: RunTrace?
  /// The most bytes of tensor buffers the run held at once (intermediate
  /// values and outputs; feeds, constants and variables excluded).
  public var peakBytes: Int
  /// Bytes allocated from the system during the run (not recycled).
  public var allocatedBytes: Int
}

/// A record of one run: per node, when it started, how long it took, which
/// thread ran it and how many bytes it produced. Written as Chrome
/// trace-event JSON, which chrome://tracing and Perfetto open.
public struct RunTrace: Sendable {
  /// One node's execution.
  public struct Event: Sendable {
    /// Node name.
    public var node: String
    /// Op type.
    public var op: String
    /// Start, in nanoseconds since the run began.
    public var startNanoseconds: UInt64
    /// Duration in nanoseconds.
    public var durationNanoseconds: UInt64
    /// Index of the worker thread (0 is the calling thread).
    public var thread: Int
    /// Bytes of the node's outputs.
    public var outputBytes: Int
  }

  /// Events in the order the nodes started.
  public var events: [Event]

  /// The trace in Chrome's trace-event format (complete `"X"` events,
  /// microsecond timestamps).
  public func chromeTraceJSON() -> String {
    var s = "{\"traceEvents\":[\n"
    s += "{\"name\":\"process_name\",\"ph\":\"M\",\"pid\":1,\"args\":{\"name\":\"TensorGraph\"}}"
    for e in events {
      s += ",\n{\"name\":\(jsonString(e.node)),\"cat\":\(jsonString(e.op)),\"ph\":\"X\",\"pid\":1,\"tid\":\(e.thread)"
      s += ",\"ts\":\(Double(e.startNanoseconds) / 1000),\"dur\":\(Double(e.durationNanoseconds) / 1000)"
      s += ",\"args\":{\"op\":\(jsonString(e.op)),\"output_bytes\":\(e.outputBytes)}}"
    }
    return s + "\n],\"displayTimeUnit\":\"ns\"}\n"
  }

  /// Writes ``chromeTraceJSON()`` to `url` atomically.
  public func write(to url: URL) throws {
    do {
      try Data(chromeTraceJSON().utf8).write(to: url, options: .atomic)
    } catch {
      throw TensorGraphError(.io, "cannot write trace to \(url.path): \(error.localizedDescription)")
    }
  }
}

/// A JSON string literal for `s`.
func jsonString(_ s: String) -> String {
  var out = "\""
  for u in s.unicodeScalars {
    switch u {
    case "\"": out += "\\\""
    case "\\": out += "\\\\"
    case "\n": out += "\\n"
    case "\r": out += "\\r"
    case "\t": out += "\\t"
    default:
      if u.value < 0x20 {
        out += String(format: "\\u%04x", u.value)
      } else {
        out.unicodeScalars.append(u)
      }
    }
  }
  return out + "\""
}
