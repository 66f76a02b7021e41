// libFuzzer target: the .npy reader (magic, version, header length, Python
// literal header, dtype, byte order, Fortran order, data size). Any input
// must either read or throw TensorGraphError; what reads must write and
// read back equal.
import Foundation
import TensorGraph

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzNPY(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
  let bytes = Data(bytes: data, count: size)
  do {
    let tensor = try Tensor(npyData: bytes)
    if try Tensor(npyData: tensor.npyData()) != tensor { fatalError("written .npy reads back differently") }
  } catch is TensorGraphError {
  } catch {
    fatalError("unexpected error type: \(error)")
  }
  return 0
}
