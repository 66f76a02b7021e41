"""TensorFlow's indexing ops: StridedSlice with every mask, negative
strides and out-of-range clamping, and StridedSliceGrad; the gathers,
scatters, segment ops and the rest as they land."""
import numpy as np

from .common import Case, ramp, uniform


def i32(*v):
    return np.array(v, np.int32)


def strided_slice_cases():
    x = ramp([2, 3, 4], np.float64)
    out = []

    def ss(label, begin, end, strides, grad=True, error=False, dtype=None, index=np.int32, **masks):
        inp = x if dtype is None else ramp([2, 3, 4], dtype)
        attrs = {k: v for k, v in masks.items()}
        out.append(Case("StridedSlice", label,
                        [inp, np.array(begin, index), np.array(end, index), np.array(strides, index)],
                        attrs=attrs, grad=[0] if grad and dtype is None and not error else [], error=error))

    ss("plain box", [0, 1, 1], [2, 3, 3], [1, 1, 1])
    ss("x[:, 1:]", [0, 1], [0, 0], [1, 1], begin_mask=1, end_mask=3)
    ss("step 2 on the last axis", [0, 0, 0], [2, 3, 4], [1, 1, 2])
    ss("step 3 ragged", [0, 0, 1], [2, 3, 4], [1, 2, 3])
    ss("reversed x[::-1, ::-1, ::-1]", [0, 0, 0], [0, 0, 0], [-1, -1, -1], begin_mask=7, end_mask=7)
    ss("negative stride with bounds x[:, 2:0:-1, 3:0:-2]", [0, 2, 3], [2, 0, 0], [1, -1, -2], begin_mask=1, end_mask=1)
    ss("negative bounds x[-1:, -2:, -3:-1]", [-1, -2, -3], [2, 3, -1], [1, 1, 1])
    ss("out-of-range bounds clamp", [-10, 1, -100], [10, 100, 100], [1, 1, 1])
    ss("out-of-range reversed clamp", [10, 100, 100], [-10, -100, -100], [-1, -2, -1])
    ss("empty: begin past end", [1, 2, 0], [0, 1, 4], [1, 1, 1])
    ss("empty: wrong direction", [0, 0, 0], [2, 3, 4], [1, -1, 1])
    ss("shrink x[1]", [1], [2], [1], shrink_axis_mask=1)
    ss("shrink negative x[:, -1]", [0, -1], [0, 0], [1, 1], begin_mask=1, end_mask=1, shrink_axis_mask=2)
    ss("shrink every axis x[1, 2, 3]", [1, 2, 3], [2, 3, 4], [1, 1, 1], shrink_axis_mask=7)
    ss("shrink ignores the masks", [1, 0], [0, 0], [1, 1], begin_mask=3, end_mask=3, shrink_axis_mask=1)
    ss("ellipsis x[..., 1]", [0, 1], [0, 2], [1, 1], ellipsis_mask=1, shrink_axis_mask=2)
    ss("ellipsis in the middle x[1, ..., 1:3]", [1, 0, 1], [2, 0, 3], [1, 1, 1], ellipsis_mask=2, shrink_axis_mask=1)
    ss("ellipsis covering nothing x[0, 1, ..., 2]", [0, 1, 0, 2], [1, 2, 0, 3], [1, 1, 1, 1], ellipsis_mask=4,
       shrink_axis_mask=11)
    ss("new axis x[tf.newaxis, :, 1]", [0, 0, 1], [0, 0, 2], [1, 1, 1], begin_mask=2, end_mask=2, new_axis_mask=1,
       shrink_axis_mask=4)
    ss("new axes around an ellipsis x[newaxis, ..., newaxis]", [0, 0, 0], [0, 0, 0], [1, 1, 1], ellipsis_mask=2,
       new_axis_mask=5)
    ss("new axis after the ellipsis x[..., newaxis, 0]", [0, 0, 0], [0, 0, 1], [1, 1, 1], ellipsis_mask=1,
       new_axis_mask=2, shrink_axis_mask=4)
    ss("new axis wins over shrink", [0, 0], [1, 1], [1, 1], new_axis_mask=1, shrink_axis_mask=1)
    ss("ellipsis wins over new axis", [0, 0], [1, 1], [1, 1], ellipsis_mask=1, new_axis_mask=1)
    ss("identity x[:]", [0], [0], [1], begin_mask=1, end_mask=1)
    ss("identity by bounds", [0, 0, 0], [2, 3, 4], [1, 1, 1])
    ss("int64 indices", [0, 1, 0], [2, 3, 4], [1, 1, 3], index=np.int64)
    ss("int32 input", [1, 0, 3], [0, 3, 0], [-1, 2, -1], dtype=np.int32, begin_mask=1, end_mask=4)
    ss("float32 input", [0, 2, 0], [2, 0, 4], [1, -1, 3], dtype=np.float32)
    ss("bool input x[:, ::2]", [0, 0], [0, 0], [1, 2], dtype=np.bool_, begin_mask=3, end_mask=3)
    ss("uint8 input reversed", [0], [0], [-1], dtype=np.uint8, begin_mask=1, end_mask=1)
    ss("zero stride is rejected", [0, 0], [1, 1], [1, 0], error=True)
    ss("shrink out of range is rejected", [2], [3], [1], shrink_axis_mask=1, error=True)
    ss("shrink negative out of range is rejected", [-3], [0], [1], shrink_axis_mask=1, error=True)
    ss("shrink with a negative stride is rejected", [0], [1], [-1], shrink_axis_mask=1, error=True)
    ss("two ellipses are rejected", [0, 0], [1, 1], [1, 1], ellipsis_mask=3, error=True)
    ss("more entries than dimensions are rejected", [0] * 4, [1] * 4, [1] * 4, error=True)
    out.append(Case("StridedSlice", "unequal begin and end are rejected",
                    [x, i32(0), i32(1, 2), i32(1)], error=True))
    out.append(Case("StridedSlice", "matrix begin is rejected",
                    [x, np.array([[0]], np.int32), np.array([[1]], np.int32), np.array([[1]], np.int32)], error=True))
    # A slice of a scalar: only new axes and the ellipsis apply.
    out.append(Case("StridedSlice", "scalar x[tf.newaxis]",
                    [np.array(3.5), i32(0), i32(0), i32(1)], attrs={"new_axis_mask": 1}, grad=[0]))
    # StridedSliceGrad directly (its own gradient is the same slice).
    dy = uniform(7, [2, 2, 2])
    out.append(Case("StridedSliceGrad", "reversed step 2 places dy",
                    [i32(2, 3, 4), i32(0, 2, 3), i32(2, 0, 0), i32(1, -1, -2), dy],
                    attrs={"begin_mask": 1, "end_mask": 1}, grad=[4]))
    out.append(Case("StridedSliceGrad", "shrink and new axis",
                    [i32(2, 3, 4), i32(0, 1, 0), i32(0, 2, 0), i32(1, 1, 1), uniform(8, [1, 2, 4])],
                    attrs={"new_axis_mask": 1, "shrink_axis_mask": 4, "begin_mask": 2, "end_mask": 2}, grad=[4]))
    out.append(Case("StridedSliceGrad", "dy of the wrong shape is rejected",
                    [i32(2, 3), i32(0, 0), i32(2, 3), i32(1, 1), uniform(9, [2, 2])], error=True))
    return out


