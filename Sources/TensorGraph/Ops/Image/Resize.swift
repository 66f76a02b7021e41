// The image resizes of tf.compat.v1.image (ResizeBilinear,
// ResizeNearestNeighbor, ResizeBicubic) on NHWC images, with TensorFlow's
// align_corners and half_pixel_centers conventions, and their gradient ops
// (ResizeBilinearGrad, ResizeNearestNeighborGrad, ResizeBicubicGrad) as
// image_grad.py registers them. The gradient ops are linear in the
// upstream gradient and their own gradient is the forward resize, so
// second derivatives work too. Kernels are in
// Runtime/Kernels/ResizeKernels.swift.

private let resizeModeAttrs = ["align_corners: bool = false", "half_pixel_centers: bool = false"]
private let resizeImageTypes = "T: {float32, float64, int32, int64, uint8}"

/// What the resizes check of their attributes and shapes, shared by the
/// shape functions and the kernels.
private enum ResizeRules {
  static func checkModes(alignCorners: Bool, halfPixelCenters: Bool) throws(IndexingError) {
    if alignCorners && halfPixelCenters {
      throw .init(message: "If half_pixel_centers is True, align_corners must be False.")
    }
  }

  static func checkSize(_ size: [Int]) throws(IndexingError) {
    guard size.count == 2 else {
      throw .init(message: "size must hold two elements (new height, new width) but has \(size.count): \(size)")
    }
    guard size[0] > 0, size[1] > 0 else {
      throw .init(message: "output dimensions must be positive, but size is \(size)")
    }
  }
}

extension ShapeContext {
  /// `[batch, size[0], size[1], channels]` of resizing the NHWC images of
  /// input 0 to the size of input 1 (an int32 vector of 2).
  fileprivate func resizedShape(sizeInput: Int = 1, from images: PartialShape) throws -> PartialShape {
    try requireVector(sizeInput, "size")
    do throws(IndexingError) {
      try ResizeRules.checkModes(alignCorners: bool("align_corners"), halfPixelCenters: bool("half_pixel_centers"))
      if let r = images.rank, r != 4 {
        throw IndexingError(message: "input must be 4-dimensional (NHWC) but has shape \(images)")
      }
      if let n = shape(sizeInput)[0].value, n != 2 {
        throw IndexingError(message: "size must hold two elements (new height, new width) but has shape \(shape(sizeInput))")
      }
      var h: Dimension = .unknown, w: Dimension = .unknown
      if let size = constantInts(sizeInput) {
        try ResizeRules.checkSize(size)
        (h, w) = (.known(size[0]), .known(size[1]))
      }
      return PartialShape(dims: [images[0], h, w, images[3]])
    } catch {
      throw invalid("\(error.message) (resizing images of shape \(images))")
    }
  }
}

extension KernelContext {
  /// The geometry of resizing NHWC `images` to `[height, width]`
  /// (`size` vector input `sizeInput`, or the shape of input
  /// `originalInput` for the gradients).
  fileprivate func resizeGeometry(
    images: [Int], to size: [Int], alignCorners: Bool, halfPixelCenters: Bool
  ) throws -> ResizeGeometry {
    do throws(IndexingError) {
      try ResizeRules.checkModes(alignCorners: alignCorners, halfPixelCenters: halfPixelCenters)
      guard images.count == 4 else {
        throw IndexingError(message: "input must be 4-dimensional (NHWC) but has shape \(images)")
      }
      try ResizeRules.checkSize(size)
      guard images[1] > 0, images[2] > 0 else {
        throw IndexingError(message: "input image must be of non-zero size, but has shape \(images)")
      }
    } catch {
      throw self.error(.invalidArgument, error.message)
    }
    let geometry = ResizeGeometry(
      batch: images[0], channels: images[3],
      height: ResizeAxis(input: images[1], output: size[0], alignCorners: alignCorners, halfPixelCenters: halfPixelCenters),
      width: ResizeAxis(input: images[2], output: size[1], alignCorners: alignCorners, halfPixelCenters: halfPixelCenters))
    try checkAllocatable(geometry.outputShape, .float64, "the resized shape")
    return geometry
  }

