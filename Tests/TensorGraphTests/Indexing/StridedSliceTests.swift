import Testing
import TensorGraph
import TensorGraphTestSupport

/// StridedSlice against NumPy's indexing rules (``IndexingReference``),
/// its shape inference on partial shapes, its gradient, and the specs it
/// rejects. TensorFlow's own values for every mask are in
/// `Fixtures/ops/indexing.safetensors` (`TFOpFixtureTests`).
@Suite struct StridedSliceTests {
  /// Python index expressions on a [2, 3, 4] tensor, each written out.
  static let cases: [(String, [SliceIndex])] = [
    ("x[:, 1:]", [.all, .range(1, nil)]),
    ("x[1]", [.index(1)]),
    ("x[-1, ::-1]", [.index(-1), .range(nil, nil, stride: -1)]),
    ("x[..., -1]", [.ellipsis, .index(-1)]),
    ("x[..., 1:3]", [.ellipsis, .range(1, 3)]),
    ("x[::-1, 2:0:-1, 3:0:-2]", [.range(nil, nil, stride: -1), .range(2, 0, stride: -1), .range(3, 0, stride: -2)]),
    ("x[newaxis, :, newaxis, 1]", [.newAxis, .all, .newAxis, .index(1)]),
    ("x[1, ..., newaxis]", [.index(1), .ellipsis, .newAxis]),
    ("x[-100:100, 5:, :-7]", [.range(-100, 100), .range(5, nil), .range(nil, -7)]),
    ("x[:, ::2, 1::3]", [.all, .range(nil, nil, stride: 2), .range(1, nil, stride: 3)]),
    ("x[0, 1, 2]", [.index(0), .index(1), .index(2)]),
    ("x[...]", [.ellipsis]),
    ("x[10:-10:-1]", [.range(10, -10, stride: -1)]),
  ]
  static let shape = [2, 3, 4]
  static var ramp: [Double] { (0..<24).map(Double.init) }

  @Test(arguments: cases.indices)
  func matchesNumPyIndexing(_ k: Int) throws {
    let (label, indices) = Self.cases[k]
    let want = IndexingReference.index(Self.ramp, Self.shape, indices)
    // On a constant, then fed to a placeholder of unknown shape.
    let g = Graph()
    let y = try g.stridedSlice(try g.constant(Tensor.f64(Self.ramp, Self.shape)), indices)
    #expect(y.shape == PartialShape(want.shape), "\(label): inferred \(y.shape)")
    let out = try Session(graph: g).run(y)
    #expect(out.shape == want.shape && out.doubles() == want.values, "\(label): \(out.shape) \(out.doubles())")
    let h = Graph()
    let p = try h.placeholder(.int32, shape: nil, name: "x")
    let z = try h.stridedSlice(p, indices)
    let fed = try Session(graph: h).run(fetches: [z], feeds: [p: try Tensor(shape: Self.shape, scalars: Self.ramp.map { Int32($0) })])[0]
    #expect(fed.shape == want.shape && fed.doubles() == want.values, "\(label) fed: \(fed.shape)")
  }

  @Test(arguments: cases.indices)
  func gradientScattersIntoTheTakenPlaces(_ k: Int) throws {
    let (label, indices) = Self.cases[k]
    let g = Graph()
    let x = try g.constant(Tensor.f64(Self.ramp, Self.shape))
    let y = try g.stridedSlice(x, indices)
    let n = y.shape.concrete!.reduce(1, *)
    let dyValues = (0..<n).map { Double($0) * 0.5 - 1 }
    let dy = try g.constant(Tensor.f64(dyValues, y.shape.concrete!))
    let dx = try #require(try g.gradients(of: [y], with: [x], gradYs: [dy])[0])
    let got = try Session(graph: g).run(dx)
    #expect(got.doubles() == IndexingReference.indexGradient(dyValues, Self.shape, indices), "\(label)")
  }

