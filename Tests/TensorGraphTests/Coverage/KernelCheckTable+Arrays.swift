import Foundation
import Testing
import TensorGraph
import TensorGraphTestSupport

// Array, shape and random rows; the array rows walk the families' case
// tables (ConcatTests.cases, SliceTests.cases, …) with their nested-loop
// references.

extension KernelCheckTable {
  /// 0, 1, 2, … for `shape`: every element distinct, so a misplaced one
  /// shows.
  static func ramp(_ shape: [Int]) -> [Double] { (0..<shape.reduce(1, *)).map(Double.init) }

  // MARK: - Arrays

  static let arrays: [KernelCheck] = {
    var rows: [KernelCheck] = []
    for (shape, perm) in TransposeTests.cases {
      let (values, out) = referenceTranspose(ramp(shape), shape, perm)
      rows.append(row("Transpose", "\(shape) perm \(perm)", [tensor(ramp(shape), shape, .float32)], .values(.float32, out, values)) {
        g, v in try g.transpose(v[0], perm: perm)
      })
    }
    for (k, (shapes, axis)) in ConcatTests.cases.enumerated() {
      let parts = shapes.enumerated().map { i, s in (smallIntegers(s.reduce(1, *), seed: UInt64(k * 10 + i + 1)), s) }
      let (values, out) = referenceConcat(parts, axis: axis < 0 ? axis + shapes[0].count : axis)
      rows.append(row("ConcatV2", "\(shapes) axis \(axis)", parts.map { tensor($0.0, $0.1, .int32) }, .values(.int32, out, values)) {
        g, v in try g.concat(v, axis: axis)
      })
    }
    for axis in [0, 1, 2, -1] {
      // Stacking is concatenating along a new axis of size 1.
      let parts = (0..<3).map { i in (ramp([2, 3]).map { $0 + Double(10 * i) }, [2, 3]) }
      let a = axis < 0 ? 2 : axis
      var expanded = [2, 3]
      expanded.insert(1, at: a)
      let (values, out) = referenceConcat(parts.map { ($0.0, expanded) }, axis: a)
      rows.append(row("Pack", "axis \(axis)", parts.map { tensor($0.0, $0.1, .float64) }, .values(.float64, out, values)) { g, v in
        try g.stack(v, axis: axis)
      })
    }
    for (shape, begin, size) in SliceTests.cases {
      let (values, out) = referenceSlice(ramp(shape), shape, begin: begin, size: size)
      rows.append(row("Slice", "\(shape) begin \(begin) size \(size)", [tensor(ramp(shape), shape, .float32)], .values(.float32, out, values)) {
        g, v in try g.slice(v[0], begin: begin, size: size)
      })
    }
    for (shape, multiples) in TileTests.cases {
      let out = zip(shape, multiples).map(*)
      rows.append(row("Tile", "\(shape) multiples \(multiples)", [tensor(ramp(shape), shape, .float32)],
        .values(.float32, out, referenceRepeat(ramp(shape), shape, to: out))) { g, v in try g.tile(v[0], multiples: multiples) })
    }
    for (shape, target) in BroadcastToTests.cases {
      rows.append(row("BroadcastTo", "\(shape) to \(target)", [tensor(ramp(shape), shape, .int64)],
        .values(.int64, target, referenceRepeat(ramp(shape), shape, to: target))) { g, v in try g.broadcastTo(v[0], shape: target) })
    }
    for (shape, paddings) in PadTests.cases {
      let x = ramp(shape).map { $0 + 1 }
      let (values, out) = referencePad(x, shape, paddings)
      rows.append(row("Pad", "\(shape) paddings \(paddings)", [tensor(x, shape, .float32)], .values(.float32, out, values)) { g, v in
        try g.pad(v[0], paddings: paddings)
      })
    }
    for (shape, sizes, axis) in SplitVTests.cases {
      let a = axis < 0 ? axis + shape.count : axis
      let known = sizes.filter { $0 >= 0 }.reduce(0, +)
      var begin = 0
      let expected = sizes.map { $0 < 0 ? shape[a] - known : $0 }.map { s -> ExpectedOutput in
        var b = [Int](repeating: 0, count: shape.count), size = shape
        (b[a], size[a]) = (begin, s)
        begin += s
        let (values, out) = referenceSlice(ramp(shape), shape, begin: b, size: size)
        return .values(.float64, out, values)
      }
      let x = tensor(ramp(shape), shape, .float64)
      rows.append(KernelCheck(op: "SplitV", label: "\(shape) sizes \(sizes) axis \(axis)") { g in
        KernelProgram(try g.split(try g.constant(x), sizes: sizes, axis: axis), expected)
      })
    }
    for axis in [0, 1, -1] {
      let shape = [2, 3, 4], a = axis < 0 ? 2 : axis
      let expected = (0..<shape[a]).map { j -> ExpectedOutput in
        var b = [0, 0, 0], size = shape, out = shape
        (b[a], size[a]) = (j, 1)
        out.remove(at: a)
        return .values(.float32, out, referenceSlice(ramp(shape), shape, begin: b, size: size).0)
      }
      let x = tensor(ramp(shape), shape, .float32)
      rows.append(KernelCheck(op: "Unpack", label: "axis \(axis)") { g in
        KernelProgram(try g.unstack(try g.constant(x), axis: axis), expected)
      })
    }
    rows.append(KernelCheck(op: "ConcatOffset") { g in
      let shapes = try [[2, 3, 5], [2, 1, 5], [2, 4, 5]].map { try g.constant(Tensor.i32($0)) }
      let offsets = try g.concatOffset(axis: try g.constant(Tensor(Int32(1))), shapes: shapes)
      return KernelProgram(offsets, [[0, 0, 0], [0, 3, 0], [0, 4, 0]].map { .values(.int32, [3], $0) })
    })
    return rows
  }()