  /// Input `i` as a resize's size: an int32 vector.
  fileprivate func resizeSize(_ i: Int) throws -> [Int] {
    guard input(i).rank == 1 else {
      throw error(.invalidArgument, "size must be 1-dimensional but has shape \(input(i).shape)")
    }
    return input(i).indexScalars()
  }
}

/// The kernel of an interpolating resize (float32 output) of any image
/// dtype: `resize` runs on the image's elements read as Float.
private func interpolatingKernel(
  _ resize: @escaping @Sendable (ResizeGeometry, Tensor, Tensor, KernelContext) -> Void
) -> KernelFactory {
  { b in
    let align = b.bool("align_corners"), half = b.bool("half_pixel_centers")
    return { ctx in
      let images = ctx.input(0)
      let geo = try ctx.resizeGeometry(
        images: images.shape, to: try ctx.resizeSize(1), alignCorners: align, halfPixelCenters: half)
      let out = ctx.allocateOutput(0, dtype: .float32, shape: geo.outputShape)
      if out.scalarCount > 0 { resize(geo, images, out, ctx) }
      ctx.setOutput(0, out)
    }
  }
}

/// The kernel of a resize's gradient op (float32 upstream gradient, output
/// of the original image's float dtype).
private func interpolatingGradKernel(
  _ grad: @escaping @Sendable (ResizeGeometry, Tensor, Tensor) -> Void
) -> KernelFactory {
  { b in
    let align = b.bool("align_corners"), half = b.bool("half_pixel_centers")
    return { ctx in
      let dy = ctx.input(0), original = ctx.input(1)
      guard dy.rank == 4, original.rank == 4, dy.shape[0] == original.shape[0], dy.shape[3] == original.shape[3] else {
        throw ctx.error(
          .invalidArgument,
          "grads (shape \(dy.shape)) and original_image (shape \(original.shape)) must be 4-D with the same batch and channels")
      }
      // Map the gradient's positions (the forward output's) onto the image's.
      let geo = try ctx.resizeGeometry(
        images: original.shape, to: [dy.shape[1], dy.shape[2]], alignCorners: align, halfPixelCenters: half)
      let dx = ctx.allocateOutput(0, dtype: original.dtype, shape: original.shape)
      dx.mutableRawPointer.initializeMemory(as: UInt8.self, repeating: 0, count: original.scalarCount * original.dtype.byteSize)
      grad(geo, dy, dx)
      ctx.setOutput(0, dx)
    }
  }
}

/// Runs an interpolating resize: the image as float32 (converted once
/// when it is of another dtype, as TensorFlow's kernels read every dtype
/// as float), then the Float kernel.
private func interpolate(
  _ geo: ResizeGeometry, _ images: Tensor, _ out: Tensor, _ ctx: KernelContext, cubic: Bool
) {
  let dst = out.unsafeMutablePointer(as: Float.self)
  func run(_ src: UnsafePointer<Float>) {
    if cubic {
      resizeBicubic(geo, src, dst, ctx)
    } else {
      resizeBilinear(geo, src, dst, ctx)
    }
  }
  if images.dtype == .float32 {
    run(images.unsafePointer(as: Float.self))
    return
  }
  let n = images.scalarCount
  let floats = UnsafeMutablePointer<Float>.allocate(capacity: Swift.max(1, n))
  defer { floats.deallocate() }
  func convert<E: TensorScalar>(_: E.Type, _ f: (E) -> Float) {
    let p = images.unsafePointer(as: E.self)
    for i in 0..<n { floats[i] = f(p[i]) }
  }
  switch images.dtype {
  case .float64: convert(Double.self) { Float($0) }
  case .int32: convert(Int32.self) { Float($0) }
  case .int64: convert(Int64.self) { Float($0) }
  default: convert(UInt8.self) { Float($0) }
  }
  run(floats)
}

