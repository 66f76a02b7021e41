"""TensorFlow's rounding, trigonometric and special functions on every edge
value, in float32 and float64, with gradients on smooth inputs; the integer
and safe divisions, Atan2, the float classes, ClipByValue, L2Loss,
BiasAddV1 and Polygamma."""
import numpy as np

from .common import EDGES, Case, ramp, uniform

UNARY = {
    # op: the interval its gradient is checked on (None: no gradient)
    "Floor": None, "Ceil": None, "Rint": None, "Round": None,
    "Sin": (-4, 4), "Cos": (-4, 4), "Log1p": (-0.8, 3), "Expm1": (-3, 3), "Erf": (-2.5, 2.5),
    "Tan": (-1.2, 1.2), "Asin": (-0.9, 0.9), "Acos": (-0.9, 0.9), "Atan": (-3, 3),
    "Sinh": (-3, 3), "Cosh": (-3, 3), "Asinh": (-3, 3), "Acosh": (1.2, 4), "Atanh": (-0.9, 0.9),
    "Erfc": (-2.5, 2.5), "Lgamma": (0.3, 4),
    # Digamma's gradient is TensorFlow's polygamma(1, x).
    "Digamma": (0.3, 4),
}


def cases():
    out = []
    for k, (op, interval) in enumerate(UNARY.items()):
        for dtype in (np.float32, np.float64):
            # Rint's and Round's halves (-2.5, -1.5, 0.5, 1.5, 2.5) check
            # ties to even; ±0.999 sit inside Asin's, Acos's and Atanh's
            # domains, ±1 on their edges, 1.5 and 2.5 outside them.
            values = EDGES + [-0.999, 0.999, 3.7]
            if op == "Erf" and dtype == np.float64:
                # TensorFlow 2.21's float64 Erf (Eigen's rational
                # approximation) gives NaN at ±Inf; ours gives erf's limits
                # ±1, as float32 TensorFlow and libm do (UnaryMathOpTests).
                values = [v for v in values if not np.isinf(v)]
            edges = np.array(values, dtype=dtype)
            # float32 transcendental functions: Eigen's vectorized
            # approximations differ from libm by a few ulps.
            rtol = 1e-5 if dtype == np.float32 else 1e-13
            out.append(Case(op, f"{np.dtype(dtype).name} edges", [edges], rtol=rtol))
            if interval is not None:
                x = uniform(100 + k, [2, 3], *interval, dtype=dtype)
                out.append(Case(op, f"{np.dtype(dtype).name} gradient", [x], grad=[0], rtol=rtol))
    out += binary_cases() + integer_division_cases() + float_class_cases() + clip_cases() + l2_loss_cases()
    out += bias_add_v1_cases() + polygamma_cases()
    # Round of an integer tensor: tf.math.round returns it unchanged (ours
    # too), but TensorFlow 2.21's raw Round CPU kernel gives zeros for
    # int32 and int64, so there is no integer fixture (UnaryMathOpTests
    # checks ours).
    return out


# The binary float ops on every pair of edge values: x as a column against
# y as a row, so the case also broadcasts ([n, 1] with [n]).
BINARY_FLOAT = {
    # op: (rtol for float32, the gradient case's x and y intervals)
    "FloorDiv": (None, None), "TruncateDiv": (None, None),
    "FloorMod": (None, ((0.3, 3.7), (0.7, 1.3))),
    "Atan2": (1e-5, ((-2, 2), (-2, 2))),
    "DivNoNan": (None, ((-2, 2), (0.5, 2))),
    "Xlogy": (1e-5, ((-2, 2), (0.5, 2))),
    "Xdivy": (None, ((-2, 2), (0.5, 2))),
}

BINARY_EDGES = [-np.inf, -1e30, -6.0, -2.5, -1.0, -0.5, -1e-30, -0.0, 0.0, 1e-30, 0.5, 1.0, 2.5, 3.0, 6.0, 1e30,
                np.inf, np.nan]


def binary_cases():
    out = []
    for k, (op, (rtol32, interval)) in enumerate(BINARY_FLOAT.items()):
        for dtype in (np.float32, np.float64):
            e = np.array(BINARY_EDGES, dtype)
            rtol = rtol32 if dtype == np.float32 else None
            out.append(Case(op, f"{np.dtype(dtype).name} edges x edges", [e.reshape(-1, 1), e], rtol=rtol))
        if interval is not None:
            for dtype in (np.float32, np.float64):
                x = uniform(200 + k, [2, 3], *interval[0], dtype=dtype)
                y = uniform(300 + k, [3], *interval[1], dtype=dtype)
                if op in ("Xlogy", "Xdivy"):
                    x[0, 1] = 0  # no gradient flows where x == 0
                if op == "DivNoNan":
                    y[2] = 0  # DivNoNan's gradients are 0 where y == 0
                out.append(Case(op, f"{np.dtype(dtype).name} gradient [2, 3] [3]", [x, y], grad=[0, 1],
                                rtol=1e-5 if dtype == np.float32 else None))
    # Atan2 on scalars against a matrix: the y-first argument order.
    out.append(Case("Atan2", "scalar y, matrix x", [np.array(1.0), uniform(310, [2, 2])], grad=[0, 1]))
    return out