  // MARK: - Shapes

  static let shapes: [KernelCheck] = {
    let x = tensor(ramp([2, 3, 4]), [2, 3, 4], .float32), x6 = tensor(ramp([6]), [1, 3, 1, 2], .float64)
    let edges = [1, .nan, -.infinity, 4.0]
    var rows = [
      row("Reshape", "[2, 3, 4] to [4, -1]", [x], .values(.float32, [4, 6], ramp([24]))) { g, v in try g.reshape(v[0], [4, -1]) },
      row("Reshape", "to a scalar", [tensor([7], [1, 1], .int32)], .values(.int32, [], [7])) { g, v in try g.reshape(v[0], []) },
      row("ExpandDims", "axis -1", [x], .values(.float32, [2, 3, 4, 1], ramp([24]))) { g, v in try g.expandDims(v[0], axis: -1) },
      row("ExpandDims", "axis 0", [x], .values(.float32, [1, 2, 3, 4], ramp([24]))) { g, v in try g.expandDims(v[0], axis: 0) },
      row("Squeeze", "all", [x6], .values(.float64, [3, 2], ramp([6]))) { g, v in try g.squeeze(v[0]) },
      row("Squeeze", "axes [-2]", [x6], .values(.float64, [1, 3, 2], ramp([6]))) { g, v in try g.squeeze(v[0], axes: [-2]) },
      row("Fill", "float32", [tensor([2.5], [], .float32)], .values(.float32, [2, 3], Array(repeating: 2.5, count: 6))) { g, v in
        try g.fill(dims: [2, 3], value: v[0])
      },
      row("Fill", "int64 empty", [tensor([-4], [], .int64)], .values(.int64, [3, 0], [])) { g, v in try g.fill(dims: [3, 0], value: v[0]) },
      row("ZerosLike", "float32", [tensor(edges, [2, 2], .float32)], .values(.float32, [2, 2], [0, 0, 0, 0])) { g, v in
        try g.zerosLike(v[0])
      },
      row("ZerosLike", "int32", [tensor([1, -2, 3], [3], .int32)], .values(.int32, [3], [0, 0, 0])) { g, v in try g.zerosLike(v[0]) },
      row("OnesLike", "float64", [tensor(edges, [2, 2], .float64)], .values(.float64, [2, 2], [1, 1, 1, 1])) { g, v in
        try g.onesLike(v[0])
      },
      row("OnesLike", "uint8", [tensor([0, 9], [2], .uint8)], .values(.uint8, [2], [1, 1])) { g, v in try g.onesLike(v[0]) },
      row("Shape", "int32", [tensor([], [2, 3, 0], .float32)], .values(.int32, [3], [2, 3, 0])) { g, v in try g.shape(of: v[0]) },
      row("Shape", "int64 of a scalar", [tensor([1], [], .float32)], .values(.int64, [0], [])) { g, v in
        try g.shape(of: v[0], outType: .int64)
      },
      // inverse[p[i]] = i.
      row("InvertPermutation", "", [Tensor.i32([2, 0, 3, 1])], .values(.int32, [4], [1, 3, 0, 2])) { g, v in
        try g.invertPermutation(v[0])
      },
      // The dimensions where each input was broadcast: [2, 3, 1] and [4]
      // (padded to [1, 1, 4]) broadcast to [2, 3, 4].
      KernelCheck(op: "BroadcastGradientArgs", label: "[2, 3, 1] and [4]") { g in
        let r = try g.buildMulti("BroadcastGradientArgs", [try g.constant(Tensor.i32([2, 3, 1])), try g.constant(Tensor.i32([4]))],
          name: nil, file: #fileID, line: #line)
        return KernelProgram(r, [.values(.int32, [1], [2]), .values(.int32, [2], [0, 1])])
      },
    ]
    for (start, limit, delta) in RangeTests.intCases {
      let values = Array(stride(from: start, to: limit, by: delta)).map(Double.init)
      rows.append(KernelCheck(op: "Range", label: "\(start) ..< \(limit) by \(delta)") { g in
        KernelProgram(try g.range(start: start, limit: limit, delta: delta), .values(.int32, [values.count], values))
      })
    }
    // Out-of-range indices (−1, 3, 7) are off everywhere.
    for (indices, axis, on, off) in [([0, 2, -1, 3, 1, 2], -1, 1.0, 0.0), ([0, 2, -1, 3, 1, 2], 0, 5, -2), ([1, 0, 7, 2, 2, 0], 1, 1, 0)] {
      let (values, out) = referenceOneHot(indices, [2, 3], depth: 3, axis: axis, on: on, off: off)
      rows.append(row("OneHot", "axis \(axis) on \(on) off \(off)", [tensor(indices.map(Double.init), [2, 3], .int32)],
        .values(.float64, out, values)) { g, v in try g.oneHot(v[0], depth: 3, onValue: on, offValue: off, axis: axis, dtype: .float64) })
    }
    return rows
  }()

  // MARK: - Random
  // Each row draws 4,096 values and checks their range and moments (bounds
  // ≥ 4 standard errors); a second node with the same seeds must give the
  // same values exactly, and one with another seed2 none of them.

  static func randomRow(_ op: String, _ dtype: DType, _ name: String, _ holds: @escaping @Sendable ([Double]) -> Bool) -> KernelCheck {
    KernelCheck(op: op, label: "\(dtype)") { g in
      let shape = try g.constant(Tensor.i32([64, 64]))
      func draw(_ seed2: Int) throws -> Output {
        g.output(try g.addNode(op: op, inputs: [shape], attrs: ["dtype": .type(dtype), "seed": 7, "seed2": .int(seed2)]))
      }
      let x = try draw(3), same = try draw(3), other = try draw(4)
      let differences = try g.sum(try g.abs(try g.subtract(x, same)))
      let coincidences = try g.sum(try g.cast(try g.equal(x, other), to: .int32))
      return KernelProgram(
        [x, differences, coincidences],
        [.property(dtype, [64, 64], name, holds), .values(dtype, [], [0]), .values(.int32, [], [0])])
    }
  }

  static let random: [KernelCheck] = [DType.float32, .float64].flatMap { dtype in
    [
      randomRow("RandomUniform", dtype, "uniform on [0, 1)") { x in
        let (m, v) = moments(x)
        return x.allSatisfy { $0 >= 0 && $0 < 1 } && abs(m - 0.5) < 0.02 && abs(v - 1.0 / 12) < 0.008
      },
      randomRow("RandomStandardNormal", dtype, "standard normal") { x in
        let (m, v) = moments(x)
        return x.allSatisfy(\.isFinite) && abs(m) < 0.07 && abs(v - 1) < 0.1
      },
      // N(0, 1) truncated to (−2, 2): variance 1 − 4φ(2)/(Φ(2) − Φ(−2)) ≈ 0.7737.
      randomRow("TruncatedNormal", dtype, "normal truncated to (-2, 2)") { x in
        let (m, v) = moments(x)
        return x.allSatisfy { abs($0) < 2 } && abs(m) < 0.06 && abs(v - 0.7737) < 0.06
      },
    ]
  }
}