def gather_cases():
    p = uniform(11, [2, 3, 4])
    out = []

    def g(label, params, indices, axis, grad=True, error=False, **attrs):
        out.append(Case("GatherV2", label, [params, np.array(indices, np.int32 if not isinstance(indices, np.ndarray)
                                                              else indices.dtype), np.array(axis, np.int32)],
                        attrs=attrs, grad=[0] if grad and not error and params.dtype.kind == "f" else [],
                        error=error))

    g("rows of a table with repeats", p, [1, 0, 1, 1], 0)
    g("matrix of indices", p, [[2, 0], [1, 2]], 1)
    g("last axis", p, [3, 0, 3], 2)
    g("negative axis", p, [0, 2], -2)
    g("scalar index drops the axis", p, 1, 1)
    g("empty indices", p, np.zeros([0], np.int32), 0)
    g("int64 indices", p, np.array([[0], [1]], np.int64), 0)
    g("batch_dims 1 axis 1", p, [[0, 2, 1, 1], [1, 1, 0, 2]], 1, batch_dims=1)
    g("batch_dims 1 axis 2", p, [[3, 0], [1, 1]], 2, batch_dims=1)
    g("batch_dims -1", p, [[0, 2], [2, 2]], 1, batch_dims=-1)
    g("batch_dims 2", p, np.array([[[0, 3], [1, 1], [2, 0]], [[3, 3], [0, 1], [2, 2]]], np.int32), 2, batch_dims=2)
    g("int32 params", ramp([3, 2], np.int32), [2, 0], 0)
    g("bool params", np.array([True, False, True]), [2, 1, 1], 0)
    g("uint8 params", ramp([4], np.uint8), [3, 3, 0], 0)
    g("out of range index is rejected", p, [0, 2], 0, error=True)
    g("negative index is rejected", p, [0, -1], 1, error=True)
    g("axis out of range is rejected", p, [0], 3, error=True)
    g("batch_dims past axis is rejected", p, [[0], [1]], 0, batch_dims=1, error=True)
    g("batch dimensions that differ are rejected", p, [[0], [1], [0]], 1, batch_dims=1, error=True)
    g("scalar params are rejected", np.array(1.5), [0], 0, error=True)
    return out


