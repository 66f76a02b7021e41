import Testing
import TensorGraphKeras

@Suite struct KerasNamingTests {
  @Test(arguments: [
    ("Dense", "dense"), ("Conv2D", "conv2d"), ("MaxPooling2D", "max_pooling2d"),
    ("BatchNormalization", "batch_normalization"), ("GlobalAveragePooling2D", "global_average_pooling2d"),
    ("InputLayer", "input_layer"), ("Sequential", "sequential"), ("Softmax", "softmax"), ("ReLU", "re_lu"),
  ])
  func snakeCaseMatchesKeras(className: String, expected: String) {
    #expect(KerasNaming.snakeCase(className) == expected)
  }

  @Test func namesAreUniquePerGraph() {
    let g = Graph(), h = Graph()
    #expect(KerasNaming.uniqueName("dense", in: g) == "dense")
    #expect(KerasNaming.uniqueName("dense", in: g) == "dense_1")
    #expect(KerasNaming.uniqueName("flatten", in: g) == "flatten")
    #expect(KerasNaming.uniqueName("dense", in: h) == "dense")
    #expect(KerasNaming.uniqueName("dense", in: g) == "dense_2")
  }
}
