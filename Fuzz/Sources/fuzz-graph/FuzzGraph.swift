// libFuzzer target: the graph loader (JSON parsing, attribute and tensor
// decoding, topological sort, Graph.addNode validation and shape
// inference). Any input must either load or throw TensorGraphError; a
// loaded graph must re-serialize canonically.
import Foundation
import TensorGraph

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzGraph(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
  let bytes = Data(bytes: data, count: size)
  // Tensors stored by weights_key resolve against a small fixed set.
  let weights = ["w": Tensor([1, 2, 3, 4] as [Float]), "big": Tensor(Int64(7))]
  let graph: Graph
  do {
    graph = try GraphSerializer().decode(bytes, weights: weights)
  } catch is TensorGraphError {
    return 0
  } catch {
    fatalError("unexpected error type: \(error)")
  }
  // What loads must survive a canonical round trip unchanged.
  let json = graph.serialize()
  do {
    if try Graph.deserialize(json).serialize() != json { fatalError("canonical round trip changed the graph") }
  } catch {
    fatalError("a loaded graph's own serialization does not load: \(error)")
  }
  return 0
}