def segment_cases():
    data = uniform(21, [6, 3])
    edge = np.array([[1.0, np.nan], [np.nan, 1.0], [-np.inf, 2.0], [3.0, -0.0], [0.0, np.inf]])
    ties = np.array([[1.0, 2.0], [1.0, 5.0], [0.5, 5.0], [4.0, -1.0], [4.0, -1.0], [4.0, -3.0]])
    out = []
    ids = np.array([0, 0, 1, 3, 3, 3], np.int32)
    for op in ("SegmentSum", "SegmentMean", "SegmentMax"):
        out.append(Case(op, "runs with a missing id", [data, ids], grad=[0]))
        out.append(Case(op, "one segment", [data, np.zeros([6], np.int64)], grad=[0]))
        out.append(Case(op, "NaN, infinities and signed zeros", [edge, np.array([0, 0, 1, 1, 2], np.int32)]))
        out.append(Case(op, "int32", [ramp([5, 2], np.int32, start=-4), np.array([0, 1, 1, 1, 4], np.int32)]))
        out.append(Case(op, "empty data", [np.zeros([0, 2]), np.zeros([0], np.int32)]))
        out.append(Case(op, "decreasing ids are rejected", [data, np.array([0, 1, 1, 0, 2, 2], np.int32)],
                        error=True))
        out.append(Case(op, "negative id is rejected", [data, np.array([-1, 0, 0, 1, 1, 1], np.int32)],
                        error=True))
        out.append(Case(op, "ids of the wrong length are rejected", [data, np.array([0, 1], np.int32)],
                        error=True))
    out.append(Case("SegmentMax", "ties share the gradient", [ties, np.array([0, 0, 0, 1, 1, 1], np.int32)],
                    grad=[0]))
    uids = np.array([3, -1, 0, 3, 1, 0], np.int32)
    for op in ("UnsortedSegmentSum", "UnsortedSegmentMax"):
        out.append(Case(op, "unsorted with a dropped row and an empty segment", [data, uids, np.array(5, np.int32)],
                        grad=[0]))
        out.append(Case(op, "matrix ids", [uniform(22, [2, 3, 2]), np.array([[0, 2, 2], [1, 0, 2]], np.int64),
                                           np.array(3, np.int64)], grad=[0]))
        out.append(Case(op, "ids as data's shape", [uniform(23, [2, 2]), np.array([[1, 0], [1, 1]], np.int32),
                                                    np.array(2, np.int32)], grad=[0]))
        out.append(Case(op, "NaN, infinities and signed zeros", [edge, np.array([0, 0, 1, 1, 2], np.int32),
                                                                  np.array(4, np.int32)]))
        out.append(Case(op, "int32", [ramp([5, 2], np.int32, start=-4), np.array([2, 1, -1, 1, 2], np.int32),
                                      np.array(3, np.int32)]))
        out.append(Case(op, "uint8", [ramp([4], np.uint8), np.array([1, 1, 0, 1], np.int32), np.array(3, np.int32)]))
        out.append(Case(op, "zero segments", [data, np.full([6], -1, np.int32), np.array(0, np.int32)]))
        out.append(Case(op, "id past num_segments is rejected", [data, uids, np.array(3, np.int32)], error=True))
        out.append(Case(op, "ids that data's shape does not start with are rejected",
                        [data, np.array([0, 1], np.int32), np.array(2, np.int32)], error=True))
    out.append(Case("UnsortedSegmentMax", "ties share the gradient",
                    [ties, np.array([1, 1, 1, 0, 0, 0], np.int32), np.array(2, np.int32)], grad=[0]))
    return out