def integer_division_cases():
    out = []
    for dtype in (np.int32, np.int64):
        lo, hi = np.iinfo(dtype).min, np.iinfo(dtype).max
        # The sign table, the wraps (min / -1), min and max against small
        # and huge divisors of both signs.
        x = np.array([7, -7, 7, -7, 6, -6, 0, 1, -1, lo, lo, lo, lo, lo + 1, hi, hi, -7, 7, 5, lo], dtype)
        y = np.array([2, 2, -2, -2, 3, 3, 5, -5, 5, -1, 3, -3, 2, -1, -1, 2, lo, lo, hi, lo], dtype)
        for op in ("FloorDiv", "FloorMod", "TruncateDiv"):
            out.append(Case(op, f"{np.dtype(dtype).name} sign table and wraps", [x, y]))
            out.append(Case(op, f"{np.dtype(dtype).name} broadcast [2, 3] [3]",
                            [np.array([[-9, 9, 4], [-4, 0, 11]], dtype), np.array([4, -3, -5], dtype)]))
            out.append(Case(op, f"{np.dtype(dtype).name} by zero is rejected",
                            [np.array([1, 2, 3], dtype), np.array([1, 0, 3], dtype)], error=True))
            out.append(Case(op, f"{np.dtype(dtype).name} scalar zero divisor is rejected",
                            [np.array([[4, -4]], dtype), np.array(0, dtype)], error=True))
    return out


def float_class_cases():
    out = []
    for op in ("IsNan", "IsInf", "IsFinite"):
        for dtype in (np.float32, np.float64):
            out.append(Case(op, f"{np.dtype(dtype).name} edges", [np.array(EDGES, dtype).reshape(-1, 1)]))
    return out


def clip_cases():
    out = []
    for dtype in (np.float32, np.float64):
        name = np.dtype(dtype).name
        e = np.array(EDGES, dtype)
        out.append(Case("ClipByValue", f"{name} edges in [-1, 2.5]", [e, np.array(-1, dtype), np.array(2.5, dtype)]))
        out.append(Case("ClipByValue", f"{name} NaN bounds leave their side open",
                        [e, np.array(np.nan, dtype), np.array(np.nan, dtype)]))
        out.append(Case("ClipByValue", f"{name} NaN lower bound", [e, np.array(np.nan, dtype), np.array(1, dtype)]))
        out.append(Case("ClipByValue", f"{name} lower above upper gives the lower",
                        [e, np.array(3, dtype), np.array(-3, dtype)]))
        t = uniform(400, [2, 3], -3, 3, dtype=dtype)
        lo = uniform(401, [2, 3], -2, 0, dtype=dtype)
        hi = uniform(402, [2, 3], 0, 2, dtype=dtype)
        out.append(Case("ClipByValue", f"{name} bounds of t's shape", [t, lo, hi], grad=[0, 1, 2],
                        rtol=1e-6 if dtype == np.float32 else None))
        out.append(Case("ClipByValue", f"{name} mixed bounds", [t, np.array(-0.5, dtype), hi], grad=[0, 1, 2]))
        out.append(Case("ClipByValue", f"{name} scalar bounds gradient", [uniform(403, [3, 4], -3, 3, dtype=dtype),
                        np.array(-1, dtype), np.array(1.5, dtype)], grad=[0, 1, 2]))
    for dtype in (np.int32, np.int64, np.uint8):
        t = np.array([0, 1, 5, 9, 200 if dtype == np.uint8 else -9, 3], dtype)
        out.append(Case("ClipByValue", f"{np.dtype(dtype).name}", [t, np.array(2, dtype), np.array(6, dtype)]))
    out.append(Case("ClipByValue", "int32 bounds of t's shape",
                    [np.array([[-5, 5], [0, 9]], np.int32), np.array([[0, 0], [1, 1]], np.int32),
                     np.array([[3, 3], [8, 8]], np.int32)]))
    t = uniform(404, [2, 3])
    out.append(Case("ClipByValue", "a [1] bound is rejected", [t, np.array([0.0]), np.array(1.0)], error=True))
    out.append(Case("ClipByValue", "a row bound is rejected", [t, np.zeros(3), np.array(1.0)], error=True))
    out.append(Case("ClipByValue", "a bound of the wrong shape is rejected", [t, np.array(0.0), np.ones([3, 2])],
                    error=True))
    out.append(Case("ClipByValue", "a vector bound on a scalar is rejected",
                    [np.array(0.5), np.array([0.0, 0.0]), np.array(1.0)], error=True))
    return out


