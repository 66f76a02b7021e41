// The sliding-window arithmetic shared by the convolution and pooling ops:
// reading `strides`, `dilations`, `ksize`, `padding`, `explicit_paddings`
// and `data_format`, and TensorFlow's output sizes (`GetWindowedOutputSize`):
//
//   effective window  e = (k − 1)·d + 1
//   VALID             out = ⌊(in − e) / s⌋ + 1,            no padding
//   SAME              out = ⌈in / s⌉, padding p = max(0, (out − 1)·s + e − in),
//                     p/2 before and the rest after (TensorFlow pads more at
//                     the end)
//   EXPLICIT          out = ⌊(in + before + after − e) / s⌋ + 1
//
// Shape functions use it on partial shapes, kernels on concrete ones, so the
// two agree and bad parameters are caught at graph-build time whenever the
// shapes are known there. Errors carry no node: the graph (shape functions)
// or `KernelContext.rethrowing` (kernels) add it.

/// The layout of a 4-D image tensor: which axes are height, width and
/// channels.
enum ImageLayout: Sendable {
  case nhwc, nchw

  init(_ dataFormat: String) { self = dataFormat == "NCHW" ? .nchw : .nhwc }

  var name: String { self == .nhwc ? "NHWC" : "NCHW" }
  /// The height, width and channel axes.
  var heightAxis: Int { self == .nhwc ? 1 : 2 }
  var widthAxis: Int { self == .nhwc ? 2 : 3 }
  var channelAxis: Int { self == .nhwc ? 3 : 1 }

  /// A shape in this layout from batch, height, width and channels.
  func shape<D>(batch: D, height: D, width: D, channels: D) -> [D] {
    self == .nhwc ? [batch, height, width, channels] : [batch, channels, height, width]
  }
}

/// Padding of a windowed op.
enum WindowPadding: Sendable, Equatable {
  case valid, same
  /// Rows/columns added before and after each spatial dimension.
  case explicit(top: Int, bottom: Int, left: Int, right: Int)

  var name: String {
    switch self {
    case .valid: return "VALID"
    case .same: return "SAME"
    case .explicit(let t, let b, let l, let r): return "EXPLICIT (top \(t), bottom \(b), left \(l), right \(r))"
    }
  }
}

/// The window attributes of a convolution or pooling node, validated.
struct WindowAttributes: Sendable {
  var layout: ImageLayout
  var strideH: Int, strideW: Int
  var dilationH = 1, dilationW = 1
  /// The pooling window (`ksize`); `nil` for convolutions, whose window is
  /// the filter.
  var window: (h: Int, w: Int)?
  var padding: WindowPadding

  /// Reads and checks the attributes of `node`: `strides` (and `dilations`,
  /// `ksize` when the op has them) with four positive entries and 1 in the
  /// batch and channel dimensions; `explicit_paddings` only with EXPLICIT.
  init(_ a: some AttributeReading) throws {
    layout = ImageLayout(a.string("data_format"))
    (strideH, strideW) = try Self.spatialPair(a.ints("strides"), "strides", layout, positive: true)
    if a.attrs["dilations"] != nil {
      (dilationH, dilationW) = try Self.spatialPair(a.ints("dilations"), "dilations", layout, positive: true)
    }
    if a.attrs["ksize"] != nil {
      window = try Self.spatialPair(a.ints("ksize"), "ksize", layout, positive: true)
    }
    let explicit = a.attrs["explicit_paddings"].map { _ in a.ints("explicit_paddings") } ?? []
    switch a.string("padding") {
    case "VALID", "SAME":
      guard explicit.isEmpty else {
        throw TensorGraphError(
          .invalidArgument,
          "explicit_paddings must be empty unless padding is EXPLICIT, but padding is \(a.string("padding")) and explicit_paddings is \(explicit)"
        )
      }
      padding = a.string("padding") == "SAME" ? .same : .valid
    default:
      guard explicit.count == 8 else {
        throw TensorGraphError(
          .invalidArgument,
          "explicit_paddings must have 8 entries (before and after for each dimension of \(layout.name)) when padding is EXPLICIT, but has \(explicit.count): \(explicit)"
        )
      }
      guard explicit.allSatisfy({ $0 >= 0 }) else {
        throw TensorGraphError(.invalidArgument, "explicit_paddings must not be negative, but is \(explicit)")
      }
      let h = 2 * layout.heightAxis, w = 2 * layout.widthAxis, c = 2 * layout.channelAxis
      guard explicit[0] == 0, explicit[1] == 0, explicit[c] == 0, explicit[c + 1] == 0 else {
        throw TensorGraphError(
          .invalidArgument, "explicit_paddings must not pad the batch or channel dimensions, but is \(explicit)")
      }
      padding = .explicit(top: explicit[h], bottom: explicit[h + 1], left: explicit[w], right: explicit[w + 1])
    }
  }

