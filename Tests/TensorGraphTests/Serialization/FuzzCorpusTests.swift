import Foundation
import Testing
import TensorGraph
import TensorGraphTestSupport

/// Replays every file in the fuzzers' corpora (`Fuzz/corpus/<target>/`)
/// through the same checks the harnesses make: every input reads or throws
/// a `TensorGraphError`, and what reads round-trips. The corpora hold
/// hand-made seeds (small valid and invalid files); the fuzzers have found
/// no crash so far. An input a fuzzer crashes on goes into the same folder
/// under libFuzzer's name (`crash-<sha1>`), with its fix, and is replayed
/// here from then on. See `Docs/fuzzing.md`.
@Suite struct FuzzCorpusTests {
  static func inputs(_ target: String) throws -> [URL] {
    let dir = SerializationFixtures.repositoryRoot.appendingPathComponent("Fuzz/corpus/\(target)")
    let urls = try FileManager.default.contentsOfDirectory(at: dir, includingPropertiesForKeys: [.isRegularFileKey])
    // A folder or link here would be skipped by nothing else: reject it.
    for url in urls where try url.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile != true {
      Issue.record("\(url.path) is not a regular file; the corpus folders hold input files only")
    }
    return urls.sorted { $0.lastPathComponent < $1.lastPathComponent }
  }

  /// Runs `body`; a thrown error must be a TensorGraphError.
  func readsOrThrowsTensorGraphError(_ url: URL, _ body: () throws -> Void) -> Bool {
    do {
      try body()
      return true
    } catch is TensorGraphError {
      return false
    } catch {
      Issue.record("\(url.lastPathComponent): unexpected error type \(type(of: error)): \(error)")
      return false
    }
  }

  @Test func graphCorpus() throws {
    var loaded = 0
    for url in try Self.inputs("graph") {
      let data = try Data(contentsOf: url)
      let ok = readsOrThrowsTensorGraphError(url) {
        let weights = ["w": Tensor([1, 2, 3, 4] as [Float]), "big": Tensor(Int64(7))]
        let json = try GraphSerializer().decode(data, weights: weights).serialize()
        #expect(try Graph.deserialize(json).serialize() == json, "\(url.lastPathComponent)")
      }
      if ok { loaded += 1 }
    }
    #expect(loaded >= 5)
  }

  @Test func safetensorsCorpus() throws {
    var read = 0
    for url in try Self.inputs("safetensors") {
      let data = try Data(contentsOf: url)
      let ok = readsOrThrowsTensorGraphError(url) {
        let file = try SafeTensorsFile(data: data)
        let tensors = try file.tensors()
        #expect(try SafeTensors.decode(SafeTensors.encode(tensors, metadata: file.metadata)) == tensors)
      }
      if ok { read += 1 }
    }
    #expect(read >= 3)
  }

  @Test func npyCorpus() throws {
    var read = 0
    for url in try Self.inputs("npy") {
      let data = try Data(contentsOf: url)
      let ok = readsOrThrowsTensorGraphError(url) {
        let t = try Tensor(npyData: data)
        #expect(try Tensor(npyData: t.npyData()) == t)
      }
      if ok { read += 1 }
    }
    #expect(read >= 5)
  }
}
