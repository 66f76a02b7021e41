"""TensorFlow's further activations: LeakyRelu (every alpha sign, float64
with a float32 alpha), Selu, Softsign and their gradient ops, on every edge
value in float32 and float64, with gradients on smooth inputs."""
import numpy as np

from .common import EDGES, Case, uniform


def cases():
    out = []
    for dtype in (np.float32, np.float64):
        name = np.dtype(dtype).name
        # Selu's exp(x) − 1 cancels to 0 for tiny negatives; ±1e-8 show it.
        edges = np.array(EDGES + [-1e-8, 1e-8, -0.3], dtype)
        rtol = 1e-5 if dtype == np.float32 else 1e-13
        smooth = uniform(70, [3, 4], dtype=dtype)
        smooth = np.where(np.abs(smooth) < 0.05, 0.5, smooth).astype(dtype)
        for alpha in (None, 0.1, -2.0, 1.5, 0.0):
            attrs = {} if alpha is None else {"alpha": alpha}
            label = "default alpha" if alpha is None else f"alpha {alpha}"
            out.append(Case("LeakyRelu", f"{name} edges {label}", [edges], attrs=attrs))
            out.append(Case("LeakyRelu", f"{name} gradient {label}", [smooth], attrs=attrs, grad=[0], rtol=rtol))
            out.append(Case("LeakyReluGrad", f"{name} edges {label}",
                            [np.full(edges.shape, 1.5, dtype), edges], attrs=attrs))
            out.append(Case("LeakyReluGrad", f"{name} gradient {label}",
                            [uniform(71, [3, 4], dtype=dtype), smooth], attrs=attrs, grad=[0], rtol=rtol))
        for op in ("Selu", "Softsign"):
            out.append(Case(op, f"{name} edges", [edges], rtol=rtol))
            out.append(Case(op, f"{name} gradient", [smooth], grad=[0], rtol=rtol))
        # The gradient ops on edge operands (outputs of Selu reach down to
        # -λα = -1.758…), and their own gradients where TensorFlow has one.
        g_edges = np.array(EDGES + [-1.7580993408473766, -1.75, -1e-8], dtype)
        ones = np.full(g_edges.shape, 0.75, dtype)
        out.append(Case("SeluGrad", f"{name} edges", [ones, g_edges], rtol=rtol))
        out.append(Case("SeluGrad", f"{name} edge gradients", [g_edges, ones], rtol=rtol))
        selu_outputs = uniform(72, [3, 4], -1.7, 2, dtype=dtype)
        out.append(Case("SeluGrad", f"{name} gradient", [uniform(73, [3, 4], dtype=dtype), selu_outputs],
                        grad=[0, 1], rtol=rtol))
        out.append(Case("SoftsignGrad", f"{name} edges", [ones, g_edges], rtol=rtol))
        out.append(Case("SoftsignGrad", f"{name} edge gradients", [g_edges, ones], rtol=rtol))
    out.append(Case("LeakyReluGrad", "shapes that differ are rejected", [np.ones([2, 3]), np.ones([3, 2])], error=True))
    out.append(Case("SeluGrad", "shapes that differ are rejected", [np.ones([2]), np.ones([3])], error=True))
    out.append(Case("SoftsignGrad", "shapes that differ are rejected", [np.ones([2]), np.ones([3])], error=True))
    return out
