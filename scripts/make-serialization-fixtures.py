#!/usr/bin/env python3
"""Regenerates the interop fixtures under Tests/TensorGraphTests/Fixtures/.

The .npy files are written by numpy itself (np.save, and
np.lib.format.write_array for explicit format versions 2.0 and 3.0); the
.safetensors file by the reference `safetensors` package. The tests check
the exact values below and that TensorGraph writes the same bytes as
np.save. Needs numpy and safetensors (`pip install numpy safetensors`).

    python3 scripts/make-serialization-fixtures.py
"""
import os
import numpy as np

here = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "Tests", "TensorGraphTests", "Fixtures")
npy = os.path.join(here, "npy")
os.makedirs(npy, exist_ok=True)

def save(name, array):
    np.save(os.path.join(npy, name), array)

# Format 1.0, one file per dtype, as np.save writes them.
save("f32_2x3.npy", np.array([[1.5, -0.0, np.inf], [-np.inf, np.nan, 3.4028235e38]], dtype="<f4"))
save("f64_5.npy", np.array([0.1, -2.5, 1e-300, 5e-324, 1e300], dtype="<f8"))
save("i32_scalar.npy", np.array(-7, dtype="<i4"))
save("i64_3x0.npy", np.zeros((3, 0), dtype="<i8"))
save("i64_4.npy", np.array([-9223372036854775808, -1, 0, 9223372036854775807], dtype="<i8"))
save("u8_2x2.npy", np.array([[0, 1], [254, 255]], dtype="|u1"))
save("bool_3.npy", np.array([True, False, True]))
# Large first dimension: the header's growth padding depends on its digits.
save("f32_12345x1.npy", np.arange(12345, dtype="<f4").reshape(12345, 1))

# Explicit format versions 2.0 (4-byte header length) and 3.0 (UTF-8 header).
with open(os.path.join(npy, "f32_v2.npy"), "wb") as f:
    np.lib.format.write_array(f, np.array([[1, 2], [3, 4]], dtype="<f4"), version=(2, 0))
with open(os.path.join(npy, "i64_v3.npy"), "wb") as f:
    np.lib.format.write_array(f, np.array([10, 20, 30], dtype="<i8"), version=(3, 0))

# Byte order and memory order that TensorGraph converts on reading.
save("f64_bigendian.npy", np.array([1.0, -2.0, 0.5], dtype=">f8"))
save("i32_bigendian_2x2.npy", np.array([[1, -2], [65536, 7]], dtype=">i4"))
save("i32_fortran_2x3x4.npy", np.asfortranarray(np.arange(24, dtype="<i4").reshape(2, 3, 4)))

# Unsupported: a float16 array.
save("f16_unsupported.npy", np.array([1, 2], dtype="<f2"))

from safetensors.numpy import save_file
save_file(
    {
        "weight": np.arange(6, dtype=np.float32).reshape(2, 3),
        "bias": np.array([0.5, -0.5], dtype=np.float64),
        "step": np.array(42, dtype=np.int64),
        "ids": np.array([1, 2, 3], dtype=np.int32),
        "pixels": np.array([0, 128, 255], dtype=np.uint8),
        "mask": np.array([True, False], dtype=np.bool_),
    },
    os.path.join(here, "python.safetensors"),
    metadata={"format": "np", "source": "safetensors-python"},
)
print("fixtures written to", os.path.normpath(here))