extension ShapeContext {
  /// The shape of a resize's gradient op: the original image's (input 1),
  /// after checking grads (input 0) against it.
  fileprivate func resizeGradShape() throws -> PartialShape {
    let grads = shape(0), image = shape(1)
    do throws(IndexingError) {
      try ResizeRules.checkModes(alignCorners: bool("align_corners"), halfPixelCenters: bool("half_pixel_centers"))
    } catch {
      throw invalid(error.message)
    }
    for (label, s) in [("grads", grads), ("original_image", image)] {
      if let r = s.rank, r != 4 { throw self.error("\(label) must be 4-dimensional (NHWC) but has shape \(s)") }
    }
    if grads[0].merged(with: image[0]) == nil || grads[3].merged(with: image[3]) == nil {
      throw self.error("grads (shape \(grads)) and original_image (shape \(image)) must have the same batch and channels")
    }
    return image
  }
}

/// The spatial size of a resize's gradient: the original image's size as a
/// constant when known, else from its shape.
private func imageSize(_ g: Graph, _ image: Output) throws -> Output {
  if let h = image.shape[1].value, let w = image.shape[2].value {
    return try g.constant(Tensor([Int32(h), Int32(w)]), name: "size")
  }
  return try g.slice(try g.shapeTensor(of: image, dtype: .int32), begin: [1], size: [2])
}

extension StandardOps {
  static let resizeBilinear = OpDef(
    "ResizeBilinear", inputs: ["images: T", "size: int32"], outputs: ["resized_images: float32"],
    attrs: [resizeImageTypes] + resizeModeAttrs,
    summary: "Resizes NHWC images to size by bilinear interpolation (float32 output).",
    shape: { c in [try c.resizedShape(from: c.shape(0))] },
    kernel: interpolatingKernel { geo, images, out, ctx in interpolate(geo, images, out, ctx, cubic: false) },
    gradient: .function { c in
      guard c.input(0).dtype.isFloatingPoint else { return [nil, nil] }
      return [try c.graph.resizeBilinearGrad(c.grad, originalImage: c.input(0), modes: c), nil]
    },
    cost: { c in Cost(flops: 8 * CostContext.elements(c.outputs[0].shape), bytes: c.inputBytes + c.outputBytes) })

  static let resizeBilinearGrad = OpDef(
    "ResizeBilinearGrad", inputs: ["grads: float32", "original_image: T"], outputs: ["output: T"],
    attrs: ["T: {float32, float64}"] + resizeModeAttrs,
    summary: "ResizeBilinear's gradient: each output gradient spread onto the four pixels it interpolated.",
    shape: { c in [try c.resizeGradShape()] },
    kernel: interpolatingGradKernel { geo, dy, dx in
      let g = dy.unsafePointer(as: Float.self)
      if dx.dtype == .float32 {
        resizeBilinearGradient(geo, g, dx.unsafeMutablePointer(as: Float.self))
      } else {
        resizeBilinearGradient(geo, g, dx.unsafeMutablePointer(as: Double.self))
      }
    },
    gradient: .function { c in
      // Linear in grads: its gradient is the forward resize to grads' size.
      let g = c.graph
      return [try g.resizeBilinear(c.grad, size: try imageSize(g, c.input(0)), modes: c), nil]
    },
    cost: { c in Cost(flops: 8 * CostContext.elements(c.inputs[0].shape), bytes: c.inputBytes + c.outputBytes) })
}

// MARK: - Nearest neighbour and bicubic

