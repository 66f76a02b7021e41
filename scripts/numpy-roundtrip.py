#!/usr/bin/env python3
"""The numpy round trip of the README, checked: numpy writes images.npy,
`tg run` computes Graphs/fashion_mlp.json's probabilities on them, numpy
loads results/probs.npy back and compares it with the same forward pass
computed in numpy from the weights file. Needs numpy and a built tg
(TG=path/to/tg, else .build/release/tg or .build/debug/tg).

    python3 scripts/numpy-roundtrip.py
"""
import json, os, struct, subprocess, sys, tempfile
import numpy as np

root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
tg = os.path.abspath(os.environ["TG"]) if os.environ.get("TG") else next(
    (p for p in (os.path.join(root, ".build", c, "tg") for c in ("release", "debug")) if os.path.exists(p)), None)
if tg is None:
    sys.exit("no tg binary: run `swift build -c release` or set TG")

def safetensors(path):
    raw = open(path, "rb").read()
    n = struct.unpack("<Q", raw[:8])[0]
    header = json.loads(raw[8:8 + n])
    return {name: np.frombuffer(raw[8 + n + info["data_offsets"][0]:8 + n + info["data_offsets"][1]],
                                dtype={"F32": "<f4"}[info["dtype"]]).reshape(info["shape"])
            for name, info in header.items() if name != "__metadata__"}

with tempfile.TemporaryDirectory() as work:
    images = np.random.default_rng(0).random((3, 28, 28), dtype=np.float32)
    np.save(os.path.join(work, "images.npy"), images)
    graph = os.path.join(root, "Graphs", "fashion_mlp.json")
    subprocess.run([tg, "run", graph, "--feed", "x=images.npy", "--fetch", "probs", "--out", "results"],
                   cwd=work, check=True)
    probs = np.load(os.path.join(work, "results", "probs.npy"))

    w = safetensors(os.path.join(root, "Graphs", "fashion_mlp.safetensors"))
    h = np.maximum(images.reshape(3, 784) @ w["dense/kernel"] + w["dense/bias"], 0)
    z = h @ w["dense_1/kernel"] + w["dense_1/bias"]
    want = np.exp(z - z.max(axis=1, keepdims=True))
    want /= want.sum(axis=1, keepdims=True)
    error = np.abs(probs - want).max()
    print(f"probs.npy: {probs.dtype} {probs.shape}; largest difference from numpy's forward pass: {error:.2e}")
    sys.exit(0 if probs.dtype == np.float32 and probs.shape == (3, 10) and error < 1e-6 else 1)
