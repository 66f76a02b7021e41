import Testing
import TensorGraph
import TensorGraphTestSupport

/// The resizes on values worked by hand, their shapes, and the sizes and
/// modes they reject. TensorFlow's own values for every mode are in
/// `Fixtures/ops/image.safetensors` (`TFOpFixtureTests`).
@Suite struct ResizeTests {
  static func image(_ values: [Double], _ h: Int, _ w: Int) -> Tensor { Tensor.f64(values, [1, h, w, 1]) }

  @Test func bilinearByHand() throws {
    let g = Graph()
    // align_corners: the corners stay, the midpoints average.
    let a = try g.resizeBilinear(try g.constant(Self.image([1, 2, 3, 4], 2, 2)), size: [3, 3], alignCorners: true)
    // half_pixel_centers, [0, 4] → 4 wide: samples at -¼, ¼, ¾, 1¼ of a pixel, clamped at the edges.
    let h = try g.resizeBilinear(try g.constant(Self.image([0, 4], 1, 2)), size: [1, 4], halfPixelCenters: true)
    // legacy: samples at 0, ½, 1, 1½ (the last clamps to the edge).
    let l = try g.resizeBilinear(try g.constant(Self.image([0, 4], 1, 2)), size: [1, 4])
    let out = try Session(graph: g).run(fetches: [a, h, l])
    #expect(a.dtype == .float32 && a.shape == [1, 3, 3, 1])
    #expect(out[0].doubles() == [1, 1.5, 2, 2, 2.5, 3, 3, 3.5, 4])
    #expect(out[1].doubles() == [0, 1, 3, 4])
    #expect(out[2].doubles() == [0, 2, 4, 4])
  }

  @Test func nearestByHand() throws {
    let g = Graph()
    let x = try g.constant(try Tensor(shape: [1, 1, 2, 1], scalars: [Int32(10), 20]))
    let size = try g.constant(Tensor([Int32(1), 3]))
    let legacy = try g.resizeNearestNeighbor(x, size: size)
    let half = try g.resizeNearestNeighbor(x, size: size, halfPixelCenters: true)
    let corners = try g.resizeNearestNeighbor(x, size: size, alignCorners: true)
    let out = try Session(graph: g).run(fetches: [legacy, half, corners])
    #expect(legacy.dtype == .int32)
    #expect(out[0].doubles() == [10, 10, 20])  // floor(i · 2/3)
    #expect(out[1].doubles() == [10, 20, 20])  // floor((i + ½) · 2/3)
    #expect(out[2].doubles() == [10, 20, 20])  // round(i · ½), halves away from zero
  }

  @Test func bicubicKeepsConstantsAndInterpolatesTheMiddle() throws {
    let g = Graph()
    let flat = try g.resizeBicubic(
      try g.constant(Self.image([Double](repeating: 3, count: 16), 4, 4)), size: try g.constant(Tensor([Int32(7), 5])),
      halfPixelCenters: true)
    // Halfway between 0 and 1 in [0, 0, 1, 1] (legacy, a = -0.75): the
    // four taps weigh -0.09375, 0.59375, 0.59375, -0.09375.
    let step = try g.resizeBicubic(
      try g.constant(Self.image([0, 0, 1, 1], 1, 4)), size: try g.constant(Tensor([Int32(1), 8])))
    let out = try Session(graph: g).run(fetches: [flat, step])
    expectClose(out[0], [Double](repeating: 3, count: 35), tolerance: 1e-6)
    #expect(abs(out[1].doubles()[3] - 0.5) < 1e-7)
  }

  @Test func badSizesAndModesAreErrors() throws {
    let g = Graph()
    let x = try g.constant(Self.image([1, 2, 3, 4], 2, 2))
    expectError(.invalidArgument, containing: ["output dimensions must be positive", "ResizeBilinear"]) {
      try g.resizeBilinear(x, size: [0, 3])
    }
    expectError(.invalidArgument, containing: ["align_corners must be False"]) {
      try g.resizeBilinear(x, size: [3, 3], alignCorners: true, halfPixelCenters: true)
    }
    expectError(.invalidArgument, containing: ["4-dimensional"]) {
      try g.resizeBicubic(try g.constant(Tensor.f64([1, 2], [2])), size: try g.constant(Tensor([Int32(2), 2])))
    }
    // Fed: the kernel checks the size it only sees at run time.
    let h = Graph()
    let size = try h.placeholder(.int32, shape: nil, name: "size")
    let y = try h.resizeNearestNeighbor(try h.constant(Self.image([1, 2, 3, 4], 2, 2)), size: size, name: "zoom")
    expectError(.invalidArgument, containing: ["output dimensions must be positive", "zoom"]) {
      try Session(graph: h).run(y, feeds: [size: Tensor([Int32(-1), 2])])
    }
  }
}
