import TensorGraph
import TensorGraphTestSupport

extension KernelCheckTable {
  /// The rows of the `layout` op family (`StandardOps.layoutOps`), each
  /// against a loop over output coordinates written from the op's
  /// definition (ReverseV2 against NumPy's `x[::-1]` rules).
  static var layout: [KernelCheck] {
    let shape = [2, 3, 4], x = (0..<24).map { Double($0) * 0.5 - 3 }
    var rows: [KernelCheck] = []
    // ReverseV2: x[::-1] along the reversed axes.
    for axes in [[0], [2], [-1, 0], [0, 1, 2], []] {
      let indices = (0..<3).map { d in
        axes.contains(where: { ($0 + 3) % 3 == d }) ? SliceIndex.range(nil, nil, stride: -1) : .all
      }
      let want = IndexingReference.index(x, shape, indices).values
      for dtype in [DType.float32, .int64, .uint8] {
        let values = dtype == .uint8 ? x.map { ($0 + 3) * 2 } : x
        let wanted = dtype == .uint8 ? want.map { ($0 + 3) * 2 } : dtype.isFloatingPoint ? want : want.map { $0.rounded(.towardZero) }
        rows.append(row("ReverseV2", "axes \(axes) \(dtype)", [tensor(values, shape, dtype)], .values(dtype, shape, wanted)) {
          g, v in try g.reverse(v[0], axis: axes)
        })
      }
    }
    // Roll: out[i] = x[(i - shift) mod n] per dimension.
    let rolls: [([Int], [Int])] = [([1], [2]), ([-5], [1]), ([2, 7], [0, -1]), ([1, 2], [2, 2]), ([3], [0])]
    for (shift, axis) in rolls {
      var net = [0, 0, 0]
      for (s, a) in zip(shift, axis) { net[(a + 3) % 3] += s }
      var want = [Double](repeating: 0, count: 24)
      for i in 0..<2 {
        for j in 0..<3 {
          for k in 0..<4 {
            let si = ((i - net[0]) % 2 + 2) % 2, sj = ((j - net[1]) % 3 + 3) % 3, sk = ((k - net[2]) % 4 + 4) % 4
            want[i * 12 + j * 4 + k] = x[si * 12 + sj * 4 + sk]
          }
        }
      }
      rows.append(row("Roll", "shift \(shift) axis \(axis)", [tensor(x, shape, .float64)], .values(.float64, shape, want)) {
        g, v in try g.roll(v[0], shift: shift, axis: axis)
      })
    }
    rows += mirrorPadRows
    // PadV2: the constant outside, x inside.
    for (dtype, c) in [(DType.float64, -2.5), (.int32, 9), (.float32, Double.nan)] {
      let pads = [[1, 0], [0, 2], [2, 1]]
      let out = [3, 5, 7]
      let values = dtype == .int32 ? x.map { $0 * 2 } : x
      var want = [Double](repeating: c, count: out.reduce(1, *))
      for i in 0..<2 {
        for j in 0..<3 {
          for k in 0..<4 { want[(i + 1) * 35 + j * 7 + (k + 2)] = values[i * 12 + j * 4 + k] }
        }
      }
      rows.append(row("PadV2", "\(dtype) constant \(c)", [tensor(values, shape, dtype), tensor([c], [], dtype)],
        .values(dtype, out, want)) { g, v in
        try g.pad(v[0], paddings: try g.constant(try Tensor(shape: [3, 2], scalars: pads.flatMap { $0 }.map(Int32.init))),
          constantValue: v[1])
      })
    }
    return rows
  }

  /// The source index of padded position `i` of a dimension of size `n`
  /// after `before` positions, by folding `i` into the mirror's period:
  /// 2(n − 1) for REFLECT, 2n for SYMMETRIC.
  static func mirrorSource(_ i: Int, before: Int, size n: Int, reflect: Bool) -> Int {
    let period = reflect ? 2 * (n - 1) : 2 * n
    if period == 0 { return 0 }
    let j = ((i - before) % period + period) % period
    return j < n ? j : reflect ? period - j : period - 1 - j
  }

  /// MirrorPad and MirrorPadGrad on a [3, 4] matrix in both modes.
  static var mirrorPadRows: [KernelCheck] {
    let x = (0..<12).map { Double($0) * 1.25 - 4 }
    var rows: [KernelCheck] = []
    for (mode, pads) in [("REFLECT", [[2, 1], [3, 2]]), ("SYMMETRIC", [[3, 2], [1, 4]]), ("REFLECT", [[0, 0], [1, 1]])] {
      let reflect = mode == "REFLECT"
      let out = [3 + pads[0][0] + pads[0][1], 4 + pads[1][0] + pads[1][1]]
      var want: [Double] = [], fold = [Double](repeating: 0, count: 12)
      let dy = (0..<(out[0] * out[1])).map { Double($0 % 5) - 1.5 }
      for i in 0..<out[0] {
        for j in 0..<out[1] {
          let si = mirrorSource(i, before: pads[0][0], size: 3, reflect: reflect)
          let sj = mirrorSource(j, before: pads[1][0], size: 4, reflect: reflect)
          want.append(x[si * 4 + sj])
          fold[si * 4 + sj] += dy[i * out[1] + j]
        }
      }
      let flatPads = pads.flatMap { $0 }.map(Int32.init)
      rows.append(row("MirrorPad", "\(mode) \(pads)", [tensor(x, [3, 4], .float64)], .values(.float64, out, want)) { g, v in
        try g.mirrorPad(v[0], paddings: pads, mode: mode)
      })
      rows.append(row("MirrorPad", "\(mode) \(pads) int32", [tensor(x.map { $0 * 4 }, [3, 4], .int32)],
        .values(.int32, out, want.map { $0 * 4 })) { g, v in try g.mirrorPad(v[0], paddings: pads, mode: mode) })
      rows.append(row("MirrorPadGrad", "\(mode) \(pads)", [tensor(dy, out, .float64)], .values(.float64, [3, 4], fold)) {
        g, v in try g.mirrorPadGrad(
          v[0], paddings: try g.constant(try Tensor(shape: [2, 2], scalars: flatPads)), mode: mode)
      })
    }
    return rows
  }
}
