"""TensorFlow's rounding, trigonometric and special functions on every edge
value, in float32 and float64, with gradients on smooth inputs."""
import numpy as np

from .common import EDGES, Case, uniform

UNARY = {
    # op: the interval its gradient is checked on (None: no gradient)
    "Floor": None, "Ceil": None, "Rint": None, "Round": None,
    "Sin": (-4, 4), "Cos": (-4, 4), "Log1p": (-0.8, 3), "Expm1": (-3, 3), "Erf": (-2.5, 2.5),
    "Tan": (-1.2, 1.2), "Asin": (-0.9, 0.9), "Acos": (-0.9, 0.9), "Atan": (-3, 3),
    "Sinh": (-3, 3), "Cosh": (-3, 3), "Asinh": (-3, 3), "Acosh": (1.2, 4), "Atanh": (-0.9, 0.9),
    "Erfc": (-2.5, 2.5), "Lgamma": (0.3, 4),
    # Digamma's gradient is TensorFlow's polygamma(1, x), an op we do not
    # have yet: its values only.
    "Digamma": None,
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
    # Round of an integer tensor: tf.math.round returns it unchanged (ours
    # too), but TensorFlow 2.21's raw Round CPU kernel gives zeros for
    # int32 and int64, so there is no integer fixture (UnaryMathOpTests
    # checks ours).
    return out
