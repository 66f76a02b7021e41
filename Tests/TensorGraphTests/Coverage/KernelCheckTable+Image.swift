import TensorGraph
import TensorGraphTestSupport

extension KernelCheckTable {
  /// The rows of the `image` op family (`StandardOps.imageOps`), against
  /// ``ResizeReference``. Sizes are chosen so that every bicubic sampling
  /// position lies on TensorFlow's 1/1024 coefficient grid, where its table
  /// equals Keys' closed form.
  static var image: [KernelCheck] {
    let shape = [1, 4, 4, 2], x = (0..<32).map { Double(($0 * 37) % 23) * 0.5 - 5 }
    let modes: [(String, ResizeReference.Mode, Bool, Bool)] = [
      ("legacy", .legacy, false, false), ("align_corners", .alignCorners, true, false),
      ("half_pixel_centers", .halfPixelCenters, false, true),
    ]
    var rows: [KernelCheck] = []
    for (label, mode, align, half) in modes {
      // Up by 2 (7 with align_corners: (4 − 1) / (7 − 1) = ½), down by 2,
      // and a ragged size (bilinear only: the others are exact only on
      // positions where Float and Double round alike).
      for size in [mode == .alignCorners ? [7, 7] : [8, 8], [2, 2], [5, 3]] {
        let kinds: [(String, ResizeReference.Kind)] =
          size == [5, 3] ? [("ResizeBilinear", .bilinear)]
          : [("ResizeBilinear", .bilinear), ("ResizeNearestNeighbor", .nearest), ("ResizeBicubic", .bicubic)]
        for (op, kind) in kinds {
          let want = ResizeReference.resize(x, shape, to: size, mode: mode, kind: kind)
          let outShape = [1, size[0], size[1], 2]
          for dtype in [DType.float32, .float64, .int32] {
            let values = dtype == .int32 ? x.map { ($0 * 2).rounded() } : x
            let wanted = dtype == .int32 ? ResizeReference.resize(values, shape, to: size, mode: mode, kind: kind) : want
            let outType = op == "ResizeNearestNeighbor" ? dtype : .float32
            rows.append(row(op, "\(label) to \(size) \(dtype)", [tensor(values, shape, dtype)],
              .values(outType, outShape, wanted, tolerance: 1e-5)) { g, v in
              switch kind {
              case .bilinear: try g.resizeBilinear(v[0], size: size, alignCorners: align, halfPixelCenters: half)
              case .nearest:
                try g.resizeNearestNeighbor(
                  v[0], size: try g.constant(Tensor(size.map(Int32.init))), alignCorners: align, halfPixelCenters: half)
              case .bicubic:
                try g.resizeBicubic(
                  v[0], size: try g.constant(Tensor(size.map(Int32.init))), alignCorners: align, halfPixelCenters: half)
              }
            })
          }
          // The gradient op of the same resize: the adjoint of the resize.
          let dy = (0..<(size[0] * size[1] * 2)).map { Double($0 % 9) * 0.25 - 1 }
          let dx = ResizeReference.resizeGradient(dy, shape, from: size, mode: mode, kind: kind)
          let gradOp = op + "Grad"
          rows.append(row(gradOp, "\(label) from \(size)", [tensor(dy, outShape, kind == .nearest ? .float64 : .float32)],
            .values(.float64, shape, dx, tolerance: 1e-5)) { g, v in
            let image = try g.constant(Tensor.f64(x, shape))
            switch kind {
            case .bilinear:
              return try g.resizeBilinearGrad(v[0], originalImage: image, alignCorners: align, halfPixelCenters: half)
            case .nearest:
              return try g.resizeNearestNeighborGrad(
                v[0], size: try g.constant(Tensor([Int32(4), 4])), alignCorners: align, halfPixelCenters: half)
            case .bicubic:
              return try g.resizeBicubicGrad(v[0], originalImage: image, alignCorners: align, halfPixelCenters: half)
            }
          })
        }
      }
    }
    return rows
  }
}