  /// The height and width entries of a 4-element attribute, checked.
  private static func spatialPair(
    _ v: [Int], _ label: String, _ layout: ImageLayout, positive: Bool
  ) throws -> (Int, Int) {
    guard v.count == 4 else {
      throw TensorGraphError(
        .invalidArgument,
        "\(label) must have 4 entries (one per dimension of \(layout.name)), but is \(v)")
    }
    guard v.allSatisfy({ $0 > 0 }) else {
      throw TensorGraphError(.invalidArgument, "\(label) must be positive, but is \(v)")
    }
    guard v[0] == 1, v[layout.channelAxis] == 1 else {
      throw TensorGraphError(
        .invalidArgument,
        "\(label) must be 1 in the batch and channel dimensions (windows slide over height and width only), but is \(v)"
      )
    }
    return (v[layout.heightAxis], v[layout.widthAxis])
  }

  /// TensorFlow's windowed output size of one spatial dimension and the
  /// padding before it; `nil` when the (dilated) window is larger than the
  /// padded input.
  static func outputSize(
    input: Int, window: Int, dilation: Int, stride: Int, padBefore: Int?, padAfter: Int?
  ) -> (size: Int, padBefore: Int)? {
    let effective = (window - 1) * dilation + 1
    if let padBefore, let padAfter {
      let padded = input + padBefore + padAfter
      guard padded >= effective else { return nil }
      return ((padded - effective) / stride + 1, padBefore)
    }
    // SAME
    let size = (input + stride - 1) / stride
    let needed = Swift.max(0, (size - 1) * stride + effective - input)
    return (size, needed / 2)
  }

  /// Padding before and after of the height (`vertical`) or width axis;
  /// `nil` for SAME (computed from the sizes).
  func fixedPadding(vertical: Bool) -> (before: Int, after: Int)? {
    switch padding {
    case .valid: return (0, 0)
    case .same: return nil
    case .explicit(let t, let b, let l, let r): return vertical ? (t, b) : (l, r)
    }
  }

  /// The output size of the height or width axis for a partial input size
  /// and window size; unknown when either is. `describe` names the shapes
  /// for the error when the window does not fit.
  func outputDimension(
    input: Dimension, window: Dimension, vertical: Bool, describe: () -> String
  ) throws -> Dimension {
    let (d, s) = vertical ? (dilationH, strideH) : (dilationW, strideW)
    // SAME: ⌈in / stride⌉ whatever the window.
    if padding == .same, let i = input.value { return .known((i + s - 1) / s) }
    guard let i = input.value, let k = window.value else { return .unknown }
    let pad = fixedPadding(vertical: vertical)
    guard let out = Self.outputSize(input: i, window: k, dilation: d, stride: s, padBefore: pad?.before, padAfter: pad?.after)
    else {
      throw windowTooLarge(input: i, window: k, vertical: vertical, describe: describe)
    }
    return .known(out.size)
  }

  /// The error for a window larger than its padded input.
  func windowTooLarge(input: Int, window: Int, vertical: Bool, describe: () -> String) -> TensorGraphError {
    let d = vertical ? dilationH : dilationW
    let pad = fixedPadding(vertical: vertical) ?? (0, 0)
    let effective = (window - 1) * d + 1
    let dilated = d == 1 ? "" : " (\(window) dilated by \(d))"
    return TensorGraphError(
      .shapeMismatch,
      "the window's \(vertical ? "height" : "width") \(effective)\(dilated) is larger than the padded input's \(input + pad.before + pad.after) (\(describe()), padding \(padding.name))"
    )
  }
}

