import TensorGraph
import TensorGraphTestSupport

extension GradientCheckTable {
  /// The rows of the `layout` op family (`StandardOps.layoutOps`).
  static var layout: [GradientCheck] {
    var rng = TestRandom(seed: 61)
    let x = Tensor.f64(rng.uniform(24, in: -2...2), [2, 3, 4])
    let y = Tensor.f64(rng.uniform(12, in: -2...2), [3, 4])
    return [
      GradientCheck(op: "ReverseV2", label: "axes [0, -1]", inputs: [x]) { g, v, _ in
        try g.square(try g.reverse(v[0], axis: [0, -1]))
      },
      GradientCheck(op: "Roll", label: "shift [1, -2] axis [2, 0]", inputs: [x]) { g, v, _ in
        // Weighted so a roll in the wrong direction shows.
        let w = try g.constant(Tensor.f64((0..<24).map(Double.init), [2, 3, 4]))
        return try g.multiply(w, try g.roll(v[0], shift: [1, -2], axis: [2, 0]))
      },
      GradientCheck(op: "MirrorPad", label: "REFLECT", inputs: [y]) { g, v, _ in
        try g.square(try g.mirrorPad(v[0], paddings: [[2, 1], [1, 3]], mode: "REFLECT"))
      },
      GradientCheck(op: "MirrorPad", label: "SYMMETRIC", inputs: [y]) { g, v, _ in
        try g.square(try g.mirrorPad(v[0], paddings: [[2, 1], [1, 3]], mode: "SYMMETRIC"))
      },
      GradientCheck(op: "MirrorPadGrad", label: "SYMMETRIC", inputs: [Tensor.f64(rng.uniform(48, in: -2...2), [6, 8])]) {
        g, v, _ in
        let pads = try g.constant(try Tensor(shape: [2, 2], scalars: [Int32(2), 1, 1, 3]))
        return try g.square(try g.mirrorPadGrad(v[0], paddings: pads, mode: "SYMMETRIC"))
      },
      GradientCheck(op: "PadV2", label: "constant 3", inputs: [y]) { g, v, _ in
        let p = try g.constant(try Tensor(shape: [2, 2], scalars: [Int32(2), 1, 1, 3]))
        return try g.square(try g.pad(v[0], paddings: p, constantValue: try g.constant(Tensor(3.0))))
      },
    ]
  }
}
