#!/usr/bin/env python3
"""Regenerates Tests/TensorGraphTests/Fixtures/elementwise/: what TensorFlow's
own CPU kernels compute for every op that elementwise fusion can hold (and
the comparisons, which it cannot), on
inputs at every edge: negatives, both zeros, both sides of each kink
(Relu6's 0 and 6, Elu's 0, Softplus's thresholds), huge and tiny
magnitudes, both infinities and NaN.

Each dtype (float32, float64) has one file of inputs and one file per op:

    values.<dtype>.npy   the 25 edge values v, in the order of VALUES
    <Op>.<dtype>.npy     a unary op applied to v ([25]); a binary op applied
                         to the grid x[i*25+j] = v[i], y[j] = v[j] ([625]),
                         x the op's first input, y its second

Every op runs through tf.raw_ops with TensorFlow's input names, so the
fixtures are TensorFlow's values, not a reimplementation. Needs TensorFlow
2.21 (tensorflow-cpu==2.21.*) and numpy:

    python3 scripts/make-elementwise-fixtures.py           # rewrite the files
    python3 scripts/make-elementwise-fixtures.py --check   # compare, write nothing
"""
import os
import sys

import numpy as np

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
import tensorflow as tf  # noqa: E402
from tensorflow.python.framework import op_def_registry  # noqa: E402

if not tf.__version__.startswith("2.21."):
    sys.exit(f"make-elementwise-fixtures.py: needs TensorFlow 2.21, found {tf.__version__}")

HERE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "Tests", "TensorGraphTests", "Fixtures",
                    "elementwise")

INF = float("inf")
# Kinks: 0 (Relu, Elu, Sign, Abs, the Grad ops' masks), 6 (Relu6), about
# ±13 and ±15 (Softplus switches formulas near log(epsilon) + 2), large
# arguments of Sigmoid/Tanh, and magnitudes that overflow Exp and Square.
VALUES = [-INF, -1e30, -100, -20, -15, -13, -6, -1, -0.5, -1e-30, -0.0, 0.0, 1e-30, 0.5, 1, 5.5, 6, 6.5, 13, 15,
          20, 100, 1e30, INF, float("nan")]

UNARY = ["Neg", "Abs", "Square", "Sign", "Exp", "Log", "Sqrt", "Rsqrt", "Reciprocal", "Relu", "Relu6", "Elu",
         "Softplus", "Sigmoid", "Tanh"]
BINARY = ["AddV2", "Sub", "Mul", "RealDiv", "Maximum", "Minimum", "SquaredDifference", "Pow", "ReluGrad",
          "Relu6Grad", "EluGrad", "SoftplusGrad", "SigmoidGrad", "TanhGrad", "SqrtGrad", "RsqrtGrad",
          "ReciprocalGrad"]
# Elementwise ops outside the fusion table, with the same inputs (bool outputs).
COMPARISON = ["Equal", "NotEqual", "Less", "LessEqual", "Greater", "GreaterEqual"]


def run(op, inputs):
    names = [a.name for a in op_def_registry.get(op).input_arg]
    assert len(names) == len(inputs), (op, names)
    return getattr(tf.raw_ops, op)(**dict(zip(names, inputs))).numpy()


def arrays():
    out = {}
    for dtype in ["float32", "float64"]:
        v = np.array(VALUES, dtype=dtype)
        x = np.repeat(v, len(v))
        y = np.tile(v, len(v))
        out[f"values.{dtype}.npy"] = v
        with tf.device("/CPU:0"):
            for op in UNARY:
                out[f"{op}.{dtype}.npy"] = run(op, [tf.constant(v)])
            for op in BINARY + COMPARISON:
                out[f"{op}.{dtype}.npy"] = run(op, [tf.constant(x), tf.constant(y)])
    return out


def main():
    check = "--check" in sys.argv[1:]
    os.makedirs(HERE, exist_ok=True)
    bad = 0
    for name, array in sorted(arrays().items()):
        path = os.path.join(HERE, name)
        if check:
            if not os.path.exists(path):
                print(f"missing: {name}")
                bad += 1
                continue
            old = np.load(path)
            if old.dtype != array.dtype or old.shape != array.shape or old.tobytes() != array.tobytes():
                print(f"differs: {name}")
                bad += 1
        else:
            tmp = path + ".tmp"
            with open(tmp, "wb") as f:
                np.save(f, array)
            os.replace(tmp, path)
    if check:
        print("elementwise fixtures: " + ("all match" if bad == 0 else f"{bad} differ"))
        sys.exit(1 if bad else 0)
    print(f"wrote {len(arrays())} files to {os.path.normpath(HERE)}")


if __name__ == "__main__":
    main()