def gather_nd_cases():
    params = ramp([2, 3, 4], np.float64)
    out = []

    def gnd(label, indices, p=params, grad=True, error=False, **attrs):
        out.append(Case("GatherNd", label, [p, indices], attrs=attrs, grad=[0] if grad and not error else [],
                        error=error))

    gnd("elements [[r, c, k], ...]", np.array([[1, 2, 3], [0, 0, 0], [1, 2, 3]], np.int32))
    gnd("rows [[r], ...] with a duplicate", np.array([[1], [0], [1]], np.int64))
    gnd("matrices [[r, c], ...]", np.array([[1, 0], [0, 2]], np.int32))
    gnd("batched indices [2, 2, 2]", np.array([[[0, 1], [1, 2]], [[1, 1], [0, 0]]], np.int32))
    # Its gradient is a ScatterNd of empty tuples, which TensorFlow rejects.
    gnd("empty tuples copy params per row", np.zeros([2, 0], np.int32), grad=False)
    gnd("empty params without tuples", np.zeros([0, 1], np.int32), p=np.zeros([0, 3]), grad=False)
    gnd("no tuples", np.zeros([0, 2], np.int32))
    gnd("int32 params", np.array([[1, 1], [0, 2]], np.int32), p=ramp([2, 3], np.int32, start=-3), grad=False)
    gnd("bool params", np.array([[1], [0]], np.int32), p=np.array([[True, False], [False, False]]), grad=False)
    gnd("IGNORE gives zeros for a bad tuple", np.array([[1, 2], [5, 0], [0, -1]], np.int32), grad=False,
        bad_indices_policy="IGNORE")
    gnd("tuple out of range is rejected", np.array([[1, 5]], np.int32), error=True)
    gnd("negative coordinate is rejected", np.array([[-1]], np.int32), error=True)
    gnd("tuples longer than params' rank are rejected", np.array([[0, 0, 0, 0]], np.int32), error=True)
    gnd("scalar indices are rejected", np.array(0, np.int32), error=True)
    gnd("empty params with tuples are rejected", np.array([[0]], np.int32), p=np.zeros([0, 3]), error=True)
    return out