extension StandardOps {
  static let resizeNearestNeighbor = OpDef(
    "ResizeNearestNeighbor", inputs: ["images: T", "size: int32"], outputs: ["resized_images: T"],
    attrs: [resizeImageTypes] + resizeModeAttrs,
    summary: "Resizes NHWC images to size by copying the nearest pixel (same dtype as the images).",
    shape: { c in [try c.resizedShape(from: c.shape(0))] },
    kernel: { b in
      let align = b.bool("align_corners"), half = b.bool("half_pixel_centers")
      func make<E: FixedWidthInteger & SendableMetatype>(_: E.Type) -> KernelFunction {
        { ctx in
          let images = ctx.input(0)
          let geo = try ctx.resizeGeometry(
            images: images.shape, to: try ctx.resizeSize(1), alignCorners: align, halfPixelCenters: half)
          let out = ctx.allocateOutput(0, dtype: images.dtype, shape: geo.outputShape)
          if out.scalarCount > 0 {
            resizeNearest(
              geo, images.rawPointer.assumingMemoryBound(to: E.self), out.mutableRawPointer.assumingMemoryBound(to: E.self),
              ctx)
          }
          ctx.setOutput(0, out)
        }
      }
      switch b.inputs[0].dtype.byteSize {
      case 1: return make(UInt8.self)
      case 4: return make(UInt32.self)
      default: return make(UInt64.self)
      }
    },
    gradient: .function { c in
      guard c.input(0).dtype.isFloatingPoint else { return [nil, nil] }
      let g = c.graph
      return [try g.resizeNearestNeighborGrad(c.grad, size: try imageSize(g, c.input(0)), modes: c), nil]
    },
    cost: { c in Cost(flops: 0, bytes: c.inputBytes + c.outputBytes) })

  static let resizeNearestNeighborGrad = OpDef(
    "ResizeNearestNeighborGrad", inputs: ["grads: T", "size: int32"], outputs: ["output: T"],
    attrs: ["T: {float32, float64, int32, uint8}"] + resizeModeAttrs,
    summary: "ResizeNearestNeighbor's gradient: each output gradient added to the pixel it copied, in an image of size.",
    shape: { c in [try c.resizedShape(from: c.shape(0))] },
    kernel: { b in
      let align = b.bool("align_corners"), half = b.bool("half_pixel_centers")
      func make<T: TensorNumericScalar>(_: T.Type) -> KernelFunction {
        { ctx in
          let dy = ctx.input(0)
          let size = try ctx.resizeSize(1)
          guard dy.rank == 4 else {
            throw ctx.error(.invalidArgument, "grads must be 4-dimensional (NHWC) but has shape \(dy.shape)")
          }
          guard size.count == 2, size[0] > 0, size[1] > 0 else {
            throw ctx.error(.invalidArgument, "size must hold two positive elements (the image's height, width) but is \(size)")
          }
          // The original image: map the gradient's positions onto it.
          let shape = [dy.shape[0], size[0], size[1], dy.shape[3]]
          try ctx.checkAllocatable(shape, dy.dtype, "the image shape")
          let geo = try ctx.resizeGeometry(
            images: shape, to: [dy.shape[1], dy.shape[2]], alignCorners: align, halfPixelCenters: half)
          let dx = ctx.allocateOutput(0, dtype: dy.dtype, shape: shape)
          let p = dx.unsafeMutablePointer(as: T.self)
          p.update(repeating: .zero, count: dx.scalarCount)
          if dy.scalarCount > 0 { resizeNearestGrad(geo, dy.unsafePointer(as: T.self), p) }
          ctx.setOutput(0, dx)
        }
      }
      switch b.inputs[0].dtype {
      case .float32: return make(Float.self)
      case .float64: return make(Double.self)
      case .int32: return make(Int32.self)
      case .uint8: return make(UInt8.self)
      default: throw b.unsupported()
      }
    },
    gradient: .function { c in
      let g = c.graph
      return [try g.resizeNearestNeighbor(c.grad, size: try imageSize(g, c.input(0)), modes: c), nil]
    },
    cost: { c in Cost(flops: CostContext.elements(c.inputs[0].shape), bytes: c.inputBytes + c.outputBytes) })

  static let resizeBicubic = OpDef(
    "ResizeBicubic", inputs: ["images: T", "size: int32"], outputs: ["resized_images: float32"],
    attrs: [resizeImageTypes] + resizeModeAttrs,
    summary: "Resizes NHWC images to size by bicubic (Keys) interpolation (float32 output).",
    shape: { c in [try c.resizedShape(from: c.shape(0))] },
    kernel: interpolatingKernel { geo, images, out, ctx in interpolate(geo, images, out, ctx, cubic: true) },
    gradient: .function { c in
      guard c.input(0).dtype.isFloatingPoint else { return [nil, nil] }
      return [try c.graph.resizeBicubicGrad(c.grad, originalImage: c.input(0), modes: c), nil]
    },
    cost: { c in Cost(flops: 32 * CostContext.elements(c.outputs[0].shape), bytes: c.inputBytes + c.outputBytes) })