  @Test func partialShapes() throws {
    let g = Graph()
    let x = try g.placeholder(.float32, shape: [nil, 3, 4])
    // Masked and shrunk dimensions are known whatever the input's size.
    #expect(try g.stridedSlice(x, [.all, .range(1, nil)]).shape == PartialShape([nil, 2, 4]))
    #expect(try g.stridedSlice(x, [.index(0)]).shape == PartialShape([3, 4]))
    #expect(try g.stridedSlice(x, [.range(1, 2)]).shape == PartialShape([nil, 3, 4]))
    #expect(try g.stridedSlice(x, [.ellipsis, .newAxis, .index(-1)]).shape == PartialShape([nil, 3, 1]))
    // Begin and end unknown: only fully masked and shrunk dimensions.
    let b = try g.placeholder(.int32, shape: [3]), e = try g.placeholder(.int32, shape: [3])
    let s = try g.constant(Tensor([Int32(1), 1, 2]))
    let y = try g.stridedSlice(x, begin: b, end: e, strides: s, masks: StridedSliceMasks(begin: 2, end: 2, shrinkAxis: 1))
    #expect(y.shape == PartialShape([3, nil]))
    // Unknown strides or rank: nothing is known.
    let u = try g.placeholder(.int32, shape: [3])
    #expect(try g.stridedSlice(x, begin: b, end: e, strides: u).shape == .unknown)
    let r = try g.placeholder(.float32, shape: nil)
    #expect(try g.stridedSlice(r, [.index(0)]).shape == .unknown)
  }

  @Test func identityReusesTheInput() throws {
    let g = Graph()
    let y = try g.stridedSlice(try g.constant(Tensor.f64(Self.ramp, Self.shape)), [.newAxis, .ellipsis])
    let out = try Session(graph: g).run(y)
    #expect(out.shape == [1, 2, 3, 4] && out.doubles() == Self.ramp)
  }

  @Test func badSpecsThrowNamingTheNode() throws {
    let g = Graph()
    let x = try g.constant(Tensor.f64(Self.ramp, Self.shape))
    let bad: [(String, () throws -> Output)] = [
      ("strides[1] must be non-zero", { try g.stridedSlice(x, begin: [0, 0], end: [1, 1], strides: [1, 0]) }),
      ("slice index 2 of dimension 0 out of bounds", { try g.stridedSlice(x, [.index(2)]) }),
      ("slice index -1 of dimension 0 out of bounds", { try g.stridedSlice(x, [.index(-3)]) }),
      ("Multiple ellipses", { try g.stridedSlice(x, [.ellipsis, .ellipsis]) }),
      ("input has only 3 dims", { try g.stridedSlice(x, [.all, .all, .all, .all]) }),
      ("only stride 1 allowed on non-range indexing",
       { try g.stridedSlice(x, begin: [0], end: [1], strides: [-1], shrinkAxisMask: 1) }),
    ]
    for (message, build) in bad {
      let error = #expect(throws: TensorGraphError.self) { try build() }
      #expect(error?.description.contains(message) == true, "\(error.map(String.init(describing:)) ?? "no error")")
      #expect(error?.description.contains("[2, 3, 4]") == true, "names the input's shape")
    }
    // The same checks at run time, when the spec arrives fed.
    let b = try g.placeholder(.int32, shape: nil), e = try g.placeholder(.int32, shape: nil)
    let s = try g.placeholder(.int32, shape: nil)
    let y = try g.stridedSlice(x, begin: b, end: e, strides: s, name: "fed_slice")
    let feeds: [Output: Tensor] = [b: Tensor([Int32(0)]), e: Tensor([Int32(1), 2]), s: Tensor([Int32(1)])]
    let error = #expect(throws: TensorGraphError.self) { try Session(graph: g).run(fetches: [y], feeds: feeds) }
    #expect(error?.description.contains("fed_slice") == true && error?.description.contains("1D equal size") == true)
  }

  @Test func gradOpChecksDy() throws {
    let g = Graph()
    let idx = { (v: [Int32]) in try g.constant(Tensor(v)) }
    let dy = try g.placeholder(.float64, shape: nil)
    let out = try g.stridedSliceGrad(
      shape: try idx([2, 3]), begin: try idx([0, 0]), end: try idx([2, 3]), strides: try idx([1, 2]), dy: dy)
    #expect(out.shape == PartialShape([2, 3]))
    let session = Session(graph: g)
    let good = try session.run(fetches: [out], feeds: [dy: Tensor.f64([1, 2, 3, 4], [2, 2])])[0]
    #expect(good.doubles() == [1, 0, 2, 3, 0, 4])
    let error = #expect(throws: TensorGraphError.self) {
      try session.run(fetches: [out], feeds: [dy: Tensor.f64([1, 2, 3], [3])])
    }
    #expect(error?.description.contains("shape of dy was [3] instead of [2, 2]") == true)
  }
}
