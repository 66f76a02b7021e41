// libFuzzer target: the safetensors reader (header length, JSON header,
// offsets and coverage checks, tensor reads). Any input must either read
// or throw TensorGraphError; what reads must re-encode and read back equal.
import Foundation
import TensorGraph

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzSafeTensors(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
  let bytes = Data(bytes: data, count: size)
  do {
    let file = try SafeTensorsFile(data: bytes)
    let tensors = try file.tensors()
    let encoded = try SafeTensors.encode(tensors, metadata: file.metadata)
    if try SafeTensors.decode(encoded) != tensors { fatalError("re-encoded tensors differ") }
  } catch is TensorGraphError {
  } catch {
    fatalError("unexpected error type: \(error)")
  }
  return 0
}
