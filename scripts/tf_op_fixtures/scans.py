"""TensorFlow's scans and selections: Cumsum and Cumprod in every
exclusive/reverse mode on every axis, TopKV2 with ties, InTopKV2, ArgMin
and ArgMax around NaN and infinities, All and Any."""
import numpy as np

from .common import Case, ramp, uniform


def i32(v):
    return np.array(v, np.int32)


def scan_cases():
    out = []
    x = uniform(31, [2, 3, 4])
    # Products of values near ±1 stay well-conditioned; a zero in each
    # mode checks the gradient's div_no_nan (0 where x = 0).
    px = uniform(32, [2, 3, 4], 0.5, 1.5) * np.where(uniform(33, [2, 3, 4]) < 0, -1.0, 1.0)
    zeros = np.array([[2.0, 0.0, 3.0, -1.5], [0.0, 0.0, 0.5, 2.0]])
    for op, data in (("Cumsum", x), ("Cumprod", px)):
        for exclusive in (False, True):
            for reverse in (False, True):
                mode = f"exclusive={exclusive} reverse={reverse}"
                for axis in (0, 1, 2, -1):
                    out.append(Case(op, f"{mode} axis {axis}", [data, i32(axis)],
                                    attrs={"exclusive": exclusive, "reverse": reverse}, grad=[0]))
                out.append(Case(op, f"{mode} float32", [data.astype(np.float32), i32(1)],
                                attrs={"exclusive": exclusive, "reverse": reverse}, grad=[0], rtol=1e-5))
                out.append(Case(op, f"{mode} int32", [ramp([3, 4], np.int32, start=-5), i32(1)],
                                attrs={"exclusive": exclusive, "reverse": reverse}))
                out.append(Case(op, f"{mode} int64 axis", [ramp([3, 4], np.int64, start=-3), np.array(0, np.int64)],
                                attrs={"exclusive": exclusive, "reverse": reverse}))
                out.append(Case(op, f"{mode} zeros", [zeros, i32(1)],
                                attrs={"exclusive": exclusive, "reverse": reverse}, grad=[0]))
        edges = np.array([[1.0, np.nan, 2.0], [np.inf, -np.inf, 1.0], [-0.0, -0.0, 1e30], [-1e30, 1e30, -0.0]])
        for dtype in (np.float32, np.float64):
            out.append(Case(op, f"NaN, infinities and signed zeros {np.dtype(dtype).name}", [edges.astype(dtype), i32(1)]))
            out.append(Case(op, f"NaN, infinities and signed zeros exclusive reverse {np.dtype(dtype).name}",
                            [edges.astype(dtype), i32(0)], attrs={"exclusive": True, "reverse": True}))
        out.append(Case(op, "wrapping int32", [np.array([2 ** 20, 2 ** 20, 2 ** 31 - 1, 3], np.int32), i32(0)]))
        out.append(Case(op, "vector", [uniform(34, [7]), i32(0)], grad=[0]))
        out.append(Case(op, "empty", [np.zeros([2, 0]), i32(1)]))
        out.append(Case(op, "axis out of range is rejected", [x, i32(3)], error=True))
        out.append(Case(op, "negative axis out of range is rejected", [x, i32(-4)], error=True))
        out.append(Case(op, "vector axis is rejected", [x, np.array([1], np.int32)], error=True))
        out.append(Case(op, "scalar input is rejected", [np.array(2.0), i32(0)], error=True))
    return out


def top_k_cases():
    out = []
    x = uniform(41, [3, 6])
    ties = np.array([[2.0, 1.0, 2.0, 1.0, 2.0, 0.0], [-0.0, 0.0, -0.0, 5.0, 5.0, -np.inf],
                     [np.inf, 1.0, np.inf, -1.0, 3.0, 3.0]])
    for k in (1, 3, 6):
        out.append(Case("TopKV2", f"k={k}", [x, i32(k)], grad=[0]))
        out.append(Case("TopKV2", f"ties k={k}", [ties, i32(k)]))
        out.append(Case("TopKV2", f"float32 ties k={k}", [ties.astype(np.float32), i32(k)]))
    # No gradient: TensorFlow's _TopKGrad fails for int64 indices (it adds
    # int32 offsets to them); GradientCheckTable+Scans checks ours.
    out.append(Case("TopKV2", "rank 3 int64 k and index_type", [uniform(42, [2, 2, 5]), np.array(2, np.int64)],
                    attrs={"index_type": np.int64}))
    out.append(Case("TopKV2", "float32 rank 3", [uniform(43, [2, 3, 4], dtype=np.float32), i32(2)], grad=[0]))
    out.append(Case("TopKV2", "int32 with ties", [np.array([[3, 1, 3, 7, 1], [0, 0, -2, 0, 9]], np.int32), i32(3)]))
    out.append(Case("TopKV2", "int64", [np.array([5, -1, 5, 2], np.int64), i32(2)]))
    out.append(Case("TopKV2", "vector", [uniform(44, [8]), i32(4)], grad=[0]))
    out.append(Case("TopKV2", "k=0", [x, i32(0)]))
    out.append(Case("TopKV2", "empty rows", [np.zeros([0, 4]), i32(2)]))
    # With sorted=False TensorFlow's order is its heap's; where it keeps
    # the sorted order (k = 1, k = n) ours must equal it.
    out.append(Case("TopKV2", "unsorted k=n", [x, i32(6)], attrs={"sorted": False}, grad=[0]))
    out.append(Case("TopKV2", "unsorted k=1", [x, i32(1)], attrs={"sorted": False}, grad=[0]))
    out.append(Case("TopKV2", "k past the axis is rejected", [x, i32(7)], error=True))
    out.append(Case("TopKV2", "negative k is rejected", [x, i32(-1)], error=True))
    out.append(Case("TopKV2", "vector k is rejected", [x, np.array([1], np.int32)], error=True))
    out.append(Case("TopKV2", "scalar input is rejected", [np.array(1.0), i32(1)], error=True))

    p = np.array([[0.1, 0.5, 0.5, 0.2], [1.0, 2.0, 3.0, 4.0], [0.3, np.nan, 0.1, 0.2], [1.0, 1.0, 1.0, 1.0],
                  [0.2, np.inf, 0.3, 0.1]], np.float32)
    for k in (0, 1, 2, 3, 5, -1):
        out.append(Case("InTopKV2", f"k={k}", [p, i32([2, 1, 0, 3, 2]), i32(k)]))
    out.append(Case("InTopKV2", "int64 targets out of range", [p, np.array([4, -1, 0, 1, 0], np.int64),
                                                               np.array(2, np.int64)]))
    out.append(Case("InTopKV2", "targets of another length are rejected", [p, i32([0, 1]), i32(1)], error=True))
    out.append(Case("InTopKV2", "vector predictions are rejected", [p[0], i32([0]), i32(1)], error=True))
    out.append(Case("InTopKV2", "matrix targets are rejected", [p, np.zeros([5, 1], np.int32), i32(1)], error=True))
    out.append(Case("InTopKV2", "vector k is rejected", [p, i32([0, 1, 2, 3, 0]), i32([1])], error=True))
    return out


