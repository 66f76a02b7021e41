"""TensorFlow's reshuffles of whole tensors: ReverseV2, Roll, MirrorPad
(REFLECT and SYMMETRIC) with MirrorPadGrad, and PadV2."""
import numpy as np

from .common import Case, ramp, uniform


def i32(*v):
    return np.array(v, np.int32)


def pads(*rows, dtype=np.int32):
    return np.array(rows, dtype)


def cases():
    x = ramp([2, 3, 4], np.float64)
    out = []
    for label, axis in [("last axis", i32(2)), ("first and last", i32(0, -1)), ("every axis", i32(0, 1, 2)),
                        ("no axis", np.zeros([0], np.int32)), ("int64 axis", np.array([1], np.int64))]:
        out.append(Case("ReverseV2", label, [x, axis], grad=[0]))
    out.append(Case("ReverseV2", "bool", [np.array([[True, False, False]]), i32(1)]))
    out.append(Case("ReverseV2", "int32 vector", [ramp([5], np.int32), i32(0)]))
    out.append(Case("ReverseV2", "axis out of range is rejected", [x, i32(3)], error=True))
    out.append(Case("ReverseV2", "repeated axis is rejected", [x, i32(1, -2)], error=True))

    for label, shift, axis in [("one axis", i32(1), i32(2)), ("negative shift", i32(-2), i32(1)),
                               ("two axes", i32(1, 5), i32(0, 2)), ("repeated axis sums", i32(2, 3), i32(1, 1)),
                               ("scalar shift and axis", np.array(7, np.int32), np.array(-1, np.int32)),
                               ("int64 shift", np.array([-9], np.int64), i32(2))]:
        out.append(Case("Roll", label, [x, shift, axis], grad=[0]))
    out.append(Case("Roll", "uint8", [ramp([6], np.uint8), i32(4), i32(0)]))
    out.append(Case("Roll", "axis out of range is rejected", [x, i32(1), i32(3)], error=True))
    out.append(Case("Roll", "shift and axis of different sizes are rejected", [x, i32(1, 2), i32(0)], error=True))
    out.append(Case("Roll", "scalar shift with a vector axis is rejected", [x, np.array(1, np.int32), i32(0)],
                    error=True))

    y = uniform(50, [3, 4])
    for mode in ("REFLECT", "SYMMETRIC"):
        out.append(Case("MirrorPad", f"{mode} both dimensions", [y, pads([1, 2], [2, 1])], attrs={"mode": mode},
                        grad=[0]))
        out.append(Case("MirrorPad", f"{mode} the largest padding", [y, pads([2, 2], [3, 3]) if mode == "REFLECT"
                                                                    else pads([3, 3], [4, 4])],
                        attrs={"mode": mode}, grad=[0]))
        out.append(Case("MirrorPad", f"{mode} rank 3, int64 paddings", [x, pads([1, 0], [0, 2], [3, 1], dtype=np.int64)],
                        attrs={"mode": mode}, grad=[0]))
        out.append(Case("MirrorPad", f"{mode} int32 vector", [ramp([4], np.int32), pads([2, 1])], attrs={"mode": mode}))
        out.append(Case("MirrorPad", f"{mode} padding too large is rejected",
                        [y, pads([0, 0], [4, 0]) if mode == "REFLECT" else pads([0, 0], [5, 0])],
                        attrs={"mode": mode}, error=True))
        out.append(Case("MirrorPadGrad", f"{mode} paddings too large for the output are rejected",
                        [np.ones([3, 3]), pads([1, 1], [0, 0]) if mode == "REFLECT" else pads([2, 2], [0, 0])],
                        attrs={"mode": mode}, error=True))
        out.append(Case("MirrorPadGrad", f"{mode} folds", [uniform(51, [6, 7]), pads([1, 2], [2, 1])],
                        attrs={"mode": mode}, grad=[0]))
    out.append(Case("PadV2", "constant 2.5", [y, pads([1, 0], [2, 1]), np.array(2.5)], grad=[0]))
    out.append(Case("PadV2", "int32 constant -7", [ramp([2, 2], np.int32), pads([0, 1], [1, 1]),
                                                   np.array(-7, np.int32)]))
    out.append(Case("PadV2", "NaN constant, float32", [uniform(52, [2], dtype=np.float32), pads([1, 1]),
                                                       np.array(np.nan, np.float32)]))
    out.append(Case("PadV2", "vector constant is rejected", [y, pads([1, 0], [0, 0]), np.array([1.0, 2.0])],
                    error=True))
    out.append(Case("PadV2", "negative padding is rejected", [y, pads([-1, 0], [0, 0]), np.array(0.0)], error=True))
    return out
