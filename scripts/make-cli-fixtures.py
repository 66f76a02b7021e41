#!/usr/bin/env python3
"""Regenerates the numpy inputs of the `tg` tests under Tests/CLITests/Fixtures/.

Each file is written by numpy's own np.save from a fixed seed, so the tests
run `tg run` on exactly what a numpy user would hand it. Needs numpy.

    python3 scripts/make-cli-fixtures.py
"""
import os
import numpy as np

here = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "Tests", "CLITests", "Fixtures")
os.makedirs(here, exist_ok=True)
rng = np.random.default_rng(20240917)

def save(name, array):
    np.save(os.path.join(here, name), array)

# Two 28x28 "images" in [0, 1) for Graphs/fashion_mlp.json and its training graph.
images = rng.random((2, 28, 28), dtype=np.float32)
save("fashion_x.npy", images)
# The same values in Fortran (column-major) order: tg must read them as numpy does.
save("fashion_x_fortran.npy", np.asfortranarray(images))
# Their labels, for the training graph.
save("fashion_labels.npy", np.array([3, 7], dtype=np.int32))
# One flattened image for Graphs/mnist_mlp.json.
save("mnist_x.npy", rng.random((1, 784), dtype=np.float32))
