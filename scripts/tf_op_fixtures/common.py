"""The fixture format shared by every op family.

A case is one call of one raw op: its inputs (numpy arrays; a list of
arrays for a list argument such as ConcatV2's ``values``), the attributes
given explicitly (everything else takes TensorFlow's default, so the
fixture also checks that our defaults are TensorFlow's), which inputs to
differentiate, and tolerances. ``make-op-fixtures.py`` runs it and stores,
per case ``k`` of a family, in one .safetensors file:

    c<k>/x<i>    the i-th input, list arguments flattened in order
    c<k>/y<i>    the i-th output
    c<k>/dy<i>   the upstream gradient of output i (float outputs only)
    c<k>/dx<i>   d/dx_i of sum_j sum(y_j * dy_j), for each i in ``grad``

and in the file's metadata under "cases" a JSON list with one object per
case: op, label, attrs (in the graph format's AttrValue JSON: {"i": 3},
{"f": 0.5}, {"b": true}, {"s": "SAME"}, {"type": "DT_FLOAT"},
{"list": {"i": [1, 2]}}), inputs (count), outputs (count), grad (indices),
rtol, atol, and error (TensorFlow's message when the op rejects its
inputs; then there are no outputs).
"""
from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional, Sequence

import numpy as np


@dataclass
class Case:
    """One call of ``tf.raw_ops.<op>``."""

    op: str
    label: str
    # Inputs in the OpDef's order: an array, or a list of arrays for a list
    # argument (``N * T`` or a type list).
    inputs: Sequence[Any]
    # Attributes by TensorFlow name, as Python values: int, float, bool,
    # str, a numpy/TF dtype, or a list of one of those. Type attributes
    # inferred from the inputs (T, Tidx, …) need not be given.
    attrs: Dict[str, Any] = field(default_factory=dict)
    # Flat input indices to differentiate (float inputs only).
    grad: List[int] = field(default_factory=list)
    rtol: Optional[float] = None
    atol: Optional[float] = None
    # True when TensorFlow must reject the inputs (the fixture records its
    # message; our op must throw at build or run time).
    error: bool = False


def rng(seed):
    """A seeded generator: every family's values are reproducible."""
    return np.random.default_rng(seed)


def uniform(seed, shape, low=-2.0, high=2.0, dtype=np.float64):
    """Uniform values of ``shape``; float32 values are rounded once here."""
    return rng(seed).uniform(low, high, size=shape).astype(dtype)


def ramp(shape, dtype=np.float32, start=0):
    """start, start+1, …: every element distinct, so a misplaced one shows."""
    n = int(np.prod(shape)) if len(shape) else 1
    return (np.arange(n) + start).reshape(shape).astype(dtype)


# Edge values every elementwise family should feed (both zeros, both
# infinities, NaN, huge and tiny magnitudes, the usual kinks).
EDGES = [-np.inf, -1e30, -100.0, -20.0, -6.0, -2.5, -1.5, -1.0, -0.5, -1e-30, -0.0, 0.0, 1e-30, 0.5, 1.0, 1.5,
         2.5, 6.0, 20.0, 100.0, 1e30, np.inf, np.nan]