  static let resizeBicubicGrad = OpDef(
    "ResizeBicubicGrad", inputs: ["grads: float32", "original_image: T"], outputs: ["output: T"],
    attrs: ["T: {float32, float64}"] + resizeModeAttrs,
    summary: "ResizeBicubic's gradient: each output gradient spread onto its 16 pixels with their weights.",
    shape: { c in [try c.resizeGradShape()] },
    kernel: interpolatingGradKernel { geo, dy, dx in
      let g = dy.unsafePointer(as: Float.self)
      if dx.dtype == .float32 {
        resizeBicubicGradient(geo, g, dx.unsafeMutablePointer(as: Float.self))
      } else {
        resizeBicubicGradient(geo, g, dx.unsafeMutablePointer(as: Double.self))
      }
    },
    gradient: .function { c in
      let g = c.graph
      return [try g.resizeBicubic(c.grad, size: try imageSize(g, c.input(0)), modes: c), nil]
    },
    cost: { c in Cost(flops: 32 * CostContext.elements(c.inputs[0].shape), bytes: c.inputBytes + c.outputBytes) })
}

// MARK: - Builders

extension Graph {
  /// `images` (NHWC) resized to `size` = [height, width] by bilinear
  /// interpolation (`ResizeBilinear`; `tf.compat.v1.image.resize_bilinear`);
  /// the output is float32. `alignCorners` maps the corner pixels onto
  /// each other; `halfPixelCenters` samples at pixel centers (what
  /// `tf.image.resize` uses); both may not be set.
  public func resizeBilinear(
    _ images: Output, size: Output, alignCorners: Bool = false, halfPixelCenters: Bool = false, name: String? = nil,
    file: String = #fileID, line: Int = #line
  ) throws -> Output {
    try build(
      "ResizeBilinear", [images, size], attrs: resizeAttrs(alignCorners, halfPixelCenters), name: name, file: file,
      line: line)
  }

  /// `images` resized to `size` by copying the nearest pixel
  /// (`ResizeNearestNeighbor`;
  /// `tf.compat.v1.image.resize_nearest_neighbor`), keeping their dtype.
  public func resizeNearestNeighbor(
    _ images: Output, size: Output, alignCorners: Bool = false, halfPixelCenters: Bool = false, name: String? = nil,
    file: String = #fileID, line: Int = #line
  ) throws -> Output {
    try build(
      "ResizeNearestNeighbor", [images, size], attrs: resizeAttrs(alignCorners, halfPixelCenters), name: name,
      file: file, line: line)
  }

  /// `images` resized to `size` by bicubic interpolation (`ResizeBicubic`;
  /// `tf.compat.v1.image.resize_bicubic`): Keys' kernel with a = −0.75, or
  /// a = −0.5 with half-pixel centers; the output is float32.
  public func resizeBicubic(
    _ images: Output, size: Output, alignCorners: Bool = false, halfPixelCenters: Bool = false, name: String? = nil,
    file: String = #fileID, line: Int = #line
  ) throws -> Output {
    try build(
      "ResizeBicubic", [images, size], attrs: resizeAttrs(alignCorners, halfPixelCenters), name: name, file: file,
      line: line)
  }

  /// ``resizeBilinear(_:size:alignCorners:halfPixelCenters:name:file:line:)``
  /// with a constant size.
  public func resizeBilinear(
    _ images: Output, size: [Int], alignCorners: Bool = false, halfPixelCenters: Bool = false, name: String? = nil,
    file: String = #fileID, line: Int = #line
  ) throws -> Output {
    try resizeBilinear(
      images, size: try constant(Tensor(size.map { Int32(clamping: $0) }), name: "size", file: file, line: line),
      alignCorners: alignCorners, halfPixelCenters: halfPixelCenters, name: name, file: file, line: line)
  }