def arg_cases():
    out = []
    nan, inf = np.nan, np.inf
    big = np.finfo(np.float32).max
    rows = np.array([[1, nan, 3, 2, 3], [nan, 1, 3, -1, nan], [nan, nan, nan, nan, nan],
                     [-inf, nan, -inf, -inf, -inf], [inf, nan, inf, 1, -inf], [-0.0, 0.0, -0.0, 0.0, -0.0],
                     [nan, -big, 5, -big, -5], [nan, big, -5, big, 5],
                     # Nothing beats the start (the lowest finite value for
                     # ArgMax, the highest for ArgMin): index 0, the NaN.
                     [nan, -big, -inf, -big, nan], [nan, big, inf, big, nan]])
    long = np.arange(40, dtype=np.float64) % 7
    long[[3, 17, 30]] = nan
    for op in ("ArgMin", "ArgMax"):
        for dtype in (np.float32, np.float64):
            name = np.dtype(dtype).name
            out.append(Case(op, f"NaN, infinities, ties {name} axis 1", [rows.astype(dtype), i32(1)]))
            out.append(Case(op, f"NaN, infinities, ties {name} axis 0", [rows.astype(dtype), i32(0)]))
            out.append(Case(op, f"long rows with NaN {name}", [np.stack([long, long[::-1]]).astype(dtype), i32(-1)]))
            out.append(Case(op, f"strided long axis with NaN {name}", [np.stack([long, long[::-1]], 1).astype(dtype),
                                                                       i32(0)]))
        x = uniform(51, [3, 4, 5])
        for axis in (0, 1, 2, -2):
            out.append(Case(op, f"axis {axis}", [x, i32(axis)]))
        out.append(Case(op, "int32 output", [x, i32(2)], attrs={"output_type": np.int32}))
        out.append(Case(op, "int64 dimension", [x, np.array(1, np.int64)]))
        out.append(Case(op, "int32 ties", [np.array([[3, 1, 3, 1], [-2, 7, 7, -2]], np.int32), i32(1)]))
        out.append(Case(op, "int64 extremes", [np.array([[np.iinfo(np.int64).min, np.iinfo(np.int64).min],
                                                          [np.iinfo(np.int64).max, 0]], np.int64), i32(1)]))
        out.append(Case(op, "vector", [uniform(52, [9]), i32(0)]))
        out.append(Case(op, "empty rows", [np.zeros([0, 3]), i32(1)]))
        out.append(Case(op, "empty axis is rejected", [np.zeros([2, 0]), i32(1)], error=True))
        out.append(Case(op, "axis out of range is rejected", [x, i32(3)], error=True))
    return out


def logical_cases():
    out = []
    b = uniform(61, [2, 3, 4]) > 0
    for op in ("All", "Any"):
        for axes in ([0], [1], [2], [0, 2], [-1], [], [0, 1, 2]):
            for keep in (False, True):
                out.append(Case(op, f"axes {axes} keep_dims={keep}", [b, i32(axes)], attrs={"keep_dims": keep}))
        out.append(Case(op, "scalar axis", [b, i32(1)]))
        out.append(Case(op, "int64 axes", [b, np.array([1, 2], np.int64)]))
        out.append(Case(op, "all true and all false rows", [np.array([[True] * 5, [False] * 5, [True, False] * 2 + [True]]),
                                                            i32(1)]))
        out.append(Case(op, "long rows", [uniform(62, [3, 40]) > 1.6, i32(1)]))
        out.append(Case(op, "empty axis", [np.zeros([2, 0], bool), i32(1)]))
        out.append(Case(op, "axis out of range is rejected", [b, i32(3)], error=True))
        out.append(Case(op, "repeated axis is rejected", [b, i32([1, 1])], error=True))
    return out


def cases():
    return scan_cases() + top_k_cases() + arg_cases() + logical_cases()