def scatter_cases():
    out = []
    idx = np.array([[4], [3], [1], [7], [3]], np.int32)
    upd = uniform(30, [5])
    out.append(Case("ScatterNd", "vector with a duplicate that sums", [idx, upd, np.array([8], np.int32)], grad=[1]))
    out.append(Case("ScatterNd", "rows of a matrix, int64 indices",
                    [np.array([[0], [2]], np.int64), uniform(31, [2, 3]), np.array([4, 3], np.int64)], grad=[1]))
    out.append(Case("ScatterNd", "elements of a matrix", [np.array([[0, 1], [2, 2], [0, 1]], np.int32),
                                                        uniform(32, [3]), np.array([3, 3], np.int32)], grad=[1]))
    out.append(Case("ScatterNd", "int32 updates", [idx, ramp([5], np.int32, start=-2), np.array([8], np.int32)]))
    out.append(Case("ScatterNd", "IGNORE skips a bad tuple", [np.array([[1], [9], [-1]], np.int32), uniform(33, [3]),
                                                             np.array([4], np.int32)],
                    attrs={"bad_indices_policy": "IGNORE"}))
    out.append(Case("ScatterNd", "tuple out of range is rejected", [np.array([[5]], np.int32), uniform(34, [1]),
                                                                  np.array([4], np.int32)], error=True))
    out.append(Case("ScatterNd", "updates of the wrong shape are rejected",
                    [np.array([[1], [2]], np.int32), uniform(35, [3]), np.array([4], np.int32)], error=True))
    out.append(Case("ScatterNd", "updates with the wrong slice are rejected",
                    [np.array([[1], [2]], np.int32), uniform(36, [2, 2]), np.array([4, 3], np.int32)], error=True))
    out.append(Case("ScatterNd", "no tuples give zeros", [np.zeros([0, 1], np.int32), np.zeros([0, 3]),
                                                          np.array([2, 3], np.int32)]))
    out.append(Case("ScatterNd", "empty tuples are rejected", [np.zeros([2, 0], np.int32), uniform(38, [2, 2, 3]),
                                                              np.array([2, 3], np.int32)], error=True))
    out.append(Case("ScatterNd", "tuples into an empty output are rejected",
                    [np.zeros([1, 1], np.int32), np.zeros([1, 0]), np.array([2, 0], np.int32)], error=True))
    out.append(Case("ScatterNd", "negative shape is rejected",
                    [np.array([[1]], np.int32), uniform(37, [1]), np.array([-4], np.int32)], error=True))
    tensor = uniform(40, [4, 3])
    rows = np.array([[2], [0], [2]], np.int32)
    for op in ("TensorScatterUpdate", "TensorScatterAdd", "TensorScatterSub"):
        out.append(Case(op, "rows with a duplicate", [tensor, rows, uniform(41, [3, 3])], grad=[0, 2]))
        out.append(Case(op, "elements, int64 indices", [tensor, np.array([[3, 2], [0, 0]], np.int64),
                                                        uniform(42, [2])], grad=[0, 2]))
        out.append(Case(op, "int32", [ramp([4], np.int32), np.array([[1], [3]], np.int32),
                                      np.array([10, -20], np.int32)]))
        out.append(Case(op, "tuple out of range is rejected", [tensor, np.array([[4]], np.int32),
                                                               uniform(43, [1, 3])], error=True))
        out.append(Case(op, "updates of the wrong shape are rejected", [tensor, rows, uniform(44, [3, 2])],
                        error=True))
    out.append(Case("TensorScatterUpdate", "bool", [np.array([True, False, True]), np.array([[0], [1]], np.int32),
                                                    np.array([False, True])]))
    return out


def where_unique_cases():
    out = []
    out.append(Case("Where", "bool matrix", [np.array([[True, False, True], [False, False, True]])]))
    out.append(Case("Where", "float with NaN and -0", [np.array([[0.0, -0.0, np.nan], [1.5, 0.0, -np.inf]])]))
    out.append(Case("Where", "int32 rank 3", [np.array([[[0, 3], [0, 0]], [[-1, 0], [0, 2]]], np.int32)]))
    out.append(Case("Where", "all false", [np.zeros([2, 3], bool)]))
    out.append(Case("Where", "vector int64", [np.array([0, 7, 0, 0, 9], np.int64)]))
    out.append(Case("Unique", "int32 with repeats", [np.array([1, 1, 2, 4, 4, 4, 7, 8, 8], np.int32)]))
    out.append(Case("Unique", "float64 with -0, 0 and NaN", [np.array([0.0, -0.0, 2.5, np.nan, 2.5, np.nan, -1.0])]))
    out.append(Case("Unique", "int64 out_idx", [np.array([3.0, 1.0, 3.0], np.float32)], attrs={"out_idx": np.int64}))
    out.append(Case("Unique", "empty", [np.zeros([0], np.int64)]))
    out.append(Case("Unique", "matrix is rejected", [np.zeros([2, 2], np.int32)], error=True))
    return out


def cases():
    return strided_slice_cases() + gather_cases() + segment_cases() + gather_nd_cases() + scatter_cases() + \
        where_unique_cases()