  /// ResizeBilinear's gradient op (`ResizeBilinearGrad`): `grads` (float32,
  /// the resized shape) spread back onto an image shaped like
  /// `originalImage`, in its dtype.
  public func resizeBilinearGrad(
    _ grads: Output, originalImage: Output, alignCorners: Bool = false, halfPixelCenters: Bool = false,
    name: String? = nil, file: String = #fileID, line: Int = #line
  ) throws -> Output {
    try build(
      "ResizeBilinearGrad", [grads, originalImage], attrs: resizeAttrs(alignCorners, halfPixelCenters), name: name,
      file: file, line: line)
  }

  /// ResizeNearestNeighbor's gradient op (`ResizeNearestNeighborGrad`):
  /// `grads` summed back into an image of spatial `size`.
  public func resizeNearestNeighborGrad(
    _ grads: Output, size: Output, alignCorners: Bool = false, halfPixelCenters: Bool = false, name: String? = nil,
    file: String = #fileID, line: Int = #line
  ) throws -> Output {
    try build(
      "ResizeNearestNeighborGrad", [grads, size], attrs: resizeAttrs(alignCorners, halfPixelCenters), name: name,
      file: file, line: line)
  }

  /// ResizeBicubic's gradient op (`ResizeBicubicGrad`).
  public func resizeBicubicGrad(
    _ grads: Output, originalImage: Output, alignCorners: Bool = false, halfPixelCenters: Bool = false,
    name: String? = nil, file: String = #fileID, line: Int = #line
  ) throws -> Output {
    try build(
      "ResizeBicubicGrad", [grads, originalImage], attrs: resizeAttrs(alignCorners, halfPixelCenters), name: name,
      file: file, line: line)
  }

  private func resizeAttrs(_ alignCorners: Bool, _ halfPixelCenters: Bool) -> [String: AttrValue] {
    ["align_corners": .bool(alignCorners), "half_pixel_centers": .bool(halfPixelCenters)]
  }

  // The gradients' builders, taking the modes from the differentiated node.
  fileprivate func resizeBilinear(_ x: Output, size: Output, modes: some AttributeReading) throws -> Output {
    try resizeBilinear(x, size: size, alignCorners: modes.bool("align_corners"), halfPixelCenters: modes.bool("half_pixel_centers"))
  }
  fileprivate func resizeBicubic(_ x: Output, size: Output, modes: some AttributeReading) throws -> Output {
    try resizeBicubic(x, size: size, alignCorners: modes.bool("align_corners"), halfPixelCenters: modes.bool("half_pixel_centers"))
  }
  fileprivate func resizeNearestNeighbor(_ x: Output, size: Output, modes: some AttributeReading) throws -> Output {
    try resizeNearestNeighbor(
      x, size: size, alignCorners: modes.bool("align_corners"), halfPixelCenters: modes.bool("half_pixel_centers"))
  }
  fileprivate func resizeBilinearGrad(_ dy: Output, originalImage: Output, modes: some AttributeReading) throws -> Output {
    try resizeBilinearGrad(
      dy, originalImage: originalImage, alignCorners: modes.bool("align_corners"),
      halfPixelCenters: modes.bool("half_pixel_centers"))
  }
  fileprivate func resizeBicubicGrad(_ dy: Output, originalImage: Output, modes: some AttributeReading) throws -> Output {
    try resizeBicubicGrad(
      dy, originalImage: originalImage, alignCorners: modes.bool("align_corners"),
      halfPixelCenters: modes.bool("half_pixel_centers"))
  }
  fileprivate func resizeNearestNeighborGrad(_ dy: Output, size: Output, modes: some AttributeReading) throws -> Output {
    try resizeNearestNeighborGrad(
      dy, size: size, alignCorners: modes.bool("align_corners"), halfPixelCenters: modes.bool("half_pixel_centers"))
  }
}