/// The concrete geometry of one windowed op on one input: sizes, strides,
/// dilations and the padding before each spatial axis. NHWC.
struct WindowGeometry: Sendable {
  var batch: Int, inH: Int, inW: Int, channels: Int
  var windowH: Int, windowW: Int
  var strideH: Int, strideW: Int, dilationH: Int, dilationW: Int
  var outH: Int, outW: Int
  var padTop: Int, padLeft: Int

  /// The geometry of `attrs` on an NHWC `input` with a `windowH × windowW`
  /// window; throws when the window does not fit.
  init(input: [Int], windowH: Int, windowW: Int, attrs: WindowAttributes, describe: () -> String) throws {
    batch = input[0]
    inH = input[1]
    inW = input[2]
    channels = input[3]
    self.windowH = windowH
    self.windowW = windowW
    strideH = attrs.strideH
    strideW = attrs.strideW
    dilationH = attrs.dilationH
    dilationW = attrs.dilationW
    let v = attrs.fixedPadding(vertical: true), h = attrs.fixedPadding(vertical: false)
    guard
      let y = WindowAttributes.outputSize(
        input: inH, window: windowH, dilation: dilationH, stride: strideH, padBefore: v?.before, padAfter: v?.after)
    else { throw attrs.windowTooLarge(input: inH, window: windowH, vertical: true, describe: describe) }
    guard
      let x = WindowAttributes.outputSize(
        input: inW, window: windowW, dilation: dilationW, stride: strideW, padBefore: h?.before, padAfter: h?.after)
    else { throw attrs.windowTooLarge(input: inW, window: windowW, vertical: false, describe: describe) }
    (outH, padTop) = y
    (outW, padLeft) = x
  }

  /// The NHWC shape of the output with `outChannels` channels.
  func outputShape(channels outChannels: Int) -> [Int] { [batch, outH, outW, outChannels] }
  /// Output pixels over the batch.
  var outputPixels: Int { batch * outH * outW }
  /// Input pixels over the batch.
  var inputPixels: Int { batch * inH * inW }
  /// Whether every window is one input pixel and every input pixel one
  /// window (1×1, stride 1, no padding): the op is then per pixel.
  var isPointwise: Bool {
    windowH == 1 && windowW == 1 && strideH == 1 && strideW == 1 && padTop == 0 && padLeft == 0
      && outH == inH && outW == inW
  }
}

// MARK: - Shape-function support

extension ShapeContext {
  /// This node's window attributes, checked; an error about them also
  /// names the shapes of the node's first `operands` inputs, as the op's
  /// signature calls them ("input shape [1, 5, 5, 1], filter shape [3, 3, 1, 1]").
  func windowAttributes(operands: Int) throws -> WindowAttributes {
    do {
      return try WindowAttributes(self)
    } catch var e as TensorGraphError {
      let names = graph.registry.op(named: op)?.inputs.map(\.name) ?? []
      let shapes = (0..<Swift.min(operands, inputs.count)).map { i in
        "\(i < names.count ? names[i] : "input \(i)") shape \(shape(i))"
      }
      e.message += " (" + shapes.joined(separator: ", ") + ")"
      throw e
    }
  }


  /// Throws unless input `i` (called `label`) has rank 4 when its rank is
  /// known.
  func requireImage(_ i: Int, _ label: String, _ layout: ImageLayout? = nil) throws {
    if let r = shape(i).rank, r != 4 {
      let what = layout.map { "a 4-D tensor (\($0.name))" } ?? "a 4-D tensor"
      throw error("'\(label)' must be \(what) but has shape \(shape(i))")
    }
  }
}

/// Runs `body`, completing a thrown ``TensorGraphError`` with the node of
/// `ctx` (kernels validate shapes known only at run time with the shape
/// functions' checks).
@inline(__always)
func rethrowingWithNode<R>(_ ctx: KernelContext, _ body: () throws -> R) throws -> R {
  do {
    return try body()
  } catch let e as TensorGraphError {
    throw ctx.error(e.reason, e.message)
  }
}
