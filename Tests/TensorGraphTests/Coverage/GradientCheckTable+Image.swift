import TensorGraph
import TensorGraphTestSupport

extension GradientCheckTable {
  /// The rows of the `image` op family (`StandardOps.imageOps`). The
  /// resizes compute in float32 and are linear in the image, so a large
  /// step keeps float32 rounding out of the finite differences.
  static var image: [GradientCheck] {
    var rng = TestRandom(seed: 62)
    let x = Tensor.f64(rng.uniform(24, in: -2...2), [1, 3, 4, 2])
    let dy = Tensor.f64(rng.uniform(70, in: -2...2), [1, 5, 7, 2])
    return [
      GradientCheck(op: "ResizeBilinear", label: "half_pixel_centers up", inputs: [x], tolerance: 1e-3, delta: 0.05) {
        g, v, _ in try g.float64(try g.resizeBilinear(v[0], size: [5, 7], halfPixelCenters: true))
      },
      GradientCheck(op: "ResizeBilinear", label: "align_corners down", inputs: [x], tolerance: 1e-3, delta: 0.05) {
        g, v, _ in try g.float64(try g.resizeBilinear(v[0], size: [2, 3], alignCorners: true))
      },
      GradientCheck(op: "ResizeBicubic", label: "legacy up", inputs: [x], tolerance: 1e-3, delta: 0.05) { g, v, _ in
        try g.float64(try g.resizeBicubic(v[0], size: try g.constant(Tensor([Int32(5), 7]))))
      },
      GradientCheck(op: "ResizeBicubic", label: "half_pixel_centers up", inputs: [x], tolerance: 1e-3, delta: 0.05) {
        g, v, _ in try g.float64(try g.resizeBicubic(v[0], size: try g.constant(Tensor([Int32(5), 7])), halfPixelCenters: true))
      },
      GradientCheck(op: "ResizeNearestNeighbor", label: "legacy up", inputs: [x]) { g, v, _ in
        try g.resizeNearestNeighbor(v[0], size: try g.constant(Tensor([Int32(5), 7])))
      },
      GradientCheck(op: "ResizeNearestNeighbor", label: "half_pixel_centers down", inputs: [x]) { g, v, _ in
        try g.resizeNearestNeighbor(v[0], size: try g.constant(Tensor([Int32(2), 3])), halfPixelCenters: true)
      },
      // The gradient ops are linear in grads; their gradient is the resize.
      GradientCheck(op: "ResizeBilinearGrad", label: "half_pixel_centers", inputs: [dy], tolerance: 1e-3, delta: 0.05) {
        g, v, _ in
        try g.resizeBilinearGrad(try g.cast(v[0], to: .float32), originalImage: try g.constant(x), halfPixelCenters: true)
      },
      GradientCheck(op: "ResizeBicubicGrad", label: "legacy", inputs: [dy], tolerance: 1e-3, delta: 0.05) { g, v, _ in
        try g.resizeBicubicGrad(try g.cast(v[0], to: .float32), originalImage: try g.constant(x))
      },
      GradientCheck(op: "ResizeNearestNeighborGrad", label: "align_corners", inputs: [dy]) { g, v, _ in
        try g.resizeNearestNeighborGrad(v[0], size: try g.constant(Tensor([Int32(3), 4])), alignCorners: true)
      },
    ]
  }
}

extension Graph {
  /// `y` cast to float64, the dtype the gradient checker differentiates.
  fileprivate func float64(_ y: Output) throws -> Output { try cast(y, to: .float64) }
}
