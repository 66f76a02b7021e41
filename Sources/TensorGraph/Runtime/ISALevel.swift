import CTensorKernels
import Foundation

/// The x86-64 instruction-set levels of TensorGraph's CPU-dispatched
/// kernels (the float32 optimizer loops and the float32 GEMM).
///
/// `TENSORGRAPH_ISA=baseline|avx2|avx512` caps the level every such kernel
/// may use, so that a machine with AVX-512 can run each path; unset, the
/// kernels use the best level the CPU has. The value is read once, at first
/// use, and fixed for the life of the process, so results never mix paths.
public enum ISALevel: Int, Comparable, CaseIterable, Sendable, CustomStringConvertible {
  /// SSE2, which every x86-64 CPU has (and any other architecture).
  case baseline = 0
  /// AVX2 with FMA (x86-64-v3).
  case avx2 = 1
  /// AVX-512 F, VL, BW and DQ (x86-64-v4).
  case avx512 = 2

  /// The highest level this CPU runs.
  public static let supportedByCPU = ISALevel(rawValue: Int(tg_isa_supported())) ?? .baseline

  /// The level the kernels use: `TENSORGRAPH_ISA` clamped to
  /// `supportedByCPU`, or `supportedByCPU` when unset or unrecognized
  /// (`environmentNote` says why, and the first use prints it on stderr).
  public static let current: ISALevel = {
    let resolved = resolve(ProcessInfo.processInfo.environment["TENSORGRAPH_ISA"])
    if let note = resolved.note { FileHandle.standardError.write(Data("TensorGraph: \(note)\n".utf8)) }
    return resolved.level
  }()

  /// Why `current` differs from what `TENSORGRAPH_ISA` asks for (a level
  /// the CPU lacks, or a value that names no level); `nil` when it does not.
  public static let environmentNote: String? = resolve(ProcessInfo.processInfo.environment["TENSORGRAPH_ISA"]).note

  /// The level for a `TENSORGRAPH_ISA` value on this CPU, and the reason
  /// when it is not the one asked for.
  public static func resolve(_ value: String?) -> (level: ISALevel, note: String?) {
    guard let value, !value.isEmpty else { return (supportedByCPU, nil) }
    guard let asked = allCases.first(where: { $0.description == value.lowercased() }) else {
      return (
        supportedByCPU,
        "TENSORGRAPH_ISA=\(value) names no level (baseline, avx2, avx512): using \(supportedByCPU)"
      )
    }
    guard asked.isSupportedByCPU else {
      return (supportedByCPU, "TENSORGRAPH_ISA=\(value) asks for more than this CPU has: using \(supportedByCPU)")
    }
    return (asked, nil)
  }

  /// Whether this CPU runs code of this level.
  public var isSupportedByCPU: Bool { self <= Self.supportedByCPU }

  /// The level as `TENSORGRAPH_ISA` spells it.
  public var description: String {
    switch self {
    case .baseline: "baseline"
    case .avx2: "avx2"
    case .avx512: "avx512"
    }
  }

  /// The level as the C kernels take it.
  var cLevel: Int32 { Int32(rawValue) }

  public static func < (a: ISALevel, b: ISALevel) -> Bool { a.rawValue < b.rawValue }
}