def l2_loss_cases():
    out = []
    for dtype in (np.float32, np.float64):
        name = np.dtype(dtype).name
        out.append(Case("L2Loss", f"{name} [2, 3, 4]", [uniform(500, [2, 3, 4], dtype=dtype)], grad=[0]))
        out.append(Case("L2Loss", f"{name} scalar", [np.array(-3.0, dtype)], grad=[0]))
        out.append(Case("L2Loss", f"{name} empty", [np.zeros([0, 3], dtype)]))
        finite = np.array([v for v in EDGES if np.isfinite(v) and abs(v) < 1e20], dtype)
        out.append(Case("L2Loss", f"{name} edges without the huge", [finite]))
        out.append(Case("L2Loss", f"{name} Inf", [np.array([1, -np.inf, 2], dtype)]))
        out.append(Case("L2Loss", f"{name} NaN", [np.array([1, np.nan, np.inf], dtype)]))
    out.append(Case("L2Loss", "float32 1e30 overflows", [np.array([1e30, 1], np.float32)]))
    return out


def bias_add_v1_cases():
    out = []
    out.append(Case("BiasAddV1", "float64 [2, 3]", [uniform(600, [2, 3]), uniform(601, [3])], grad=[0, 1]))
    out.append(Case("BiasAddV1", "float32 [2, 2, 3]", [uniform(602, [2, 2, 3], dtype=np.float32),
                                                         uniform(603, [3], dtype=np.float32)], grad=[0, 1]))
    out.append(Case("BiasAddV1", "float64 [2, 3, 1, 4]", [uniform(604, [2, 3, 1, 4]), uniform(605, [4])], grad=[0, 1]))
    for dtype in (np.int32, np.int64, np.uint8):
        out.append(Case("BiasAddV1", f"{np.dtype(dtype).name}", [ramp([2, 3], dtype), np.array([1, 2, 250], dtype)]))
    out.append(Case("BiasAddV1", "rank 1 is rejected", [uniform(606, [3]), uniform(607, [3])], error=True))
    out.append(Case("BiasAddV1", "a bias per row is rejected", [uniform(608, [2, 3]), uniform(609, [2])], error=True))
    out.append(Case("BiasAddV1", "a matrix bias is rejected", [uniform(610, [2, 3]), uniform(611, [1, 3])],
                    error=True))
    return out


def polygamma_cases():
    out = []
    # Orders 0 (Digamma) to 4 and the NaN orders (non-integer, negative,
    # NaN) against x on both sides of the poles, the poles themselves, ±0,
    # tiny, huge, ±Inf and NaN: a column of orders against a row of x.
    orders = np.array([0, 1, 2, 3, 4, 0.5, -1, np.nan]).reshape(-1, 1)
    xs = np.array([-np.inf, -20.5, -2.5, -1.5, -1, -0.5, -0.0, 0, 1e-30, 0.5, 1, 1.5, 2.5, 6, 20, 100, 1e30, np.inf,
                   np.nan])
    out.append(Case("Polygamma", "float64 orders x edges", [orders, xs], rtol=1e-12))
    # float32: TensorFlow sums in float32 with only 9 terms before the
    # Euler-Maclaurin tail, which is inaccurate below x = -6 (-0.0476 for
    # polygamma(1, -20.5), whose value is 9.82): x above that here.
    xs32 = np.array([-5.5, -1.5, -0.5, 0.25, 0.5, 1, 1.5, 2.5, 6, 20, 100], np.float32)
    out.append(Case("Polygamma", "float32 orders 1 to 3", [np.array([[1], [2], [3]], np.float32), xs32], rtol=1e-5))
    out.append(Case("Polygamma", "far below the poles (reflection)",
                    [np.array([1.0, 2.0, 3.0]).reshape(3, 1), np.array([-100.25, -1000.75, -70.5])], rtol=1e-9))
    for dtype in (np.float32, np.float64):
        x = uniform(700, [2, 3], 0.3, 4, dtype=dtype)
        out.append(Case("Polygamma", f"{np.dtype(dtype).name} gradient in x", [np.array([1, 2, 0], dtype), x],
                        grad=[1], rtol=1e-5 if dtype == np.float32 else 1e-12))
    return out
